"""OLX trees in memory: read a course folder, assemble the demo course, write files and archives.

A course is a ``CourseTree``: a mapping from POSIX paths inside the course folder
(``course.xml``, ``html/eligibility-intro.html``, ``static/...``) to file bytes. Everything
else (extraction, translation, checks) works on this mapping, so a course read from the
repository, from a partner's archive or built for a language is handled the same way.

XML files are parsed with the shared hardened parser (``xblocks.xml_safety``) and written
back with ``xml_bytes``; the demo course source is kept in that canonical form, which is why
a build with an empty catalogue reproduces it byte for byte.
"""
from __future__ import annotations

import json
import os
import re
import tarfile
from collections import OrderedDict
from pathlib import Path

from lxml import etree

from xblocks import xml_safety

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent
DEMO_COURSE = PACKAGE / 'demo_course'
SCENARIO_CONTENT = REPO / 'xblocks' / 'scenario' / 'content'
PATHWAY_CONTENT = REPO / 'xblocks' / 'credentials' / 'content'
ARCHIVE_TOP = 'course'
SCENARIO_TAG = 'magix_scenario'
CREDENTIAL_TAG = 'magix_credential_progress'
# Our XBlock tags: olxcleaner must accept them (``allowed_xblocks``) and the extractor reads them.
OUR_XBLOCKS = (SCENARIO_TAG, CREDENTIAL_TAG)
CONTENT_FILE = re.compile(r'^(?:\d+-)?(?P<slug>[a-z0-9][a-z0-9-]*)\.xml$')


class CourseError(ValueError):
    """A course (folder, archive or file in it) that cannot be used; the message says why and where."""


CourseTree = dict  # path inside the course folder -> bytes


def read_folder(folder: Path) -> CourseTree:
    """Every regular file under ``folder`` (symbolic links are refused, not followed).

    One ``scandir`` per folder tells links, folders and files apart without a system call per
    file, and files are read unbuffered (one read each): reading is the one part of
    ``i18n extract`` and ``course build`` no second process can share.
    """
    folder = Path(folder)
    if not (folder / 'course.xml').is_file():
        raise CourseError(f'{folder} is not a course folder: course.xml is missing.')
    tree = {}
    pending = [('', os.fspath(folder))]
    while pending:
        prefix, directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_symlink():
                    raise CourseError(f'{name} is a symbolic link; course folders may not contain links.')
                if entry.is_dir(follow_symlinks=False):
                    pending.append((name + '/', entry.path))
                elif entry.is_file(follow_symlinks=False):
                    with open(entry.path, 'rb', buffering=0) as handle:
                        tree[name] = handle.read()
    return dict(sorted(tree.items()))


def content_files(folder: Path) -> dict[str, Path]:
    """``slug -> file`` for the content files of a folder named ``<NN>-<slug>.xml`` (or ``<slug>.xml``)."""
    found = {}
    if folder and Path(folder).is_dir():
        for path in sorted(Path(folder).glob('*.xml')):
            match = CONTENT_FILE.match(path.name)
            if match:
                found[match['slug']] = path
    return found


def pointer_targets(tree: CourseTree, tag: str) -> list[str]:
    """The ``url_name``s of the ``<tag url_name=.../>`` pointers found in the verticals."""
    names = []
    for path in sorted(tree):
        if path.startswith('vertical/') and path.endswith('.xml') and tag.encode() in tree[path]:
            for element in parse_xml(tree[path], path).iter(tag):
                if element.get('url_name'):
                    names.append(element.get('url_name'))
    return names


def assemble(source: Path = DEMO_COURSE, scenario_dir: Path = SCENARIO_CONTENT,
             pathway_dir: Path = PATHWAY_CONTENT, missing: list | None = None) -> CourseTree:
    """The demo course as Studio would export it: the source tree plus our blocks' content files.

    The source does not copy scenario (or pathway) XML: a vertical says
    ``<magix_scenario url_name="eligibility"/>`` and the file ``<NN>-eligibility.xml`` of
    ``scenario_dir`` becomes ``magix_scenario/eligibility.xml``. Same for
    ``magix_credential_progress`` and ``pathway_dir``. A missing content file is an error,
    unless a ``missing`` list is given: it then receives the messages and the pointer stays.
    """
    tree = read_folder(source)
    for tag, folder in ((SCENARIO_TAG, scenario_dir), (CREDENTIAL_TAG, pathway_dir)):
        available = content_files(folder)
        for url_name in pointer_targets(tree, tag):
            target = f'{tag}/{url_name}.xml'
            if target in tree:
                continue
            if url_name not in available:
                message = (f'The course uses <{tag} url_name="{url_name}"/> but {folder} has no '
                           f'content file for "{url_name}" (expected <NN>-{url_name}.xml).')
                if missing is None:
                    raise CourseError(message)
                missing.append(message)
                continue
            tree[target] = available[url_name].read_bytes()
    return dict(sorted(tree.items()))


# ---------------------------------------------------------------- XML and JSON in canonical form

DOCTYPE = re.compile(rb'<!DOCTYPE|<!ENTITY', re.IGNORECASE)


def parse_xml(data: bytes, path: str) -> etree._Element:
    """Parse an OLX file with the hardened parser; problems name the file.

    A DOCTYPE is refused before parsing, so entity tricks (external entities, expansion bombs)
    get the message that names them rather than a parser error.
    """
    if DOCTYPE.search(data):
        raise CourseError(f'{path}: {unsafe_xml_message(xml_safety.UnsafeXML(xml_safety.DOCTYPE))}')
    try:
        return xml_safety.parse_untrusted_xml(data)
    except xml_safety.UnsafeXML as error:
        raise CourseError(f'{path}: {unsafe_xml_message(error)}') from None


class ParsedXml(dict):
    """The XML files of a tree, each parsed once on first use (``parsed[path]``), for checks that share them.

    The roots are read, never changed: a build writes into its own parsed documents.
    """

    def __init__(self, tree: CourseTree):
        super().__init__()
        self.tree = tree

    def __missing__(self, path: str) -> etree._Element:
        root = self[path] = parse_xml(self.tree[path], path)
        return root


def unsafe_xml_message(error: xml_safety.UnsafeXML) -> str:
    messages = {
        xml_safety.TOO_LARGE: 'the file is larger than {limit} MB',
        xml_safety.EMPTY: 'the file is empty',
        xml_safety.MALFORMED: 'the XML is not well formed: {error}',
        xml_safety.DOCTYPE: 'DOCTYPE declarations (and so entities) are not allowed',
    }
    text = messages[error.kind].format(**error.params)
    return f'line {error.line}: {text}' if error.line else text


def xml_bytes(root: etree._Element) -> bytes:
    """How we write an OLX file: lxml's serialisation, UTF-8, no declaration, final newline."""
    return etree.tostring(root, encoding='unicode').encode('utf-8') + b'\n'


FRAGMENT_WRAPPER = 'magix-fragment'


def parse_fragment(data: bytes, path: str) -> etree._Element:
    """An HTML file of the course (html body, about page, updates) read as an XHTML fragment.

    The content is wrapped in one element so that text before the first tag is kept; files
    that are not well-formed XML (``&nbsp;``, unclosed ``<br>``) fall back to lxml's HTML parser.
    """
    if DOCTYPE.search(data):
        raise CourseError(f'{path}: {unsafe_xml_message(xml_safety.UnsafeXML(xml_safety.DOCTYPE))}')
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as error:
        raise CourseError(f'{path}: not UTF-8 text ({error.reason} at byte {error.start})') from None
    try:
        return etree.fromstring(f'<{FRAGMENT_WRAPPER}>{text}</{FRAGMENT_WRAPPER}>'.encode('utf-8'),
                                xml_safety.shared_parser())
    except etree.XMLSyntaxError:
        pass
    from lxml import html
    wrapper = etree.Element(FRAGMENT_WRAPPER)
    fragments = html.fragments_fromstring(text) if text.strip() else []
    for fragment in fragments:
        if isinstance(fragment, str):
            if len(wrapper):
                wrapper[-1].tail = (wrapper[-1].tail or '') + fragment
            else:
                wrapper.text = (wrapper.text or '') + fragment
        else:
            wrapper.append(fragment)
    return wrapper


def fragment_bytes(wrapper: etree._Element) -> bytes:
    """The inverse of ``parse_fragment`` for well-formed files."""
    return inner_markup(wrapper).encode('utf-8')


def inner_markup(element: etree._Element, children=None) -> str:
    """Text and serialised children (with their tails) of an element."""
    children = list(element) if children is None else children
    parts = [escape_text(element.text or '')]
    for child in children:
        parts.append(etree.tostring(child, encoding='unicode', with_tail=False))
        parts.append(escape_text(child.tail or ''))
    return ''.join(parts)


def escape_text(text: str) -> str:
    return text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def load_json(data: bytes, path: str):
    try:
        return json.loads(data.decode('utf-8'), object_pairs_hook=OrderedDict)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CourseError(f'{path}: not valid JSON: {error}') from None


def json_bytes(value) -> bytes:
    """How we write policy files: 4-space indent, keys in their order, UTF-8, final newline."""
    return (json.dumps(value, indent=4, ensure_ascii=False) + '\n').encode('utf-8')


def course_run(tree: CourseTree) -> tuple[str, etree._Element]:
    """The run (``url_name`` of ``course.xml``) and the root element of ``course.xml``."""
    if 'course.xml' not in tree:
        raise CourseError('course.xml is missing.')
    root = parse_xml(tree['course.xml'], 'course.xml')
    run = root.get('url_name')
    if root.tag != 'course' or not run:
        raise CourseError('course.xml must be <course url_name="RUN" org="..." course="..."/>.')
    return run, root


# ---------------------------------------------------------------- archives we write

# zlib's own default: a third of the time of level 9 (tarfile's "w:gz") on a course, for about 5% more
# bytes (10,111 blocks: 0.19 s against 0.58 s, 1.14 MB against 1.08 MB); Studio imports either.
ARCHIVE_COMPRESSION = 6


def write_archive(tree: CourseTree, output: Path) -> Path:
    """A reproducible ``.tar.gz`` with the top folder ``course/`` (what Studio imports)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    folders = sorted({'/'.join(path.split('/')[:depth]) for path in tree
                      for depth in range(1, path.count('/') + 1)})
    import gzip
    # Streamed: the tar goes through gzip as it is written (the bytes are those of compressing it whole).
    partial = output.with_name(output.name + '.partial')  # no half-written archive under the real name
    try:
        with open(partial, 'wb') as handle, \
                gzip.GzipFile(filename='', mode='wb', fileobj=handle, mtime=0,
                              compresslevel=ARCHIVE_COMPRESSION) as compressed:
            header, batch, batched, written = _FileHeaders(), [], 0, 0
            for name in [ARCHIVE_TOP] + [f'{ARCHIVE_TOP}/{folder}' for folder in folders]:
                info = tarfile.TarInfo(name)
                info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
                batch.append(_tar_header(info))
            for path in sorted(tree):  # each file: its header, its bytes, zeros up to a whole block
                data = tree[path]
                batch += (header(f'{ARCHIVE_TOP}/{path}', len(data)), data, tarfile.NUL * (-len(data) % tarfile.BLOCKSIZE))
                batched += len(data)
                if batched >= 1 << 20:  # gzip's bytes do not depend on how the stream is cut
                    written += _write_joined(compressed, batch)
                    batch, batched = [], 0
            written += _write_joined(compressed, batch)
            # The end of the archive as tarfile writes it: two empty blocks, then zeros up to a whole record.
            written += 2 * tarfile.BLOCKSIZE
            compressed.write(tarfile.NUL * (2 * tarfile.BLOCKSIZE + -written % tarfile.RECORDSIZE))
        os.replace(partial, output)
    finally:
        if partial.exists():
            partial.unlink()
    return output


def _write_joined(stream, pieces: list[bytes]) -> int:
    joined = b''.join(pieces)
    stream.write(joined)
    return len(joined)


def _tar_header(info: tarfile.TarInfo) -> bytes:
    """A member's header as ``tarfile`` writes it in an archive of ``PAX_FORMAT``."""
    return info.tobuf(tarfile.PAX_FORMAT, tarfile.ENCODING, 'surrogateescape')


class _FileHeaders:
    """Headers of regular files (mode 644, time 0) as ``tarfile`` writes them, made quicker.

    tarfile builds each header field by field (most of the time of writing an archive of many
    small files). A name of ASCII characters up to 100 long and a size under 8 GiB need no pax
    record, so the header is tarfile's own for a file ``x`` of 0 bytes with the name, the size and
    the checksum (of the header's bytes, its own field counted as spaces) put in their POSIX
    places; any other member's header is tarfile's own. Why not tarfile for every header: the build
    writes the archive in a forked child beside its check, and a child that outlives the check's
    peak doubles every page of the course the check touches (tests compare the bytes with tarfile's).
    """

    NAME, SIZE, CHECKSUM = slice(0, 100), slice(124, 136), slice(148, 156)

    def __init__(self):
        self.template = self.file_header('x', 0)
        template = bytearray(self.template)
        template[self.NAME] = bytes(100)
        template[self.SIZE] = bytes(12)
        template[self.CHECKSUM] = b' ' * 8
        self.head, self.middle, self.tail = bytes(template[:124]), bytes(template[136:148]), bytes(template[156:])
        self.fixed = sum(template)

    @staticmethod
    def file_header(name: str, size: int) -> bytes:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o644, 0
        return _tar_header(info)

    def __call__(self, name: str, size: int) -> bytes:
        if len(name) > 100 or not name.isascii() or size >= 8 ** 11:
            return self.file_header(name, size)
        encoded = name.encode('ascii')
        size_field = b'%011o\0' % size
        checksum = self.fixed + sum(encoded) + sum(size_field)
        return b''.join((encoded, bytes(100 - len(encoded)), self.head[100:], size_field, self.middle,
                         b'%06o\0 ' % checksum, self.tail))
