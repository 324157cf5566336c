"""Slots: one translatable text in a parsed course file, read as a ``Unit`` and written back.

Each kind knows how to read its English (``msgid`` form: ASCII whitespace runs collapsed,
markup kept as written) and how to put a translation in its place without disturbing what is
around it (leading and trailing whitespace, excluded children such as a choice's hint). A
``Document`` is a parsed file with its slots and the way to serialise it again.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lxml import etree

from xblocks import xml_safety

from .olx import (FRAGMENT_WRAPPER, CourseError, fragment_bytes, inner_markup, json_bytes, load_json,
                  parse_fragment, parse_xml, xml_bytes)

XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
BLOCK_TAGS = frozenset({
    'address', 'article', 'aside', 'blockquote', 'caption', 'dd', 'details', 'div', 'dl', 'dt',
    'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main',
    'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr',
    'ul', FRAGMENT_WRAPPER,
})
SPACES = ' \t\n\r\f\v'  # ASCII only: no-break spaces are meant (French typography)
WHITESPACE = re.compile(f'[{SPACES}]+')


def normalise(text: str) -> str:
    """Collapse whitespace runs: the form of every ``msgid``."""
    if '  ' in text or '\n' in text or '\t' in text or '\r' in text or '\f' in text or '\v' in text:
        text = WHITESPACE.sub(' ', text)
    return text.strip(SPACES)


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


def _around(raw: str | None, text: str) -> str:
    """``text`` with the leading and trailing whitespace of ``raw`` (the text it replaces)."""
    if not raw or (raw[0] not in SPACES and raw[-1] not in SPACES):
        return text  # nothing around it (most texts)
    lead, trail = _split_space(raw)
    return lead + text + trail


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
        setattr(self.element, self.attribute, _around(getattr(self.element, self.attribute), text))


class MarkupSlot(Slot):
    """The content of an element (text and inline children) up to its first ``exclude``d child.

    Content without inline elements is plain text: its ``msgid`` reads ``R&D``, not ``R&amp;D``,
    and a translation is written as text (markup in it would be shown as typed, so it is refused).
    """

    def __init__(self, element, key, path, comment='', exclude=()):
        super().__init__(key, path, comment)
        self.element = element
        self.children = []
        self.markup = False
        for child in element:
            tag = child.tag
            if tag in exclude:
                break
            self.children.append(child)
            if isinstance(tag, str):
                self.markup = True

    def raw(self):
        return inner_markup(self.element, self.children)

    def edges(self) -> tuple[str, str]:
        """``_split_space(self.raw())`` of content with children, without serialising it: what is
        serialised between the element's text and the last child's tail starts with ``<`` or ``&``
        and ends with ``>`` or ``;``, so the outer spaces are the text's and the tail's."""
        text, tail = self.element.text or '', self.children[-1].tail or ''
        return text[:len(text) - len(text.lstrip(SPACES))], tail[len(tail.rstrip(SPACES)):]

    def plain(self):
        return not self.children

    def read(self):
        return normalise(self.element.text or '') if self.plain() else normalise(self.raw())

    def write(self, text):
        if not self.children:  # plain text
            if '<' in text and looks_like_markup(text):
                raise CourseError(f'{self.key}: the English text has no markup, so the translation may not add any.')
            self.element.text = _around(self.element.text, text)
            return
        wrapper = parse_translation(text, self.key)
        if not self.markup and any(isinstance(node.tag, str) for node in wrapper.iter()
                                   if node is not wrapper):
            raise CourseError(f'{self.key}: the English text has no markup, so the translation may not add any.')
        links = sorted(target for child in self.children if isinstance(child.tag, str)
                       for target in references(child))
        if sorted(references(wrapper)) != links:
            raise CourseError(f'{self.key}: the translation must keep the links and images of the English '
                              f'({", ".join(links) or "none"}).')
        lead, trail = self.edges()
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


_PARSERS = threading.local()


def wrap(text: str) -> etree._Element:
    """A translation parsed as markup inside one wrapper element (raises ``XMLSyntaxError``)."""
    parser = getattr(_PARSERS, 'parser', None)
    if parser is None:  # one hardened parser per thread (making one costs more than a short parse)
        parser = _PARSERS.parser = xml_safety.safe_parser()
    return etree.fromstring(f'<{FRAGMENT_WRAPPER}>{text}</{FRAGMENT_WRAPPER}>'.encode('utf-8'), parser)


def looks_like_markup(text: str) -> bool:
    """Whether a text holds elements ("a <b>c</b>"); "a < b" or "R&D" are plain text."""
    if '<' not in text:
        return False
    try:
        wrapper = wrap(text)
    except etree.XMLSyntaxError:
        return False
    return any(isinstance(node.tag, str) for node in wrapper.iterdescendants())


def references(element) -> list[str]:
    """The link and image targets in an element (a translation must keep them all)."""
    return [node.get(name) for node in element.iter() if isinstance(node.tag, str)
            for name in ('href', 'src') if node.get(name)]


def parse_translation(text: str, key: str) -> etree._Element:
    """A translated unit as markup: well formed, and without block elements (they would split units)."""
    try:
        wrapper = wrap(text)
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


# ---------------------------------------------------------------- documents

class Document:
    """A parsed course file, its slots, and how to write it back."""

    def __init__(self, path):
        self.path, self.slots = path, []

    def add(self, slot):
        english = slot.read()
        if english:
            slot.english = english  # the text as extracted (before any translation is written)
            self.slots.append(slot)

    def bytes(self) -> bytes:
        raise NotImplementedError


class XmlDocument(Document):
    def __init__(self, path, data, root=None):
        """``root``: the file already parsed (``units.walk`` parses each file once)."""
        super().__init__(path)
        self.root = parse_xml(data, path) if root is None else root

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
