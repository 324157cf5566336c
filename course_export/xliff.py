"""XLIFF 1.2 export and import of a language catalogue, for the CAT tools of translation services.

One ``<trans-unit>`` per catalogue entry. The stable key (msgctxt) is where CAT-side tools look
for it: ``id`` and ``resname``, and the unit's location (``context-group purpose="location"``,
``sourcefile``), which translate-toolkit's ``xliff2po`` turns into the PO reference. Inline
markup travels as protected inline codes (``<bpt>``/``<ept>``/``<ph>`` holding the original
tags, see ``inline.py``), so a CAT tool shows tags, not words, and the import rebuilds the
exact markup; a target whose codes do not match its source is refused, naming the unit.
``<note>`` says what the text is and where it sits in the course. States map both ways:
translated <-> ``translated`` + ``approved="yes"`` (also ``final``, ``signed-off``), fuzzy <->
``needs-review-translation``, untranslated <-> ``new`` (empty target).

The import writes nothing unless the whole file is usable: it must be for this course and
language, every id one we issued, every target's codes those of its source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polib
from lxml import etree

from xblocks import xml_safety

from . import inline
from .olx import CourseError, unsafe_xml_message
from .units import SOURCE_LANGUAGE

NS = 'urn:oasis:names:tc:xliff:document:1.2'
X = f'{{{NS}}}'
XML_SPACE = '{http://www.w3.org/XML/1998/namespace}space'
DONE_STATES = {'translated', 'final', 'signed-off'}
PAIR_START, PAIR_END, PLACEHOLDERS = {'bpt', 'bx'}, {'ept', 'ex'}, {'ph', 'x', 'it'}


def course_name(po: polib.POFile) -> str:
    """What names the course in ``<file original>``: the catalogue's project id."""
    return po.metadata.get('Project-Id-Version', '') or 'course'


def export(po: polib.POFile, language: str, original: str | None = None) -> bytes:
    """The live entries of ``po`` as an XLIFF 1.2 document (valid against the OASIS strict schema)."""
    root = etree.Element(f'{X}xliff', nsmap={None: NS}, version='1.2')
    file_element = etree.SubElement(root, f'{X}file', {
        'original': original or course_name(po), 'source-language': SOURCE_LANGUAGE,
        'target-language': language, 'datatype': 'html', 'product-name': 'magix-openedx'})
    body = etree.SubElement(file_element, f'{X}body')
    for entry in po:
        if entry.obsolete or not entry.msgctxt:
            continue
        markup = inline.is_markup(entry.msgid)
        unit = etree.SubElement(body, f'{X}trans-unit', id=entry.msgctxt, resname=entry.msgctxt,
                                datatype='html' if markup else 'plaintext')
        unit.set(XML_SPACE, 'preserve')
        source_pieces = inline.split(entry.msgid, markup)
        write_pieces(etree.SubElement(unit, f'{X}source'), source_pieces)
        target = etree.SubElement(unit, f'{X}target')
        if entry.msgstr:
            try:
                write_pieces(target, inline.restore(source_pieces, inline.split(entry.msgstr, markup)))
            except inline.InlineError:
                target.text = entry.msgstr  # a broken translation stays visible as text, to be fixed
        if not entry.msgstr:
            target.set('state', 'new')
        elif 'fuzzy' in entry.flags:
            target.set('state', 'needs-review-translation')
        else:
            target.set('state', 'translated')
            unit.set('approved', 'yes')
        if entry.comment:
            etree.SubElement(unit, f'{X}note', {'from': 'developer'}).text = entry.comment
        if entry.previous_msgid and 'fuzzy' in entry.flags:
            etree.SubElement(unit, f'{X}note', {'from': 'developer'}).text = \
                f'Previous English: {entry.previous_msgid}'
        group = etree.SubElement(unit, f'{X}context-group', name=entry.msgctxt, purpose='location')
        group.append(_context('sourcefile', entry.msgctxt))
        for path, _ in entry.occurrences:
            group.append(_context('x-olx-file', path))
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8', pretty_print=True)


def xliff_code(code: inline.Code) -> tuple[str, dict]:
    """An inline code as an XLIFF 1.2 element: ``<bpt>``/``<ept>`` for a pair, ``<ph>`` otherwise."""
    tag = {inline.OPEN: 'bpt', inline.CLOSE: 'ept', inline.EMPTY: 'ph'}[code.kind]
    attributes = {'id': code.id}
    if code.kind != inline.CLOSE:
        attributes['ctype'] = code.ctype
    return f'{X}{tag}', attributes


def write_pieces(element, pieces: list[inline.Piece], element_for=xliff_code) -> None:
    """Text and inline codes (each holding its original markup) into ``<source>``, ``<target>`` or ``<seg>``."""
    last = None
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                element.text = (element.text or '') + piece
            else:
                last.tail = (last.tail or '') + piece
            continue
        tag, attributes = element_for(piece)
        last = etree.SubElement(element, tag, attributes)
        last.text = piece.native


def xliff_code_id(element) -> str:
    return element.get('id') or element.get('rid') or ''


def read_pieces(element, code_id_of=xliff_code_id) -> list[inline.Piece]:
    """Text and inline codes of a ``<source>``/``<target>``/``<seg>`` (``<g>``/``<x/>`` forms too)."""
    pieces: list[inline.Piece] = []

    def text(value):
        if value:
            inline._append_text(pieces, value)

    def walk(node):
        text(node.text)
        for child in node:
            if not isinstance(child.tag, str):
                text(child.tail)
                continue
            name = etree.QName(child).localname
            code_id = code_id_of(child)
            if name in PAIR_START:
                pieces.append(inline.Code(inline.OPEN, code_id, child.text or ''))
            elif name in PAIR_END:
                pieces.append(inline.Code(inline.CLOSE, code_id, child.text or ''))
            elif name in PLACEHOLDERS:
                pieces.append(inline.Code(inline.EMPTY, code_id, child.text or ''))
            elif name == 'g':
                pieces.append(inline.Code(inline.OPEN, code_id, ''))
                walk(child)
                pieces.append(inline.Code(inline.CLOSE, code_id, ''))
            elif name in {'mrk', 'sub'}:
                walk(child)
            else:
                raise inline.InlineError(f'unknown inline element <{name}>')
            text(child.tail)

    walk(element)
    return pieces


def _context(kind, text):
    element = etree.Element(f'{X}context', {'context-type': kind})
    element.text = text
    return element


@dataclass
class XliffUnit:
    """One unit as read: the key, source and target pieces, the state."""
    key: str
    source: list
    target: list | None
    state: str


@dataclass
class ImportReport:
    language: str
    updated: int = 0
    unchanged: int = 0
    unknown: list = field(default_factory=list)   # keys we never issued
    outdated: list = field(default_factory=list)  # English changed since the export
    errors: list = field(default_factory=list)    # (key, message): nothing is written when any


@dataclass
class XliffDocument:
    original: str
    source_language: str
    language: str
    units: list


def read(data: bytes) -> XliffDocument:
    """An XLIFF 1.2 document (one ``<file>`` language), hardened against hostile XML."""
    try:
        root = xml_safety.parse_untrusted_xml(data, max_bytes=50 * 1024 * 1024, allow_dtd_reference=True)
    except xml_safety.UnsafeXML as error:
        raise CourseError(f'XLIFF file: {unsafe_xml_message(error)}') from None
    if root.tag != f'{X}xliff' or root.get('version') != '1.2':
        raise CourseError('Not an XLIFF 1.2 document (expected <xliff version="1.2" '
                          f'xmlns="{NS}">).')
    files = root.findall(f'{X}file')
    languages = {element.get('target-language') for element in files}
    if len(languages) != 1 or None in languages:
        raise CourseError('The XLIFF file must have exactly one target-language.')
    originals = {element.get('original') for element in files}
    sources = {element.get('source-language') for element in files}
    units = []
    for unit in root.iter(f'{X}trans-unit'):
        key = unit.get('resname') or unit.get('id') or ''
        source, target = unit.find(f'{X}source'), unit.find(f'{X}target')
        try:
            source_pieces = read_pieces(source) if source is not None else []
            target_pieces = read_pieces(target) if target is not None else None
        except inline.InlineError as error:
            units.append(XliffUnit(key, [], None, f'error: {error}'))
            continue
        state = target.get('state', 'translated') if target is not None else 'new'
        if unit.get('approved') == 'yes' and state not in DONE_STATES and target_pieces:
            state = 'translated'
        units.append(XliffUnit(key, source_pieces, target_pieces, state))
    return XliffDocument(originals.pop() if len(originals) == 1 else '', sources.pop() if len(sources) == 1 else '',
                         languages.pop(), units)


def merge_into(po: polib.POFile, document: XliffDocument) -> ImportReport:
    """Write the targets into ``po``, or nothing at all if any unit is unusable (``report.errors``)."""
    report = ImportReport(document.language)
    if document.original != course_name(po):
        report.errors.append(('', f'this XLIFF is for "{document.original}", not for this course '
                                  f'("{course_name(po)}")'))
    if document.source_language != SOURCE_LANGUAGE:
        report.errors.append(('', f'source-language is "{document.source_language}", expected "{SOURCE_LANGUAGE}"'))
    by_key = {entry.msgctxt: entry for entry in po if not entry.obsolete}
    changes = []
    for unit in document.units:
        entry = by_key.get(unit.key)
        if entry is None:
            report.unknown.append(unit.key)
            report.errors.append((unit.key, 'no unit of this course has this id'))
            continue
        if unit.state.startswith('error: '):
            report.errors.append((unit.key, unit.state[len('error: '):]))
            continue
        markup = inline.is_markup(entry.msgid)
        source_pieces = inline.split(entry.msgid, markup)
        if not _same_source(source_pieces, unit.source):
            report.outdated.append(unit.key)
            continue
        if not unit.target:
            report.unchanged += 1
            continue
        try:
            target = inline.join(inline.restore(source_pieces, unit.target), markup)
        except inline.InlineError as error:
            report.errors.append((unit.key, str(error)))
            continue
        changes.append((entry, target, unit.state not in DONE_STATES))
    if report.errors:
        return report
    for entry, target, fuzzy in changes:
        new_flags = [flag for flag in entry.flags if flag != 'fuzzy'] + (['fuzzy'] if fuzzy else [])
        if entry.msgstr == target and entry.flags == new_flags:
            report.unchanged += 1
            continue
        entry.msgstr, entry.flags = target, new_flags
        if not fuzzy:
            entry.previous_msgid = entry.previous_msgctxt = None
        report.updated += 1
    return report


def _same_source(source_pieces, xliff_pieces) -> bool:
    """Whether the XLIFF's ``<source>`` is still the catalogue's English (else the unit is outdated)."""
    try:
        return inline.restore(source_pieces, xliff_pieces) == source_pieces
    except inline.InlineError:
        return False


def import_file(path: Path, po_for_language, expected_language: str | None = None) -> tuple[polib.POFile, ImportReport]:
    """Read ``path`` and merge it into the catalogue ``po_for_language(language)`` returns."""
    document = read(Path(path).read_bytes())
    if expected_language and document.language != expected_language:
        raise CourseError(f'{path} is a {document.language} XLIFF, not {expected_language}.')
    po = po_for_language(document.language)
    return po, merge_into(po, document)
