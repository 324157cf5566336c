"""The translatable units of a course: where they are, their stable keys, how a translation goes back.

Extraction and translation walk the same ``Slot``s, so a built course re-extracts to the same
keys. A key (the gettext ``msgctxt``) is ``<block type>/<url_name>@<field path>``:

- ``chapter/eligibility-module@display_name`` (every block's ``display_name``);
- ``html/eligibility-intro@body[3]``: HTML is split into block-level units (paragraphs, list
  items, headings, table cells) with their inline markup kept inside the unit;
- ``problem/eligibility-check@response[1]/choice[2]``, ``.../choice[2]/hint``, ``.../label``,
  ``.../option[1]``, ``.../solution[1]``, ``demandhint/hint[1]``, ``body[1]`` (the stem);
- ``magix_scenario/eligibility@step[assess]/option[refuse]/consequence`` (a rich field with
  several units numbers them: ``.../consequence[2]``), ``@dimension[legality]``, ``@image/alt``;
- ``magix_credential_progress/<url_name>@micro-credential[eligibility]/title``... (ids are unique in a
  pathway, so they start the path; source-language texts; a translation becomes the ``xml:lang`` sibling);
- ``policy/<run>@course/<run>/display_name``, ``grading_policy/<run>@GRADER[<type>]/short_label``,
  ``about/overview@body[2]``, ``info/updates@body[1]``, ``static_tab/<page>@body[1]``,
  ``transcript/<file>@cue[4]`` (``.srt`` or ``.sjson`` in the source language).

The ``msgid`` is the English text with whitespace runs collapsed; markup stays as written.
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass

from lxml import etree

from xblocks import xml_safety

from .olx import (CREDENTIAL_TAG, FRAGMENT_WRAPPER, SCENARIO_TAG, CourseError, CourseTree, course_run,
                  fragment_bytes, inner_markup, json_bytes, load_json, parse_fragment,
                  parse_xml, xml_bytes)

SOURCE_LANGUAGE = 'en'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
BLOCK_TAGS = frozenset({
    'address', 'article', 'aside', 'blockquote', 'caption', 'dd', 'details', 'div', 'dl', 'dt',
    'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main',
    'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr',
    'ul', FRAGMENT_WRAPPER,
})
RESPONSE_TAGS = frozenset({
    'multiplechoiceresponse', 'choiceresponse', 'optionresponse', 'stringresponse', 'numericalresponse',
    'formularesponse', 'customresponse', 'truefalseresponse', 'choicetextresponse',
})
SKIPPED_TAGS = frozenset({'script', 'style', 'code'})
SPACES = ' \t\n\r\f\v'  # ASCII only: no-break spaces are meant (French typography)
WHITESPACE = re.compile(f'[{SPACES}]+')


def normalise(text: str) -> str:
    """Collapse whitespace runs: the form of every ``msgid``."""
    return WHITESPACE.sub(' ', text).strip(SPACES)


@dataclass(frozen=True)
class Unit:
    """One translatable text: its key (msgctxt), English text (msgid), file and a translator note."""
    key: str
    source: str
    path: str
    comment: str = ''
    markup: bool = False


class Slot:
    """A ``Unit`` and the way to write its translation back into the parsed document."""

    markup = False

    def __init__(self, key, path, comment=''):
        self.key, self.path, self.comment = key, path, comment

    @property
    def unit(self) -> Unit:
        return Unit(self.key, self.read(), self.path, self.comment, self.markup)

    def read(self) -> str:
        raise NotImplementedError

    def write(self, text: str) -> None:
        raise NotImplementedError

    def variant(self) -> str:
        """The text the source itself already holds in the target language (pathways do); '' if none."""
        return ''


def _split_space(raw: str) -> tuple[str, str]:
    """The leading and trailing (ASCII) whitespace of a text, kept around a translation."""
    stripped = raw.strip(SPACES)
    if not stripped:
        return raw, ''
    start = len(raw) - len(raw.lstrip(SPACES))
    return raw[:start], raw[start + len(stripped):]


class AttributeSlot(Slot):
    def __init__(self, element, name, key, path, comment=''):
        super().__init__(key, path, comment)
        self.element, self.name = element, name

    def read(self):
        return normalise(self.element.get(self.name, ''))

    def write(self, text):
        self.element.set(self.name, text)


class LooseTextSlot(Slot):
    """Text sitting directly in a container, next to block elements (``element.text`` or ``.tail``)."""

    def __init__(self, element, attribute, key, path, comment=''):
        super().__init__(key, path, comment)
        self.element, self.attribute = element, attribute

    def read(self):
        return normalise(getattr(self.element, self.attribute) or '')

    def write(self, text):
        lead, trail = _split_space(getattr(self.element, self.attribute) or '')
        setattr(self.element, self.attribute, lead + text + trail)


class MarkupSlot(Slot):
    """The content of an element (text and inline children) up to its first ``exclude``d child."""

    def __init__(self, element, key, path, comment='', exclude=()):
        super().__init__(key, path, comment)
        self.element = element
        self.children = []
        for child in element:
            if child.tag in exclude:
                break
            self.children.append(child)
        self.markup = any(isinstance(child.tag, str) for child in self.children)

    def raw(self):
        return inner_markup(self.element, self.children)

    def read(self):
        return normalise(self.raw())

    def write(self, text):
        wrapper = parse_translation(text, self.key)
        if not self.markup and any(isinstance(node.tag, str) for node in wrapper.iter()
                                   if node is not wrapper):
            raise CourseError(f'{self.key}: the English text has no markup, so the translation may not add any.')
        links = sorted(target for child in self.children if isinstance(child.tag, str)
                       for target in references(child))
        if sorted(references(wrapper)) != links:
            raise CourseError(f'{self.key}: the translation must keep the links and images of the English '
                              f'({", ".join(links) or "none"}).')
        lead, trail = _split_space(self.raw())
        position = list(self.element).index(self.children[0]) if self.children else 0
        for child in self.children:
            self.element.remove(child)
        new_children = list(wrapper)
        self.element.text = lead + (wrapper.text or '')
        for offset, child in enumerate(new_children):
            self.element.insert(position + offset, child)
        if new_children:
            new_children[-1].tail = (new_children[-1].tail or '') + trail
        else:
            self.element.text += trail
        self.children = new_children


def references(element) -> list[str]:
    """The link and image targets in an element (a translation must keep them all)."""
    return [node.get(name) for node in element.iter() if isinstance(node.tag, str)
            for name in ('href', 'src') if node.get(name)]


def parse_translation(text: str, key: str) -> etree._Element:
    """A translated unit as markup: well formed, and without block elements (they would split units)."""
    try:
        wrapper = etree.fromstring(f'<{FRAGMENT_WRAPPER}>{text}</{FRAGMENT_WRAPPER}>'.encode('utf-8'),
                                   xml_safety.safe_parser())
    except etree.XMLSyntaxError as error:
        raise CourseError(f'{key}: the translation is not well-formed markup ({error.msg}); '
                          'escape & and < as &amp; and &lt;.') from None
    blocks = sorted({node.tag for node in wrapper.iter() if node is not wrapper and node.tag in BLOCK_TAGS})
    if blocks:
        raise CourseError(f'{key}: the translation adds block elements ({", ".join(blocks)}); '
                          'translate paragraph by paragraph instead.')
    return wrapper


class JsonSlot(Slot):
    """A string value in a JSON document (``container[name]``)."""

    def __init__(self, container, name, key, path, comment=''):
        super().__init__(key, path, comment)
        self.container, self.name = container, name

    def read(self):
        return normalise(self.container[self.name])

    def write(self, text):
        self.container[self.name] = text


class JsonKeySlot(Slot):
    """A name that is a JSON object key (``discussion_topics``): renaming keeps the order."""

    def __init__(self, container, name, key, path, comment=''):
        super().__init__(key, path, comment)
        self.container, self.name = container, name

    def read(self):
        return normalise(self.name)

    def write(self, text):
        items = [(text if name == self.name else name, value) for name, value in self.container.items()]
        self.container.clear()
        self.container.update(items)
        self.name = text


class CueSlot(Slot):
    """The text of one subtitle cue (its lines joined by ``\\n``)."""

    def __init__(self, cue, key, path, comment=''):
        super().__init__(key, path, comment)
        self.cue = cue

    def read(self):
        return '\n'.join(line.strip() for line in self.cue['lines']).strip()

    def write(self, text):
        self.cue['lines'] = [line.strip() for line in text.strip().splitlines() if line.strip()]


# ---------------------------------------------------------------- documents

class Document:
    """A parsed course file, its slots, and how to write it back."""

    def __init__(self, path):
        self.path, self.slots = path, []

    def add(self, slot):
        if slot.read():
            self.slots.append(slot)

    def bytes(self) -> bytes:
        raise NotImplementedError


class XmlDocument(Document):
    def __init__(self, path, data):
        super().__init__(path)
        self.root = parse_xml(data, path)

    def bytes(self):
        return xml_bytes(self.root)


class FragmentDocument(Document):
    def __init__(self, path, data):
        super().__init__(path)
        self.root = parse_fragment(data, path)

    def bytes(self):
        return fragment_bytes(self.root)


class JsonDocument(Document):
    def __init__(self, path, data):
        super().__init__(path)
        self.value = load_json(data, path)

    def bytes(self):
        return json_bytes(self.value)


class SrtDocument(Document):
    """A SubRip transcript: numbered cues of a timing line and text lines."""

    def __init__(self, path, data):
        super().__init__(path)
        self.cues = parse_srt(data.decode('utf-8-sig'), path)

    def bytes(self):
        return srt_bytes(self.cues)


class SjsonDocument(Document):
    """Open edX's own transcript format: ``{"start": [ms], "end": [ms], "text": [cue]}``."""

    def __init__(self, path, data):
        super().__init__(path)
        value = load_json(data, path)
        if not isinstance(value, dict) or not all(isinstance(value.get(name), list)
                                                  for name in ('start', 'end', 'text')):
            raise CourseError(f'{path}: an .sjson transcript has "start", "end" and "text" lists.')
        self.value = value
        self.cues = [{'timing': f'{start} ms --> {end} ms', 'lines': str(text).split('\n')}
                     for start, end, text in zip(value['start'], value['end'], value['text'])]

    def bytes(self):
        self.value['text'] = ['\n'.join(cue['lines']) for cue in self.cues]
        return json_bytes(self.value)


SRT_TIMING = re.compile(r'^\d{2}:\d{2}:\d{2}[,.]\d{3} --> \d{2}:\d{2}:\d{2}[,.]\d{3}')


def parse_srt(text: str, path: str) -> list[dict]:
    cues = []
    for block in re.split(r'\n\s*\n', text.replace('\r\n', '\n').strip()):
        lines = block.split('\n')
        if len(lines) < 2 or not SRT_TIMING.match(lines[1].strip()):
            raise CourseError(f'{path}: "{block[:40]}" is not a SubRip cue (number, timing line, text).')
        cues.append({'number': lines[0].strip(), 'timing': lines[1].strip(), 'lines': lines[2:]})
    return cues


def srt_bytes(cues: list[dict]) -> bytes:
    return '\n'.join(f'{cue["number"]}\n{cue["timing"]}\n' + ''.join(f'{line}\n' for line in cue['lines'])
                     for cue in cues).encode('utf-8')


# ---------------------------------------------------------------- where the units are

def rich_slots(container, base, path, comment, numbered=False, exclude=()):
    """Slots of an XHTML container: one per block-level unit (or one for inline-only content).

    ``numbered``: always ``base[n]`` (HTML bodies); otherwise ``base`` when there is one unit.
    """
    found = []

    def has_block(element):
        return any(isinstance(node.tag, str) and node.tag in BLOCK_TAGS
                   for node in element.iter() if node is not element)

    def walk(element):
        if element.tag in SKIPPED_TAGS or element.tag in exclude:
            return
        if not has_block(element):
            if normalise(''.join(element.itertext())):
                found.append(lambda key, e=element: MarkupSlot(e, key, path, comment, exclude))
            else:
                for image in element.iter('img'):
                    if image.get('alt', '').strip():
                        found.append(lambda key, e=image: AttributeSlot(e, 'alt', key + '/alt', path,
                                                                        'Image text alternative'))
            return
        if normalise(element.text or ''):
            found.append(lambda key, e=element: LooseTextSlot(e, 'text', key, path, comment))
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if normalise(child.tail or ''):
                found.append(lambda key, e=child: LooseTextSlot(e, 'tail', key, path, comment))

    walk(container)
    if len(found) == 1 and not numbered:
        return [found[0](base)]
    return [make(f'{base}[{index}]') for index, make in enumerate(found, 1)]


def block_key(tag, url_name):
    return f'{tag}/{url_name}'


BLOCK_NAMES = {'course': 'the course', 'chapter': 'a section (module)', 'sequential': 'a subsection',
               'vertical': 'a unit', 'html': 'a text page', 'video': 'a video', 'problem': 'a problem'}


def title_comment(tag):
    return f'Title of {BLOCK_NAMES.get(tag, f"a {tag} block")}'


def structure_slots(document, root, key):
    """``display_name`` of a block and of the inline blocks in it that carry a ``url_name``."""
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', document.path, title_comment(root.tag)))
    for child in root.iterdescendants():
        if isinstance(child.tag, str) and child.get('url_name') and child.get('display_name'):
            document.add(AttributeSlot(child, 'display_name', f'{child.tag}/{child.get("url_name")}@display_name',
                                       document.path, title_comment(child.tag)))


def problem_slots(document, root, key):
    """Stem, labels, descriptions, choices, options, hints and solutions of a CAPA problem."""
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', document.path, title_comment('problem')))
    path = document.path
    counters = {}

    def count(scope, kind):
        counters[scope, kind] = counters.get((scope, kind), 0) + 1
        return counters[scope, kind]

    def visit(element, scope):
        for child in element:
            if not isinstance(child.tag, str) or child.tag in SKIPPED_TAGS:
                continue
            prefix = f'{key}@{scope}/' if scope else f'{key}@'
            tag = child.tag
            if tag in RESPONSE_TAGS:
                visit(child, f'response[{count("", "response")}]')
            elif tag in ('label', 'description'):
                name = tag if tag == 'label' else f'description[{count(scope, tag)}]'
                document.add(MarkupSlot(child, prefix + name, path, f'Problem {tag}'))
            elif tag in ('choice', 'option'):
                number = count(scope, tag)
                hint_tag = 'choicehint' if tag == 'choice' else 'optionhint'
                document.add(MarkupSlot(child, f'{prefix}{tag}[{number}]', path,
                                        f'Answer {tag} of a problem', exclude={hint_tag}))
                for hint in child.iter(hint_tag):
                    document.add(MarkupSlot(hint, f'{prefix}{tag}[{number}]/hint', path,
                                            'Feedback shown when the learner picks this answer'))
            elif tag == 'solution':
                for slot in rich_slots(child, f'{prefix}solution', path, 'Explanation shown after answering',
                                       numbered=True):
                    document.add(slot)
            elif tag == 'demandhint':
                for hint in child.iter('hint'):
                    document.add(MarkupSlot(hint, f'{key}@demandhint/hint[{count("demandhint", "hint")}]', path,
                                            'Hint the learner can ask for'))
            elif tag in ('choicegroup', 'checkboxgroup', 'radiogroup', 'optioninput', 'textline'):
                visit(child, scope)
            elif tag == 'compoundhint':
                document.add(MarkupSlot(child, f'{prefix}compoundhint[{count(scope, tag)}]', path,
                                        'Feedback for a combination of answers'))
            elif tag in BLOCK_TAGS:
                for slot in rich_slots(child, f'{prefix}body[{count(scope, "body")}]', path, 'Problem text'):
                    document.add(slot)

    visit(root, '')


def scenario_slots(document, root, key):
    """Every text of a scenario (see ``xblocks/scenario/SCENARIO_FORMAT.md``)."""
    path = document.path
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', path, 'Title of a scenario'))
    scenario = root if root.tag == 'scenario' else root.find('scenario')
    if scenario is None:
        return

    def rich(element, field, comment):
        if element is not None:
            for slot in rich_slots(element, f'{key}@{field}', path, comment):
                document.add(slot)

    def text(element, field, comment):
        if element is not None:
            document.add(MarkupSlot(element, f'{key}@{field}', path, comment))

    rich(scenario.find('introduction'), 'introduction', 'Scenario introduction')
    image = scenario.find('image')
    if image is not None:
        document.add(AttributeSlot(image, 'alt', f'{key}@image/alt', path, 'Image text alternative'))
    text(scenario.find('role'), 'role', "The learner's role in the scenario")
    for dimension in scenario.iterfind('dimensions/dimension'):
        text(dimension, f'dimension[{dimension.get("id", "")}]', 'Name of a competency dimension (short)')
    for step in scenario.iterfind('step'):
        step_key = f'step[{step.get("id", "")}]'
        document.add(AttributeSlot(step, 'title', f'{key}@{step_key}/title', path, 'Short step title (diagram)'))
        rich(step.find('situation'), f'{step_key}/situation', 'Situation at this step')
        text(step.find('question'), f'{step_key}/question', 'Question at this step')
        text(step.find('reflection'), f'{step_key}/reflection', 'Reflection prompt (free text, not graded)')
        for index, option in enumerate(step.iterfind('option'), 1):
            option_key = f'{step_key}/option[{option.get("id") or index}]'
            text(option.find('text'), f'{option_key}/text', 'A choice the learner can make (plain text)')
            rich(option.find('consequence'), f'{option_key}/consequence', 'What happens after this choice')
            rich(option.find('feedback'), f'{option_key}/feedback', 'Why this choice was wise or unwise')
    for ending in scenario.iterfind('ending'):
        ending_key = f'ending[{ending.get("id", "")}]'
        document.add(AttributeSlot(ending, 'title', f'{key}@{ending_key}/title', path, 'Short ending title'))
        rich(ending.find('debrief'), f'{ending_key}/debrief', 'Debrief of this ending')


class LanguageVariantSlot(Slot):
    """A pathway text in the default language; its translation is the ``xml:lang`` sibling."""

    def __init__(self, element, language, key, path, comment=''):
        super().__init__(key, path, comment)
        self.element, self.language = element, language

    def read(self):
        return normalise(self.element.text or '')

    def sibling(self):
        if self.element.get(XML_LANG) == self.language:
            return self.element  # building in the pathway's own language
        for sibling in self.element.getparent().findall(self.element.tag):
            if sibling.get(XML_LANG) == self.language:
                return sibling
        return None

    def variant(self) -> str:
        """The text the source already has in ``language`` ('' if none)."""
        sibling = self.sibling()
        return normalise(sibling.text or '') if sibling is not None and sibling is not self.element else ''

    def write(self, text):
        sibling = self.sibling()
        if sibling is None:
            sibling = etree.Element(self.element.tag, self.element.attrib)
            sibling.set(XML_LANG, self.language)
            sibling.tail = self.element.tail
            self.element.addnext(sibling)
        sibling.text = text


class OutcomeSlot(Slot):
    """Learning outcome ``index`` of a pathway list; the translation goes to the ``xml:lang`` sibling list."""

    def __init__(self, outcomes, index, language, key, path, comment=''):
        super().__init__(key, path, comment)
        self.outcomes, self.index, self.language = outcomes, index, language

    def read(self):
        return normalise(self.outcomes.findall('outcome')[self.index].text or '')

    def sibling(self):
        if self.outcomes.get(XML_LANG) == self.language:
            return self.outcomes  # building in the pathway's own language
        return next((sibling for sibling in self.outcomes.getparent().findall('learning-outcomes')
                     if sibling.get(XML_LANG) == self.language), None)

    def variant(self) -> str:
        sibling = self.sibling()
        found = sibling.findall('outcome') if sibling is not None and sibling is not self.outcomes else []
        return normalise(found[self.index].text or '') if self.index < len(found) else ''

    def write(self, text):
        sibling = self.sibling()
        if sibling is None:
            sibling = etree.Element('learning-outcomes', {XML_LANG: self.language})
            sibling.text, sibling.tail = self.outcomes.text, self.outcomes.tail
            for outcome in self.outcomes.iterfind('outcome'):
                copy = etree.SubElement(sibling, 'outcome')
                copy.text, copy.tail = outcome.text, outcome.tail
            self.outcomes.addnext(sibling)
        sibling.findall('outcome')[self.index].text = text


def pathway_slots(document, root, key, language):
    """The source-language texts of a credential pathway (see ``xblocks/credentials/PATHWAY_FORMAT.md``)."""
    path = document.path
    document.add(AttributeSlot(root, 'display_name', f'{key}@display_name', path, 'Title of the progress widget'))
    pathway = root if root.tag == 'pathway' else root.find('pathway')
    if pathway is None:
        return
    source = pathway.get('default-language') or SOURCE_LANGUAGE

    def named(element):
        """Elements with an ``id`` start the path (ids are unique in a pathway); requirements use their target."""
        target = element.get('usage') or element.get('key') or element.get('ref')
        if target:
            return f'{element.tag}[{target.rsplit("@", 1)[-1]}]'
        return f'{element.tag}[{element.get("id")}]' if element.get('id') else element.tag

    def walk(element, field):
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.get(XML_LANG) not in (None, source):
                continue
            if child.get('id'):
                child_field = named(child)
            else:
                child_field = f'{field}/{named(child)}' if field else named(child)
            if child.tag == 'learning-outcomes':
                for index, _ in enumerate(child.iterfind('outcome')):
                    document.add(OutcomeSlot(child, index, language, f'{key}@{child_field}/outcome[{index + 1}]',
                                             path, 'Learning outcome'))
            elif child.get(XML_LANG) == source:
                document.add(LanguageVariantSlot(child, language, f'{key}@{child_field}', path,
                                                 f'Credential {child.tag}'))
            else:
                walk(child, child_field)

    walk(pathway, '')


def video_transcripts(root) -> dict[str, str]:
    """``language -> file in static/`` of a video block (``<transcript>`` children and ``transcripts``)."""
    found = {}
    raw = root.get('transcripts')
    if raw:
        try:
            found.update(json.loads(raw))
        except ValueError:
            pass
    for transcript in root.iterfind('transcript'):
        if transcript.get('language') and transcript.get('src'):
            found[transcript.get('language')] = transcript.get('src')
    if root.get('sub') and SOURCE_LANGUAGE not in found:
        found[SOURCE_LANGUAGE] = f'subs_{root.get("sub")}.srt.sjson'  # the legacy English transcript
    return found


# ---------------------------------------------------------------- the whole course

def html_files(tree: CourseTree) -> dict[str, str]:
    """``html/<file>.html -> url_name`` of the ``html`` block that shows it."""
    found = {}
    for path in tree:
        if path.startswith('html/') and path.endswith('.xml'):
            root = parse_xml(tree[path], path)
            if root.get('filename'):
                found[f'html/{root.get("filename")}.html'] = path[len('html/'):-len('.xml')]
    return found


TRANSCRIPT_SUFFIXES = ('.srt', '.sjson')


def source_transcripts(tree: CourseTree, language: str = SOURCE_LANGUAGE) -> dict[str, str]:
    """``static/<file> -> video url_name`` for the transcripts in the source language."""
    found = {}
    for path in tree:
        if path.startswith('video/') and path.endswith('.xml'):
            source = video_transcripts(parse_xml(tree[path], path)).get(language)
            if source and source.endswith(TRANSCRIPT_SUFFIXES) and f'static/{source}' in tree:
                found[f'static/{source}'] = path[len('video/'):-len('.xml')]
    return found


def outline(tree: CourseTree) -> tuple[list[str], dict[str, str]]:
    """The course's files in reading order (course outline first) and where each sits in the outline.

    Catalogues then read like the course, and each entry can say "In: Module 1 › The case".
    """
    order, places = [], {}
    seen = set()

    def visit(path, trail):
        if path in seen or path not in tree:
            return
        seen.add(path)
        order.append(path)
        if trail:
            places[path] = ' › '.join(trail)
        if not path.endswith('.xml'):
            return
        root = parse_xml(tree[path], path)
        inner = trail + [normalise(root.get('display_name'))] if root.get('display_name') and \
            root.tag in ('chapter', 'sequential', 'vertical') else trail
        if root.tag == 'html' and root.get('filename'):
            visit(f'html/{root.get("filename")}.html', trail)
        if root.tag == 'video':
            for source in video_transcripts(root).values():
                visit(f'static/{source}', trail)
        for element in root.iter():
            if element is not root and isinstance(element.tag, str) and element.get('url_name'):
                visit(f'{element.tag}/{element.get("url_name")}.xml', inner)

    run, _ = course_run(tree)
    visit('course.xml', [])
    visit(f'course/{run}.xml', [])
    rest = sorted(path for path in tree if path not in seen)
    first = [p for p in rest if p.startswith(('about/', 'info/', 'policies/'))]
    return order + first + [p for p in rest if p not in first], places


# Folders of course-level HTML pages: key prefix and translator note.
COURSE_PAGES = {'about': ('about', 'Course about page'), 'info': ('info', 'Course updates and handouts'),
                'tabs': ('static_tab', 'Course page (custom tab)')}


def documents(tree: CourseTree, language: str = SOURCE_LANGUAGE) -> list[Document]:
    """Every course file that holds translatable text, parsed, with its slots, in reading order.

    ``language`` is the language translations will be written in (where a format keeps languages
    side by side, as credential pathways do).
    """
    run, _ = course_run(tree)
    bodies = html_files(tree)
    transcripts = source_transcripts(tree)
    found = []
    order, places = outline(tree)
    for path in order:
        data = tree[path]
        parts = path.split('/')
        stem = parts[-1].rsplit('.', 1)[0]
        document = None
        if path in bodies:
            document = FragmentDocument(path, data)
            for slot in rich_slots(document.root, f'html/{bodies[path]}@body', path, 'Part of a page (paragraph, heading or list item)',
                                   numbered=True):
                document.add(slot)
        elif len(parts) == 2 and parts[0] in COURSE_PAGES and path.endswith('.html'):
            document = FragmentDocument(path, data)
            prefix, comment = COURSE_PAGES[parts[0]]
            for slot in rich_slots(document.root, f'{prefix}/{stem}@body', path, comment, numbered=True):
                document.add(slot)
        elif path == f'policies/{run}/policy.json':
            document = JsonDocument(path, data)
            policy_slots(document, f'policy/{run}')
        elif path == f'policies/{run}/grading_policy.json':
            document = JsonDocument(path, data)
            for grader in document.value.get('GRADER', []):
                if isinstance(grader, dict) and isinstance(grader.get('short_label'), str):
                    document.add(JsonSlot(grader, 'short_label',
                                          f'grading_policy/{run}@GRADER[{grader.get("type")}]/short_label', path,
                                          'Short label of an assignment type (progress chart, a few letters)'))
        elif path in transcripts:
            document = (SjsonDocument if path.endswith('.sjson') else SrtDocument)(path, data)
            for index, cue in enumerate(document.cues, 1):
                document.add(CueSlot(cue, f'transcript/{parts[-1]}@cue[{index}]', path,
                                     f'Subtitle {cue["timing"]} of video {transcripts[path]}'))
        elif len(parts) == 2 and path.endswith('.xml') and parts[0] not in ('static', 'policies'):
            document = XmlDocument(path, data)
            key = block_key(parts[0], stem)
            if parts[0] == 'problem':
                problem_slots(document, document.root, key)
            elif parts[0] == SCENARIO_TAG:
                scenario_slots(document, document.root, key)
            elif parts[0] == CREDENTIAL_TAG:
                pathway_slots(document, document.root, key, language)
            elif parts[0] == 'html' and not document.root.get('filename'):
                structure_slots(document, document.root, key)
                for slot in rich_slots(document.root, f'{key}@body', path, 'Part of a page (paragraph, heading or list item)', numbered=True):
                    document.add(slot)
            else:
                structure_slots(document, document.root, key)
        if document is not None and document.slots:
            if path in places:
                for slot in document.slots:
                    slot.comment = f'{slot.comment}. In: {places[path]}' if slot.comment else f'In: {places[path]}'
            found.append(document)
    return found


def policy_slots(document, base):
    """Display values of ``policy.json``: block display names, tab names, discussion topics, certificate names."""
    for entry, settings in document.value.items():
        if not isinstance(settings, dict):
            continue
        for name in ('display_name', 'cert_name_short', 'cert_name_long'):
            if isinstance(settings.get(name), str):
                document.add(JsonSlot(settings, name, f'{base}@{entry}/{name}', document.path, f'Course setting {name}'))
        for tab in settings.get('tabs', []) or []:
            if isinstance(tab, dict) and isinstance(tab.get('name'), str):
                document.add(JsonSlot(tab, 'name', f'{base}@{entry}/tabs[{tab.get("type")}]/name', document.path,
                                      'Name of a course tab'))
        topics = settings.get('discussion_topics')
        if isinstance(topics, OrderedDict):
            for topic, value in list(topics.items()):
                topic_id = value.get('id') if isinstance(value, dict) else topic
                document.add(JsonKeySlot(topics, topic, f'{base}@{entry}/discussion_topics[{topic_id}]',
                                         document.path, 'Name of a discussion topic'))


def extract(tree: CourseTree) -> list[Unit]:
    """Every translatable unit of a course, in reading order; keys are unique."""
    units, seen = [], {}
    for document in documents(tree):
        for slot in document.slots:
            unit = slot.unit
            if unit.key in seen:
                raise CourseError(f'Two texts have the key {unit.key} ({seen[unit.key]} and {unit.path}); '
                                  'give the blocks or scenario nodes distinct ids.')
            seen[unit.key] = unit.path
            units.append(unit)
    return units


def source_translations(tree: CourseTree, language: str) -> dict[str, str]:
    """``key -> text`` the source already holds in ``language`` (pathway ``xml:lang`` variants).

    ``magix i18n update`` fills empty catalogue entries with them, so a pathway written in
    several languages is not translated twice.
    """
    found = {}
    for document in documents(tree, language):
        for slot in document.slots:
            if slot.variant():
                found[slot.key] = slot.variant()
    return found
