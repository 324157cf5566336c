"""XLIFF 1.2 export and import of a language catalogue, for the CAT tools of translation services.

One ``<trans-unit>`` per catalogue entry: ``id`` and ``resname`` are the stable key (msgctxt),
``<source>`` the English, ``<target state=...>`` the translation, ``<note>`` the translator
note. Inline markup travels as escaped text, exactly as in the gettext catalogue, so the round
trip is lossless. States map both ways: translated <-> ``translated``/``final``/``signed-off``,
fuzzy <-> ``needs-review-translation``, untranslated <-> ``new`` (empty target).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polib
from lxml import etree

from xblocks import xml_safety

from .olx import CourseError, unsafe_xml_message
from .units import SOURCE_LANGUAGE

NS = 'urn:oasis:names:tc:xliff:document:1.2'
X = f'{{{NS}}}'
DONE_STATES = {'translated', 'final', 'signed-off'}


def export(po: polib.POFile, language: str, original: str = 'course.pot') -> bytes:
    """The live entries of ``po`` as an XLIFF 1.2 document."""
    root = etree.Element(f'{X}xliff', nsmap={None: NS}, version='1.2')
    file_element = etree.SubElement(root, f'{X}file', {
        'original': original, 'source-language': SOURCE_LANGUAGE, 'target-language': language,
        'datatype': 'plaintext'})
    body = etree.SubElement(file_element, f'{X}body')
    for entry in po:
        if entry.obsolete or not entry.msgctxt:
            continue
        unit = etree.SubElement(body, f'{X}trans-unit', id=entry.msgctxt, resname=entry.msgctxt)
        unit.set('{http://www.w3.org/XML/1998/namespace}space', 'preserve')
        etree.SubElement(unit, f'{X}source').text = entry.msgid
        target = etree.SubElement(unit, f'{X}target')
        target.text = entry.msgstr
        if not entry.msgstr:
            target.set('state', 'new')
        elif 'fuzzy' in entry.flags:
            target.set('state', 'needs-review-translation')
        else:
            target.set('state', 'translated')
        if entry.comment:
            etree.SubElement(unit, f'{X}note', {'from': 'developer'}).text = entry.comment
        for path, _ in entry.occurrences:
            etree.SubElement(unit, f'{X}context-group', purpose='location').append(
                _context('sourcefile', path))
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8', pretty_print=True)


def _context(kind, text):
    element = etree.Element(f'{X}context', {'context-type': kind})
    element.text = text
    return element


@dataclass
class ImportReport:
    language: str
    updated: int = 0
    unchanged: int = 0
    unknown: list = field(default_factory=list)   # keys not in the catalogue
    outdated: list = field(default_factory=list)  # English changed since the export


def read(data: bytes) -> tuple[str, list[tuple[str, str, str, str]]]:
    """``(target language, [(key, source, target, state)])`` from an XLIFF 1.2 document."""
    try:
        root = xml_safety.parse_untrusted_xml(data, max_bytes=50 * 1024 * 1024)
    except xml_safety.UnsafeXML as error:
        raise CourseError(f'XLIFF file: {unsafe_xml_message(error)}') from None
    if root.tag != f'{X}xliff' or root.get('version') != '1.2':
        raise CourseError('Not an XLIFF 1.2 document (expected <xliff version="1.2" '
                          f'xmlns="{NS}">).')
    files = root.findall(f'{X}file')
    languages = {element.get('target-language') for element in files}
    if len(languages) != 1 or None in languages:
        raise CourseError('The XLIFF file must have exactly one target-language.')
    units = []
    for unit in root.iter(f'{X}trans-unit'):
        source, target = unit.find(f'{X}source'), unit.find(f'{X}target')
        if source is not None and len(source):
            raise CourseError(f'trans-unit {unit.get("id")}: inline XLIFF elements are not supported; '
                              'keep markup as text.')
        state = target.get('state', 'translated') if target is not None else 'new'
        units.append((unit.get('resname') or unit.get('id'), (source.text or '') if source is not None else '',
                      (target.text or '') if target is not None else '', state))
    return languages.pop(), units


def merge_into(po: polib.POFile, language: str, units) -> ImportReport:
    """Write the XLIFF targets into ``po`` (entries whose English is still the same)."""
    report = ImportReport(language)
    by_key = {entry.msgctxt: entry for entry in po if not entry.obsolete}
    for key, source, target, state in units:
        entry = by_key.get(key)
        if entry is None:
            report.unknown.append(key)
            continue
        if entry.msgid != source:
            report.outdated.append(key)
            continue
        fuzzy = state not in DONE_STATES
        if not target:
            report.unchanged += 1
            continue
        new_flags = [flag for flag in entry.flags if flag != 'fuzzy'] + (['fuzzy'] if fuzzy else [])
        if entry.msgstr == target and entry.flags == new_flags:
            report.unchanged += 1
            continue
        entry.msgstr, entry.flags = target, new_flags
        if not fuzzy:
            entry.previous_msgid = entry.previous_msgctxt = None
        report.updated += 1
    return report


def import_file(path: Path, po_for_language) -> tuple[polib.POFile, ImportReport]:
    """Read ``path`` and merge it into the catalogue ``po_for_language(language)`` returns."""
    language, units = read(Path(path).read_bytes())
    po = po_for_language(language)
    return po, merge_into(po, language, units)
