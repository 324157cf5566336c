"""XLIFF 1.2: export, import, round trip with the gettext catalogue, hostile input."""
from __future__ import annotations

import pytest
from lxml import etree

from course_export import catalogue, xliff
from course_export.olx import CourseError

from .conftest import translated_catalogue


def test_round_trip_reproduces_the_catalogue(units):
    po = translated_catalogue(units)
    entries = list(po)
    entries[0].flags.append('fuzzy')
    entries[1].msgstr = ''
    data = xliff.export(po, 'fr')
    root = etree.fromstring(data)
    assert root.get('version') == '1.2' and root.nsmap[None] == xliff.NS
    first = root.find(f'.//{xliff.X}trans-unit')
    assert first.get('id') == entries[0].msgctxt
    assert first.find(f'{xliff.X}target').get('state') == 'needs-review-translation'
    empty = catalogue.merge(catalogue.template(units), catalogue.new_catalogue('fr'))
    language, read_units = xliff.read(data)
    report = xliff.merge_into(empty, language, read_units)
    assert language == 'fr' and report.updated == len(units) - 1 and not report.unknown and not report.outdated
    for before, after in zip(po, empty):
        assert (after.msgctxt, after.msgid, after.msgstr, 'fuzzy' in after.flags) == \
            (before.msgctxt, before.msgid, before.msgstr, 'fuzzy' in before.flags)
    # Markup travels as text and comes back unchanged.
    marked = next(entry for entry in empty if '<strong>' in entry.msgid)
    assert marked.msgstr.startswith('« FR » <strong>') or '<strong>' in marked.msgstr


def test_import_skips_outdated_and_unknown_units_and_maps_states(units):
    po = translated_catalogue(units)
    data = xliff.export(po, 'fr')
    fresh = catalogue.merge(catalogue.template(units), catalogue.new_catalogue('fr'))
    fresh[0].msgid = 'English changed since the export'
    language, read_units = xliff.read(data)
    read_units.append(('no/such@key', 'x', 'y', 'final'))
    report = xliff.merge_into(fresh, language, read_units)
    assert report.outdated == [fresh[0].msgctxt] and report.unknown == ['no/such@key']
    assert fresh[0].msgstr == '' and fresh[1].msgstr.startswith('« FR »') and 'fuzzy' not in fresh[1].flags


@pytest.mark.parametrize('data, message', [
    (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff version="1.2">&e;</xliff>', 'DOCTYPE'),
    (b'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0"/>', 'Not an XLIFF 1.2'),
    (b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file/></xliff>', 'one target-language'),
    (b'<xliff', 'not well formed'),
])
def test_bad_xliff_is_refused_clearly(data, message):
    with pytest.raises(CourseError, match=message):
        xliff.read(data)
