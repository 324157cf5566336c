"""The ``magix_scenario`` XBlock on an XBlock runtime: views, handlers, grades, state and OLX."""
import dataclasses

import pytest
from lxml import etree
from xblock.fields import Scope

from xblocks.scenario import engine
from xblocks.scenario.block import ScenarioBlock, StoredPart, StoredPlaythrough

from ..openedx_rules import studio_preview_view
from .support import ScenarioTestRuntime, answering, call, load, same_block_for, small_scenario


def test_student_view_sends_only_the_current_step(block):
    html = block.student_view().content
    assert 'Commission a DPIA' in html and 'What do you do first?' in html
    for secret in ('SECRET-', 'points', 'Keep a human in the loop', 'Trusted service'):
        assert secret not in html
    assert '<script>' not in html  # course-team HTML is sanitised
    assert '<strong>benefits office</strong>' in html


def test_handler_answers_are_one_step_in_size(block):
    answer = call(block, 'choose', {'option': 'dpia', 'prefix': 'magix-0123456789ab'})
    assert 'SECRET-CONSEQUENCE-DPIA' in answer['outcome'] and 'SECRET-CONSEQUENCE-BUY' not in answer['outcome']
    assert 'SECRET-SITUATION-PILOT' in answer['html']
    assert 'SECRET-SITUATION-COMPLAINT' not in answer['html'] + answer['outcome']
    assert 'magix-0123456789ab-step-title' in answer['html']


def test_unique_ids_when_two_blocks_share_a_page(runtime):
    first = load(runtime, small_scenario()).student_view().content
    second = load(runtime, small_scenario()).student_view().content
    ids = lambda html: set(etree.HTML(html).xpath('//@id'))  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)


def test_best_path_publishes_full_grade_and_completion(runtime, block):
    call(block, 'choose', {'option': 'dpia'})
    answer = call(block, 'choose', {'option': 'human'})
    assert answer['status'] == 'finished'
    assert runtime.grades() == [{'value': 1.0, 'max_value': 1.0, 'only_if_higher': True}]
    assert ('completion', {'completion': 1.0}) in runtime.events
    assert block.get_score().raw_earned == 1.0 and block.max_score() == 1.0
    assert 'Trusted service' in answer['html'] and '100%' in answer['html']


def test_path_mode_normalises_to_the_best_path_and_keeps_the_best_grade(runtime):
    block = load(runtime, small_scenario())
    call(block, 'choose', {'option': 'buy'})        # -1 legality
    call(block, 'choose', {'option': 'review'})     # +1
    assert runtime.grades() == [{'value': 0.0, 'max_value': 1.0, 'only_if_higher': True}]
    call(block, 'restart')
    call(block, 'choose', {'option': 'dpia'})       # +3
    call(block, 'choose', {'option': 'auto'})       # 0
    call(block, 'choose', {'option': 'review'})     # +1 -> 4 of 6
    assert runtime.grades()[-1]['value'] == pytest.approx(0.6667)
    call(block, 'restart')
    call(block, 'choose', {'option': 'buy'})
    call(block, 'choose', {'option': 'deny'})       # worse: no new grade published
    assert len(runtime.grades()) == 2 and block.best_score == pytest.approx(0.6667)


def test_ending_mode_scores_the_ending(runtime):
    block = load(runtime, small_scenario('ending'))
    call(block, 'choose', {'option': 'buy'})
    call(block, 'choose', {'option': 'review'})
    assert runtime.grades()[-1]['value'] == 0.6


def test_practice_mode_is_ungraded(runtime):
    block = load(runtime, small_scenario('practice'))
    assert block.has_score is False and block.max_score() is None
    call(block, 'choose', {'option': 'dpia'})
    call(block, 'choose', {'option': 'human'})
    assert runtime.grades() == [] and ('completion', {'completion': 1.0}) in runtime.events


def test_the_browser_cannot_send_a_score(runtime, block):
    call(block, 'choose', {'option': 'buy', 'score': 1, 'points': 99, 'value': 1})
    call(block, 'choose', {'option': 'deny', 'score': 1})
    assert runtime.grades()[-1]['value'] == 0.0


def test_unknown_option_is_refused_and_state_untouched(block):
    answer = call(block, 'choose', {'option': 'no-such-option'})
    assert answer == {'error': 'Please choose one of the options.'}
    assert block.current_node is None and block.history == []


def test_undo_takes_back_a_decision_and_its_tally(block):
    call(block, 'choose', {'option': 'dpia'})
    assert block.tallies == {'intake': {'dpia': 1}}
    answer = call(block, 'undo')
    assert block.current_node == 'intake' and block.history == []
    assert block.tallies == {'intake': {'dpia': 0}}
    assert 'What do you do first?' in answer['html']
    assert call(block, 'undo') == {'error': 'There is no decision to take back.'}


def test_undo_can_be_switched_off(runtime):
    block = load(runtime, small_scenario().replace('allow_undo="true"', 'allow_undo="false"'))
    call(block, 'choose', {'option': 'dpia'})
    assert 'not allowed' in call(block, 'undo')['error']
    assert 'data-action="undo"' not in call(block, 'choose', {'option': 'human'})['html']


def test_attempts_limit(runtime):
    block = load(runtime, small_scenario(attempts=1))
    call(block, 'choose', {'option': 'buy'})
    answer = call(block, 'choose', {'option': 'deny'})
    assert 'You have used all your attempts.' in answer['html']
    assert call(block, 'restart') == {'error': 'You have used all your attempts.'}


def test_restart_keeps_the_earlier_path_and_reflections(block):
    call(block, 'choose', {'option': 'dpia', 'reflection': 'The claimants\u2019 rights.'})
    call(block, 'choose', {'option': 'human'})
    call(block, 'restart')
    assert block.current_node == 'intake' and block.history == []
    assert block.past_attempts[0]['reflections'] == {'intake': 'The claimants\u2019 rights.'}
    assert block.attempts_used == 1


def test_reflection_is_shown_in_the_recap(block):
    call(block, 'choose', {'option': 'dpia', 'reflection': '<b>Bias</b> against older claimants'})
    answer = call(block, 'choose', {'option': 'human'})
    assert '&lt;b&gt;Bias&lt;/b&gt; against older claimants' in answer['html']  # escaped, kept
    assert 'You chose: Commission a DPIA' in answer['html']


def test_resume_where_the_learner_left_off(runtime, block):
    call(block, 'choose', {'option': 'dpia'})
    again = same_block_for(runtime, block)
    html = again.student_view().content
    assert 'How do you run the pilot?' in html and 'What do you do first?' not in html


def test_every_part_of_a_playthrough_is_stored_in_a_field():
    """A part added to the engine's ``Playthrough`` must be kept for the learner too."""
    stored = {part: value.field_name for part, value in vars(StoredPlaythrough).items()
              if isinstance(value, StoredPart)}
    assert set(stored) == {field.name for field in dataclasses.fields(engine.Playthrough)}
    assert all(ScenarioBlock.fields[name].scope == Scope.user_state for name in stored.values())


def learner_state_read(runtime, action) -> set[str]:
    """The learner-state fields ``action`` reads from the runtime's store (each read is a query in the LMS)."""
    read, store = set(), runtime.store
    original_get, original_has = store.get, store.has

    def record(original):
        def recorded(key):
            if key.scope == Scope.user_state:
                read.add(key.field_name)
            return original(key)
        return recorded
    store.get, store.has = record(original_get), record(original_has)
    try:
        action()
    finally:
        store.get, store.has = original_get, original_has
    return read


def test_a_page_and_a_decision_read_only_the_learner_state_they_use(runtime, block):
    usage_id = block.scope_ids.usage_id
    page = learner_state_read(runtime, lambda: runtime.get_block(usage_id).student_view())
    # The first step asks for a reflection (a draft is shown again); nothing about tallies or attempts.
    assert page == {'current_node', 'history', 'past_attempts', 'last_outcome', 'reflections'}
    body = answering(runtime.get_block(usage_id))
    decision = learner_state_read(runtime, lambda: call(runtime.get_block(usage_id), 'choose',
                                                        {**body, 'option': 'dpia'}))
    assert {'counted', 'current_node', 'history'} <= decision
    assert not {'counted_ending', 'attempts_used', 'reflections'} & decision   # no ending, no reflection
    again = runtime.get_block(usage_id)
    assert again.current_node == 'pilot' and again.counted == {'intake': 'dpia'}
    assert again.last_outcome == {'step': 'intake', 'option': 'dpia'}


def test_statistics_are_anonymous_tallies_shared_by_learners(runtime, block):
    block.statistics_minimum = 2  # the default (5) would hide the figures from these two learners
    block.save()
    call(block, 'choose', {'option': 'dpia'})
    other = runtime.other_learner('learner-2')
    other_block = same_block_for(other, block, 'learner-2')
    answer = call(other_block, 'choose', {'option': 'buy'})
    assert 'How other participants chose' in answer['outcome']
    assert '50% (1)' in answer['outcome']
    assert other_block.tallies == {'intake': {'dpia': 1, 'buy': 1}}


def test_course_staff_see_the_choice_chart_learners_do_not(runtime, block):
    call(block, 'choose', {'option': 'dpia'})
    staff = runtime.other_learner('staff-1', is_staff=True)
    staff_html = same_block_for(staff, block, 'staff-1').student_view().content
    assert 'course staff only' in staff_html and '100% (1)' in staff_html
    assert 'course staff only' not in block.student_view().content


def test_editing_a_scenario_never_breaks_a_learner_in_it(runtime, block):
    call(block, 'choose', {'option': 'dpia', 'reflection': 'Kept'})
    block.scenario_xml = block.scenario_xml.replace('id="pilot"', 'id="pilot-v2"').replace(
        'next="pilot"', 'next="pilot-v2"')
    html = block.student_view().content
    assert 'This exercise has changed' in html and 'Kept' in html
    assert 'no longer exists' in call(block, 'choose', {'option': 'human'})['error']
    answer = call(block, 'restart')
    assert answer['status'] == 'in_progress' and block.past_attempts[0]['reflections'] == {'intake': 'Kept'}


def test_broken_content_shows_the_problems_not_a_crash(runtime):
    block = load(runtime, small_scenario().replace('next="pilot"', 'next="nowhere"'))
    html = block.student_view().content
    assert 'cannot be shown' in html and 'leads to &quot;nowhere&quot;' in html
    assert 'leads to "nowhere"' in call(block, 'choose', {'option': 'dpia'})['error']


# --- Studio ---------------------------------------------------------------------------------------

def test_studio_submit_validates_and_saves_settings_and_xml_together(staff_block):
    block = staff_block
    bad_xml = block.scenario_xml.replace('next="pilot"', 'next="nowhere"')
    answer = call(block, 'studio_submit', {'settings': {'display_name': 'New'}, 'scenario_xml': bad_xml})
    assert answer['result'] == 'error'
    assert any('Step "intake", option "dpia" leads to "nowhere"' in error for error in answer['errors'])
    assert block.display_name == 'Benefits pre-screening' and 'nowhere' not in block.scenario_xml

    answer = call(block, 'studio_submit', {'settings': {'weight': -1, 'scoring_mode': 'bogus'}})
    assert answer['result'] == 'error' and len(answer['errors']) == 2

    good_xml = block.scenario_xml.replace('The offer', 'The supplier\u2019s offer')
    answer = call(block, 'studio_submit', {'settings': {'display_name': 'New', 'weight': 3, 'allow_undo': False},
                                           'scenario_xml': good_xml})
    assert answer['result'] == 'success' and '<svg' in answer['svg']
    assert (block.display_name, block.weight, block.allow_undo) == ('New', 3.0, False)
    assert 'The supplier\u2019s offer' in block.scenario_xml


def test_studio_preview_summarises_and_draws_the_scenario(block):
    """Studio picks the view itself (``tests/openedx_rules.py``: ``has_author_view``, from edx-platform)."""
    view = studio_preview_view(block)
    assert view == 'author_view'
    html = block.runtime.render(block, view).content
    assert '3 steps, 3 endings.' in html and 'Best achievable: 6.' in html
    svg = etree.fromstring(html[html.index('<svg'):html.index('</svg>') + 6])
    nodes = svg.xpath('//*[@data-node]')
    assert {node.get('data-node') for node in nodes} == {'intake', 'pilot', 'complaint', 'good', 'ok', 'bad'}


def test_preview_diagram_flags_unreachable_steps(staff_block):
    block = staff_block
    xml = block.scenario_xml.replace('<ending id="bad"', '<ending id="orphan" title="Orphan"/><ending id="bad"')
    report = call(block, 'preview_diagram', {'scenario_xml': xml, 'scoring_mode': 'path'})
    assert any('"orphan" cannot be reached' in problem for problem in report['problems'])
    assert 'unreachable' in report['svg']


def test_studio_view_renders_the_form_and_diagram(block):
    html = block.studio_view().content
    assert 'name="scenario_xml"' in html and '<svg' in html and 'magix-studio-weight' in html


# --- OLX ------------------------------------------------------------------------------------------

def export(block) -> str:
    node = etree.Element('magix_scenario')
    block.add_xml_to_node(node)
    return etree.tostring(node, encoding='unicode')


def test_scenario_is_readable_child_xml_and_round_trips_byte_stable(runtime, block):
    first = export(block)
    assert '<scenario start="intake">' in first and 'scenario_xml' not in first
    reimported = load(runtime, first)
    second = export(reimported)
    assert first == second
    assert reimported.weight == 2.0 and reimported.display_name == 'Benefits pre-screening'
    assert reimported.scenario().start == 'intake'


def test_shipped_content_is_valid_and_listed_in_the_workbench():
    scenarios = ScenarioBlock.workbench_scenarios()
    assert len(scenarios) >= 2
    for title, xml in scenarios:
        runtime = ScenarioTestRuntime()
        root = etree.fromstring(xml)
        blocks = [root] if root.tag == 'magix_scenario' else list(root)
        for node in blocks:
            block = load(runtime, etree.tostring(node, encoding='unicode'))
            scenario, problems = block.scenario(), None
            assert len(scenario.steps) >= 3 and len(scenario.endings) >= 2, title


def test_french_learner_gets_french_from_the_runtime_i18n_service():
    """As in the LMS: Django's active language, and the block's own ``text.mo`` via the service."""
    from django.utils import translation
    runtime = ScenarioTestRuntime(locale='fr')
    block = load(runtime, small_scenario())
    with translation.override('fr'):
        html = block.student_view().content
        error = call(block, 'choose', {'option': 'nope'})['error']
    assert 'Votre rôle' in html and 'Your role' not in html
    assert error == 'Veuillez choisir l’une des options.'
    assert 'Décision 1' in html


def test_live_check_never_fails(staff_block, monkeypatch):
    """Whatever goes wrong, the Studio editor gets an answer it can show (and keeps the course team's text)."""
    block = staff_block   # the live check is the course team's
    monkeypatch.setattr(ScenarioBlock, 'describe', lambda self, *args: 1 / 0)
    report = call(block, 'preview_diagram', {'scenario_xml': block.scenario_xml, 'scoring_mode': 'path'})
    assert report['problems'] == ['The check could not be run (ZeroDivisionError). Your text is kept; '
                                  'it is checked again as you type.'] and report['svg'] == ''


def test_scenario_xml_is_sanitised_like_any_xblock_string_but_once_per_stored_value(monkeypatch):
    """Issue 13: XBlock's ``String`` scanned the whole XML on every read; ``XmlText`` keeps its rule once per value."""
    from xblock.fields import String
    scans = []
    original = String._sanitize

    def counting(field, value):
        scans.append(value)
        return original(field, value)

    monkeypatch.setattr(String, '_sanitize', counting)
    field = ScenarioBlock.fields['scenario_xml']
    dirty = '<scenario>a\x00b\x0bc</scenario>' + 'x' * 10   # a fresh object, not interned
    assert field.from_json(dirty) == '<scenario>abc</scenario>' + 'x' * 10 == String().from_json(dirty)
    scans.clear()
    runtime = ScenarioTestRuntime()
    block = load(runtime, small_scenario())
    block.save()
    for _ in range(3):
        fresh = runtime.get_block(block.scope_ids.usage_id)
        assert fresh.scenario_xml == block.scenario_xml and fresh.scenario_xml
    assert len([value for value in scans if value is block.scenario_xml]) <= 1
