"""The Django admin pages platform administrators use: platforms with deployments, the grade queue."""
from __future__ import annotations

from lti_tools.tool.models import GradeSubmission, Platform

from .conftest import run_grade_worker, play_to_best_ending


def test_admin_lists_platforms_keys_learners_and_the_grade_queue(tool, platform, admin_client):
    platform.score_failures_left = 1
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    for page in ('platform', 'toolkey', 'learner', 'resourcelink', 'gradesubmission'):
        response = admin_client.get(f'/admin/lti_tool/{page}/')
        assert response.status_code == 200, page
    detail = admin_client.get(f'/admin/lti_tool/platform/{Platform.objects.get().pk}/change/')
    assert 'deployment-1' in detail.content.decode()
    assert 'BEGIN PRIVATE KEY' not in admin_client.get('/admin/lti_tool/toolkey/1/change/').content.decode()


def test_admin_retry_action_delivers_a_waiting_score(tool, platform, admin_client):
    platform.score_failures_left = 1
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    row = GradeSubmission.objects.get()
    assert row.status == GradeSubmission.PENDING
    response = admin_client.post('/admin/lti_tool/gradesubmission/',
                                 {'action': 'retry_now', '_selected_action': [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == GradeSubmission.SENT and len(platform.scores) == 1
