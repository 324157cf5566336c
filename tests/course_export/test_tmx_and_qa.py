"""Translation memory (TMX export, pre-fill) and the translator's QA report (``magix i18n check``)."""
from __future__ import annotations

import polib
import pytest
from lxml import etree

import magix
from course_export import catalogue, qa, tmx
from course_export.olx import REPO, CourseError

CATALOGUES = REPO / 'translations' / 'course'


def entry(msgid, msgstr, key='html/a@body[1]', flags=()):
    return polib.POEntry(msgctxt=key, msgid=msgid, msgstr=msgstr, flags=list(flags))


def catalogue_of(*entries):
    po = polib.POFile()
    po.metadata = dict(catalogue.HEADER)
    for item in entries:
        po.append(item)
    return po


def test_tmx_export_holds_translated_units_with_codes_and_the_language_pair():
    po = catalogue_of(entry('<strong>Purpose.</strong> Is it compatible?', '<strong>Finalité.</strong> Est-ce compatible ?'),
                      entry('Draft', 'Brouillon', key='k2', flags=['fuzzy']), entry('Empty', '', key='k3'))
    root = etree.fromstring(tmx.export(po, 'fr'))
    assert root.get('version') == '1.4' and root.find('header').get('srclang') == 'en'
    units = root.findall('.//tu')
    assert [unit.get('tuid') for unit in units] == ['html/a@body[1]']  # fuzzy and empty units are no memory
    seg = units[0].find("tuv[@{http://www.w3.org/XML/1998/namespace}lang='fr']/seg")
    assert seg[0].tag == 'bpt' and seg[0].text == '<strong>' and seg[0].tail == 'Finalité.'


def test_prefill_exact_and_fuzzy_matches_and_never_overwrites_a_translation():
    memory_po = catalogue_of(
        entry('<strong>Purpose.</strong> Is the new use compatible?', '<strong>Finalité.</strong> La nouvelle utilisation est-elle compatible ?'),
        entry('The supplier reports 91% agreement with past decisions.', 'Le fournisseur annonce 91 % de concordance avec les décisions passées.', key='k2'))
    memory = tmx.read(tmx.export(memory_po, 'fr'), 'fr')
    new_run = catalogue_of(
        entry('<strong>Purpose.</strong> Is the new use compatible?', '', key='next/a'),
        entry('The supplier reports 93% agreement with past decisions.', '', key='next/b'),
        entry('Something entirely different about procurement.', '', key='next/c'),
        entry('<strong>Purpose.</strong> Is the new use compatible?', 'Déjà traduit', key='next/d'))
    report = tmx.prefill(new_run, memory)
    assert report.exact == ['next/a'] and [key for key, _, _ in report.fuzzy] == ['next/b']
    assert new_run[0].msgstr == '<strong>Finalité.</strong> La nouvelle utilisation est-elle compatible ?'
    assert 'fuzzy' not in new_run[0].flags
    assert 'fuzzy' in new_run[1].flags and 'Translation memory:' in new_run[1].tcomment
    assert new_run[2].msgstr == '' and new_run[3].msgstr == 'Déjà traduit'


@pytest.mark.parametrize('data, message', [
    (b'<tmx version="1.4"><header srclang="de"/><body/></tmx>', 'translates from "de"'),
    (b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>a</seg></tuv>'
     b'<tuv xml:lang="de"><seg>b</seg></tuv></tu></body></tmx>', 'no English → fr segments'),
    (b'<html/>', 'Not a TMX'),
    (b'<!DOCTYPE tmx [<!ENTITY e "x">]><tmx/>', 'DOCTYPE'),
])
def test_a_tmx_with_the_wrong_language_pair_or_hostile_xml_is_refused(data, message):
    with pytest.raises(CourseError, match=message):
        tmx.read(data, 'fr')


def test_cli_fill_from_tmx_refuses_the_wrong_pair_and_writes_nothing(tmp_path, capsys):
    folder = tmp_path / 'catalogues'
    folder.mkdir()
    (folder / 'course.pot').write_bytes((CATALOGUES / 'course.pot').read_bytes())
    german = tmp_path / 'de.tmx'
    german.write_bytes(b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>a</seg></tuv>'
                       b'<tuv xml:lang="de"><seg>b</seg></tuv></tu></body></tmx>')
    assert magix.main(['i18n', 'fill-from-tmx', '--lang', 'es', str(german), '--catalogues', str(folder)]) == 2
    assert 'no English → es' in capsys.readouterr().err and not (folder / 'es.po').exists()
    french = tmp_path / 'fr.tmx'
    assert magix.main(['i18n', 'export-tmx', '--lang', 'fr', '--output', str(french)]) == 0
    assert magix.main(['i18n', 'fill-from-tmx', '--lang', 'fr', str(french), '--catalogues', str(folder)]) == 0
    filled = catalogue.load(folder / 'fr.po')
    reference = {e.msgctxt: e.msgstr for e in catalogue.load(CATALOGUES / 'fr.po')}
    assert sum(1 for e in filled if e.msgstr == reference.get(e.msgctxt)) >= len(reference) * 0.99


@pytest.mark.parametrize('msgid, msgstr, check', [
    ('<strong>Rule.</strong> Apply it.', 'Règle. Appliquez-la.', 'tags'),
    ('<strong>Rule.</strong> Apply it.', '<strong>Règle.</strong> <em>Appliquez-la.</em>', 'tags'),
    ('<strong>Rule.</strong> Apply it.', '<strong>Règle. Appliquez-la.', 'tags'),
    ('Hello {name}, welcome.', 'Bonjour, bienvenue.', 'placeholders'),
    ('See https://eur-lex.europa.eu/eli/reg/2016/679 now.', 'Voir https://eur-lex.europa.eu/eli/reg/2024/1689.', 'urls'),
    ('<a href="https://a.eu/">Link</a>', '<a href="https://b.eu/">Lien</a>', 'urls'),
    ('The deadline is 8 weeks and €1,500.', 'Le délai est de 6 semaines et 1 500 €.', 'numbers'),
    ('A person reviews the case.', 'A person reviews the case.', 'same-as-source'),
    ('A person reviews the case.', '', 'untranslated'),
])
def test_qa_reports_each_problem_under_the_unit_key(msgid, msgstr, check):
    findings = qa.check_entry(entry(msgid, msgstr, key='magix_scenario/x@step[a]/situation'), [])
    assert check in [f.check for f in findings] and {f.key for f in findings} == {'magix_scenario/x@step[a]/situation'}
    assert len(findings) == (2 if 'href' in msgid else 1)  # a changed link is a changed tag too


def test_qa_accepts_figures_written_the_local_way_and_tags_moved():
    assert qa.check_entry(entry('<em>Triage+</em> scores 0.3 of 19,000 claims at 09:00.',
                                'À 9 h, <em>Triage+</em> note 0,3 des 19 000 demandes.'), []) == []


def test_glossary_terms_must_be_translated_as_the_glossary_says(tmp_path):
    glossary = tmp_path / 'fr.csv'
    glossary.write_text('source,target,note\nGDPR,RGPD,\nDPIA,AIPD|analyse d’impact,\nAI Act,RIA|règlement sur l’IA,\n',
                        encoding='utf-8')
    terms = qa.load_glossary(glossary)
    good = qa.check_entry(entry('The DPIA under the GDPR and the AI Act.', 'L’AIPD au titre du RGPD et du RIA.'), terms)
    bad = qa.check_entry(entry('The DPIA under the GDPR.', 'L’EIPD au titre du GDPR.'), terms)
    assert good == [] and sorted(f.message.split('"')[1] for f in bad) == ['DPIA', 'GDPR']
    assert qa.check_entry(entry('gdprs are not a term', 'pas un terme'), terms) == []


def test_qa_reads_a_tbx_glossary(tmp_path):
    path = tmp_path / 'fr.tbx'
    path.write_text('''<?xml version="1.0"?><martif type="TBX" xml:lang="en"><text><body>
      <termEntry id="1"><langSet xml:lang="en"><tig><term>GDPR</term></tig></langSet>
      <langSet xml:lang="fr"><tig><term>RGPD</term></tig></langSet></termEntry></body></text></martif>''',
                    encoding='utf-8')
    terms = qa.load_glossary(path)
    assert [(t.source, t.targets) for t in terms] == [('GDPR', ('RGPD',))]


def complete_languages():
    pot = catalogue.load(CATALOGUES / 'course.pot')
    return [language for language, path in catalogue.language_catalogues(CATALOGUES).items()
            if catalogue.status(pot, catalogue.load(path), language).percent >= 100]


@pytest.mark.parametrize('language', complete_languages())
def test_every_complete_language_passes_qa_with_zero_errors(language, capsys):
    """The CI gate: a language that calls itself complete has no QA error (with its glossary, if any)."""
    code = magix.main(['i18n', 'check', '--lang', language])
    output = capsys.readouterr().out
    assert code == 0, output
    assert f'{language}: 0 errors' in output
