"""Translation memory: TMX 1.4 export of a language's translations, and pre-fill of a catalogue from a TMX.

A course team starting the next run, or a second module on the same law, should not start from
zero. ``export`` writes every translated (not fuzzy) unit as a ``<tu>`` with the English and the
translation, inline markup as TMX codes (``<bpt i>``/``<ept i>``/``<ph x>`` holding the original
tags, as in our XLIFF). ``prefill`` gives untranslated or changed units of a catalogue the
translation of an identical English segment (an exact match: translated) or, failing that, of the
most similar one above a threshold (a fuzzy match: marked fuzzy, with the match in a translator
comment, for review). Any TMX from a CAT tool will do, as long as its language pair is ours.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import polib
from lxml import etree

from xblocks import xml_safety

from . import inline
from .olx import CourseError, unsafe_xml_message
from .units import SOURCE_LANGUAGE
from .xliff import read_pieces, write_pieces

XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
FUZZY_THRESHOLD = 75  # per cent of similarity (rapidfuzz ratio) below which a match is not offered


def _tmx_code(code: inline.Code) -> tuple[str, dict]:
    """TMX 1.4 codes: a pair shares ``i``; an isolated code is a ``<ph>`` numbered by ``x``."""
    if code.kind == inline.OPEN:
        return 'bpt', {'i': code.id, 'x': code.id, 'type': code.ctype}
    if code.kind == inline.CLOSE:
        return 'ept', {'i': code.id}
    return 'ph', {'x': code.id, 'type': code.ctype}


def _tmx_code_id(element) -> str:
    return element.get('i') or element.get('x') or ''


def export(po: polib.POFile, language: str) -> bytes:
    """Every translated unit of ``po`` as TMX 1.4 (``tuid`` = the unit key)."""
    root = etree.Element('tmx', version='1.4')
    etree.SubElement(root, 'header', {
        'creationtool': 'magix-openedx', 'creationtoolversion': '1', 'segtype': 'paragraph',
        'o-tmf': 'gettext', 'adminlang': 'en', 'srclang': SOURCE_LANGUAGE, 'datatype': 'html',
        'creationdate': datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')})
    body = etree.SubElement(root, 'body')
    for entry in po:
        if entry.obsolete or not entry.msgstr or 'fuzzy' in entry.flags:
            continue
        markup = inline.is_markup(entry.msgid)
        try:
            source = inline.split(entry.msgid, markup)
            target = inline.restore(source, inline.split(entry.msgstr, markup))
        except inline.InlineError:
            continue  # a translation with broken markup is no memory to reuse
        unit = etree.SubElement(body, 'tu', tuid=entry.msgctxt)
        etree.SubElement(unit, 'prop', type='x-context').text = entry.msgctxt
        for lang, pieces in ((SOURCE_LANGUAGE, source), (language, target)):
            variant = etree.SubElement(unit, 'tuv', {XML_LANG: lang})
            write_pieces(etree.SubElement(variant, 'seg'), pieces, _tmx_code)
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8', pretty_print=True)


@dataclass
class Memory:
    """English segment -> translation, both as unit texts with the TMX's markup."""
    source_language: str
    language: str
    segments: dict = field(default_factory=dict)


def _primary(tag: str) -> str:
    return (tag or '').replace('_', '-').split('-')[0].lower()


def read(data: bytes, language: str) -> Memory:
    """The ``language`` translations of English segments in a TMX; refuses another language pair."""
    try:
        root = xml_safety.parse_untrusted_xml(data, max_bytes=200 * 1024 * 1024, allow_dtd_reference=True)
    except xml_safety.UnsafeXML as error:
        raise CourseError(f'TMX file: {unsafe_xml_message(error)}') from None
    header = root.find('header')
    if root.tag != 'tmx' or header is None:
        raise CourseError('Not a TMX document (expected <tmx><header …/><body>…).')
    source_language = header.get('srclang', '')
    if _primary(source_language) != SOURCE_LANGUAGE:
        raise CourseError(f'This TMX translates from "{source_language}"; the course is written in '
                          f'"{SOURCE_LANGUAGE}".')
    memory = Memory(source_language, language)
    languages = set()
    for unit in root.iter('tu'):
        variants = {}
        for variant in unit.findall('tuv'):
            lang = variant.get(XML_LANG) or variant.get('lang') or ''
            languages.add(lang)
            seg = variant.find('seg')
            if seg is not None:
                variants[_primary(lang)] = seg
        if SOURCE_LANGUAGE in variants and _primary(language) in variants:
            try:
                source = read_pieces(variants[SOURCE_LANGUAGE], _tmx_code_id)
                target = read_pieces(variants[_primary(language)], _tmx_code_id)
            except inline.InlineError:
                continue
            memory.segments[_segment_key(source)] = (source, target)
    if not memory.segments:
        raise CourseError(f'This TMX has no English → {language} segments (its languages: '
                          f'{", ".join(sorted(languages - {""})) or "none"}).')
    return memory


def _segment_key(pieces) -> str:
    """Segments compare by their words and by the markup of their codes (ids may differ between files)."""
    return ''.join(piece if isinstance(piece, str) else f'\x00{piece.kind}:{piece.native}\x00' for piece in pieces)


@dataclass
class PrefillReport:
    exact: list = field(default_factory=list)
    fuzzy: list = field(default_factory=list)   # (key, score, matched English)


def prefill(po: polib.POFile, memory: Memory, threshold: int = FUZZY_THRESHOLD) -> PrefillReport:
    """Untranslated and fuzzy units of ``po`` filled from ``memory`` (see the module docstring)."""
    try:
        from rapidfuzz import fuzz, process
    except ImportError:
        raise CourseError("Translation-memory matching needs rapidfuzz: pip install 'magix-openedx[course]'") from None

    report = PrefillReport()
    by_words = {}
    for key, (source, target) in memory.segments.items():
        by_words.setdefault(inline.plain_text(source), (source, target))
    choices = list(by_words)
    for entry in po:
        if entry.obsolete or (entry.msgstr and 'fuzzy' not in entry.flags):
            continue
        markup = inline.is_markup(entry.msgid)
        pieces = inline.split(entry.msgid, markup)
        exact = memory.segments.get(_segment_key(pieces))
        if exact is not None:
            translated = _adapted(pieces, exact)
            if translated is not None:
                entry.msgstr = inline.join(translated, markup)
                entry.flags = [flag for flag in entry.flags if flag != 'fuzzy']
                entry.previous_msgid = entry.previous_msgctxt = None
                report.exact.append(entry.msgctxt)
                continue
        if entry.msgstr or not choices:
            continue  # a changed unit keeps its own previous translation rather than a fuzzy match
        match = process.extractOne(inline.plain_text(pieces), choices, scorer=fuzz.ratio, score_cutoff=threshold)
        if match is None:
            continue
        words, score, _ = match
        source, target = by_words[words]
        adapted = _adapted(pieces, (source, target))
        entry.msgstr = inline.join(adapted if adapted is not None else [inline.plain_text(target)], markup)
        if 'fuzzy' not in entry.flags:
            entry.flags.append('fuzzy')
        entry.tcomment = _note(entry.tcomment, f'Translation memory: {score:.0f}% match with "{words}"')
        report.fuzzy.append((entry.msgctxt, round(score), words))
    return report


def _adapted(pieces, match):
    """The memory's translation with this unit's codes (matched by their markup), or None if they differ."""
    source, target = match
    ids = {}
    own = {(code.kind, code.native): code for code in inline.codes(pieces)}
    for code in inline.codes(source):
        mine = own.get((code.kind, code.native))
        if mine is None:
            return None
        ids[(code.kind, code.id)] = mine
    adapted = []
    for piece in target:
        if isinstance(piece, str):
            adapted.append(piece)
        elif (piece.kind, piece.id) in ids:
            adapted.append(ids[(piece.kind, piece.id)])
        else:
            return None
    try:
        return inline.restore(pieces, adapted)
    except inline.InlineError:
        return None


def _note(existing: str, line: str) -> str:
    kept = [text for text in (existing or '').splitlines() if not text.startswith('Translation memory:')]
    return '\n'.join(kept + [line])
