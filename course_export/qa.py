"""Translation QA a translator can act on: ``magix i18n check --lang xx``.

Per unit key, what would break the built course or mislead a learner:

- errors (the build refuses them, or the page would be wrong): untranslated or fuzzy units, inline
  markup (tags, links, images) missing, added, changed or badly nested, placeholders and URLs that
  differ from the English, glossary terms not translated as the language's glossary says;
- warnings (worth a look, sometimes right): numbers that differ from the English (a figure spelt
  out, a date reformatted) and text left the same as the English.

The glossary is ``translations/course/glossary/<lang>.csv`` (``source,target,note``; a target may
list accepted forms separated by ``|``; an optional ``TBX`` file works too): where the English
uses a term, the translation must use one of its forms (its words may be inflected: up to three more
letters each, for plurals and agreement).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polib

from . import inline

ERROR, WARNING = 'error', 'warning'
URL = re.compile(r'''https?://[^\s"'<>)\]]+''')
NUMBER = re.compile(r'\d+(?:[.,\u00a0\u202f ]\d+)*')
LETTERS = re.compile(r'[^\W\d_]{2,}')


@dataclass(frozen=True)
class Finding:
    key: str
    severity: str
    check: str
    message: str

    def __str__(self):
        return f'{self.key}: {self.severity}: {self.check}: {self.message}'


@dataclass(frozen=True)
class Term:
    source: str
    targets: tuple
    pattern: re.Pattern

    def used_in(self, folded_translation: str) -> bool:
        """Whether one of the accepted forms is in the translation, inflected (plural, gender) or not."""
        return any(_inflected(form).search(folded_translation) for form in self.targets)


def _inflected(form: str) -> re.Pattern:
    """A glossary form whose words may take up to three more letters: agent(s) conversationnel(s), variable(s)."""
    words = [re.escape(word) + r'\w{0,3}' for word in _fold(form).split()]
    return re.compile(r'(?<!\w)' + r'\s+'.join(words) + r'(?!\w)')


def load_glossary(path: Path) -> list[Term]:
    """Terms from a CSV (``source,target,note``) or TBX file; missing file: no terms."""
    path = Path(path)
    if not path.is_file():
        return []
    if path.suffix.lower() == '.tbx':
        return _tbx_terms(path)
    terms = []
    with path.open(encoding='utf-8', newline='') as handle:
        for row in csv.DictReader(handle):
            source, target = (row.get('source') or '').strip(), (row.get('target') or '').strip()
            if source and target:
                terms.append(_term(source, tuple(form.strip() for form in target.split('|') if form.strip())))
    return terms


def _term(source: str, targets: tuple) -> Term:
    # Acronyms match as written (GDPR, not "gdpr" inside a word); other terms ignore case.
    flags = 0 if source.isupper() else re.IGNORECASE
    return Term(source, targets, re.compile(rf'(?<!\w){re.escape(source)}(?!\w)', flags))


def _tbx_terms(path: Path) -> list[Term]:
    from xblocks import xml_safety
    root = xml_safety.parse_untrusted_xml(path.read_bytes(), max_bytes=20 * 1024 * 1024)
    terms = []
    for entry in root.iter('{*}termEntry', 'termEntry', '{*}conceptEntry', 'conceptEntry'):
        by_language = {}
        for lang_set in list(entry.iter('{*}langSet', 'langSet')):
            lang = lang_set.get('{http://www.w3.org/XML/1998/namespace}lang', '').split('-')[0].lower()
            by_language.setdefault(lang, []).extend(
                (term.text or '').strip() for term in lang_set.iter('{*}term', 'term') if (term.text or '').strip())
        sources = by_language.pop('en', [])
        targets = tuple(form for forms in by_language.values() for form in forms)
        for source in sources:
            if targets:
                terms.append(_term(source, targets))
    return terms


def _fold(text: str) -> str:
    """Case, Unicode form, apostrophes and spaces do not make a term different (l’IA = l'IA)."""
    text = unicodedata.normalize('NFC', text).casefold().replace('\u2019', "'").replace('\u02bc', "'")
    return re.sub(r'[\s\u00a0\u202f]+', ' ', text)


def _numbers(text: str) -> set[str]:
    """The figures of a text, written any way (1,500 = 1 500 = 1.500; 09:00 = 9 h): digits, leading zeros dropped."""
    values = {re.sub(r'\D', '', match).lstrip('0') for match in NUMBER.findall(text)}
    return values - {''}


def _urls(pieces) -> list[str]:
    found = [url.rstrip('.,;:!?') for url in URL.findall(inline.plain_text(pieces))]
    for code in inline.codes(pieces):
        found += re.findall(r'''(?:href|src)\s*=\s*["']([^"']+)["']''', code.native)
    return sorted(found)


def check_entry(entry: polib.POEntry, terms: list[Term]) -> list[Finding]:
    """What is wrong with one unit's translation (see the module docstring)."""
    key = entry.msgctxt or entry.msgid[:40]
    found = []

    def report(severity, check, message):
        found.append(Finding(key, severity, check, message))

    if not entry.msgstr:
        report(ERROR, 'untranslated', 'no translation yet')
        return found
    if 'fuzzy' in entry.flags:
        report(ERROR, 'fuzzy', 'marked fuzzy: review it, then remove the flag')
    markup = inline.is_markup(entry.msgid)
    source = inline.split(entry.msgid, markup)
    try:
        target = inline.split(entry.msgstr, markup)
    except inline.InlineError as error:
        report(ERROR, 'tags', f'the markup is broken: {error}')
        return found
    source_tags = sorted(code.native for code in inline.codes(source) if code.native.startswith('<'))
    target_tags = sorted(code.native for code in inline.codes(target) if code.native.startswith('<'))
    if source_tags != target_tags:
        missing = sorted(set(source_tags) - set(target_tags))
        added = sorted(set(target_tags) - set(source_tags))
        report(ERROR, 'tags', '; '.join(filter(None, [
            f'missing {", ".join(missing)}' if missing else '',
            f'not in the English {", ".join(added)}' if added else '',
            'a tag is used a different number of times' if not missing and not added else ''])))
    placeholders = sorted(code.native for code in inline.codes(source) if not code.native.startswith(('<', '&')))
    if placeholders != sorted(code.native for code in inline.codes(target) if not code.native.startswith(('<', '&'))):
        report(ERROR, 'placeholders', f'the English has {", ".join(placeholders) or "none"}')
    if _urls(source) != _urls(target):
        report(ERROR, 'urls', f'the English links to {", ".join(_urls(source)) or "nothing"}; the translation to '
                              f'{", ".join(_urls(target)) or "nothing"}')
    source_text, target_text = (URL.sub(' ', inline.plain_text(pieces)) for pieces in (source, target))
    if _numbers(source_text) != _numbers(target_text):
        report(WARNING, 'numbers', f'the English has {", ".join(NUMBER.findall(source_text)) or "none"}; '
                                   f'the translation {", ".join(NUMBER.findall(target_text)) or "none"}')
    if entry.msgstr == entry.msgid and len(LETTERS.findall(source_text)) >= 2:
        report(WARNING, 'same-as-source', 'the translation is the English text')
    folded = _fold(target_text)
    for term in terms:
        if term.pattern.search(source_text) and not term.used_in(folded):
            report(ERROR, 'glossary', f'"{term.source}" should be translated as '
                                      f'{" or ".join(repr(form) for form in term.targets)}')
    return found


def check_catalogue(po: polib.POFile, terms: list[Term]) -> list[Finding]:
    findings = []
    for entry in po:
        if not entry.obsolete and entry.msgctxt:
            findings += check_entry(entry, terms)
    return findings
