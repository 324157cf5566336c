"""The course as learners walk it: outline, units and their blocks, per language edition.

Plain Python over the course tools (``course_export``): the tree is assembled from
``course_export/demo_course/`` exactly as Studio would export it (``olx.assemble``), and a
language edition is that tree built with the language's content catalogue
(``build.build``, the same code as ``magix course build``). No Django, no XBlock here.

Every block has one usage key, ``block-v1:<org>+<course>+<run>+type@<type>+block@<url_name>``,
whatever language or page shows it, so results recorded anywhere count everywhere.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from course_export import catalogue
from course_export.build import IncompleteTranslation, build
from course_export.olx import DEMO_COURSE, CourseError, CourseTree, assemble, course_run, load_json, parse_xml
from course_export.units import SOURCE_LANGUAGE

log = logging.getLogger(__name__)
STRUCTURE = ('chapter', 'sequential', 'vertical')


@dataclass(frozen=True)
class BlockRef:
    """One block of a unit: its type, ``url_name`` and the OLX element the vertical holds for it."""
    block_type: str
    url_name: str
    usage_key: str


@dataclass
class Node:
    """A chapter, subsection or unit of the outline."""
    kind: str
    url_name: str
    title: str
    usage_key: str
    children: list = field(default_factory=list)  # Nodes, or BlockRefs for a unit
    attributes: dict = field(default_factory=dict)
    parent: 'Node | None' = None


@dataclass
class Outline:
    """The course outline of one edition, with its units in reading order."""
    course_key: str
    title: str
    chapters: list[Node]
    units: list[Node]
    problems: list[str]  # messages about the structure itself (missing files...)

    def unit(self, url_name: str) -> Node | None:
        return next((unit for unit in self.units if unit.url_name == url_name), None)

    def neighbours(self, unit: Node) -> tuple[Node | None, Node | None]:
        index = self.units.index(unit)
        return (self.units[index - 1] if index else None,
                self.units[index + 1] if index + 1 < len(self.units) else None)

    def unit_of(self, usage_key: str) -> Node | None:
        """The unit that shows a block (or is that unit)."""
        for unit in self.units:
            if unit.usage_key == usage_key or any(block.usage_key == usage_key for block in unit.children):
                return unit
        return None

    def blocks(self) -> list[BlockRef]:
        return [block for unit in self.units for block in unit.children]


def usage_key(course_key: str, block_type: str, url_name: str) -> str:
    return f'block-v1:{course_key[len("course-v1:"):]}+type@{block_type}+block@{url_name}'


def read_outline(tree: CourseTree) -> Outline:
    """Chapters › subsections › units › blocks, as ``course/<run>.xml`` and its pointers say.

    A pointer to a file the tree does not have is left out of the outline with a message
    (Studio's import would refuse the course; learners should still get the rest of it).
    """
    run, root = course_run(tree)
    course_key = f'course-v1:{root.get("org")}+{root.get("course")}+{run}'
    problems = []
    course_path = f'course/{run}.xml'
    course = parse_xml(tree[course_path], course_path) if course_path in tree else root
    policy_path = f'policies/{run}/policy.json'
    policy = load_json(tree[policy_path], policy_path).get(f'course/{run}', {}) if policy_path in tree else {}
    title = policy.get('display_name') or course.get('display_name') or course_key
    units: list[Node] = []

    def definition(tag, element):
        """The element that defines a block: the file a pointer names, or the element itself."""
        name = element.get('url_name')
        if name and set(element.keys()) <= {'url_name'} and len(element) == 0:
            path = f'{tag}/{name}.xml'
            if path not in tree:
                problems.append(f'{tag} "{name}" is in the outline but {path} is missing from the course.')
                return None
            return parse_xml(tree[path], path)
        return element

    def visit(element, depth, parent):
        kind = STRUCTURE[depth]
        found = definition(kind, element)
        if found is None:
            return None
        name = element.get('url_name') or found.get('url_name') or ''
        node = Node(kind, name, found.get('display_name') or name, usage_key(course_key, kind, name),
                    attributes=dict(found.attrib), parent=parent)
        for child in found:
            if not isinstance(child.tag, str):
                continue
            if depth + 1 < len(STRUCTURE):
                if child.tag == STRUCTURE[depth + 1]:
                    sub = visit(child, depth + 1, node)
                    if sub is not None:
                        node.children.append(sub)
            elif child.get('url_name'):
                node.children.append(BlockRef(child.tag, child.get('url_name'),
                                              usage_key(course_key, child.tag, child.get('url_name'))))
        if kind == 'vertical':
            units.append(node)
        return node

    chapters = [chapter for chapter in (visit(element, 0, None) for element in course.iterfind('chapter'))
                if chapter is not None]
    return Outline(course_key, title, chapters, units, problems)


def block_element(tree: CourseTree, block: BlockRef):
    """The OLX that defines a block: ``<type>/<url_name>.xml`` when the course has it (else None)."""
    path = f'{block.block_type}/{block.url_name}.xml'
    return parse_xml(tree[path], path) if path in tree else None


def block_policy(tree: CourseTree, block_type: str, url_name: str) -> dict:
    """The block's entry of ``policies/<run>/policy.json`` (what Studio's advanced settings wrote)."""
    run, _ = course_run(tree)
    path = f'policies/{run}/policy.json'
    if path not in tree:
        return {}
    entry = load_json(tree[path], path).get(f'{block_type}/{url_name}')
    return dict(entry) if isinstance(entry, dict) else {}


# ---------------------------------------------------------------- editions (one per language)

@dataclass(frozen=True, eq=False)  # hashed by identity: editions are built once and cached
class Edition:
    """The course in one language: its tree and outline; ``language`` is what learners get."""
    language: str
    tree: CourseTree
    outline: Outline
    requested: str  # the language asked for (``notice`` says why it differs)
    notice: str = ''


@functools.lru_cache(maxsize=1)
def source_tree(source: str = str(DEMO_COURSE)) -> CourseTree:
    return assemble(Path(source))


def course_languages(folder: Path = catalogue.CATALOGUE_DIR) -> list[str]:
    """The source language and every language that has a content catalogue (complete or not)."""
    return [SOURCE_LANGUAGE, *sorted(catalogue.language_catalogues(Path(folder)))]


NO_CATALOGUE, INCOMPLETE, UNREADABLE = 'no-catalogue', 'incomplete', 'unreadable'


@functools.lru_cache(maxsize=8)
def edition(language: str, source: str = str(DEMO_COURSE), folder: str = str(catalogue.CATALOGUE_DIR)) -> Edition:
    """The course in ``language`` when its catalogue translates all of it, else the English source.

    ``notice`` is one of ``NO_CATALOGUE``, ``INCOMPLETE``, ``UNREADABLE`` (the views word it
    for learners), or '' when the learner gets the language they asked for.
    """
    tree = source_tree(source)
    language = (language or SOURCE_LANGUAGE).split('-')[0].lower()
    english = Edition(SOURCE_LANGUAGE, tree, read_outline(tree), language)
    if language == SOURCE_LANGUAGE:
        return english
    path = catalogue.language_catalogues(Path(folder)).get(language)
    if path is None:
        return Edition(SOURCE_LANGUAGE, tree, english.outline, language, NO_CATALOGUE)
    try:
        built = build(tree, language, catalogue.load(path),
                      static_dir=catalogue.CATALOGUE_DIR / 'static' / language)
    except IncompleteTranslation as error:
        log.info('course edition %s not offered: %s', language, error)
        return Edition(SOURCE_LANGUAGE, tree, english.outline, language, INCOMPLETE)
    except (ValueError, CourseError) as error:
        log.warning('course edition %s cannot be built: %s', language, error)
        return Edition(SOURCE_LANGUAGE, tree, english.outline, language, UNREADABLE)
    return Edition(language, built.tree, read_outline(built.tree), language)
