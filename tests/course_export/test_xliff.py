"""XLIFF 1.2: protected inline markup, the OASIS schema, round trips, and refusals that write nothing."""
from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from course_export import catalogue, inline, xliff
from course_export.olx import REPO, CourseError

from .conftest import translated_catalogue

SCHEMA_DIR = REPO.parent / 'shared' / 'specs' / 'xliff-1.2'
REAL_CATALOGUES = REPO / 'translations' / 'course'


@pytest.fixture(scope='module')
def xliff_schema():
    """The OASIS XLIFF 1.2 strict schema, its xml.xsd import pointed at the local copy (no network)."""
    path = SCHEMA_DIR / 'xliff-core-1.2-strict.xsd'
    if not path.is_file():
        pytest.skip(f'{path} is absent: the OASIS schema comes with ../shared/specs (CI has it)')
    document = etree.parse(str(path))
    for element in document.iter('{http://www.w3.org/2001/XMLSchema}import'):
        if element.get('schemaLocation', '').endswith('xml.xsd'):
            element.set('schemaLocation', (SCHEMA_DIR / 'xml.xsd').as_uri())
    return etree.XMLSchema(document)


def real_french():
    pot = catalogue.load(REAL_CATALOGUES / 'course.pot')
    return catalogue.merge(pot, catalogue.load(REAL_CATALOGUES / 'fr.po'))


def fresh(po):
    """An empty catalogue of the same course and English as ``po``."""
    empty = catalogue.new_catalogue('fr')
    empty.metadata.update(po.metadata)
    for entry in po:
        if not entry.obsolete:
            empty.append(polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr='',
                                       comment=entry.comment, occurrences=list(entry.occurrences)))
    return empty


def test_inline_markup_travels_as_protected_codes_and_comes_back_byte_identical():
    po = real_french()
    data = xliff.export(po, 'fr')
    root = etree.fromstring(data)
    unit = root.find(f'.//{xliff.X}trans-unit[@id="html/eligibility-intro@body[5]"]')
    source = unit.find(f'{xliff.X}source')
    assert source.text is None and source[0].tag == f'{xliff.X}bpt' and source[0].text == '<strong>'
    assert source[0].get('ctype') == 'bold' and source[1].tag == f'{xliff.X}ept' and source[1].text == '</strong>'
    assert source[0].tail == 'A lawful basis and a clear rule.'  # the words alone, tags apart
    assert unit.get('datatype') == 'html' and unit.get('approved') == 'yes'
    assert unit.find(f'{xliff.X}note').text.startswith('Part of a page')
    # Every unit of the real French edition: export -> import into an empty catalogue -> the same bytes.
    target = fresh(po)
    report = xliff.merge_into(target, xliff.read(data))
    assert not report.errors and not report.outdated
    for before, after in zip((e for e in po if not e.obsolete), target):
        assert (after.msgctxt, after.msgstr) == (before.msgctxt, before.msgstr)


def test_plain_units_show_text_unescaped():
    po = polib.POFile()
    po.metadata = dict(catalogue.HEADER)
    po.append(polib.POEntry(msgctxt='html/x@body[1]', msgid='R&D budget < 5%', msgstr='Budget R&D < 5 %'))
    root = etree.fromstring(xliff.export(po, 'fr'))
    unit = root.find(f'.//{xliff.X}trans-unit')
    assert unit.find(f'{xliff.X}source').text == 'R&D budget < 5%' and unit.get('datatype') == 'plaintext'


def test_export_is_valid_against_the_oasis_strict_schema(xliff_schema, units):
    po = translated_catalogue(units)
    po[0].flags.append('fuzzy')
    po[0].previous_msgid = 'Older English'
    po[1].msgstr = ''
    for document in (xliff.export(po, 'fr'), xliff.export(real_french(), 'fr')):
        root = etree.fromstring(document)
        assert xliff_schema.validate(root), xliff_schema.error_log


def test_states_map_both_ways(units):
    po = translated_catalogue(units)
    po[0].flags.append('fuzzy')
    po[1].msgstr = ''
    root = etree.fromstring(xliff.export(po, 'fr'))
    first, second = root.findall(f'.//{xliff.X}trans-unit')[:2]
    assert first.find(f'{xliff.X}target').get('state') == 'needs-review-translation' and first.get('approved') is None
    assert second.find(f'{xliff.X}target').get('state') == 'new'
    empty = fresh(po)
    report = xliff.merge_into(empty, xliff.read(etree.tostring(root)))
    assert report.updated == len(po) - 1 and not report.errors
    assert 'fuzzy' in empty[0].flags and empty[1].msgstr == '' and 'fuzzy' not in empty[2].flags


def unit_xml(key, source, target, original='magix-openedx course AIGOV101', language='fr'):
    return f'''<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
      <file original="{original}" source-language="en" target-language="{language}" datatype="html"><body>
        <trans-unit id="{key}"><source>{source}</source><target state="translated">{target}</target></trans-unit>
      </body></file></xliff>'''.encode()


STRONG = '<strong>A lawful basis.</strong> The <a href="https://eur-lex.europa.eu/">rules</a> apply.'
SOURCE = ('<bpt id="1">&lt;strong&gt;</bpt>A lawful basis.<ept id="1">&lt;/strong&gt;</ept> The '
          '<bpt id="2">&lt;a href="https://eur-lex.europa.eu/"&gt;</bpt>rules<ept id="2">&lt;/a&gt;</ept> apply.')


def one_unit_catalogue():
    po = polib.POFile()
    po.metadata = dict(catalogue.HEADER)
    po.append(polib.POEntry(msgctxt='html/a@body[1]', msgid=STRONG, msgstr=''))
    po.append(polib.POEntry(msgctxt='html/a@body[2]', msgid='Plain', msgstr='Simple'))
    return po


def test_a_cat_tool_may_move_codes_and_use_g_and_x_forms():
    moved = ('Les <bpt id="2">&lt;a href="https://eur-lex.europa.eu/"&gt;</bpt>règles<ept id="2">&lt;/a&gt;</ept> '
             's’appliquent : <bpt id="1">&lt;strong&gt;</bpt>une base légale.<ept id="1">&lt;/strong&gt;</ept>')
    po = one_unit_catalogue()
    report = xliff.merge_into(po, xliff.read(unit_xml('html/a@body[1]', SOURCE, moved)))
    assert not report.errors and po[0].msgstr == ('Les <a href="https://eur-lex.europa.eu/">règles</a> s’appliquent : '
                                                  '<strong>une base légale.</strong>')
    grouped = '<g id="1">Une base légale.</g> Les <g id="2">règles</g> s’appliquent.'
    po = one_unit_catalogue()
    assert not xliff.merge_into(po, xliff.read(unit_xml('html/a@body[1]', SOURCE, grouped))).errors
    assert po[0].msgstr == '<strong>Une base légale.</strong> Les <a href="https://eur-lex.europa.eu/">règles</a> s’appliquent.'


@pytest.mark.parametrize('target, message', [
    ('<bpt id="1">&lt;strong&gt;</bpt>Une base légale.<ept id="1">&lt;/strong&gt;</ept> Les règles.', 'missing'),
    (SOURCE.replace('eur-lex.europa.eu', 'evil.example'), 'was changed'),
    ('<bpt id="1">&lt;strong&gt;</bpt>x<bpt id="2">&lt;a href="https://eur-lex.europa.eu/"&gt;</bpt>'
     '<ept id="1">&lt;/strong&gt;</ept>y<ept id="2">&lt;/a&gt;</ept>', 'nest'),
    (SOURCE + '<ph id="9">&lt;img src="x"/&gt;</ph>', 'not in the source'),
])
def test_import_refuses_broken_inline_codes_naming_the_unit_and_writes_nothing(target, message):
    po = one_unit_catalogue()
    data = unit_xml('html/a@body[1]', SOURCE, target).replace(
        b'</body>', b'<trans-unit id="html/a@body[2]"><source>Plain</source><target state="final">Nature</target>'
                    b'</trans-unit></body>')
    report = xliff.merge_into(po, xliff.read(data))
    assert [key for key, _ in report.errors] == ['html/a@body[1]'] and message in report.errors[0][1]
    assert po[0].msgstr == '' and po[1].msgstr == 'Simple'  # nothing written, not even the good unit


def test_import_refuses_another_course_an_unknown_id_and_another_language(tmp_path, source_args):
    po = one_unit_catalogue()
    report = xliff.merge_into(po, xliff.read(unit_xml('html/a@body[1]', SOURCE, SOURCE, original='Another course')))
    assert 'not for this course' in report.errors[0][1] and po[0].msgstr == ''
    report = xliff.merge_into(po, xliff.read(unit_xml('html/zzz@body[1]', 'x', 'y')))
    assert report.errors == [('html/zzz@body[1]', 'no unit of this course has this id')]
    path = tmp_path / 'de.xlf'
    path.write_bytes(unit_xml('html/a@body[1]', SOURCE, SOURCE, language='de'))
    with pytest.raises(CourseError, match='is a de XLIFF, not fr'):
        xliff.import_file(path, lambda language: po, 'fr')


def test_outdated_units_are_skipped_not_written():
    po = one_unit_catalogue()
    po[1].msgid = 'Plain, changed since the export'
    data = unit_xml('html/a@body[2]', 'Plain', 'Nature')
    report = xliff.merge_into(po, xliff.read(data))
    assert report.outdated == ['html/a@body[2]'] and po[1].msgstr == 'Simple'


@pytest.mark.parametrize('data, message', [
    (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff version="1.2">&e;</xliff>', 'DOCTYPE'),
    (b'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0"/>', 'Not an XLIFF 1.2'),
    (b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file/></xliff>', 'one target-language'),
    (b'<xliff', 'not well formed'),
])
def test_bad_xliff_is_refused_clearly(data, message):
    with pytest.raises(CourseError, match=message):
        xliff.read(data)


def test_every_unit_of_every_catalogue_splits_and_joins_byte_identical():
    for path in sorted(Path(REAL_CATALOGUES).glob('*.po*')):
        for entry in polib.pofile(str(path)):
            markup = inline.is_markup(entry.msgid)
            for text in filter(None, (entry.msgid, entry.msgstr)):
                assert inline.join(inline.split(text, markup), markup) == text, (path.name, entry.msgctxt)
