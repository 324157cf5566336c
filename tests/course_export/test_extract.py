"""The extractor: every kind of text is found, keys are stable and unique, markup stays in units."""
from __future__ import annotations

import pytest

from course_export import olx
from course_export.slots import normalise
from course_export.units import documents, extract


def by_key(units):
    return {unit.key: unit for unit in units}


def test_keys_cover_every_kind_of_text(units):
    found = by_key(units)
    expected = {
        'chapter/eligibility-module@display_name': 'Module 1 — Automated eligibility decisions',
        'sequential/eligibility-case@display_name': 'The case',
        'vertical/eligibility-unit-check@display_name': 'Knowledge check',
        'html/eligibility-intro@body[1]': 'Why this module',
        'video/eligibility-video@display_name': 'Briefing: what a caseworker sees',
        'transcript/eligibility-video-en.srt@cue[2]': 'Every week of delay pushes more households into debt.',
        'problem/eligibility-check@response[2]/option[3]': 'unnecessary, because the rules are set in law',
        'problem/eligibility-check@demandhint/hint[1]':
            'Think about what the person receiving the decision needs in order to check it.',
        'magix_scenario/eligibility@display_name': 'Case eligibility',
        'magix_scenario/eligibility@introduction[1]': 'The eligibility office has a <strong>problem</strong>.',
        'magix_scenario/eligibility@image/alt': 'A review loop',
        'magix_scenario/eligibility@role': 'You lead the office.',
        'magix_scenario/eligibility@dimension[legality]': 'Legality',
        'magix_scenario/eligibility@step[first]/title': 'First step',
        'magix_scenario/eligibility@step[first]/situation': 'Something happens & you must act.',
        'magix_scenario/eligibility@step[first]/question': 'What do you do?',
        'magix_scenario/eligibility@step[first]/reflection': 'What would you do in your office?',
        'magix_scenario/eligibility@step[first]/option[good]/text': 'Do the right thing',
        'magix_scenario/eligibility@step[first]/option[good]/consequence': 'It works.',
        'magix_scenario/eligibility@step[first]/option[bad]/consequence[2]': 'People complain.',
        'magix_scenario/eligibility@ending[end-bad]/title': 'Bad ending',
        'magix_scenario/eligibility@ending[end-good]/debrief': 'Good.',
        'policy/2026@course/2026/display_name': 'AI, Data and Digital Governance in Public Administration',
        'policy/2026@course/2026/tabs[progress]/name': 'Progress',
        'policy/2026@course/2026/discussion_topics[course]': 'General',
        'grading_policy/2026@GRADER[Knowledge check]/short_label': 'KC',
        'about/effort@body[1]': 'About 1 hour per module, 5 hours in total',
        'about/overview@body[1]': 'About this course',
        'info/updates@body[1]': '1 September 2026',
        'magix_credential_progress/aigov-pathway@programme[aigov-programme]/title':
            'AI, Data and Digital Governance in Public Administration',
    }
    for key, source in expected.items():
        assert found[key].source == source, key
    assert found['about/short_description@body[1]'].source.startswith('Govern AI and data')
    assert any(key.startswith('magix_credential_progress/aigov-pathway@micro-credential[eligibility]/'
                              'learning-outcomes/outcome[') for key in found)


def test_problem_choices_exclude_their_hints_and_hints_are_units(units):
    found = by_key(units)
    choice = found['problem/eligibility-check@response[1]/choice[2]']
    assert 'choicehint' not in choice.source and choice.source.startswith('"Your declared monthly income')
    assert found['problem/eligibility-check@response[1]/choice[2]/hint'].source.startswith('Right: the rule')
    assert found['problem/eligibility-check@response[2]/option[2]/hint'].source.startswith('Yes.')
    assert found['problem/eligibility-check@response[1]/label'].source.startswith('A housing benefit')
    assert found['problem/eligibility-check@response[1]/solution[1]'].source.startswith('A usable explanation')
    assert found['problem/data-sharing-check@response[2]/choice[4]'].source == 'The names of every citizen concerned'


def test_html_units_keep_inline_markup_and_image_alt(units):
    found = by_key(units)
    unit = found['html/eligibility-intro@body[5]']
    assert unit.source.startswith('<strong>A lawful basis and a clear rule.</strong> The criteria')
    assert unit.markup
    assert found['html/eligibility-intro@body[8]/alt'].source.startswith('Diagram: an application')
    link = found['html/pilot-to-production-intro@body[12]'].source
    assert '<a href="/jump_to_id/eligibility-intro">introduction to Module 1</a>' in link


def test_keys_are_unique_and_texts_normalised(units):
    keys = [unit.key for unit in units]
    assert len(keys) == len(set(keys))
    for unit in units:
        if not unit.key.startswith('transcript/'):
            assert unit.source == normalise(unit.source), unit.key
        assert unit.source, unit.key


def test_units_follow_the_course_outline_with_locations(units):
    keys = [unit.key for unit in units]
    assert keys.index('chapter/eligibility-module@display_name') < keys.index('html/eligibility-intro@body[1]') \
        < keys.index('magix_scenario/eligibility@display_name') < keys.index('problem/eligibility-check@display_name') \
        < keys.index('chapter/data-sharing-module@display_name')
    intro = by_key(units)['html/eligibility-intro@body[2]']
    assert intro.comment.endswith('In: Module 1 — Automated eligibility decisions › The case › Introduction')


def test_our_course_source_is_in_canonical_form(course_tree):
    """Re-serialising every file of the demo source changes nothing (what makes the build invariant hold)."""
    ours = olx.read_folder(olx.DEMO_COURSE)
    checked = 0
    for document in documents(course_tree):
        if document.path in ours:
            assert document.bytes() == ours[document.path], document.path
            checked += 1
    assert checked > 40


def test_duplicate_keys_are_refused(course_tree):
    tree = dict(course_tree)
    tree['vertical/eligibility-unit-intro.xml'] = (
        b'<vertical display_name="Introduction">\n  <html url_name="eligibility-intro"/>\n'
        b'  <html url_name="x" display_name="A"/>\n  <html url_name="x" display_name="B"/>\n</vertical>\n')
    with pytest.raises(olx.CourseError, match='Two texts have the key html/x@display_name'):
        extract(tree)


def test_missing_scenario_content_is_reported(tmp_path):
    with pytest.raises(olx.CourseError, match='has no content file for "chatbot-procurement"'):
        olx.assemble(olx.DEMO_COURSE, tmp_path, olx.PATHWAY_CONTENT)
    missing = []
    tree = olx.assemble(olx.DEMO_COURSE, tmp_path, olx.PATHWAY_CONTENT, missing=missing)
    assert len(missing) == 5 and 'magix_scenario/eligibility.xml' not in tree


def test_the_shipped_scenarios_are_placed_where_studio_exports_them(scenario_dir):
    tree = olx.assemble(olx.DEMO_COURSE, scenario_dir, olx.PATHWAY_CONTENT)
    assert tree['magix_scenario/data-sharing.xml'] == (scenario_dir / '02-data-sharing.xml').read_bytes()
    assert tree['magix_credential_progress/aigov-pathway.xml'] == \
        (olx.PATHWAY_CONTENT / 'aigov-pathway.xml').read_bytes()


@pytest.mark.parametrize('kind', ['file', 'folder'])
def test_a_course_folder_with_a_link_is_refused(tmp_path, kind):
    (tmp_path / 'course.xml').write_bytes(b'<course url_name="2026" org="MAGIX" course="T1"/>')
    (tmp_path / 'html').mkdir()
    (tmp_path / 'html' / 'page.html').write_bytes(b'<p>Text</p>')
    target = tmp_path / 'html' / ('page.html' if kind == 'file' else '')
    (tmp_path / 'html' / 'linked').symlink_to(target)
    with pytest.raises(olx.CourseError, match='html/linked is a symbolic link'):
        olx.read_folder(tmp_path)
    (tmp_path / 'html' / 'linked').unlink()
    assert sorted(olx.read_folder(tmp_path)) == ['course.xml', 'html/page.html']


def test_a_process_sharing_the_walk_follows_every_file_one_process_follows():
    # Files of another share are parsed only when their bytes may name what comes next; a file in
    # an encoding whose bytes do not tell (UTF-16) is parsed to know.
    from course_export.units import bytes_tell, walk
    tree = {
        'course.xml': b'<course url_name="R" org="O" course="C"/>\n',
        'course/R.xml': b'<course><chapter url_name="c"/></course>\n',
        'chapter/c.xml': b'<chapter display_name="Chapter"><vertical url_name="v"/></chapter>\n',
        'vertical/v.xml': b'<vertical display_name="Unit"><problem url_name="p"/><problem url_name="q"/>'
                          b'<html url_name="h"/><video url_name="w"/></vertical>\n',
        'problem/p.xml': '<?xml version="1.0" encoding="UTF-16"?><problem><html url_name="inner"/></problem>'
                         .encode('utf-16'),
        'problem/q.xml': b'<problem display_name="Q"><p>Nothing named here</p></problem>\n',
        'html/h.xml': b'<html filename="h" display_name="Page"/>\n',
        'html/h.html': b'<p>Body</p>\n',
        'html/inner.xml': b'<html display_name="Inner"/>\n',
        'video/w.xml': b'<video display_name="V" sub="w"/>\n',
        'static/subs_w.srt.sjson': b'{"start": [0], "end": [1], "text": ["Hi"]}',
    }
    assert not bytes_tell(tree['problem/p.xml']) and bytes_tell(tree['problem/q.xml'])
    one = [(path, place) for path, _, place in walk(tree)]
    assert 'html/inner.xml' in dict(one) and 'static/subs_w.srt.sjson' in dict(one)
    for share in ((0, 2), (1, 2), (2, 3)):
        assert [(path, place) for path, _, place in walk(tree, share=share)] == one
