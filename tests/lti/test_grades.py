"""Grades: a finished attempt's score reaches the platform's line item through AGS, exactly once,
even when the platform is down for a while (durable queue, back-off, no duplicates).
"""
from __future__ import annotations

import argparse
from datetime import timedelta

import pytest
from django.utils import timezone

from lti_tools import lti_cli
from lti_tools.lti1p3.services import retry_delay
from lti_tools.tool import grades
from lti_tools.results.models import LearnerResult
from lti_tools.tool.models import GradeSubmission, Learner, ResourceLink

from .conftest import run_grade_worker, play_to_best_ending


def later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


def test_a_finished_attempt_reaches_the_line_item(tool, platform):
    page = tool.launch()
    play_to_best_ending(tool.client, page)
    run_grade_worker()
    [score] = platform.scores
    assert score['lineitem'] == '/lineitems/1'
    assert score['userId'] == 'learner-1'
    assert (score['scoreGiven'], score['scoreMaximum']) == (1.0, 1.0)
    assert (score['activityProgress'], score['gradingProgress']) == ('Completed', 'FullyGraded')
    assert score['timestamp'].endswith('+00:00')
    row = GradeSubmission.objects.get()
    assert (row.status, row.attempts) == (GradeSubmission.SENT, 1)


def test_the_access_token_is_cached_until_it_expires(tool, platform):
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    play_to_best_ending(tool.client, tool.launch(sub='learner-2'))
    run_grade_worker()
    assert len(platform.scores) == 2
    assert platform.token_requests == 1


def test_during_an_outage_the_score_waits_and_arrives_exactly_once(tool, platform):
    platform.score_failures_left = 3
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    assert platform.scores == []
    row = GradeSubmission.objects.get()
    assert (row.status, row.attempts) == (GradeSubmission.PENDING, 1)
    assert '503' in row.last_error
    assert grades.deliver_due() == {'sent': 0, 'retry': 0, 'failed': 0}  # not due yet: back-off
    for minutes in (10, 20):
        assert grades.deliver_due(now=later(minutes))['retry'] == 1
    row.refresh_from_db()
    assert row.attempts == 3 and row.next_attempt_at > timezone.now() + timedelta(seconds=retry_delay(2))
    assert grades.deliver_due(now=later(60)) == {'sent': 1, 'retry': 0, 'failed': 0}
    assert grades.deliver_due(now=later(600)) == {'sent': 0, 'retry': 0, 'failed': 0}
    assert len(platform.scores) == 1 and platform.scores[0]['scoreGiven'] == 1.0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (GradeSubmission.SENT, 4, '')


def test_process_grades_command_delivers_the_queue(tool, platform, capsys, monkeypatch):
    platform.score_failures_left = 1
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    GradeSubmission.objects.update(next_attempt_at=timezone.now())
    assert lti_cli.process_grades(argparse.Namespace(retry_failed=False, loop=0)) == 0
    assert 'sent 1' in capsys.readouterr().out
    assert len(platform.scores) == 1


def test_a_score_that_gives_up_can_be_queued_again(tool, platform, monkeypatch, capsys):
    monkeypatch.setattr(grades, 'MAX_ATTEMPTS', 2)
    platform.score_failures_left = 2
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    assert grades.deliver_due(now=later(60)) == {'sent': 0, 'retry': 0, 'failed': 1}
    assert GradeSubmission.objects.get().status == GradeSubmission.FAILED
    assert grades.deliver_due(now=later(6000))['sent'] == 0
    assert lti_cli.process_grades(argparse.Namespace(retry_failed=True, loop=0)) == 0
    assert len(platform.scores) == 1


def test_a_result_recorded_again_queues_nothing_new(tool, platform):
    """The block's completion event re-sends the stored result: no second score."""
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    result = LearnerResult.objects.get(user_key=Learner.objects.get().anonymous_id)
    assert result.usage_key.endswith('+type@magix_scenario+block@benefits')
    grades.queue_result(LearnerResult, result=result, created=False)
    assert GradeSubmission.objects.count() == 1 and len(platform.scores) == 1


def test_the_same_score_at_the_same_instant_is_stored_once(tool, monkeypatch):
    tool.launch()
    learner, link = Learner.objects.get(), ResourceLink.objects.get()
    instant = timezone.now()
    monkeypatch.setattr(grades.timezone, 'now', lambda: instant)
    first = grades.enqueue(learner, link, 0.5, 1.0)
    GradeSubmission.objects.filter(pk=first.pk).update(score_given=0.4)  # so the "same as last" rule does not apply
    assert grades.enqueue(learner, link, 0.5, 1.0).pk == first.pk
    assert GradeSubmission.objects.count() == 1


def test_demo_users_results_are_not_sent_anywhere(tool, platform):
    from lti_tools.results.api import record_result
    record_result('student_1', 'block-v1:MAGIX+AIGOV101+2026+type@magix_scenario+block@benefits', earned=1, possible=1)
    assert not GradeSubmission.objects.exists()


def test_two_workers_never_post_the_same_row(tool, platform):
    platform.score_failures_left = 1
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    row = GradeSubmission.objects.get()
    now = later(60)
    assert grades._claim(row, now) is True
    assert grades._claim(row, now) is False  # the second worker sees it taken


def test_instructors_are_not_graded(tool, platform):
    play_to_best_ending(tool.client, tool.launch(role='instructor'))
    run_grade_worker()
    assert platform.scores == [] and not GradeSubmission.objects.exists()


def test_practice_exercises_send_no_score(tool, platform):
    page = tool.launch(target='http://testserver/lti/launch/practice-round/')
    play_to_best_ending(tool.client, page)
    run_grade_worker()
    assert platform.scores == []


def test_a_link_without_a_line_item_sends_no_score(tool, platform):
    play_to_best_ending(tool.client, tool.launch(ags=False))
    run_grade_worker()
    assert platform.scores == [] and not GradeSubmission.objects.exists()


@pytest.mark.parametrize('attempts, delay', [(1, 30), (2, 60), (5, 480), (30, 6 * 3600)])
def test_back_off_doubles_up_to_six_hours(attempts, delay):
    assert retry_delay(attempts) == delay


def test_a_link_launched_without_a_line_item_gets_one_created_once(tool, platform):
    page = tool.launch(lineitem=False, create_lineitems=True)
    assert page.status_code == 200
    [created] = platform.lineitems
    assert (created['resourceLinkId'], created['resourceId'], created['scoreMaximum']) == ('link-1', 'benefits', 1.0)
    assert created['label'] == 'Benefits exercise'
    tool.launch(lineitem=False, create_lineitems=True, sub='learner-2')
    assert len(platform.lineitems) == 1  # remembered for the link
    play_to_best_ending(tool.client, page)
    run_grade_worker()
    assert [score['lineitem'] for score in platform.scores] == ['/lineitems/created-1']


def test_an_existing_line_item_is_found_by_resource_link(tool, platform):
    platform.lineitems = [{'id': platform.lineitem('existing-7'), 'resourceLinkId': 'link-1', 'scoreMaximum': 10}]
    page = tool.launch(lineitem=False)  # read-only line item scope
    play_to_best_ending(tool.client, page)
    run_grade_worker()
    assert [score['lineitem'] for score in platform.scores] == ['/lineitems/existing-7']
    assert len(platform.lineitems) == 1


def test_no_line_item_and_no_right_to_create_one_still_launches(tool, platform):
    page = tool.launch(lineitem=False)
    assert page.status_code == 200
    play_to_best_ending(tool.client, page)
    run_grade_worker()
    assert platform.scores == [] and platform.lineitems == []
