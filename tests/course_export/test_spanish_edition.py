"""The Spanish edition: complete, importable, consistent with its glossary; what CI holds it to."""
from __future__ import annotations

import csv
import re
import tarfile
import unicodedata
from pathlib import Path

import polib
import pytest

import magix
from course_export import olx
from course_export.check import ERROR, check_archive

CATALOGUES = Path(__file__).resolve().parents[2] / 'translations' / 'course'


def test_spanish_catalogue_is_complete_for_ci(capsys):
    """``magix i18n status --min 100 --lang es`` is the release gate; CI runs it here."""
    assert magix.main(['i18n', 'status', '--min', '100', '--lang', 'es']) == 0
    assert '100.0%' in capsys.readouterr().out


def test_spanish_archive_builds_without_fallbacks_and_passes_checks(tmp_path, capsys):
    missing = []
    olx.assemble(missing=missing)
    assert missing == []
    assert magix.main(['course', 'build', '--lang', 'es', '--output', str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert '0 fell back to English' in out
    archive = next(tmp_path.glob('*-es.tar.gz'))
    assert [str(finding) for finding in check_archive(archive) if finding.level == ERROR] == []
    with tarfile.open(archive) as opened:
        read = lambda name: opened.extractfile(f'course/{name}').read().decode()  # noqa: E731
        policy = read('policies/2026/policy.json')
        scenario = read('magix_scenario/eligibility.xml')
        problem = read('problem/eligibility-check.xml')
        diagram = read('static/images/review-loop.svg')
        transcript = read('static/eligibility-video-es.srt')
    assert '"language": "es"' in policy
    assert 'Rechazarla: un algoritmo no tiene cabida' in scenario
    # The optioninput keeps its correct answer on the translated option, as Open edX grades it.
    assert re.search(r'<option correct="True">probablemente no efectiva', problem)
    assert '<title>Ciclo de revisión</title>' in diagram  # translations/course/static/es/ replaced it
    assert 'Más de cuatro mil solicitudes' in transcript


def _stems(text: str) -> str:
    """Lower case, no accents, each word without a plural or gender ending: a lenient match for
    a glossary term inside inflected Spanish (responsable/responsables, sustitutiva/sustitutivas)."""
    text = unicodedata.normalize('NFD', text.lower())
    text = ''.join(char for char in text if not unicodedata.combining(char))
    return ' '.join(word.rstrip('s').rstrip('e') for word in re.findall(r'[\w()/.-]+', text))


def _glossary(lang: str) -> list[dict[str, str]]:
    with open(CATALOGUES / 'glossary' / f'{lang}.csv', newline='', encoding='utf-8') as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ['source', 'target', 'note']
        return list(reader)


@pytest.mark.parametrize('lang', ['es', 'fr'])
def test_glossary_is_well_formed(lang):
    rows = _glossary(lang)
    assert len(rows) >= 30
    assert all(row['source'].strip() and row['target'].strip() for row in rows)
    sources = [row['source'].lower() for row in rows]
    assert len(sources) == len(set(sources)), 'one row per English term'


def test_spanish_translation_follows_its_glossary():
    """Every unit whose English uses a glossary term uses the term's Spanish (GDPR -> RGPD,
    DPIA -> EIPD, AI Act -> Reglamento de IA, controller -> responsable del tratamiento...)."""
    catalogue = polib.pofile(str(CATALOGUES / 'es.po'))
    inconsistent = []
    for row in _glossary('es'):
        term = re.compile(r'\b' + re.escape(row['source']) + r'(s|es)?\b', re.IGNORECASE)
        target = _stems(row['target'])
        inconsistent += [f"{entry.msgctxt}: {row['source']} -> {row['target']}"
                         for entry in catalogue if term.search(entry.msgid)
                         and target not in _stems(entry.msgstr)]
    assert inconsistent == []
