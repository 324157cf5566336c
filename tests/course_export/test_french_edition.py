"""The French edition: complete, importable, and what CI holds the translators to."""
from __future__ import annotations

import tarfile

import magix
from course_export import olx
from course_export.check import ERROR, check_archive


def test_french_catalogue_is_complete_for_ci(capsys):
    """``magix i18n status --min 100 --lang fr`` is the release gate; CI runs it here."""
    assert magix.main(['i18n', 'status', '--min', '100', '--lang', 'fr']) == 0
    assert '100.0%' in capsys.readouterr().out


def test_french_archive_builds_without_fallbacks_and_passes_checks(tmp_path, capsys):
    missing = []
    olx.assemble(missing=missing)
    assert missing == []
    assert magix.main(['course', 'build', '--lang', 'fr', '--output', str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert '0 fell back to English' in out
    archive = next(tmp_path.glob('*-fr.tar.gz'))
    assert [str(finding) for finding in check_archive(archive) if finding.level == ERROR] == []
    with tarfile.open(archive) as opened:
        policy = opened.extractfile('course/policies/2026/policy.json').read().decode()
        scenario = opened.extractfile('course/magix_scenario/eligibility.xml').read().decode()
    assert '"language": "fr"' in policy
    assert 'Refuser : un algorithme' in scenario.replace('\u202f', ' ').replace('\xa0', ' ')
