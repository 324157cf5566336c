"""Reading course archives that come from outside (a partner's Studio export) without trusting them.

A ``.tar.gz`` is read member by member into memory, never extracted by ``tarfile`` itself:
absolute paths, ``..``, links (symbolic or hard), devices and FIFOs are refused, as are
archives past a file-count or size limit (counted on what is actually decompressed, so a
gzip bomb stops at the limit). Every XML file is then parsed with the hardened parser, which
refuses DTDs, and so external entities and entity-expansion bombs. Each refusal is an
``ArchiveError`` with a message a course team can act on.
"""
from __future__ import annotations

import tarfile
from pathlib import Path, PurePosixPath


from .olx import CourseError, CourseTree, parse_fragment, parse_xml

MAX_FILES = 5000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024


class ArchiveError(CourseError):
    """An archive we refuse to read."""


def safe_member_path(name: str) -> tuple[str, ...]:
    """The parts of a member path, refusing absolute paths, drive letters and ``..``."""
    if not name or name.startswith(('/', '\\')) or (len(name) > 1 and name[1] == ':'):
        raise ArchiveError(f'"{name}" is an absolute path; archive members must stay inside the course folder.')
    if '\\' in name or '\x00' in name:
        raise ArchiveError(f'"{name}" contains a backslash or NUL character.')
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ('', '.'))
    if '..' in parts:
        raise ArchiveError(f'"{name}" climbs out of the course folder with "..".')
    if not parts:
        raise ArchiveError(f'"{name}" names no file.')
    return parts


def read_archive(path: Path, max_files: int = MAX_FILES, max_total_bytes: int = MAX_TOTAL_BYTES,
                 max_file_bytes: int = MAX_FILE_BYTES) -> CourseTree:
    """The course inside a ``.tar.gz`` export: ``{path inside the course folder: bytes}``.

    The archive holds one top folder (Studio names it ``course``) with ``course.xml`` in it.
    """
    path = Path(path)
    try:
        archive = tarfile.open(path, mode='r:*')
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ArchiveError(f'{path.name} is not a readable .tar.gz archive: {error}') from None
    files: dict[tuple[str, ...], bytes] = {}
    total = count = 0
    try:
        with archive:
            for member in archive:
                count += 1
                if count > max_files:
                    raise ArchiveError(f'The archive holds more than {max_files} entries; refusing to read it.')
                parts = safe_member_path(member.name)
                if member.issym() or member.islnk():
                    raise ArchiveError(f'"{member.name}" is a link (to "{member.linkname}"); '
                                       'archives with links are refused.')
                if member.isdev() or member.isfifo():
                    raise ArchiveError(f'"{member.name}" is a device or FIFO; only files and folders are accepted.')
                if member.isdir():
                    continue
                if not member.isfile():
                    raise ArchiveError(f'"{member.name}" is not a regular file.')
                if member.size > max_file_bytes:
                    raise ArchiveError(f'"{member.name}" is larger than {max_file_bytes // (1024 * 1024)} MB.')
                total += member.size
                if total > max_total_bytes:
                    raise ArchiveError(f'The archive unpacks to more than {max_total_bytes // (1024 * 1024)} MB; '
                                       'refusing to read it.')
                handle = archive.extractfile(member)
                data = handle.read(member.size + 1) if handle else b''
                if len(data) != member.size:
                    raise ArchiveError(f'"{member.name}" does not have the size its header says.')
                if parts in files:
                    raise ArchiveError(f'"{member.name}" appears twice in the archive.')
                files[parts] = data
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        if isinstance(error, CourseError):
            raise
        raise ArchiveError(f'{path.name} is damaged: {error}') from None
    tops = {parts[0] for parts in files}
    if len(tops) != 1 or any(len(parts) < 2 for parts in files):
        raise ArchiveError('A course archive has exactly one top folder (e.g. "course/") holding course.xml; '
                           f'found: {", ".join(sorted(tops)) or "nothing"}.')
    tree = {'/'.join(parts[1:]): data for parts, data in sorted(files.items())}
    if 'course.xml' not in tree:
        raise ArchiveError(f'The top folder "{tops.pop()}/" has no course.xml.')
    check_markup(tree)
    return tree


def check_markup(tree: CourseTree) -> None:
    """Parse every XML and HTML file with the hardened parser (refuses DTDs, entities, bombs)."""
    for name, data in tree.items():
        if name.startswith('static/'):
            continue
        if name.endswith('.xml'):
            parse_xml(data, name)
        elif name.endswith('.html'):
            parse_fragment(data, name)


def extract_to_folder(tree: CourseTree, folder: Path) -> Path:
    """Write a checked tree under ``folder``; every path is re-checked so nothing lands outside it."""
    folder = Path(folder).resolve()
    for name, data in tree.items():
        target = folder.joinpath(*safe_member_path(name)).resolve()
        if folder not in target.parents:
            raise ArchiveError(f'"{name}" would be written outside {folder}.')
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder
