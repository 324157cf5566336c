"""The generated large course (``bench.large_course``, the input of ``make bench``) goes through every tool.

Sizes, not times: the full course has 10,111 blocks and fits the archive limits; smaller
courses of the same shape check clean, extract to as many units per block whatever their size,
and build in French into an archive that checks clean too.
"""
from __future__ import annotations

import gc

import magix
from bench import large_course
from course_export import catalogue
from course_export.archive import Limits, read_archive
from course_export.check import ERROR, check_archive
from course_export.olx import read_folder, write_archive
from course_export.units import extract, iter_documents

from .conftest import pseudo_french

SMALL, DOUBLE = large_course.Shape(1, 2, 3), large_course.Shape(2, 2, 3)


def test_the_benchmark_course_has_10111_blocks_and_fits_the_default_limits():
    shape = large_course.Shape()
    assert shape.blocks == 10_111
    units = shape.sections * shape.subsections * shape.units
    files = 2 + shape.sections + shape.sections * shape.subsections + units + 5 * units  # html is 2 files
    assert files + 100 < Limits().max_files  # plus folders, policies, about and static files


def test_extract_grows_with_the_course_and_nothing_else(tmp_path):
    small = extract(read_folder(large_course.write(tmp_path / 'small', SMALL)))
    double = extract(read_folder(large_course.write(tmp_path / 'double', DOUBLE)))
    course_wide = 30  # policy, grading, about and info pages, the pathway: the same in both
    per_section = len(double) - len(small)
    assert len(small) - per_section < course_wide * 10  # what does not scale with the sections stays small
    assert per_section > 0 and len({unit.key for unit in double}) == len(double)


def test_documents_are_freed_as_soon_as_they_are_used(tmp_path):
    """No reference cycle per document (a recursive closure made one, keeping each parsed file alive
    until the cycle collector ran, and giving it 450,000 objects to find on the 10,111-block course)."""
    tree = read_folder(large_course.write(tmp_path / 'course', SMALL))
    gc.collect()
    gc.disable()
    try:
        made = sum(len(document.slots) for document in iter_documents(tree, 'fr'))
        assert made > 500
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_check_extract_and_build_the_generated_course(tmp_path, capsys, monkeypatch):
    course = large_course.write(tmp_path / 'course', SMALL)
    tree = read_folder(course)
    archive = write_archive(tree, tmp_path / 'course.tar.gz')
    findings = check_archive(archive)
    assert [str(finding) for finding in findings if finding.level == ERROR] == []
    assert magix.main(['course', 'check', str(archive), '--max-files', '10']) == 1
    assert 'raise the limit with --max-files' in capsys.readouterr().out
    monkeypatch.setenv('MAGIX_COURSE_MAX_FILES', '10')
    assert magix.main(['course', 'check', str(archive)]) == 1
    assert magix.main(['course', 'check', str(archive), '--max-files', '100000']) == 0
    monkeypatch.delenv('MAGIX_COURSE_MAX_FILES')
    capsys.readouterr()

    catalogues = tmp_path / 'catalogues'
    source = ['--source', str(course), '--catalogues', str(catalogues)]
    assert magix.main(['i18n', 'extract', *source]) == 0
    units = extract(tree)
    assert f'{len(units)} units' in capsys.readouterr().out
    assert len(catalogue.load(catalogues / 'course.pot')) == len(units)
    assert magix.main(['i18n', 'update', '--lang', 'fr', *source]) == 0
    po = catalogue.load(catalogues / 'fr.po')
    for entry in po:
        entry.msgstr = entry.msgstr or pseudo_french(entry.msgid)
    catalogue.save(po, catalogues / 'fr.po')

    built = tmp_path / 'fr.tar.gz'
    assert magix.main(['course', 'build', '--lang', 'fr', *source, '--output', str(built)]) == 0
    assert 'checks passed' in capsys.readouterr().out
    french = read_archive(built)
    # The same files, translated in place, and the French assets of translations/course/static/fr/.
    assert set(tree) <= set(french) and all(path.startswith('static/') for path in set(french) - set(tree))
    assert magix.main(['course', 'check', str(built)]) == 0
