"""The demo's reset: a POST with CSRF and a confirmation, for one learner or every demo learner;
never the SDK's ``GET /reset_state`` (it wiped every learner, LTI ones included, then redirected
to whatever Referer said) nor ``/userlist/`` (issue 8, item 1).
"""
from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from workbench import scenarios as workbench_scenarios
from workbench.models import XBlockState

from lti_tools.log_redaction import RedactSecrets
from lti_tools.results.api import record_result
from lti_tools.results.models import LearnerResult
from lti_tools.tool.models import Learner

from tests.scenario.support import page_answering
from tests.scenario.test_workbench import handler_url, page, post

pytestmark = pytest.mark.django_db
EVIL = 'https://evil.example.org/phish'


@pytest.fixture
def played(settings):
    """Alice and Bob played the demo; an LTI learner has state and a result too."""
    scenario_id = workbench_scenarios.get_scenarios() and 'magix_scenario.0'
    client = Client(enforce_csrf_checks=True)
    for student in ('alice', 'bob'):
        html = page(client, scenario_id, student=student)
        option = re.search(r'name="[^"]+-option" id="[^"]+" value="([^"]+)"', html)[1]   # its first option
        answer = post(client, handler_url(html, 'choose', student), {'option': option, **page_answering(html)})
        assert answer.status_code == 200 and 'error' not in answer.json()
    lti = Learner.objects.create(issuer='https://lms.example.org', deployment_id='d', subject='s')
    XBlockState.objects.create(scope='usage', scope_id='lti-benefits.magix_scenario.d0.u0', user_id=lti.anonymous_id,
                               scenario='lti-benefits', tag='magix_scenario', state='{"current_node": "x"}')
    record_result(lti.anonymous_id, 'block-v1:MAGIX+AIGOV101+2026+type@magix_scenario+block@benefits', earned=1, possible=1)
    yield client, lti


def users_with_state():
    return set(XBlockState.objects.exclude(user_id=None).values_list('user_id', flat=True))


def confirm(client, scope, student='alice', **headers):
    form = client.get(f'/reset/?student={student}')
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    return client.post('/reset/', {'csrfmiddlewaretoken': token, 'confirm': 'yes', 'scope': scope,
                                   'student': student}, **headers)


def test_the_sdk_reset_and_user_list_are_not_served(played):
    client, lti = played
    before = XBlockState.objects.count()
    for method in (client.get, client.post):
        assert method('/reset_state', HTTP_REFERER=EVIL).status_code == 404
    assert client.get('/userlist/').status_code == 404
    assert XBlockState.objects.count() == before


def test_get_only_asks_for_confirmation(played):
    client, lti = played
    before = XBlockState.objects.count()
    form = client.get('/reset/?student=alice')
    assert form.status_code == 200 and 'name="confirm"' in form.content.decode()
    assert XBlockState.objects.count() == before


def test_the_sdk_button_post_without_confirmation_wipes_nothing(played):
    client, lti = played
    before = XBlockState.objects.count()
    token = client.cookies['csrftoken'].value
    response = client.post('/reset/', {'csrfmiddlewaretoken': token}, HTTP_REFERER=EVIL)
    assert response.status_code == 200 and XBlockState.objects.count() == before


def test_a_post_without_csrf_is_refused(played):
    client, lti = played
    before = XBlockState.objects.count()
    assert client.post('/reset/', {'confirm': 'yes', 'scope': 'everyone'}).status_code == 403
    assert XBlockState.objects.count() == before


def test_reset_one_learner_keeps_the_others_and_never_follows_the_referer(played):
    client, lti = played
    response = confirm(client, 'learner', 'alice', HTTP_REFERER=EVIL)
    assert response.status_code == 302 and response['Location'] == '/workbench/?student=alice&reset=learner'
    assert users_with_state() == {'bob', lti.anonymous_id}


def test_reset_everyone_keeps_lti_learners(played):
    client, lti = played
    response = confirm(client, 'everyone', HTTP_REFERER=EVIL)
    assert response.status_code == 302 and 'evil' not in response['Location']
    assert users_with_state() == {lti.anonymous_id}
    assert list(LearnerResult.objects.values_list('user_key', flat=True)) == [lti.anonymous_id]
    assert page(client, 'magix_scenario.0', student='alice')   # the demo's scenarios are back


def test_logs_never_show_launch_sessions_or_registration_tokens():
    record = logging.LogRecord('x', logging.WARNING, __file__, 1, 'Forbidden: %s', (
        '/lti/handler/eyJsZWFybmVyIjo:1abc:def/lti-benefits/choose/?registration_token=s3cret',), None)
    RedactSecrets().filter(record)
    assert record.getMessage() == 'Forbidden: /lti/handler/[redacted]/lti-benefits/choose/?registration_token=[redacted]'


def test_the_log_file_is_private(settings):
    from pathlib import Path
    log_file = Path(settings.LOGGING['handlers']['file']['filename'])
    logging.getLogger('lti_tools').warning('a line')
    assert log_file.stat().st_mode & 0o077 == 0
