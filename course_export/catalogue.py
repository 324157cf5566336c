"""Gettext catalogues of the course content: the template, merging it into languages, counting progress.

``translations/course/course.pot`` is written from the course source; each language has
``translations/course/<lang>.po``. Merging follows ``msgmerge``'s rules, keyed on the stable
``msgctxt``: an entry whose English changed keeps its translation but becomes fuzzy with the
previous English kept (``#| msgid``); an entry whose key moved but whose English did not keeps
its translation, fuzzy, with the previous key (``#| msgctxt``); entries no longer in the template
become obsolete (``#~``) so no translation is lost.
"""
from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polib

from .olx import REPO
from .slots import Unit
from .units import SOURCE_LANGUAGE

CATALOGUE_DIR = REPO / 'translations' / 'course'
TEMPLATE_NAME = 'course.pot'
HEADER = {
    'Project-Id-Version': 'magix-openedx course AIGOV101',
    'Report-Msgid-Bugs-To': '',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Transfer-Encoding': '8bit',
    'X-Source-Language': SOURCE_LANGUAGE,
}
TAG = re.compile(r'<[^>]+>')
WORD = re.compile(r'\w+(?:[\'’-]\w+)*')
TRANSLATED, FUZZY, UNTRANSLATED = 'translated', 'fuzzy', 'untranslated'


def template(units: list[Unit]) -> polib.POFile:
    """The catalogue template: one entry per unit, in reading order, with a translator note."""
    pot = polib.POFile(wrapwidth=0)
    pot.header = ('Course content of "AI, Data and Digital Governance in Public Administration".\n'
                  'Written by "magix i18n extract"; do not edit. msgctxt = <block type>/<url_name>@<field>.')
    pot.metadata = dict(HEADER)
    for unit in units:
        pot.append(polib.POEntry(msgctxt=unit.key, msgid=unit.source, msgstr='', comment=translator_note(unit),
                                 occurrences=[(unit.path, '')]))
    return pot


MARKUP_NOTE = '. Keep the inline markup (tags and links) around the words it marks.'


def translator_note(unit: Unit) -> str:
    return unit.comment + MARKUP_NOTE if unit.markup else unit.comment


def write_template(units: Iterable[Unit], path: Path) -> tuple[Path, int, int]:
    """``save(template(units), path)`` written unit by unit, so a large course is never held whole.

    Returns the path, the number of units and of English words. Entries are written as polib
    writes them with ``wrapwidth=0`` (the header is polib's own; a test holds the two equal).
    """
    return write_template_parts(((template_entry(unit), 1, words(unit.source)) for unit in units), path)


def write_template_parts(parts: Iterable[tuple[str, int, int]], path: Path) -> tuple[Path, int, int]:
    """``write_template`` of entries already written: ``(entries, units, English words)`` parts
    (``template_entry``, ``template_part``), in order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + '.partial')
    count = total_words = size = 0
    try:
        with open(partial, 'w', encoding='utf-8') as output:
            output.write(str(template([])))
            batch = []
            for text, units, entry_words in parts:
                batch.append(text)
                count += units
                total_words += entry_words
                size += len(text)
                if size >= 1 << 18:  # one write per 256k characters
                    output.write(''.join(batch))
                    batch, size = [], 0
            output.write(''.join(batch))
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    return path, count, total_words


def template_entry(unit: Unit) -> str:
    """One template entry, preceded by the blank line that separates entries (polib's layout)."""
    return _entry(unit.key, unit.source, unit.path, translator_note(unit))


def _entry(key: str, source: str, path: str, note: str) -> str:
    if note and '\n' not in note and not _SPECIAL.search(key) and not _SPECIAL.search(source):
        return f'\n#. {note}\n#: {path}\nmsgctxt "{key}"\nmsgid "{source}"\nmsgstr ""\n'
    lines = [''] + (['#. ' + line for line in note.split('\n')] if note else [])
    lines.append('#: ' + path)
    lines += _po_field('msgctxt', key) + _po_field('msgid', source)
    lines.append('msgstr ""\n')
    return '\n'.join(lines)


def template_part(document) -> tuple[str, list[str], int]:
    """The template entries of one document's units (``units.Document``: its slots as extracted),
    as one text, with their keys and English words: what ``write_template`` writes for them.

    Most texts are one line with nothing to escape but quotes: a search or two over all of a
    document's keys and texts tells, and their entries are then written in one pattern.
    """
    slots = document.slots
    keys = [slot.key for slot in slots]
    sources = [slot.english for slot in slots]
    notes = [slot.comment + MARKUP_NOTE if slot.markup else slot.comment for slot in slots]
    words = _count_words(' '.join([TAG.sub(' ', source) if '<' in source else source for source in sources]))
    joined = '\x00'.join(sources)
    if _SPECIAL.search('\x00'.join(keys)) or not all(notes) or any('\n' in note for note in notes) \
            or _BREAKS.search(joined):  # polib's layout, entry by entry
        text = ''.join([_entry(key, source, slot.path, note)
                        for key, source, slot, note in zip(keys, sources, slots, notes)])
        return text, keys, words
    if _NEEDS_ESCAPE.search(joined):  # quotes or backslashes, on one line
        sources = [_escape(source) for source in sources]
    text = ''.join([f'\n#. {note}\n#: {slot.path}\nmsgctxt "{key}"\nmsgid "{source}"\nmsgstr ""\n'
                    for key, source, slot, note in zip(keys, sources, slots, notes)])
    return text, keys, words


# What ``polib.escape`` may change: other texts (most) are written as they are.
_NEEDS_ESCAPE = re.compile('[\\\\\t\r\n\v\b\f"]')


def _escape(text: str) -> str:
    return polib.escape(text) if _NEEDS_ESCAPE.search(text) else text


def _po_field(name: str, text: str) -> list[str]:
    """A quoted PO field; text with line breaks starts with "" and continues one line per line."""
    if not _SPECIAL.search(text):  # most texts: one line, nothing to escape
        return [f'{name} "{text}"']
    if '\n' not in text and '\r' not in text and not _LINE_BREAKS.search(text):
        return [f'{name} "{_escape(text)}"']
    lines = text.splitlines(True)
    lines = [''] + lines if len(lines) > 1 else [text]
    return [f'{name} "{_escape(lines[0])}"'] + [f'"{_escape(line)}"' for line in lines[1:]]


# Besides \n and \r, what ``str.splitlines`` breaks lines at.
_LINE_BREAKS = re.compile('[\v\f\x1c\x1d\x1e\x85\u2028\u2029]')
_SPECIAL = re.compile(f'{_NEEDS_ESCAPE.pattern}|{_LINE_BREAKS.pattern}')
_BREAKS = re.compile(f'[\r\n]|{_LINE_BREAKS.pattern}')  # what makes a PO field take several lines


def save(catalogue: polib.POFile, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue.wrapwidth = 0
    catalogue.save(str(path))
    return path


def read_translations(path: Path, data: bytes | None = None, index: tuple | None = None) -> Mapping[str, 'Translation']:
    """What ``translations(load(path))`` returns, read in one pass (many times faster than polib).

    The build needs only key, English, translation and fuzziness of the live entries:
    obsolete (``#~``) and previous (``#|``) lines and notes are skipped (plural forms too); strings
    are unescaped by polib. A catalogue in the layout our tools write is indexed, one regular
    expression match per entry, and each entry made when asked for (``CatalogueEntries``); another
    layout is read line by line; a file the line reader cannot follow, by polib.

    ``data`` and ``index``: the file's bytes and what ``index_catalogue`` made of them (in another
    process: the build indexes its catalogue while it reads the course); without an index, the
    file is read as above.
    """
    if data is not None and index is not None:
        keys, places = index
        return CatalogueEntries(_ending_in_newline(data), dict(zip(keys.split('\0') if places else [], places)))
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
        _check_utf8(data)  # undecodable: polib says why
        found = _index_regular_entries(data) if b'\r' not in data else None
        if found is None:
            with open(path, encoding='utf-8') as handle:
                found = _read_live_entries(handle)
        return found
    except OSError as error:
        raise ValueError(f'{path} is not a readable gettext catalogue: {error}') from None
    except (ValueError, UnicodeDecodeError):
        return translations(load(path))


def index_catalogue(data: bytes, start: int = 0, end: int | None = None) -> tuple[str, list[int]] | None:
    """The index ``read_translations`` makes of a catalogue's bytes in our layout, in a form quick
    to send to another process (the keys in one string, NUL between them, and where each entry
    is); ``None`` if the bytes are not UTF-8 or not in that layout (``read_translations`` then
    reads the file as it reads any other).

    ``start`` and ``end``: the part of the catalogue to index, from one ``entry_boundary`` to the
    next (two processes each index a part; ``joined_indexes`` puts the parts together).
    """
    try:
        _check_utf8(memoryview(data)[start:end])
    except UnicodeDecodeError:
        return None
    found = _index_regular_entries(data, start, end) if data.find(b'\r', start, end) < 0 else None
    if found is None:
        return None
    keys = '\0'.join(found)
    if keys.count('\0') != max(len(found) - 1, 0):
        return None  # a key with a NUL in it
    return keys, list(found._places.values())


def entry_boundary(data: bytes, at: int) -> int:
    """Where the first entry ending at or after byte ``at`` ends (after its ``msgstr`` and the string's
    continuation lines); ``len(data)`` if none does. Comment lines belong to the entry after them,
    so a catalogue cut there reads as the whole does, part by part."""
    found = data.find(b'\nmsgstr "', max(at - 1, 0))
    if found < 0:
        return len(data)
    position = data.find(b'\n', found + 1)
    while position >= 0 and data.startswith(b'"', position + 1):
        position = data.find(b'\n', position + 1)
    return len(data) if position < 0 else position + 1


def joined_indexes(*parts: tuple[str, list[int]] | None) -> tuple[str, list[int]] | None:
    """One index of the parts ``index_catalogue`` made, in the catalogue's order (of two entries with
    one key, the last counts); ``None`` if any part had none (the whole is then read as any other)."""
    if any(part is None for part in parts):
        return None
    keys = '\0'.join(part[0] for part in parts if part[1])
    return keys, [place for part in parts for place in part[1]]


def _ending_in_newline(data: bytes) -> bytes:
    """What the index reads: the bytes with a final line break (the last string's line ends there)."""
    return data + b'\n' if data and not data.endswith(b'\n') else data


def _check_utf8(data: bytes, chunk: int = 1 << 20) -> None:
    """Raise ``UnicodeDecodeError`` unless ``data`` is UTF-8, a chunk at a time (the whole text of
    a large catalogue decoded at once is a string two to four times its size, held for nothing)."""
    decoder = codecs.getincrementaldecoder('utf-8')()
    view = memoryview(data)
    for start in range(0, len(data), chunk):
        decoder.decode(view[start:start + chunk])
    decoder.decode(b'', final=True)


def _unescape(text: str) -> str:
    return polib.unescape(text) if '\\' in text else text


# A catalogue as our tools and polib write it: entries of (msgctxt,) msgid and msgstr, each string
# on one quoted line or continued on quoted lines, after comment lines (``#.``, ``#:``, ``#,``, ``#|``,
# obsolete ``#~``) and blank lines. A quoted line is read as the line reader reads it (what is
# between its first and last quote). Matched on the UTF-8 bytes: the layout is all ASCII, and no
# byte of a multi-byte character is.
_QUOTED = rb'"(.*)"\n((?:".*"\n)*)'
_REGULAR_ENTRY = re.compile(rb'((?:#.*\n|\n)*)(?:msgctxt ' + _QUOTED + rb')?msgid ' + _QUOTED + rb'msgstr ' + _QUOTED)
_REGULAR_END = re.compile(rb'(?:#.*\n|\n)*')
_SOURCE_AND_TARGET = re.compile(rb'msgid ' + _QUOTED + rb'msgstr ' + _QUOTED)


def _quoted(first: bytes, more: bytes) -> str:
    """A string of a regular entry: its first line and continuation lines, unescaped line by line."""
    text = _unescape(first.decode('utf-8'))
    if more:
        text += ''.join(_unescape(line[1:-1].decode('utf-8')) for line in more.split(b'\n')[:-1])
    return text


def _fuzzy(comments: bytes) -> bool:
    """Whether the comment lines before an entry flag it fuzzy: their last ``#,`` line after any ``#~``."""
    for line in reversed(comments.decode('utf-8').split('\n')):
        if line.startswith('#,'):
            return 'fuzzy' in (flag.strip() for flag in line[2:].split(','))
        if line.startswith('#~'):
            return False
    return False


class CatalogueEntries(Mapping):
    """``key -> Translation`` of a catalogue in the regular layout, each entry made when asked for.

    The file's bytes are kept whole, with where each key's entry starts. A build shared by forked
    processes looks entries up in every process: a dict of ``Translation`` tuples would have each
    looked-up tuple's reference count written, so each of its memory pages copied in every process;
    here lookups write nothing the processes share but the int that says where an entry is.
    """

    def __init__(self, data: bytes, places: dict[str, int]):
        """``places``: key -> ``_place`` of its entry."""
        self._data, self._places = data, places

    def _entry(self, place: int) -> 'Translation':
        fuzzy = bool(place & 1)
        if place & 2:  # one line each: the strings are where the place says
            start, end = place >> 50, (place >> 50) + (place >> 26 & _MASK)
            source = self._data[start:end].decode('utf-8')
            start = end + _BETWEEN
            target = self._data[start:start + (place >> 2 & _MASK)].decode('utf-8')
            if '\\' in source:
                source = polib.unescape(source)
            if '\\' in target:
                target = polib.unescape(target)
            return _make(Translation, (source, target, fuzzy))
        source, source_more, target, target_more = _SOURCE_AND_TARGET.match(self._data, place >> 50).groups()
        return Translation(_quoted(source, source_more), _quoted(target, target_more), fuzzy)

    def __getitem__(self, key: str) -> 'Translation':
        return self._entry(self._places[key])

    def get(self, key, default=None):
        place = self._places.get(key)
        return default if place is None else self._entry(place)

    def __contains__(self, key) -> bool:
        return key in self._places

    def __iter__(self):
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


_MASK = (1 << 24) - 1
_BETWEEN = len(b'"\nmsgstr "')
_make = tuple.__new__  # Translation(...) without its Python-level __new__


def _place(match, fuzzy: bool) -> int:
    """Where an entry is, in one int: where its ``msgid`` line starts (bits 50 and up), then, if
    msgid and msgstr are one line each (bit 1), the lengths of their strings; bit 0: fuzzy."""
    source, target = match.span(4), match.span(6)
    source_length, target_length = source[1] - source[0], target[1] - target[0]
    if match.group(5) or match.group(7) or source_length > _MASK or target_length > _MASK:
        return (source[0] - len(b'msgid "')) << 50 | fuzzy
    return ((source[0] << 24 | source_length) << 24 | target_length) << 2 | 2 | fuzzy


def _index_regular_entries(data: bytes, start: int = 0, end: int | None = None) -> CatalogueEntries | None:
    """The live entries of a catalogue in the regular layout (``_REGULAR_ENTRY``), as
    ``_read_live_entries`` reads them; ``None`` if any part of it is laid out otherwise (plural
    forms, odd spacing...): the line reader then reads it.

    Same rules: the fuzzy flag is the last ``#,`` line before the entry and after any obsolete
    (``#~``) line; an entry without a ``msgctxt`` (the header) is not a translation; of two entries
    with one key, the last counts. ``start``, ``end``: a part of ``data`` only (``index_catalogue``).
    """
    if end is None or end >= len(data):  # up to the end: its last line may lack a line break
        data = _ending_in_newline(data)
        end = len(data)
    places = {}
    position = start
    for match in _REGULAR_ENTRY.finditer(data, start, end):
        if match.start() != position:
            return None  # something between two entries that is not a comment or a blank line
        position = match.end()
        comments, key, key_more = match.group(1, 2, 3)
        if key is not None and (key or key_more):
            key = _quoted(key, key_more) if key_more or b'\\' in key else key.decode('utf-8')
            if key:
                places[key] = _place(match, b'#,' in comments and _fuzzy(comments))
    if _REGULAR_END.match(data, position, end).end() != end:
        return None
    return CatalogueEntries(data, places)


def _read_live_entries(lines) -> dict[str, 'Translation']:
    found = {}
    entry: dict = {}
    field = None

    def finish():
        if entry.get('msgctxt') and entry.get('msgid') is not None:
            found[entry['msgctxt']] = Translation(entry['msgid'], entry.get('msgstr', ''), entry.get('fuzzy', False))

    for line in lines:
        line = line.strip()
        if not line:
            continue
        first = line[0]
        if first == '#':
            second = line[1:2]
            if second == '~':  # an obsolete entry (with the flags just read): not for the build
                if field is not None:
                    finish()
                entry, field = {}, None
            elif second == ',':
                if field is not None:
                    finish()
                    entry, field = {}, None
                entry['fuzzy'] = 'fuzzy' in (flag.strip() for flag in line[2:].split(','))
            continue
        if first == '"':
            if field is None or not line.endswith('"') or len(line) < 2:
                raise ValueError(line)
            entry[field] += _unescape(line[1:-1])
            continue
        keyword, _, value = line.partition(' ')
        if not (value.startswith('"') and value.endswith('"') and len(value) >= 2):
            raise ValueError(line)
        if keyword in ('msgctxt', 'msgid') and field in ('msgstr', 'msgstr_plural'):
            finish()
            entry = {}
        elif keyword == 'msgctxt' and field is not None:  # a new entry without a msgstr before it
            finish()
            entry = {}
        if keyword.startswith('msgstr['):
            keyword = 'msgstr_plural'
        elif keyword not in ('msgctxt', 'msgid', 'msgid_plural', 'msgstr'):
            raise ValueError(line)
        field = keyword
        entry[field] = _unescape(value[1:-1])
    finish()
    return found


def load(path: Path) -> polib.POFile:
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as error:
        raise ValueError(f'{path} is not a readable gettext catalogue: {error}') from None


def language_catalogues(folder: Path = CATALOGUE_DIR) -> dict[str, Path]:
    """``language -> <lang>.po`` in the catalogue folder."""
    return {path.stem: path for path in sorted(Path(folder).glob('*.po'))}


def new_catalogue(language: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = dict(HEADER, Language=language)
    return po


def merge(pot: polib.POFile, po: polib.POFile) -> polib.POFile:
    """``po`` brought up to date with ``pot`` (see the module docstring for the rules)."""
    by_key = {entry.msgctxt: entry for entry in po}
    by_source = {}
    for entry in po:
        if entry.msgstr and entry.msgid not in by_source:
            by_source[entry.msgid] = entry
    merged = polib.POFile(wrapwidth=0)
    merged.metadata = dict(po.metadata) or dict(HEADER)
    merged.header = po.header
    used = set()
    for source in pot:
        entry = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid, msgstr='', comment=source.comment,
                              occurrences=list(source.occurrences))
        old = by_key.get(source.msgctxt)
        if old is not None:
            used.add(id(old))
            entry.tcomment = old.tcomment
            if old.msgid == source.msgid:
                entry.msgstr = old.msgstr
                entry.flags = [flag for flag in old.flags if flag == 'fuzzy']
                entry.previous_msgid = old.previous_msgid if entry.flags else None
            elif old.msgstr:
                entry.msgstr = old.msgstr
                entry.flags = ['fuzzy']
                entry.previous_msgid = old.previous_msgid if 'fuzzy' in old.flags and old.previous_msgid \
                    else old.msgid
        elif source.msgid in by_source:
            moved = by_source[source.msgid]
            entry.msgstr = moved.msgstr
            entry.flags = ['fuzzy']
            entry.previous_msgctxt = moved.msgctxt
            entry.previous_msgid = moved.msgid
        merged.append(entry)
    current = {entry.msgctxt for entry in pot}
    for old in po:
        if id(old) not in used and old.msgctxt not in current and old.msgstr:
            old.obsolete = True
            merged.append(old)
    return merged


def fill(po: polib.POFile, texts: dict[str, str]) -> int:
    """Give untranslated entries the translations the source already holds; returns how many."""
    filled = 0
    for entry in po:
        if not entry.obsolete and not entry.msgstr and texts.get(entry.msgctxt):
            entry.msgstr = texts[entry.msgctxt]
            filled += 1
    return filled


def words(text: str) -> int:
    return _count_words(TAG.sub(' ', text) if '<' in text else text)


# ASCII text: \w is [A-Za-z0-9_]; every other character but the joiners of ``WORD`` ends a word.
_ASCII_WORD_PARTS = {code: code if chr(code).isalnum() or chr(code) in "_'-" else ord(' ') for code in range(128)}


def _count_words(text: str) -> int:
    """``len(WORD.findall(text))``; ASCII text is split in C, and only its words with a joiner go to ``WORD``."""
    if not text.isascii():
        return len(WORD.findall(text))
    tokens = text.translate(_ASCII_WORD_PARTS).split()
    if "'" not in text and '-' not in text:
        return len(tokens)
    return sum(1 if "'" not in token and '-' not in token else len(WORD.findall(token)) for token in tokens)


@dataclass
class Status:
    """Progress of one language against the template (units and English words)."""
    language: str
    units: dict = field(default_factory=lambda: {TRANSLATED: 0, FUZZY: 0, UNTRANSLATED: 0})
    words: dict = field(default_factory=lambda: {TRANSLATED: 0, FUZZY: 0, UNTRANSLATED: 0})

    @property
    def total(self) -> int:
        return sum(self.units.values())

    @property
    def percent(self) -> float:
        """Translated units as a percentage of the template (100 when the template is empty)."""
        return 100.0 * self.units[TRANSLATED] / self.total if self.total else 100.0


def state(source: polib.POEntry, entry: polib.POEntry | None) -> str:
    """Translated only when the entry matches the current English and is not fuzzy."""
    if entry is None or not entry.msgstr or entry.obsolete:
        return UNTRANSLATED
    if 'fuzzy' in entry.flags or entry.msgid != source.msgid:
        return FUZZY
    return TRANSLATED


def status(pot: polib.POFile, po: polib.POFile, language: str) -> Status:
    result = Status(language)
    by_key = {entry.msgctxt: entry for entry in po if not entry.obsolete}
    for source in pot:
        kind = state(source, by_key.get(source.msgctxt))
        result.units[kind] += 1
        result.words[kind] += words(source.msgid)
    return result


class Translation(NamedTuple):
    """What a catalogue says about one key: the English it translated, the text, whether fuzzy.

    A named tuple: a large catalogue holds one per unit, and tuples are quicker to make and smaller.
    """
    source: str
    text: str
    fuzzy: bool


def translations(po: polib.POFile | None) -> dict[str, Translation]:
    """``key -> Translation`` for the live entries of a language catalogue (what the build reads)."""
    if po is None:
        return {}
    return {entry.msgctxt: Translation(entry.msgid, entry.msgstr, 'fuzzy' in entry.flags)
            for entry in po if not entry.obsolete and entry.msgctxt}
