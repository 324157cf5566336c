"""Checking a course archive: olxcleaner's checks plus ours for what olxcleaner skips.

olxcleaner runs through its Python API with ``steps=7`` (everything but the slow external-link
step) and our XBlock tags in ``allowed_xblocks``. It reads the course from memory, not from a
folder: while it runs, its file reads (``isfile``, ``etree.parse``, ``open`` in its loaders) are
answered from the tree, with XML roots of the hardened parser (those the archive reader already
parsed are handed over and let go), and nothing is written to disk (``olxcleaner_reads``).

Our own checks: transcripts and ``/static/`` files that are referenced but missing,
``/jump_to_id/`` links to blocks that do not exist, our blocks' pointers without content, and
our blocks' content validated by their own validators (scenarios, credential pathways).
"""
from __future__ import annotations

import contextlib
import contextvars
import io
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from xblocks import xml_safety

from . import parallel
from .archive import Limits, read_archive
from .olx import (CREDENTIAL_TAG, OUR_XBLOCKS, SCENARIO_TAG, CourseError, CourseTree, ParsedXml, course_run,
                  load_json, parse_xml)
from .units import video_transcripts

ERROR, WARNING, INFO = 'error', 'warning', 'info'
# Course-relative links only: "https://cdn.example.org/static/x.png" is not a course file.
# (The literal comes first so the regex engine jumps to it; the character before is checked after.)
NOT_BEFORE = re.compile(r'[\w.:/-]')
STATIC_LINK = re.compile(r'/static/([^"\'\s<>?#)]+)')
JUMP_LINK = re.compile(r'/jump_to_id/([^"\'\s<>?#/)]+)')


def relative_links(pattern: re.Pattern, text: str) -> set[str]:
    """The targets of course-relative links matching ``pattern`` (not a URL's path on another host)."""
    return {match.group(1) for match in pattern.finditer(text)
            if not match.start() or not NOT_BEFORE.match(text, match.start() - 1)}
STRUCTURE_FOLDERS = ('course', 'chapter', 'sequential', 'vertical')


@dataclass(frozen=True)
class Finding:
    level: str
    checker: str
    path: str
    message: str

    def __str__(self):
        return f'{self.level.upper():7} [{self.checker}] {self.path}: {self.message}'


def block_files(tree: CourseTree, parsed: ParsedXml | None = None) -> dict[str, str]:
    """``url_name -> block type`` of every block file and inline block with a ``url_name``.

    Files not in ``parsed`` yet are parsed here and let go (olxcleaner parses them after us and
    keeps what it needs, so holding every root of a large course would only double its memory);
    files without ``url_name`` in their bytes (most) are not parsed for it.
    """
    parsed = {} if parsed is None else parsed
    found = {}
    for path in tree:
        parts = path.split('/')
        if len(parts) == 2 and path.endswith('.xml') and parts[0] not in ('static', 'policies', 'about', 'info'):
            found.setdefault(parts[1][:-len('.xml')], parts[0])
            if path not in parsed and not _may_name_blocks(tree[path]):
                continue  # no url_name in it: nothing to parse it for
            for element in _root(tree, parsed, path).iter():
                if isinstance(element.tag, str) and element.get('url_name'):
                    found.setdefault(element.get('url_name'), element.tag)
    return found


def _root(tree: CourseTree, parsed, path: str):
    """The root of ``path``: parsed before, or parsed now and not kept (see ``block_files``)."""
    return parsed[path] if path in parsed else parse_xml(tree[path], path)


def _may_name_blocks(data: bytes) -> bool:
    """Whether a file may hold an element with a ``url_name``: the attribute's name is in its bytes
    (a name is never a character reference), unless the file is not in an ASCII-based encoding."""
    return b'url_name' in data or not data.startswith(b'<') or data[1:2] == b'\0'


def magix_findings(tree: CourseTree, parsed: ParsedXml | None = None) -> list[Finding]:
    """Our checks (see the module docstring)."""
    parsed = ParsedXml(tree) if parsed is None else parsed
    findings = []

    def add(level, path, message):
        findings.append(Finding(level, 'magix', path, message))

    run, course = course_run(tree)
    policy_path = f'policies/{run}/policy.json'
    settings = {}
    if policy_path in tree:
        settings = load_json(tree[policy_path], policy_path).get(f'course/{run}', {})
        if not settings.get('language'):
            add(WARNING, policy_path, 'the course has no "language" setting.')
        image = settings.get('course_image')
        if image and f'static/{image}' not in tree:
            add(ERROR, policy_path, f'the course image static/{image} is missing.')
    blocks = block_files(tree, parsed)
    for path in sorted(tree):
        if path.startswith('static/'):
            continue
        if path.startswith('video/') and path.endswith('.xml'):
            for language, source in video_transcripts(_root(tree, parsed, path)).items():
                if f'static/{source}' not in tree:
                    add(ERROR, path, f'the {language} transcript static/{source} is missing.')
        if not path.endswith(('.xml', '.html')):
            continue
        data = tree[path]
        text = data.decode('utf-8', errors='replace') if b'/static/' in data or b'/jump_to_id/' in data else ''
        for link in sorted(relative_links(STATIC_LINK, text)):
            if f'static/{link}' not in tree:
                add(ERROR, path, f'/static/{link} is referenced but static/{link} is not in the course.')
        for target in sorted(relative_links(JUMP_LINK, text)):
            if target not in blocks:
                add(ERROR, path, f'the link /jump_to_id/{target} points to no block of the course.')
        if path.startswith('vertical/') and path.endswith('.xml'):
            for element in _root(tree, parsed, path).iter(*OUR_XBLOCKS):
                name = element.get('url_name')
                if name and len(element.attrib) == 1 and f'{element.tag}/{name}.xml' not in tree:
                    add(ERROR, path, f'<{element.tag} url_name="{name}"/> has no file {element.tag}/{name}.xml.')
    course_id = f'{course.get("org")}+{course.get("course")}+{run}'
    for path in sorted(tree):
        if path.startswith(f'{SCENARIO_TAG}/') and path.endswith('.xml'):
            findings += scenario_findings(_root(tree, parsed, path), path)
        elif path.startswith(f'{CREDENTIAL_TAG}/') and path.endswith('.xml'):
            findings += pathway_findings(_root(tree, parsed, path), path, course_id, blocks)
    return findings


def scenario_findings(root, path: str) -> list[Finding]:
    """A scenario's own validation, on its parsed file."""
    from xblocks.scenario.olx import scenario_from_element
    from xblocks.scenario.problems import ScenarioError
    from xblocks.scenario.validation import validate
    try:
        problems = validate(scenario_from_element(root), root.get('scoring_mode', 'path'))
    except ScenarioError as error:
        problems = error.problems
    return [Finding(ERROR, 'magix', path, problem.render()) for problem in problems]


def pathway_findings(root, path: str, course_id: str, blocks: dict[str, str]) -> list[Finding]:
    """A pathway's own validation; requirements inside this course must name blocks that exist."""
    from xblocks.credentials.pathway_xml import pathway_from_element
    from xblocks.credentials.problems import PathwayError
    from xblocks.credentials.validation import validate
    try:
        known = {f'course-v1:{course_id}'} | {f'block-v1:{course_id}+type@{tag}+block@{name}'
                                              for name, tag in blocks.items()}
        for element in root.iter('block', 'course'):
            reference = element.get('usage') or element.get('key') or ''
            if course_id not in reference:
                known.add(reference)  # another course: not ours to check
        problems = validate(pathway_from_element(root), known)
    except PathwayError as error:
        problems = error.problems
    return [Finding(ERROR, 'magix', path, problem.render()) for problem in problems]


# ---------------------------------------------------------------- olxcleaner, reading from memory

MEMORY_ROOT = '/magix-course-in-memory'
_COURSE_IN_MEMORY: contextvars.ContextVar = contextvars.ContextVar('magix_course_in_memory', default=None)


class _MemoryCourse:
    """The files olxcleaner asks for, answered from a tree and its parsed XML (see ``olxcleaner_reads``)."""

    def __init__(self, tree: CourseTree, parsed: ParsedXml):
        self.tree, self.parsed = tree, parsed

    @staticmethod
    def relative(path) -> str | None:
        path = posixpath.normpath(str(path))
        return path[len(MEMORY_ROOT) + 1:] if path.startswith(MEMORY_ROOT + '/') else None

    def isfile(self, name: str) -> bool:
        return name in self.tree

    def parse(self, name: str):
        """The root parsed before (our checks ran first), let go of here: olxcleaner keeps what it needs."""
        if name not in self.tree:
            raise OSError(f'{name} is not in the course')
        root = self.parsed.pop(name, None)
        if root is not None:
            return etree.ElementTree(root)
        try:
            return etree.ElementTree(parse_xml(self.tree[name], name))
        except CourseError:  # olxcleaner reports malformed XML itself, from lxml's message
            return etree.ElementTree(etree.fromstring(self.tree[name], xml_safety.safe_parser()))

    def open(self, name: str):
        if name not in self.tree:
            raise FileNotFoundError(name)
        return io.StringIO(self.tree[name].decode('utf-8', errors='replace'))


def _in_memory(real):
    """``real(path, ...)``, or the in-memory course's answer for paths under ``MEMORY_ROOT``."""
    def answer(method):
        def reader(path, *args, **kwargs):
            course = _COURSE_IN_MEMORY.get()
            name = course.relative(path) if course is not None and isinstance(path, (str, Path)) else None
            return getattr(course, method)(name) if name is not None else real(path, *args, **kwargs)
        return reader
    return answer


class _EtreeReadingMemory:
    """lxml.etree as olxcleaner's loader sees it: ``parse`` answers from memory, the rest is lxml's."""

    def __init__(self):
        self.parse = _in_memory(etree.parse)('parse')

    def __getattr__(self, name):
        return getattr(etree, name)


def _install_memory_readers(olxcleaner_modules) -> bool:
    """Point olxcleaner's file reads at ``_COURSE_IN_MEMORY`` (once; outside a check they read disk).

    olxcleaner 0.3 reads files in its loaders (``isfile``, ``open``, ``etree.parse``) and asks
    ``utils.isfile`` whether static files exist; nothing else of it touches the disk.
    """
    import builtins
    import os.path
    xml_loader = olxcleaner_modules[0]
    if getattr(xml_loader, '_magix_memory', False):
        return True
    if not all(hasattr(module, 'isfile') for module in olxcleaner_modules) or not hasattr(xml_loader, 'etree'):
        return False  # another olxcleaner layout: check_tree writes a folder instead
    for module in olxcleaner_modules:
        module.isfile = _in_memory(os.path.isfile)('isfile')
        if module.__name__.startswith('olxcleaner.loader.'):
            module.open = _in_memory(builtins.open)('open')
    xml_loader.etree = _EtreeReadingMemory()
    xml_loader._magix_memory = True
    return True


@contextlib.contextmanager
def olxcleaner_reads(tree: CourseTree, parsed: ParsedXml):
    """While active, olxcleaner reads ``MEMORY_ROOT/<path>`` from ``tree`` (this thread or task only)."""
    from olxcleaner import utils
    from olxcleaner.loader import policy as policy_loader, xml as xml_loader
    if not _install_memory_readers((xml_loader, policy_loader, utils)):
        raise CourseError('this olxcleaner version cannot read a course from memory')
    token = _COURSE_IN_MEMORY.set(_MemoryCourse(tree, parsed))
    try:
        yield MEMORY_ROOT
    finally:
        _COURSE_IN_MEMORY.reset(token)


def olxcleaner_findings(folder: Path | str, allowed_xblocks=()) -> list[Finding]:
    try:
        import olxcleaner
        from olxcleaner.exceptions import ErrorLevel
    except ImportError:  # pragma: no cover - depends on the installation
        raise CourseError('olxcleaner is not installed: pip install "magix-openedx[course]".') from None
    # A folder path ending in course.xml: olxcleaner then never asks the disk whether it is a folder.
    _, errorstore, _ = olxcleaner.validate(posixpath.join(str(folder), 'course.xml'), steps=7,
                                           allowed_xblocks=set(OUR_XBLOCKS) | set(allowed_xblocks))
    levels = {ErrorLevel.ERROR.name: ERROR, ErrorLevel.WARNING.name: WARNING}
    return [Finding(levels.get(error.level, INFO), 'olxcleaner', error.filename, f'{error.name}: {error.description}')
            for error in errorstore.errors]


def check_tree(tree: CourseTree, allowed_xblocks=(), parsed: ParsedXml | None = None,
               processes: int = 1, ours=None) -> list[Finding]:
    """Every finding for a course tree (ours first, then olxcleaner's); each XML file is parsed once.

    With ``processes`` > 1 on a large course, our checks run in a forked child while olxcleaner
    runs here (each then parses what it reads); the findings are the same. ``ours``: our findings
    being made elsewhere already, by anything whose ``result()`` returns them (the build starts
    that child itself, before the thread that writes the archive).
    """
    parsed = ParsedXml(tree) if parsed is None else parsed
    if ours is None and not parallel.worth_sharing(tree, processes):
        findings = magix_findings(tree, parsed)
        with olxcleaner_reads(tree, parsed) as folder:
            return findings + olxcleaner_findings(folder, allowed_xblocks)
    with contextlib.ExitStack() as stack:
        if ours is None:
            ours = stack.enter_context(parallel.ForkedCall(magix_findings, tree, parsed))
        with olxcleaner_reads(tree, parsed) as folder:
            theirs = olxcleaner_findings(folder, allowed_xblocks)
        return ours.result() + theirs


def check_archive(path: Path, allowed_xblocks=(), limits: Limits | None = None, processes: int = 1) -> list[Finding]:
    """Read an archive safely, then check it; an unreadable archive is one error finding."""
    try:
        parsed = ParsedXml({})
        tree = read_archive(path, limits, parsed)
        return check_tree(tree, allowed_xblocks, parsed, processes)
    except CourseError as error:
        return [Finding(ERROR, 'archive', Path(path).name, str(error))]
