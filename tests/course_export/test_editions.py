"""The French and Spanish editions: complete, importable, what CI holds the translators to.

QA (zero errors with the language's glossary) is gated for every complete language in
``test_tmx_and_qa.py``; here each edition is built and checked as Studio would import it.
"""
from __future__ import annotations

import csv
import re
import tarfile

import pytest

import magix
from course_export import olx
from course_export.check import ERROR, check_archive
from course_export.olx import REPO

GLOSSARIES = REPO / 'translations' / 'course' / 'glossary'
# What each built archive must say in its language (text the build translated into it).
EDITIONS = {
    'fr': {'magix_scenario/eligibility.xml': 'Refuser : un algorithme'},
    'es': {'magix_scenario/eligibility.xml': 'Rechazarla: un algoritmo no tiene cabida',
           'static/images/review-loop.svg': '<title>Ciclo de revisión</title>',  # from translations/course/static/es/
           'static/eligibility-video-es.srt': 'Más de cuatro mil solicitudes'},
}


@pytest.mark.parametrize('language', sorted(EDITIONS))
def test_catalogue_is_complete_for_ci(language, capsys):
    """``magix i18n status --min 100 --lang xx`` is the release gate; CI runs it here."""
    assert magix.main(['i18n', 'status', '--min', '100', '--lang', language]) == 0
    assert '100.0%' in capsys.readouterr().out


@pytest.mark.parametrize('language', sorted(EDITIONS))
def test_archive_builds_without_fallbacks_and_passes_checks(language, tmp_path, capsys):
    missing = []
    olx.assemble(missing=missing)
    assert missing == []
    assert magix.main(['course', 'build', '--lang', language, '--output', str(tmp_path)]) == 0
    assert '0 fell back to English' in capsys.readouterr().out
    archive = next(tmp_path.glob(f'*-{language}.tar.gz'))
    assert [str(finding) for finding in check_archive(archive) if finding.level == ERROR] == []
    with tarfile.open(archive) as opened:
        def read(name):
            return opened.extractfile(f'course/{name}').read().decode().replace('\u202f', ' ').replace('\xa0', ' ')
        assert f'"language": "{language}"' in read('policies/2026/policy.json')
        for name, text in EDITIONS[language].items():
            assert text in read(name), name
        if language == 'es':
            # The optioninput keeps its correct answer on the translated option, as Open edX grades it.
            assert re.search(r'<option correct="True">probablemente no efectiva', read('problem/eligibility-check.xml'))


@pytest.mark.parametrize('language', sorted(EDITIONS))
def test_glossary_is_well_formed(language):
    with open(GLOSSARIES / f'{language}.csv', newline='', encoding='utf-8') as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ['source', 'target', 'note']
        rows = list(reader)
    assert len(rows) >= 30
    assert all(row['source'].strip() and row['target'].strip() for row in rows)
    sources = [row['source'].lower() for row in rows]
    assert len(sources) == len(set(sources)), 'one row per English term'
