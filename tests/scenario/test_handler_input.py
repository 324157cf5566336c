"""Who may call the scenario block's handlers, with what body (issue 8, probes 2, 3 and 6).

On an XBlock runtime with the LMS's ``user`` service keys: authoring handlers are course
staff's (``edx-platform.user_is_staff``, as the LMS sets it), every body a handler cannot use
is a 4xx JSON refusal, and a replayed decision is answered with the current state, once.
"""
import json

import pytest

from xblocks.handlers import AUTHORED_XML_BYTES
from xblocks.scenario import engine

from .support import ScenarioTestRuntime, answering, call, load, post, same_block_for, small_scenario


def state(block):
    """Everything a handler could change, read back as a new request would."""
    fresh = same_block_for(block.runtime, block, block.runtime.user_id)
    return (fresh.current_node, fresh.history, fresh.reflections, fresh.attempts_used, fresh.past_attempts,
            fresh.tallies, fresh.display_name, fresh.scenario_xml, fresh.weight)


@pytest.mark.parametrize('handler, data', [
    ('studio_submit', {'settings': {'display_name': 'Hacked'}}),
    ('studio_submit', {'scenario_xml': small_scenario().replace('The offer', 'Hacked')}),
    ('preview_diagram', {'scenario_xml': small_scenario()}),
])
def test_learners_cannot_author_or_preview(block, handler, data):
    """Probe 2: a learner changed the title everyone saw; probe 6: preview_diagram was open to learners."""
    before = state(block)
    answer = call(block, handler, data, status=403)
    assert answer == {'error': 'Only the course team can change or check this exercise.'}
    assert state(block) == before and block.runtime.grades() == []


def test_course_staff_may_author(runtime):
    staff = load(ScenarioTestRuntime(user_id='staff-1', is_staff=True), small_scenario())
    assert call(staff, 'studio_submit', {'settings': {'display_name': 'Renamed'}})['result'] == 'success'
    assert staff.display_name == 'Renamed'
    assert '<svg' in call(staff, 'preview_diagram', {'scenario_xml': staff.scenario_xml})['svg']


def test_no_user_service_means_no_authoring(block):
    """A runtime without the ``user`` service (an unknown host) is never taken for staff."""
    del block.runtime._services['user']
    assert call(block, 'preview_diagram', {'scenario_xml': ''}, status=403)['error']


@pytest.mark.parametrize('body, status, message', [
    (b'not json', 400, 'The request body must be a JSON object.'),
    (b'[1, 2, 3]', 400, 'The request body must be a JSON object.'),
    (b'"dpia"', 400, 'The request body must be a JSON object.'),
    (b'null', 400, 'The request body must be a JSON object.'),
    (b'\xff\xfe', 400, 'The request body must be a JSON object.'),
    (b'[' * 30_000 + b']' * 30_000, 400, 'The request is nested too deeply.'),
    (b'{"option": ' + b'{"a": ' * 50 + b'1' + b'}' * 50 + b'}', 400, 'The request is nested too deeply.'),
    (json.dumps({'option': 'dpia', 'reflection': 'x' * 70_000}).encode(), 413,
     'The request is too large (at most 64 KB).'),
    (json.dumps({'option': ['dpia'], 'attempt': 1, 'position': 1}).encode(), 400,
     'The field "option" has the wrong type.'),
    (json.dumps({'option': 'dpia', 'attempt': True, 'position': 1}).encode(), 400,
     'The field "attempt" has the wrong type.'),
    (json.dumps({'option': 'dpia', 'reflection': {'a': 1}, 'attempt': 1, 'position': 1}).encode(), 400,
     'The field "reflection" has the wrong type.'),
    (json.dumps({'option': 'dpia'}).encode(), 400,
     'The request does not say which step it answers. Please reload the page.'),
])
def test_unusable_bodies_are_refused_with_state_unchanged(block, body, status, message):
    """Probe 6: JSON that is not an object, nesting 100k deep, wrong types: a 4xx JSON answer, not a 500."""
    before = state(block)
    for handler in ('choose', 'undo', 'restart'):
        response = post(block, handler, body)
        assert response.status_code == status, (handler, response.body)
        assert response.content_type == 'application/json'
        assert json.loads(response.body) == {'error': message}
    assert state(block) == before


def test_a_get_is_not_an_action(block):
    response = post(block, 'choose', b'', method='GET')
    assert response.status_code == 405 and 'error' in json.loads(response.body)


def test_costly_previews_are_size_limited():
    """Probe 6: a 2.5 MB preview cost 4-5 s of CPU; XML above 256 KB is refused before parsing."""
    staff = load(ScenarioTestRuntime(user_id='staff-1', is_staff=True), small_scenario())
    padding = '<!--' + 'x' * AUTHORED_XML_BYTES + '-->'
    big = staff.scenario_xml.replace('<scenario ', padding + '<scenario ', 1)
    before = state(staff)
    for handler, data in (('preview_diagram', {'scenario_xml': big}),
                          ('studio_submit', {'scenario_xml': big, 'settings': {'display_name': 'Big'}})):
        assert call(staff, handler, data, status=413) == {'error': 'The request is too large (at most 256 KB).'}
    assert state(staff) == before
    deep = post(staff, 'preview_diagram', b'[' * 100_000 + b']' * 100_000)   # the probe, 200 KB
    assert (deep.status_code, json.loads(deep.body)) == (400, {'error': 'The request is nested too deeply.'})
    assert call(staff, 'preview_diagram', {'scenario_xml': staff.scenario_xml, 'scoring_mode': 'bogus'},
                status=400) == {'error': 'The field "scoring_mode" has the wrong type.'}


# --- one decision, one change -------------------------------------------------------------------

def test_a_replayed_decision_is_answered_with_the_current_state_and_applied_once(runtime, block):
    """Probe 3 at the block level: the same decision posted again changes nothing."""
    page = answering(block)
    first = call(block, 'choose', {'option': 'dpia', **page})
    assert 'replayed' not in first and 'How do you run the pilot?' in first['html']
    for _ in range(7):
        again = call(block, 'choose', {'option': 'dpia', **page})
        assert again['replayed'] is True and again['notice'] == ''
        assert 'How do you run the pilot?' in again['html'] and 'SECRET-CONSEQUENCE-DPIA' in again['outcome']
    assert len(block.history) == 1 and block.tallies == {'intake': {'dpia': 1}}


def test_replays_never_inflate_the_grade(runtime, block):
    """A path worth 4 of 6 is graded 0.6667 however often each decision arrives."""
    for option in ('dpia', 'auto', 'review'):
        page = answering(block)
        for _ in range(3):
            call(block, 'choose', {'option': option, **page})
    assert block.current_node == 'ok' and len(block.history) == 3
    assert [grade['value'] for grade in runtime.grades()] == [pytest.approx(4 / 6, abs=1e-4)]
    assert block.attempts_used == 1


def test_another_decision_from_an_old_page_is_not_applied(block):
    page = answering(block)
    call(block, 'choose', {'option': 'dpia', **page})
    stale = call(block, 'choose', {'option': 'buy', **page})
    assert stale['replayed'] is True and stale['notice'] == 'This page was out of date: here is where you are now.'
    assert [entry['option'] for entry in block.history] == ['dpia'] and block.tallies == {'intake': {'dpia': 1}}


def test_undo_and_restart_replays_apply_once(block):
    call(block, 'choose', {'option': 'dpia'})
    call(block, 'choose', {'option': 'human'})
    assert block.current_node == 'good'
    page = answering(block)
    call(block, 'restart', page)
    assert call(block, 'restart', page)['replayed'] is True
    assert len(block.past_attempts) == 1 and block.history == []
    call(block, 'choose', {'option': 'dpia'})
    page = answering(block)
    call(block, 'undo', page)
    assert call(block, 'undo', page)['replayed'] is True
    # One undo applied: back at the start, and (learners, not clicks, are counted) no longer counted there.
    assert block.current_node == 'intake' and block.history == []
    assert block.tallies['intake'].get('dpia', 0) == 0 and 'intake' not in block.counted


def test_the_page_says_what_it_answers(block):
    html = block.student_view().content
    assert 'data-attempt="1" data-position="1" data-step="intake"' in html
    call(block, 'choose', {'option': 'dpia'})
    html = call(block, 'undo', {})['html']
    assert 'data-attempt="1" data-position="1" data-step="intake"' in html


def test_engine_expect_is_plain_python():
    scenario = same_scenario()
    play = engine.Playthrough()
    play.expect(scenario, attempt=1, position=1, step='intake')
    with pytest.raises(engine.OutOfDate):
        play.expect(scenario, attempt=2, position=1, step='intake')
    with pytest.raises(engine.OutOfDate):
        play.expect(scenario, attempt=1, position=1, step='pilot')


def same_scenario():
    from xblocks.scenario.loading import load_scenario
    scenario, problems = load_scenario(small_scenario(), 'path')
    assert not problems
    return scenario


class StudioPermissions:
    """Studio's ``studio_user_permissions`` service, as edx-platform's (``can_write(course_key)``,
    ``has_studio_write_access``); Studio's ``user`` service sets no ``user_is_staff``."""

    def __init__(self, writable):
        self.writable, self.asked = set(writable), []

    def can_write(self, course_key):
        self.asked.append(str(course_key))
        return str(course_key) in self.writable


def studio_block(writable):
    from opaque_keys.edx.keys import UsageKey
    from xblock.fields import ScopeIds

    from xblocks.scenario.block import ScenarioBlock

    runtime = ScenarioTestRuntime(user_id='author-1', is_staff=False)
    runtime._services['studio_user_permissions'] = StudioPermissions(writable)
    usage = UsageKey.from_string('block-v1:MAGIX+AIGOV101+2026+type@magix_scenario+block@eligibility')
    block = runtime.construct_xblock_from_class(ScenarioBlock, ScopeIds('author-1', 'magix_scenario', usage, usage))
    block.scenario_xml = load(ScenarioTestRuntime(), small_scenario()).scenario_xml
    return block


def test_in_studio_course_authors_may_author_and_others_may_not():
    """Studio decides with write access to the course (its user service has no staff flag)."""
    author = studio_block(writable={'course-v1:MAGIX+AIGOV101+2026'})
    assert call(author, 'studio_submit', {'settings': {'display_name': 'Edited in Studio'}})['result'] == 'success'
    assert author.runtime.service(author, 'studio_user_permissions').asked == ['course-v1:MAGIX+AIGOV101+2026']
    outsider = studio_block(writable={'course-v1:OTHER+X+2026'})
    assert call(outsider, 'preview_diagram', {'scenario_xml': outsider.scenario_xml}, status=403)['error']
