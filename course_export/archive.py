"""Reading course archives that come from outside (a partner's Studio export) without trusting them.

A ``.tar.gz`` is read member by member into memory, never extracted by ``tarfile`` itself:
absolute paths, ``..``, links (symbolic or hard), devices and FIFOs are refused, as are
archives past a file-count or size limit (counted on what is actually decompressed, so a
gzip bomb stops at the limit). Every XML file is then parsed with the hardened parser, which
refuses DTDs, and so external entities and entity-expansion bombs. Each refusal is an
``ArchiveError`` with a message a course team can act on.

The limits (``Limits``) are sized for real Studio exports: a 10,000-block course is about
15,000 entries, and big programmes with their images and PDFs reach a few hundred MB. They
can be set per run (``magix course check --max-files/--max-mb/--max-file-mb``) or per
deployment (``MAGIX_COURSE_MAX_FILES``, ``MAGIX_COURSE_MAX_MB``, ``MAGIX_COURSE_MAX_FILE_MB``).
"""
from __future__ import annotations

import os
import tarfile
from dataclasses import dataclass
import io
import zlib
from pathlib import Path

from .olx import CourseError, CourseTree, ParsedXml, parse_fragment

MB = 1024 * 1024
MAX_FILES = 100_000
MAX_TOTAL_BYTES = 2048 * MB
MAX_FILE_BYTES = 200 * MB
LIMIT_VARIABLES = {'max_files': ('MAGIX_COURSE_MAX_FILES', 1),
                   'max_total_bytes': ('MAGIX_COURSE_MAX_MB', MB),
                   'max_file_bytes': ('MAGIX_COURSE_MAX_FILE_MB', MB)}


@dataclass(frozen=True)
class Limits:
    """How much of an archive we read: entries (files and folders), MB unpacked, MB per file."""
    max_files: int = MAX_FILES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_file_bytes: int = MAX_FILE_BYTES

    @classmethod
    def from_environment(cls, environ=None, **given) -> 'Limits':
        """Defaults, overridden by the ``MAGIX_COURSE_MAX_*`` variables, overridden by ``given`` (not None)."""
        environ = os.environ if environ is None else environ
        values = {}
        for name, (variable, unit) in LIMIT_VARIABLES.items():
            raw = environ.get(variable, '').strip()
            if raw:
                try:
                    values[name] = int(raw) * unit
                except ValueError:
                    raise CourseError(f'{variable}={raw!r} is not a whole number.') from None
        values.update({name: value for name, value in given.items() if value is not None})
        limits = cls(**values)
        if min(limits.max_files, limits.max_total_bytes, limits.max_file_bytes) <= 0:
            raise CourseError('Archive limits must be positive.')
        return limits


class ArchiveError(CourseError):
    """An archive we refuse to read."""


def safe_member_path(name: str) -> tuple[str, ...]:
    """The parts of a member path, refusing absolute paths, drive letters and ``..``."""
    if not name or name.startswith(('/', '\\')) or (len(name) > 1 and name[1] == ':'):
        raise ArchiveError(f'"{name}" is an absolute path; archive members must stay inside the course folder.')
    if '\\' in name or '\x00' in name:
        raise ArchiveError(f'"{name}" contains a backslash or NUL character.')
    parts = tuple(part for part in name.split('/') if part not in ('', '.'))  # as PurePosixPath.parts
    if '..' in parts:
        raise ArchiveError(f'"{name}" climbs out of the course folder with "..".')
    if not parts:
        raise ArchiveError(f'"{name}" names no file.')
    return parts


def gunzip(path: Path, limits: Limits) -> bytes | None:
    """The tar inside a gzip file, decompressed in memory up to what the limits allow; None if not gzip.

    Reading members from memory is several times faster than through ``tarfile``'s gzip stream;
    the bound (the limits plus tar's own headers and padding) stops a gzip bomb early.
    """
    bound = limits.max_total_bytes + (limits.max_files + 20) * 1024
    with open(path, 'rb') as handle:
        if handle.read(2) != b'\x1f\x8b':
            return None
        handle.seek(0)
        chunks, size, pending = [], 0, b''
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while True:
            pending = pending or handle.read(1024 * 1024)
            if not pending:
                break
            chunks.append(decompressor.decompress(pending, bound + 1 - size))
            size += len(chunks[-1])
            if size > bound:
                raise ArchiveError(f'The archive unpacks to more than {limits.max_total_bytes // MB} MB; refusing '
                                   'to read it (raise the limit with --max-mb or MAGIX_COURSE_MAX_MB).')
            pending = decompressor.unconsumed_tail
            if decompressor.eof:  # a gzip file may hold several members, one after the other
                pending = decompressor.unused_data + pending + handle.read()
                if not pending.strip(b'\0'):
                    break
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        if not decompressor.eof:
            raise ArchiveError(f'{path.name} is cut short (the gzip stream does not end).')
    return b''.join(chunks)


def read_archive(path: Path, limits: Limits | None = None, parsed: ParsedXml | None = None) -> CourseTree:
    """The course inside a ``.tar.gz`` export: ``{path inside the course folder: bytes}``.

    The archive holds one top folder (Studio names it ``course``) with ``course.xml`` in it.
    ``parsed``, when given, keeps the XML roots parsed on the way (the checks reuse them).
    """
    limits = limits or Limits()
    max_files, max_total_bytes, max_file_bytes = limits.max_files, limits.max_total_bytes, limits.max_file_bytes
    path = Path(path)
    try:
        raw = gunzip(path, limits)
        archive = tarfile.open(fileobj=io.BytesIO(raw), mode='r:') if raw is not None else tarfile.open(path, 'r:*')
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise ArchiveError(f'{path.name} is not a readable .tar.gz archive: {error}') from None
    files: dict[tuple[str, ...], bytes] = {}
    total = count = 0
    try:
        with archive:
            for member in archive:
                count += 1
                if count > max_files:
                    raise ArchiveError(f'The archive holds more than {max_files:,} entries; refusing to read it '
                                       '(raise the limit with --max-files or MAGIX_COURSE_MAX_FILES).')
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
                    raise ArchiveError(f'"{member.name}" is larger than {max_file_bytes // MB} MB '
                                       '(raise the limit with --max-file-mb or MAGIX_COURSE_MAX_FILE_MB).')
                total += member.size
                if total > max_total_bytes:
                    raise ArchiveError(f'The archive unpacks to more than {max_total_bytes // MB} MB; refusing '
                                       'to read it (raise the limit with --max-mb or MAGIX_COURSE_MAX_MB).')
                if raw is not None and not member.issparse():  # the file's bytes, straight from the tar
                    data = raw[member.offset_data:member.offset_data + member.size]
                else:
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
    if parsed is None:
        parsed = ParsedXml(tree)
    parsed.tree = tree
    check_markup(tree, parsed)
    return tree


def check_markup(tree: CourseTree, parsed: ParsedXml) -> None:
    """Parse every XML and HTML file with the hardened parser (refuses DTDs, entities, bombs)."""
    for name, data in tree.items():
        if name.startswith('static/'):
            continue
        if name.endswith('.xml'):
            parsed[name]  # noqa: B018 - parsed once here, kept for the checks
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
