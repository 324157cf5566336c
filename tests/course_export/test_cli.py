"""``magix i18n`` and ``magix course`` end to end through ``magix.main``."""
from __future__ import annotations

import re
import shutil
import tarfile

import magix
from course_export import catalogue, olx

from .conftest import pseudo_french


def translate_all(path):
    po = catalogue.load(path)
    for entry in po:
        entry.msgstr = pseudo_french(entry.msgid)
    catalogue.save(po, path)


def test_translation_round_trip_through_the_commands(source_args, tmp_path, capsys):
    folder = tmp_path / 'catalogues'
    catalogues = ['--catalogues', str(folder)]
    assert magix.main(['i18n', 'extract', *source_args]) == 0
    assert 'units' in capsys.readouterr().out and (folder / 'course.pot').is_file()
    assert magix.main(['i18n', 'update', '--lang', 'fr', *source_args]) == 0
    assert magix.main(['i18n', 'status', '--min', '100', *catalogues]) == 1
    output = capsys.readouterr().out
    assert re.search(r'Below 100%: fr \(\d+\.\d%\)', output)  # only the pathway's own French so far

    translate_all(folder / 'fr.po')
    assert magix.main(['i18n', 'status', '--min', '100', '--lang', 'fr', *catalogues]) == 0
    assert '100.0%' in capsys.readouterr().out

    xlf = tmp_path / 'fr.xlf'
    assert magix.main(['i18n', 'export-xliff', '--lang', 'fr', '--output', str(xlf), *catalogues]) == 0
    (folder / 'fr.po').unlink()
    assert magix.main(['i18n', 'import-xliff', str(xlf), *catalogues]) == 0
    assert 'updated' in capsys.readouterr().out
    assert magix.main(['i18n', 'status', '--min', '100', *catalogues]) == 0

    archive = tmp_path / 'out' / 'course-fr.tar.gz'
    assert magix.main(['course', 'build', '--lang', 'fr', '--output', str(archive), *source_args,
                       '--static-overrides', str(tmp_path / 'none')]) == 0
    assert 'checks passed' in capsys.readouterr().out
    assert magix.main(['course', 'check', str(archive)]) == 0
    assert '0 errors' in capsys.readouterr().out
    with tarfile.open(archive) as opened:
        assert 'course/static/eligibility-video-fr.srt' in opened.getnames()


def test_changed_english_makes_translations_fuzzy_and_blocks_the_build(source_args, tmp_path, capsys):
    folder = tmp_path / 'catalogues'
    source = tmp_path / 'source'
    shutil.copytree(olx.DEMO_COURSE, source)
    args = [*source_args]
    args[args.index('--source') + 1] = str(source)
    magix.main(['i18n', 'extract', *args])
    magix.main(['i18n', 'update', '--lang', 'fr', '--catalogues', str(folder)])
    translate_all(folder / 'fr.po')
    page = source / 'html' / 'eligibility-intro.html'
    page.write_text(page.read_text().replace('Why this module', 'Why this module matters'))
    (source / 'about' / 'effort.html').write_text('About 5 hours\n')
    magix.main(['i18n', 'extract', *args])
    capsys.readouterr()
    assert magix.main(['i18n', 'update', *args]) == 0
    assert ' 2 fuzzy' in capsys.readouterr().out
    po = {entry.msgctxt: entry for entry in catalogue.load(folder / 'fr.po')}
    assert po['html/eligibility-intro@body[1]'].previous_msgid == 'Why this module'
    assert magix.main(['course', 'build', '--lang', 'fr', '--output', str(tmp_path / 'fr.tar.gz'), *args]) == 1
    output = capsys.readouterr().out
    assert 'fuzzy    html/eligibility-intro@body[1]' in output and 'incomplete (2 fuzzy)' in output
    assert not (tmp_path / 'fr.tar.gz').exists()
    assert magix.main(['course', 'build', '--lang', 'fr', '--lang', 'en', '--output', str(tmp_path / 'dist'),
                       '--allow-incomplete', *args]) == 0
    output = capsys.readouterr().out
    assert '2 fell back to English' in output and 'fuzzy    about/effort@body[1]' in output
    assert sorted(path.name for path in (tmp_path / 'dist').iterdir()) == \
        ['MAGIX-AIGOV101-2026-en.tar.gz', 'MAGIX-AIGOV101-2026-fr.tar.gz']


def test_course_check_reports_a_hostile_archive(tmp_path, capsys):
    path = tmp_path / 'evil.tar.gz'
    with tarfile.open(path, 'w:gz') as archive:
        info = tarfile.TarInfo('course/../../evil')
        archive.addfile(info)
    assert magix.main(['course', 'check', str(path)]) == 1
    assert 'climbs out of the course folder' in capsys.readouterr().out


def test_commands_report_missing_inputs_clearly(tmp_path, capsys):
    assert magix.main(['i18n', 'status', '--catalogues', str(tmp_path)]) == 2
    assert 'run "magix i18n extract" first' in capsys.readouterr().err
    assert magix.main(['course', 'check', str(tmp_path / 'nope.tar.gz')]) == 1
    assert 'not a readable .tar.gz archive' in capsys.readouterr().out


def test_update_fills_entries_from_the_pathway_french_already_in_the_source(source_args, tmp_path, capsys):
    folder = tmp_path / 'catalogues'
    magix.main(['i18n', 'extract', *source_args])
    assert magix.main(['i18n', 'update', '--lang', 'fr', *source_args]) == 0
    assert 'entries filled from texts the source already has in fr' in capsys.readouterr().out
    po = {entry.msgctxt: entry for entry in catalogue.load(folder / 'fr.po')}
    title = po['magix_credential_progress/aigov-pathway@programme[aigov-programme]/title']
    assert title.msgstr == 'IA, données et gouvernance numérique dans l’administration publique'
    outcome = po['magix_credential_progress/aigov-pathway@micro-credential[eligibility]/learning-outcomes/outcome[2]']
    assert outcome.msgstr.startswith('Concevoir une procédure de réexamen')
    assert po['html/eligibility-intro@body[1]'].msgstr == ''
