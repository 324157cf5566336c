"""Checking a course archive: olxcleaner's checks plus ours for what olxcleaner skips.

olxcleaner runs through its Python API with ``steps=7`` (everything but the slow external-link
step) and our XBlock tags in ``allowed_xblocks``. It reads the files itself with lxml's default
parser, so it only ever sees a folder written from an archive that ``archive.read_archive`` has
already checked (no links, no traversal, every XML file parsed with the hardened parser).

Our own checks: transcripts and ``/static/`` files that are referenced but missing,
``/jump_to_id/`` links to blocks that do not exist, our blocks' pointers without content, and
our blocks' content validated by their own validators (scenarios, credential pathways).
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .archive import extract_to_folder, read_archive
from .olx import CREDENTIAL_TAG, OUR_XBLOCKS, SCENARIO_TAG, CourseError, CourseTree, course_run, load_json, parse_xml
from .units import video_transcripts

ERROR, WARNING, INFO = 'error', 'warning', 'info'
# Course-relative links only: "https://cdn.example.org/static/x.png" is not a course file.
RELATIVE = r'(?<![\w.:/-])'
STATIC_LINK = re.compile(RELATIVE + r'/static/([^"\'\s<>?#)]+)')
JUMP_LINK = re.compile(RELATIVE + r'/jump_to_id/([^"\'\s<>?#/)]+)')
STRUCTURE_FOLDERS = ('course', 'chapter', 'sequential', 'vertical')


@dataclass(frozen=True)
class Finding:
    level: str
    checker: str
    path: str
    message: str

    def __str__(self):
        return f'{self.level.upper():7} [{self.checker}] {self.path}: {self.message}'


def block_files(tree: CourseTree) -> dict[str, str]:
    """``url_name -> block type`` of every block file and inline block with a ``url_name``."""
    found = {}
    for path in tree:
        parts = path.split('/')
        if len(parts) == 2 and path.endswith('.xml') and parts[0] not in ('static', 'policies', 'about', 'info'):
            found.setdefault(parts[1][:-len('.xml')], parts[0])
            for element in parse_xml(tree[path], path).iter():
                if isinstance(element.tag, str) and element.get('url_name'):
                    found.setdefault(element.get('url_name'), element.tag)
    return found


def magix_findings(tree: CourseTree) -> list[Finding]:
    """Our checks (see the module docstring)."""
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
    blocks = block_files(tree)
    for path in sorted(tree):
        if path.startswith('static/'):
            continue
        if path.startswith('video/') and path.endswith('.xml'):
            root = parse_xml(tree[path], path)
            for language, source in video_transcripts(root).items():
                if f'static/{source}' not in tree:
                    add(ERROR, path, f'the {language} transcript static/{source} is missing.')
        if not path.endswith(('.xml', '.html')):
            continue
        text = tree[path].decode('utf-8', errors='replace')
        for link in sorted(set(STATIC_LINK.findall(text))):
            if f'static/{link}' not in tree:
                add(ERROR, path, f'/static/{link} is referenced but static/{link} is not in the course.')
        for target in sorted(set(JUMP_LINK.findall(text))):
            if target not in blocks:
                add(ERROR, path, f'the link /jump_to_id/{target} points to no block of the course.')
        if path.startswith('vertical/') and path.endswith('.xml'):
            for element in parse_xml(tree[path], path).iter(*OUR_XBLOCKS):
                name = element.get('url_name')
                if name and len(element.attrib) == 1 and f'{element.tag}/{name}.xml' not in tree:
                    add(ERROR, path, f'<{element.tag} url_name="{name}"/> has no file {element.tag}/{name}.xml.')
    course_id = f'{course.get("org")}+{course.get("course")}+{run}'
    for path in sorted(tree):
        if path.startswith(f'{SCENARIO_TAG}/') and path.endswith('.xml'):
            findings += scenario_findings(tree[path], path)
        elif path.startswith(f'{CREDENTIAL_TAG}/') and path.endswith('.xml'):
            findings += pathway_findings(tree[path], path, course_id, blocks)
    return findings


def scenario_findings(data: bytes, path: str) -> list[Finding]:
    from xblocks.scenario.olx import parse_xml_text, scenario_from_element
    from xblocks.scenario.problems import ScenarioError
    from xblocks.scenario.validation import validate
    try:
        root = parse_xml_text(data)
        problems = validate(scenario_from_element(root), root.get('scoring_mode', 'path'))
    except ScenarioError as error:
        problems = error.problems
    return [Finding(ERROR, 'magix', path, problem.render()) for problem in problems]


def pathway_findings(data: bytes, path: str, course_id: str, blocks: dict[str, str]) -> list[Finding]:
    """A pathway's own validation; requirements inside this course must name blocks that exist."""
    from xblocks.credentials.pathway_xml import parse_xml_text, pathway_from_element
    from xblocks.credentials.problems import PathwayError
    from xblocks.credentials.validation import validate
    try:
        root = parse_xml_text(data)
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


def olxcleaner_findings(folder: Path, allowed_xblocks=()) -> list[Finding]:
    try:
        import olxcleaner
        from olxcleaner.exceptions import ErrorLevel
    except ImportError:  # pragma: no cover - depends on the installation
        raise CourseError('olxcleaner is not installed: pip install "magix-openedx[course]".') from None
    _, errorstore, _ = olxcleaner.validate(str(folder), steps=7,
                                           allowed_xblocks=set(OUR_XBLOCKS) | set(allowed_xblocks))
    levels = {ErrorLevel.ERROR.name: ERROR, ErrorLevel.WARNING.name: WARNING}
    return [Finding(levels.get(error.level, INFO), 'olxcleaner', error.filename, f'{error.name}: {error.description}')
            for error in errorstore.errors]


def check_tree(tree: CourseTree, allowed_xblocks=()) -> list[Finding]:
    """Every finding for a course tree (ours first, then olxcleaner's)."""
    findings = magix_findings(tree)
    with tempfile.TemporaryDirectory(prefix='magix-check-') as folder:
        extract_to_folder(tree, Path(folder))
        findings += olxcleaner_findings(Path(folder), allowed_xblocks)
    return findings


def check_archive(path: Path, allowed_xblocks=()) -> list[Finding]:
    """Read an archive safely, then check it; an unreadable archive is one error finding."""
    try:
        tree = read_archive(path)
        return check_tree(tree, allowed_xblocks)
    except CourseError as error:
        return [Finding(ERROR, 'archive', Path(path).name, str(error))]
