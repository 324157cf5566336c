"""The LTI handler proxy serves the launched exercise's learner handlers, and nothing else (issue 8,
probes 2, 3 and 6), through the real launch (lti-consumer-xblock's consumer signs it).
"""
from __future__ import annotations

import json

import pytest

from lti_tools.results.models import LearnerResult
from lti_tools.tool.models import GradeSubmission
from lti_tools.tool.runtime import CONTENT_STORE

from .conftest import answering, choose, handler_url, page_text, play_to_best_ending, run_grade_worker


def post(tool, url, body, content_type='application/json'):
    return tool.client.post(url, data=body, content_type=content_type)


def content_snapshot():
    return dict(CONTENT_STORE.db_dict)


@pytest.mark.parametrize('role', ['student', 'instructor'])
@pytest.mark.parametrize('handler, data', [
    ('studio_submit', {'settings': {'display_name': 'Hacked'}, 'scenario_xml': '<scenario/>'}),
    ('preview_diagram', {'scenario_xml': '<scenario/>'}),
    ('check_pathway', {'pathway_xml': '<pathway/>'}),
    ('no_such_handler', {}),
    ('download', {}),
    ('__init__', {}),
])
def test_only_learner_handlers_are_served(tool, role, handler, data):
    """Probe 2: the proxy passed any handler name through, and a learner changed the title everyone saw."""
    page = tool.launch(role=role)
    before = content_snapshot()
    response = post(tool, handler_url(page, handler), json.dumps(data))
    assert response.status_code == 404
    assert response.json() == {'error': 'This action is not available here.'}
    assert content_snapshot() == before
    assert 'Benefits pre-screening' in page_text(tool.launch(sub='learner-2'))


def test_another_exercise_or_a_forged_session_is_refused(tool):
    page = tool.launch()
    url = handler_url(page, 'choose')
    other = url.replace('lti-benefits', 'lti-practice-round')
    assert post(tool, other, json.dumps({'option': 'dpia'})).status_code == 404
    token = url.split('/handler/')[1].split('/')[0]
    forged = url.replace(token, token[:-4] + 'AAAA')
    response = post(tool, forged, json.dumps({'option': 'dpia'}))
    assert response.status_code == 403 and 'error' in response.json()


@pytest.mark.parametrize('body, status', [
    (b'[1]', 400), (b'"x"', 400), (b'not json', 400), (b'[' * 30_000 + b']' * 30_000, 400),
    (json.dumps({'option': 'dpia', 'reflection': 'x' * 70_000}).encode(), 413),
])
def test_unusable_bodies_are_json_refusals_through_the_proxy(tool, body, status):
    page = tool.launch()
    response = post(tool, handler_url(page, 'choose'), body)
    assert response.status_code == status and set(response.json()) == {'error'}
    assert 'A supplier offers' in page_text(tool.launch())   # nothing changed


def test_a_get_is_refused_as_json(tool):
    response = tool.client.get(handler_url(tool.launch(), 'choose'))
    assert response.status_code == 405 and 'error' in response.json()


def test_a_replayed_decision_is_applied_once(tool, platform):
    """Probe 3 through the proxy: the same decision eight times, one history entry, one score."""
    page = tool.launch()
    url = handler_url(page, 'choose')
    first_page = answering(page.content.decode())
    answers = [post(tool, url, json.dumps({'option': 'dpia', **first_page})).json() for _ in range(8)]
    assert sum('replayed' not in answer for answer in answers) == 1
    second = answers[0]['html']
    for _ in range(3):
        post(tool, url, json.dumps({'option': 'human', **answering(second)}))
    run_grade_worker()
    assert [score['scoreGiven'] for score in platform.scores] == [1.0]
    assert GradeSubmission.objects.count() == 1


def test_an_instructors_preview_is_never_graded(tool, platform):
    """No result recorded, so no score queued, however far the instructor plays."""
    play_to_best_ending(tool.client, tool.launch(role='instructor'))
    assert not LearnerResult.objects.exists()
    run_grade_worker()
    assert not GradeSubmission.objects.exists() and platform.scores == []
    # The same person launching as a learner elsewhere is graded as usual.
    play_to_best_ending(tool.client, tool.launch(sub='learner-9'))
    run_grade_worker()
    assert LearnerResult.objects.count() == 1 and [score['scoreGiven'] for score in platform.scores] == [1.0]


def test_the_decision_answers_the_page_it_came_from(tool):
    page = tool.launch()
    outcome = choose(tool.client, page, 'dpia')
    stale = post(tool, handler_url(page, 'choose'), json.dumps({'option': 'buy', **answering(page.content.decode())}))
    assert stale.json()['replayed'] is True and 'SECRET-SITUATION-PILOT' in stale.json()['html']
    assert outcome['status'] == 'in_progress'


def test_content_and_settings_are_read_only_in_launches(tool):
    """As the LMS's LmsFieldData: a launch, instructor's included, never writes the exercise."""
    from django.db import transaction
    from xblock.exceptions import InvalidScopeError

    from lti_tools.tool import catalogue
    from lti_tools.tool.runtime import LtiRuntime, usage_id
    from lti_tools.tool.session import LaunchSession

    tool.launch(role='instructor')
    exercise = catalogue.exercises()['benefits']
    session = LaunchSession(learner=1, user_id='someone', link=1, exercise='benefits', teaching=True, language='en')
    block = LtiRuntime(session).get_block(usage_id(exercise))
    block.display_name = 'Hacked'
    with pytest.raises(InvalidScopeError), transaction.atomic():
        block.save()
    assert LtiRuntime(session).get_block(usage_id(exercise)).display_name == 'Benefits pre-screening'
