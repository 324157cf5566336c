"""Catalogue merge (fuzzy with previous English, moved keys, obsolete) and status counting."""
from __future__ import annotations

import polib
import pytest

from course_export import catalogue
from course_export.slots import Unit


def pot_of(*pairs):
    return catalogue.template([Unit(key, source, 'html/x.html', 'note') for key, source in pairs])


def test_merge_marks_changed_english_fuzzy_keeps_previous_and_obsoletes_removed():
    old = pot_of(('html/a@body[1]', 'Hello world'), ('html/a@body[2]', 'Stays the same'),
                 ('html/a@body[3]', 'Going away'))
    po = catalogue.merge(old, catalogue.new_catalogue('fr'))
    for entry, text in zip(po, ('Bonjour le monde', 'Reste pareil', 'Disparaît')):
        entry.msgstr = text
    new = pot_of(('html/a@body[1]', 'Hello, world!'), ('html/a@body[2]', 'Stays the same'),
                 ('html/a@body[4]', 'Brand new'))
    merged = catalogue.merge(new, po)
    entries = {entry.msgctxt: entry for entry in merged}
    changed = entries['html/a@body[1]']
    assert changed.msgstr == 'Bonjour le monde' and 'fuzzy' in changed.flags
    assert changed.previous_msgid == 'Hello world' and changed.msgid == 'Hello, world!'
    same = entries['html/a@body[2]']
    assert same.msgstr == 'Reste pareil' and 'fuzzy' not in same.flags
    assert entries['html/a@body[4]'].msgstr == ''
    gone = entries['html/a@body[3]']
    assert gone.obsolete and gone.msgstr == 'Disparaît'
    text = str(merged)
    assert '#| msgid "Hello world"' in text and '#~ msgctxt "html/a@body[3]"' in text
    # Merging again is stable: the original English stays as the previous msgid.
    again = {entry.msgctxt: entry for entry in catalogue.merge(new, merged)}
    assert again['html/a@body[1]'].previous_msgid == 'Hello world'
    assert again['html/a@body[3]'].obsolete


def test_a_paragraph_inserted_above_moves_translations_as_fuzzy_with_previous_key():
    old = pot_of(('html/a@body[1]', 'First'), ('html/a@body[2]', 'Second'))
    po = catalogue.merge(old, catalogue.new_catalogue('fr'))
    po[0].msgstr, po[1].msgstr = 'Premier', 'Deuxième'
    new = pot_of(('html/a@body[1]', 'Inserted'), ('html/a@body[2]', 'First'), ('html/a@body[3]', 'Second'))
    entries = {entry.msgctxt: entry for entry in catalogue.merge(new, po)}
    assert entries['html/a@body[3]'].msgstr == 'Deuxième' and 'fuzzy' in entries['html/a@body[3]'].flags
    assert entries['html/a@body[3]'].previous_msgctxt == 'html/a@body[2]'
    # body[1] changed English ("First" -> "Inserted"): its old translation is kept, fuzzy.
    assert entries['html/a@body[1]'].previous_msgid == 'First' and 'fuzzy' in entries['html/a@body[1]'].flags


def test_status_counts_units_and_words_against_the_current_template():
    pot = pot_of(('k@1', 'One two three'), ('k@2', '<strong>Four</strong> five'), ('k@3', 'Six'),
                 ('k@4', 'Seven eight'))
    po = catalogue.new_catalogue('fr')
    po.append(polib.POEntry(msgctxt='k@1', msgid='One two three', msgstr='Un deux trois'))
    po.append(polib.POEntry(msgctxt='k@2', msgid='<strong>Four</strong> five', msgstr='Quatre cinq',
                            flags=['fuzzy']))
    po.append(polib.POEntry(msgctxt='k@3', msgid='Old English', msgstr='Six'))  # not updated: stale
    result = catalogue.status(pot, po, 'fr')
    assert result.units == {'translated': 1, 'fuzzy': 2, 'untranslated': 1}
    assert result.words == {'translated': 3, 'fuzzy': 3, 'untranslated': 2}
    assert result.percent == 25.0
    assert catalogue.status(pot_of(), po, 'fr').percent == 100.0


REGULAR_PO = '''#
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#, fuzzy
#~ msgctxt "old"
#~ msgid "Old"
#~ msgstr "Vieux"

#. note, fuzzy
#: html/a.html
msgctxt "a"
msgid ""
"Two\\n"
"lines \\"q\\" \\t"
msgstr "Deux \\\\ lignes"

#, fuzzy, python-format
#| msgid "Prev"
msgctxt "b"
msgid "B"
msgstr "Bé"
#, python-format
msgctxt "c"
msgid "C \\"quoted\\""
msgstr ""
msgctxt ""
msgid "no key"
msgstr "pas de clé"
#, fuzzy

msgctxt "d"
msgid "D"
msgstr "Dé"'''

# Another layout: the same with a plural entry (left to the line reader, then to polib).
TRICKY_PO = REGULAR_PO + '''

msgctxt "p"
msgid "one"
msgid_plural "many"
msgstr[0] "un"
msgstr[1] "plusieurs"
'''


def test_the_build_reads_catalogues_as_polib_does(tmp_path):
    """``read_translations`` (the build's fast reader) against polib, on every shipped catalogue and odd cases."""
    tricky = tmp_path / 'tricky.po'
    tricky.write_text(TRICKY_PO, encoding='utf-8')
    paths = [tricky, *catalogue.language_catalogues().values()]
    for path in paths:
        assert catalogue.read_translations(path) == catalogue.translations(catalogue.load(path)), path
    assert catalogue.read_translations(tricky)['a'].source == 'Two\nlines "q" \t'
    assert catalogue.read_translations(tricky)['b'].fuzzy and 'old' not in catalogue.read_translations(tricky)


def test_the_streamed_template_is_what_polib_writes(tmp_path):
    from course_export.olx import assemble
    from course_export.units import extract, iter_units
    units = extract(assemble())
    catalogue.save(catalogue.template(units), tmp_path / 'polib.pot')
    path, count, words = catalogue.write_template(iter_units(assemble()), tmp_path / 'streamed.pot')
    assert path.read_bytes() == (tmp_path / 'polib.pot').read_bytes()
    assert count == len(units) and words == sum(catalogue.words(unit.source) for unit in units)


def test_the_regular_layout_is_read_in_one_pass_as_the_line_reader_reads_it(tmp_path):
    """Our catalogues (comments, obsolete entries, continued strings) are indexed, each entry made when asked for."""
    import io
    found = catalogue._index_regular_entries(REGULAR_PO.encode('utf-8'))
    assert found is not None and found == catalogue._read_live_entries(io.StringIO(REGULAR_PO))
    assert found['a'] == catalogue.Translation('Two\nlines "q" \t', 'Deux \\ lignes', False)
    assert found['b'].fuzzy and not found['c'].fuzzy and found['d'].fuzzy and set(found) == {'a', 'b', 'c', 'd'}
    path = tmp_path / 'regular.po'
    path.write_text(REGULAR_PO, encoding='utf-8')
    assert catalogue.read_translations(path) == catalogue.translations(catalogue.load(path))
    # Another process's index of the same bytes reads the same (the build's read-ahead).
    data = path.read_bytes()
    index = catalogue.index_catalogue(data)
    assert dict(catalogue.read_translations(path, data, index)) == dict(found)
    # Any other layout (plural forms here) is left to the line reader.
    assert catalogue._index_regular_entries(TRICKY_PO.encode('utf-8')) is None
    assert catalogue.index_catalogue(TRICKY_PO.encode('utf-8')) is None
    assert catalogue.index_catalogue(b'msgctxt "a\xff"\nmsgid "b"\nmsgstr "c"\n') is None
    assert catalogue.index_catalogue(b'msgctxt "a\x00b"\nmsgid "b"\nmsgstr "c"\n') is None  # a key with NUL
    assert dict(catalogue.read_translations(path, b'', catalogue.index_catalogue(b''))) == {}


def test_a_catalogue_indexed_in_two_parts_reads_as_the_whole_wherever_it_is_cut(tmp_path):
    """The build indexes a large catalogue in two processes, cut at an ``entry_boundary``: any cut
    reads the same entries, fuzzy flags and last-of-two-keys as the whole, or leaves it to the line reader."""
    text = REGULAR_PO + '\n#, fuzzy\n\n#. a later "a" counts\nmsgctxt "a"\nmsgid "A2"\nmsgstr ""\n"Deux"\n"fois"\n'
    path = tmp_path / 'fr.po'
    path.write_text(text, encoding='utf-8')
    data = path.read_bytes()
    whole = dict(catalogue.read_translations(path))
    assert whole['a'] == catalogue.Translation('A2', 'Deuxfois', True)
    cuts = set()
    for at in range(len(data) + 2):
        cut = catalogue.entry_boundary(data, at)
        assert cut == len(data) or (cut >= at and data[:cut].endswith(b'"\n') and not data[cut:].startswith(b'"'))
        cuts.add(cut)
        joined = catalogue.joined_indexes(catalogue.index_catalogue(data, 0, cut), catalogue.index_catalogue(data, cut))
        assert dict(catalogue.read_translations(path, data, joined)) == whole, cut
    assert len(cuts) == 7  # after the header and each of the six live entries
    unended = data.rstrip(b'\n')  # no final line break: a part up to the end still has an index
    for cut in {catalogue.entry_boundary(unended, at) for at in range(len(unended) + 2)}:
        joined = catalogue.joined_indexes(catalogue.index_catalogue(unended, 0, cut),
                                          catalogue.index_catalogue(unended, cut))
        assert joined is not None, cut
        assert dict(catalogue.read_translations(path, unended, joined)) == whole, cut
    plural = TRICKY_PO.encode('utf-8')
    for cut in {catalogue.entry_boundary(plural, at) for at in range(len(plural))}:
        assert catalogue.joined_indexes(catalogue.index_catalogue(plural, 0, cut),
                                        catalogue.index_catalogue(plural, cut)) is None


def test_a_catalogue_that_is_not_utf8_is_refused_wherever_the_bad_byte_is(tmp_path):
    text = 'msgctxt "k"\nmsgid "Déjà — 10 €"\nmsgstr "Already — €10"\n\n'.encode('utf-8')
    for chunk in (1, 2, 3, 7):  # a chunk may end inside a character: that is no error
        catalogue._check_utf8(text * 5, chunk)
    path = tmp_path / 'fr.po'
    for bad in (b'\xff' + text * 3, text * 3 + b'\xe2\x82', text + b'msgid "\xc3("\n'):
        path.write_bytes(bad)
        with pytest.raises(ValueError):
            catalogue.read_translations(path)
