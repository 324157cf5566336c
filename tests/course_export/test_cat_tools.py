"""A real CAT-side library in the loop: translate-toolkit reads and writes what we export, we read it back.

translate-toolkit (the library behind Pootle, Virtaal and Weblate's converters) stands for the CAT
tools of translation services: if it sees every unit under our id, and what its writers produce
imports back into the same catalogue, the file works outside our repository.
"""
from __future__ import annotations

import polib
import pytest

from course_export import catalogue, tmx, xliff
from course_export.olx import REPO

pytest.importorskip('translate.storage.xliff', reason='translate-toolkit is not installed here (it is in the test extra; it does not install beside the Open edX pins of make test-platform)')
from translate.convert import xliff2po  # noqa: E402
from translate.storage import po as tt_po  # noqa: E402
from translate.storage import tmx as tt_tmx  # noqa: E402
from translate.storage import xliff as tt_xliff  # noqa: E402

CATALOGUES = REPO / 'translations' / 'course'
LANGUAGES = sorted(path.stem for path in CATALOGUES.glob('*.po'))


def live(po):
    return [entry for entry in po if not entry.obsolete]


def language_catalogue(language):
    return catalogue.merge(catalogue.load(CATALOGUES / 'course.pot'), catalogue.load(CATALOGUES / f'{language}.po'))


def empty_like(po, language):
    empty = catalogue.merge(catalogue.load(CATALOGUES / 'course.pot'), catalogue.new_catalogue(language))
    empty.metadata.update(po.metadata)
    return empty


@pytest.mark.parametrize('language', LANGUAGES)
def test_translate_toolkit_reads_every_unit_under_our_id_and_its_writer_imports_back(language):
    po = language_catalogue(language)
    data = xliff.export(po, language)
    store = tt_xliff.xlifffile.parsestring(data)
    units = [unit for unit in store.units if not unit.isheader()]
    assert len(units) == len(live(po))
    original = xliff.course_name(po)
    assert [unit.getid() for unit in units] == [f'{original}\x04{entry.msgctxt}' for entry in live(po)]
    assert [unit.getlocations() for unit in units][:3] == [[entry.msgctxt] for entry in live(po)[:3]]
    # Its view of the texts: tags kept as tags, approved units not fuzzy.
    for unit, entry in zip(units, live(po)):
        assert unit.source == entry.msgid
        assert unit.isfuzzy() == ('fuzzy' in entry.flags)
    # Its writer (what a CAT tool saves) -> our import -> the same catalogue.
    back = empty_like(po, language)
    report = xliff.merge_into(back, xliff.read(bytes(store)))
    assert not report.errors and not report.outdated
    assert [(e.msgctxt, e.msgstr, 'fuzzy' in e.flags) for e in live(back)] == \
        [(e.msgctxt, e.msgstr, 'fuzzy' in e.flags) for e in live(po)]


def test_xliff2po_keeps_every_unit_apart_with_our_id_as_its_reference():
    po = language_catalogue('fr')
    converted = xliff2po.xliff2po().convertstore(xliff.export(po, 'fr'))
    units = [unit for unit in converted.units if not unit.isheader()]
    assert len(units) == len(live(po))  # nothing collapses (973 -> 970 before)
    assert sorted(location for unit in units for location in unit.getlocations()) == \
        sorted(entry.msgctxt for entry in live(po))
    by_key = {unit.getlocations()[0]: unit for unit in units}
    for entry in live(po):
        assert by_key[entry.msgctxt].target == entry.msgstr


@pytest.mark.parametrize('language', LANGUAGES)
def test_translate_toolkit_reads_and_writes_our_po_without_loss(language, tmp_path):
    path = CATALOGUES / f'{language}.po'
    store = tt_po.pofile.parsefile(str(path))
    units = [unit for unit in store.units if not unit.isheader() and not unit.isobsolete()]
    ours = live(catalogue.load(path))
    assert [(unit.getcontext(), unit.source) for unit in units] == [(e.msgctxt, e.msgid) for e in ours]
    written = tmp_path / f'{language}.po'
    written.write_bytes(bytes(store))
    assert [(e.msgctxt, e.msgid, e.msgstr, e.flags) for e in live(catalogue.load(written))] == \
        [(e.msgctxt, e.msgid, e.msgstr, e.flags) for e in ours]


def test_translate_toolkit_reads_our_tmx_with_the_tags_in_place():
    po = language_catalogue('fr')
    data = tmx.export(po, 'fr')
    store = tt_tmx.tmxfile.parsestring(data)
    translated = [entry for entry in live(po) if entry.msgstr and 'fuzzy' not in entry.flags]
    assert len(store.units) == len(translated)
    for unit, entry in zip(store.units, translated):
        assert (unit.source, unit.target) == (entry.msgid, entry.msgstr)


def test_a_tmx_written_by_translate_toolkit_prefills_a_new_catalogue(tmp_path):
    """A memory made elsewhere (here translate-toolkit's TMX writer, fed from the French catalogue)."""
    french = language_catalogue('fr')
    store = tt_tmx.tmxfile(sourcelanguage='en', targetlanguage='fr')
    for entry in live(french):
        if entry.msgstr and 'fuzzy' not in entry.flags and '<' not in entry.msgid:
            store.addtranslation(entry.msgid, 'en', entry.msgstr, 'fr')
    memory = tmx.read(bytes(store), 'fr')
    fresh = empty_like(french, 'fr')
    report = tmx.prefill(fresh, memory)
    plain = [entry for entry in live(french) if entry.msgstr and '<' not in entry.msgid]
    assert len(report.exact) >= len(plain) * 0.99
    by_key = {entry.msgctxt: entry for entry in fresh}
    for key in report.exact:
        assert by_key[key].msgstr and 'fuzzy' not in by_key[key].flags


def test_po_read_by_polib_and_translate_toolkit_agree_on_every_language():
    for language in LANGUAGES:
        path = CATALOGUES / f'{language}.po'
        assert len(live(polib.pofile(str(path)))) == \
            len([u for u in tt_po.pofile.parsefile(str(path)).units if not u.isheader() and not u.isobsolete()])
