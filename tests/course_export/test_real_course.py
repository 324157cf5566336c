"""The demo course as shipped: the real scenario and pathway content, the real catalogues."""
from __future__ import annotations

import io
import tarfile

import pytest

from course_export import catalogue, olx
from course_export.build import build
from course_export.check import ERROR, check_archive, check_tree
from course_export.units import extract

from .conftest import pseudo_french, translated_catalogue


@pytest.fixture(scope='module')
def real_tree():
    missing = []
    tree = olx.assemble(missing=missing)
    if missing:
        pytest.skip('scenario content not all written yet: ' + '; '.join(missing))
    return tree


def test_the_shipped_course_passes_every_check(real_tree):
    assert [str(finding) for finding in check_tree(real_tree)] == []


def test_the_committed_template_is_up_to_date(real_tree):
    """Whoever changes the course or its scenarios runs ``magix i18n extract``."""
    pot = catalogue.load(catalogue.CATALOGUE_DIR / catalogue.TEMPLATE_NAME)
    assert [(entry.msgctxt, entry.msgid) for entry in pot] == \
        [(unit.key, unit.source) for unit in extract(real_tree)]


def test_a_full_translation_of_the_shipped_course_re_extracts_to_the_same_keys(real_tree):
    units = extract(real_tree)
    result = build(real_tree, 'fr', translated_catalogue(units))
    assert result.fallbacks == []
    rebuilt = extract(result.tree)
    assert [unit.key for unit in rebuilt] == [unit.key for unit in units]
    assert [str(finding) for finding in check_tree(result.tree) if finding.level == ERROR] == []
    scenario = {unit.key: unit.source for unit in rebuilt}
    assert scenario['magix_scenario/pilot-to-production@role'] == pseudo_french(
        next(unit.source for unit in units if unit.key == 'magix_scenario/pilot-to-production@role'))


def test_the_french_catalogue_builds_with_fallbacks_listed(real_tree):
    po = catalogue.load(catalogue.CATALOGUE_DIR / 'fr.po')
    result = build(real_tree, 'fr', po, allow_incomplete=True)
    done = catalogue.status(catalogue.load(catalogue.CATALOGUE_DIR / catalogue.TEMPLATE_NAME), po, 'fr')
    assert result.translated == done.units[catalogue.TRANSLATED]
    assert len(result.fallbacks) == done.units[catalogue.FUZZY] + done.units[catalogue.UNTRANSLATED]


STUDIO_FILES = {
    'course.xml': b'<course url_name="T1" org="Partner" course="P101"/>\n',
    'course/T1.xml': b'<course display_name="Partner course" start="2026-01-01T00:00:00Z" '
                     b'end="2026-12-31T00:00:00Z" course_image="card.png">\n'
                     b'  <chapter url_name="c1"/>\n</course>\n',
    'chapter/c1.xml': b'<chapter display_name="Week 1">\n  <sequential url_name="s1"/>\n</chapter>\n',
    'sequential/s1.xml': b'<sequential display_name="Lesson">\n  <vertical url_name="v1"/>\n</sequential>\n',
    'vertical/v1.xml': b'<vertical display_name="Unit">\n  <html url_name="h1"/>\n'
                       b'  <magix_scenario url_name="case"/>\n  <drag-and-drop-v2 url_name="dnd" '
                       b'display_name="Sort"/>\n</vertical>\n',
    'html/h1.xml': b'<html filename="h1" display_name="Welcome"/>\n',
    'html/h1.html': b'<p>Welcome&nbsp;to the course<br>\n<img src="/static/card.png"></p>\n',
    'magix_scenario/case.xml': None,  # filled from our own scenario fixture
    'policies/T1/policy.json': b'{"course/T1": {"language": "de"}}\n',
    'policies/T1/grading_policy.json': b'{"GRADER": [{"type": "HW", "min_count": 1, "drop_count": 0, '
                                       b'"short_label": "HW", "weight": 1.0}], "GRADE_CUTOFFS": {"Pass": 0.5}}\n',
    'static/card.png': b'\x89PNG\r\n\x1a\n',
    'static/images/review-loop.svg': b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    'drafts/vertical/v2.xml': b'<vertical display_name="Draft"/>\n',
}


def studio_archive(path, scenario: bytes, extra=None):
    files = dict(STUDIO_FILES, **{'magix_scenario/case.xml': scenario}, **(extra or {}))
    with tarfile.open(path, 'w:gz') as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f'partner-export/{name}')
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_a_studio_style_export_from_a_partner_is_checked_and_its_texts_extracted(tmp_path, scenario_dir):
    scenario = (scenario_dir / '01-eligibility.xml').read_bytes()
    archive = studio_archive(tmp_path / 'partner.tar.gz', scenario)
    assert [str(finding) for finding in check_archive(archive) if finding.level == ERROR] == []
    from course_export.archive import read_archive
    keys = {unit.key: unit.source for unit in extract(read_archive(archive))}
    assert keys['html/h1@body[1]'] == 'Welcome\xa0to the course<br/> <img src="/static/card.png"/>'
    assert keys['magix_scenario/case@role'] == 'You lead the office.'


def test_a_partner_xblock_we_do_not_know_needs_allow_xblock(tmp_path, scenario_dir):
    scenario = (scenario_dir / '01-eligibility.xml').read_bytes()
    archive = studio_archive(tmp_path / 'partner.tar.gz', scenario, {
        'vertical/v1.xml': b'<vertical display_name="Unit">\n  <html url_name="h1"/>\n'
                           b'  <poll url_name="p1" display_name="Poll"/>\n</vertical>\n'})
    errors = [finding for finding in check_archive(archive) if finding.level == ERROR]
    assert any('UnexpectedTag' in finding.message and 'poll' in finding.message for finding in errors)
    assert [finding for finding in check_archive(archive, ['poll']) if finding.level == ERROR] == []
