"""Building per language: the invariants, fallbacks, transcripts, assets, olxcleaner on every archive."""
from __future__ import annotations

import json

import pytest

from course_export import catalogue, olx
from course_export.archive import read_archive
from course_export.build import IncompleteTranslation, build
from course_export.check import ERROR, check_archive, check_tree
from course_export.olx import ARCHIVE_COMPRESSION, CourseError, parse_xml, write_archive, xml_bytes
from course_export.units import extract

from .conftest import pseudo_french


def test_empty_catalogue_in_the_source_language_reproduces_the_source_byte_for_byte(course_tree):
    result = build(course_tree, 'en', None)
    assert result.tree == course_tree and result.translated == 0


def test_empty_french_catalogue_changes_only_the_course_language(course_tree):
    with pytest.raises(IncompleteTranslation, match='incomplete'):
        build(course_tree, 'fr', catalogue.new_catalogue('fr'))
    result = build(course_tree, 'fr', catalogue.new_catalogue('fr'), allow_incomplete=True)
    changed = [path for path in course_tree if result.tree[path] != course_tree[path]]
    assert changed == ['policies/2026/policy.json'] and set(result.tree) == set(course_tree)
    policy = json.loads(result.tree['policies/2026/policy.json'])
    assert policy['course/2026']['language'] == 'fr'
    assert len(result.fallbacks) == len(extract(course_tree))
    assert {fallback.reason for fallback in result.fallbacks} == {'missing'}


def test_french_build_translates_everything_and_re_extracts_to_the_same_keys(course_tree, units, french):
    result = build(course_tree, 'fr', french)
    assert result.fallbacks == [] and result.translated == len(units)
    rebuilt = extract(result.tree)
    assert [unit.key for unit in rebuilt] == [unit.key for unit in units]
    translated = {unit.key: unit.source for unit in rebuilt}
    for unit in units:
        if unit.key.startswith(('transcript/', 'magix_credential_progress/')) and '@display_name' not in unit.key:
            assert translated[unit.key] == unit.source  # English kept; French sits beside it
        else:
            assert translated[unit.key] == pseudo_french(unit.source), unit.key
    # Same url_names: every source file is still there, under the same name.
    assert set(course_tree) <= set(result.tree)
    assert set(result.tree) - set(course_tree) == {'static/eligibility-video-fr.srt'}


def test_markup_and_escaping_survive_the_round_trip(course_tree, units, french):
    tree = build(course_tree, 'fr', french).tree
    intro = tree['html/eligibility-intro.html'].decode()
    assert '<li><strong>« FR » A lawful basis and a clear rule.</strong>' not in intro
    assert '<li>« FR » <strong>A lawful basis and a clear rule.</strong> The criteria' in intro
    scenario = tree['magix_scenario/eligibility.xml'].decode()
    assert '<situation><p>« FR » Something happens &amp; you must act.</p></situation>' in scenario
    problem = tree['problem/eligibility-check.xml'].decode()
    assert '<option correct="True">« FR » probably not meaningful' in problem
    assert '<optionhint>« FR » Yes. Near-total agreement' in problem


def test_translated_transcript_is_written_beside_the_english_and_listed(course_tree, french):
    tree = build(course_tree, 'fr', french).tree
    assert tree['static/eligibility-video-en.srt'] == course_tree['static/eligibility-video-en.srt']
    srt = tree['static/eligibility-video-fr.srt'].decode()
    assert srt.startswith('1\n00:00:00,000 --> 00:00:05,500\n« FR » Monday morning')
    video = tree['video/eligibility-video.xml'].decode()
    assert '<transcript language="en" src="eligibility-video-en.srt"/>\n  ' \
           '<transcript language="fr" src="eligibility-video-fr.srt"/>\n</video>' in video
    assert '"fr": "eligibility-video-fr.srt"' in video.replace('&quot;', '"')


def test_pathway_translations_go_to_the_xml_lang_siblings(course_tree, french):
    tree = build(course_tree, 'fr', french).tree
    pathway = tree['magix_credential_progress/aigov-pathway.xml'].decode()
    assert '<title xml:lang="fr">« FR » AI, Data and Digital Governance in Public Administration</title>' in pathway
    assert '<outcome>« FR » Assess whether an automated eligibility decision' in pathway


def test_fuzzy_and_outdated_translations_fall_back_and_are_listed(course_tree, french):
    entries = {entry.msgctxt: entry for entry in french}
    entries['html/eligibility-intro@body[1]'].flags.append('fuzzy')
    entries['problem/eligibility-check@display_name'].msgid = 'An older English title'
    with pytest.raises(IncompleteTranslation) as refused:
        build(course_tree, 'fr', french)
    reasons = {fallback.key: fallback.reason for fallback in refused.value.build.fallbacks}
    assert reasons == {'html/eligibility-intro@body[1]': 'fuzzy',
                       'problem/eligibility-check@display_name': 'outdated'}
    result = build(course_tree, 'fr', french, allow_incomplete=True)
    assert b'<h3>Why this module</h3>' in result.tree['html/eligibility-intro.html']
    assert b'display_name="Knowledge check: automated eligibility decisions"' in \
        result.tree['problem/eligibility-check.xml']


@pytest.mark.parametrize('bad, message', [
    ('<strong>Une base légale', 'not well-formed'),
    ('<p><strong>Une base légale</strong></p><p>et une règle claire</p>', 'adds block elements'),
])
def test_translations_that_would_break_markup_are_refused(course_tree, french, bad, message):
    {entry.msgctxt: entry for entry in french}['html/eligibility-intro@body[5]'].msgstr = bad
    with pytest.raises(CourseError, match=message):
        build(course_tree, 'fr', french)


def test_plain_texts_stay_plain_text(course_tree, french):
    entries = {entry.msgctxt: entry for entry in french}
    entries['magix_scenario/eligibility@role'].msgstr = 'Vous <b>dirigez</b>'
    with pytest.raises(CourseError, match='may not add any'):
        build(course_tree, 'fr', french)
    entries['magix_scenario/eligibility@role'].msgstr = 'Vous dirigez la R&D (< 10 agents)'
    tree = build(course_tree, 'fr', french).tree
    assert b'<role>Vous dirigez la R&amp;D (&lt; 10 agents)</role>' in tree['magix_scenario/eligibility.xml']


def test_localised_static_files_replace_the_english_ones(course_tree, french, tmp_path):
    (tmp_path / 'fr' / 'images').mkdir(parents=True)
    (tmp_path / 'fr' / 'images' / 'review-loop.svg').write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    result = build(course_tree, 'fr', french, static_dir=tmp_path / 'fr')
    assert result.tree['static/images/review-loop.svg'] == b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    assert result.assets == ['static/images/review-loop.svg']


def test_every_built_archive_passes_olxcleaner_and_our_checks(course_tree, french, tmp_path):
    for language, po in (('en', None), ('fr', french)):
        tree = build(course_tree, language, po).tree
        archive = write_archive(tree, tmp_path / f'course-{language}.tar.gz')
        assert read_archive(archive) == tree
        findings = check_archive(archive)
        assert findings == [], [str(finding) for finding in findings]


def test_archives_are_reproducible(course_tree, tmp_path):
    first = write_archive(course_tree, tmp_path / 'a.tar.gz').read_bytes()
    assert write_archive(course_tree, tmp_path / 'b.tar.gz').read_bytes() == first


def test_a_streamed_archive_has_the_bytes_of_the_whole_tar_compressed_at_once(course_tree, tmp_path):
    """``write_archive`` streams the tar through gzip; the bytes are those of compressing the tar in one go."""
    import gzip
    import io
    output = write_archive(course_tree, tmp_path / 'built' / 'course.tar.gz')
    whole = io.BytesIO()
    with gzip.GzipFile(filename='', mode='wb', fileobj=whole, mtime=0, compresslevel=ARCHIVE_COMPRESSION) as compressed:
        compressed.write(gzip.decompress(output.read_bytes()))
    assert output.read_bytes() == whole.getvalue()
    assert read_archive(output) == course_tree
    assert [path.name for path in output.parent.iterdir()] == ['course.tar.gz']  # no .partial left behind


def test_our_checks_find_missing_files_and_broken_links(course_tree):
    tree = dict(course_tree)
    del tree['static/eligibility-video-en.srt']
    del tree['static/images/review-loop.svg']
    tree['html/data-sharing-intro.html'] += (b'<p><a href="/jump_to_id/no-such-block">x</a> '
                                             b'<img src="https://cdn.example.org/static/remote.png" alt="r"/> '
                                             b'<a href="https://lms.example.org/jump_to_id/abc">y</a></p>\n')
    tree['vertical/credentials-unit.xml'] = tree['vertical/credentials-unit.xml'].replace(
        b'aigov-pathway', b'other-pathway')
    errors = [str(finding) for finding in check_tree(tree) if finding.level == ERROR]
    assert any('the en transcript static/eligibility-video-en.srt is missing' in error for error in errors)
    assert any('/static/images/review-loop.svg is referenced' in error for error in errors)
    assert any('/jump_to_id/no-such-block points to no block' in error for error in errors)
    assert any('<magix_credential_progress url_name="other-pathway"/> has no file' in error for error in errors)
    assert not any('remote.png' in error or '/jump_to_id/abc' in error for error in errors)


def test_invalid_scenario_content_is_reported_by_its_own_validator(course_tree):
    tree = dict(course_tree)
    tree['magix_scenario/eligibility.xml'] = tree['magix_scenario/eligibility.xml'].replace(
        b'next="end-bad"', b'next="nowhere"')
    errors = [str(finding) for finding in check_tree(tree) if finding.level == ERROR]
    assert any('magix_scenario/eligibility.xml' in error and 'nowhere' in error for error in errors)


def test_olxcleaner_errors_are_reported(course_tree):
    tree = dict(course_tree)
    tree['policies/2026/grading_policy.json'] = b'{"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.7}}\n'
    errors = [finding for finding in check_tree(tree) if finding.level == ERROR]
    assert any(finding.checker == 'olxcleaner' and 'GradingPolicyIssue' in finding.message for finding in errors)


def test_a_translation_must_keep_the_links_of_the_english(course_tree, french):
    entries = {entry.msgctxt: entry for entry in french}
    entry = entries['html/pilot-to-production-intro@body[12]']
    entry.msgstr = entry.msgstr.replace('/jump_to_id/eligibility-intro', '/jump_to_id/elsewhere')
    with pytest.raises(CourseError, match='must keep the links and images of the English'):
        build(course_tree, 'fr', french)


def test_sjson_transcripts_and_custom_tab_pages_are_translated(course_tree):
    tree = dict(course_tree)
    tree['video/eligibility-video.xml'] = (b'<video display_name="Legacy video" sub="intro" youtube_id_1_0="abc"/>\n')
    tree['static/subs_intro.srt.sjson'] = b'{"start": [0, 2000], "end": [2000, 4000], "text": ["Hello.", "Goodbye."]}'
    tree['tabs/glossary.html'] = b'<h2>Glossary</h2>\n<p><strong>DPIA</strong>: data protection impact assessment.</p>\n'
    units = extract(tree)
    keys = {unit.key: unit.source for unit in units}
    assert keys['transcript/subs_intro.srt.sjson@cue[2]'] == 'Goodbye.'
    assert keys['static_tab/glossary@body[2]'] == '<strong>DPIA</strong>: data protection impact assessment.'
    po = catalogue.merge(catalogue.template(units), catalogue.new_catalogue('fr'))
    for entry in po:
        entry.msgstr = pseudo_french(entry.msgid)
    built = build(tree, 'fr', po).tree
    assert json.loads(built['static/subs_intro-fr.sjson'])['text'] == ['« FR » Hello.', '« FR » Goodbye.']
    assert b'<transcript language="fr" src="subs_intro-fr.sjson"/>' in built['video/eligibility-video.xml']
    assert built['tabs/glossary.html'].startswith(b'<h2>\xc2\xab FR \xc2\xbb Glossary</h2>')
    assert [str(finding) for finding in check_tree(built) if finding.level == ERROR] == []


def test_writing_the_english_back_as_its_own_translation_changes_no_byte(course_tree, units):
    """The writer keeps escaping, whitespace and markup exactly: English in, the same files out."""
    po = catalogue.merge(catalogue.template(units), catalogue.new_catalogue('en'))
    for entry in po:
        entry.msgstr = entry.msgid
    result = build(course_tree, 'en', po)
    assert result.translated == len(units)
    ours = olx.read_folder(olx.DEMO_COURSE)
    assert all(result.tree[path] == data for path, data in ours.items())
    # Content files of other packages may be formatted differently (wrapped attribute lists):
    # they come out in canonical form with the same content.
    for path in set(course_tree) - set(ours):
        if path.endswith('.xml'):
            assert result.tree[path] == xml_bytes(parse_xml(course_tree[path], path)), path


def test_olxcleaner_reads_the_checked_course_from_memory(course_tree, tmp_path, monkeypatch):
    """No temporary folder: olxcleaner's loaders are answered from the tree (a missing file is missing)."""
    import tempfile

    import olxcleaner

    def no_temporary_folders(*args, **kwargs):
        raise AssertionError('the check wrote the course to a temporary folder')

    monkeypatch.setattr(tempfile, 'TemporaryDirectory', no_temporary_folders)
    monkeypatch.setattr(tempfile, 'mkdtemp', no_temporary_folders)
    assert check_tree(course_tree) == []
    broken = dict(course_tree)
    missing = next(path for path in broken if path.startswith('problem/'))
    del broken[missing]
    findings = check_tree(broken)
    assert any(finding.checker == 'olxcleaner' and 'FileDoesNotExist' in finding.message
               and missing in finding.message for finding in findings), [str(f) for f in findings]
    # Outside a check, olxcleaner reads folders from disk as before.
    folder = tmp_path / 'course'
    for path, data in course_tree.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    _, errors, _ = olxcleaner.validate(str(folder), steps=7, allowed_xblocks=set(olx.OUR_XBLOCKS))
    assert not [error for error in errors.errors if error.level == 'ERROR']


def test_archives_have_the_bytes_tarfile_writes(course_tree, tmp_path):
    """``write_archive`` makes most headers itself: the archive is still the one ``tarfile`` writes
    (names of 100 characters and more, non-ASCII names, sizes around a block, an empty file)."""
    import gzip
    import io
    import tarfile
    tree = dict(course_tree)
    for length in (85, 86, 87, 120):  # "course/static/" + name: 99 to 134 characters
        tree['static/' + 'n' * length] = b'x' * (length * 7)
    tree.update({'static/é-page.html': b'<p>\xc3\xa9</p>', 'static/empty.txt': b'', 'static/block.bin': b'\0' * 512,
                 'static/more.bin': bytes(range(256)) * 2 + b'!'})
    output = write_archive(tree, tmp_path / 'course.tar.gz')
    expected = io.BytesIO()
    with gzip.GzipFile(filename='', mode='wb', fileobj=expected, mtime=0, compresslevel=ARCHIVE_COMPRESSION) as compressed, \
            tarfile.open(fileobj=compressed, mode='w', format=tarfile.PAX_FORMAT) as archive:
        folders = sorted({'/'.join(path.split('/')[:depth]) for path in tree for depth in range(1, path.count('/') + 1)})
        for name in ['course'] + [f'course/{folder}' for folder in folders]:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            archive.addfile(info)
        for path in sorted(tree):
            info = tarfile.TarInfo(f'course/{path}')
            info.size, info.mode, info.mtime = len(tree[path]), 0o644, 0
            archive.addfile(info, io.BytesIO(tree[path]))
    assert output.read_bytes() == expected.getvalue()
    assert read_archive(output) == tree
