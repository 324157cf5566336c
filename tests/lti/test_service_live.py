"""The LTI tool service as it runs in production: gunicorn with two workers over
``lti_tools.service.settings``, PostgreSQL and Redis started by the tests, the real platform
(lti-consumer-xblock's consumer) and concurrent clients over HTTP on 127.0.0.1.

Regression tests for the probes of issue 8 (items 1, 4, 5, 8): no workbench route on the
service, a session forged with the demo's old public key refused, anonymous registration
refused, scores not posted inside the learner's request.
"""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests
from django.core import signing

from lti_tools.tool.session import SALT

from tests.servers import ServiceProcess, free_port, magix, service_environment

from .conftest import Tool, handler_url, page_text, play_to_best_ending
from .live import PROXY, LiveClient, write_content
from .platform import CLIENT_ID, DEPLOYMENT_ID, Platform


class Live:
    def __init__(self, service: ServiceProcess, platform: Platform, env: dict):
        self.service, self.platform, self.env = service, platform, env
        self.url = service.url

    def tool(self) -> Tool:
        return Tool(LiveClient(self.url), self.platform)

    def sql(self, query: str, *params):
        with psycopg.connect(self.env['DATABASE_URL'].replace('postgres://', 'postgresql://')) as connection:
            return connection.execute(query, params).fetchall()


@pytest.fixture(scope='module')
def live(postgres, redis, tmp_path_factory):
    state = tmp_path_factory.mktemp('service')
    platform = Platform()
    env = service_environment(postgres.new_database(), state, MAGIX_CACHE_URL=redis.url(1),
                              MAGIX_LTI_CONTENT_DIR=str(write_content(state / 'content')))
    magix(env, 'lti', 'init')
    magix(env, 'lti', 'manage', 'collectstatic', '--noinput', '--verbosity', '0')
    magix(env, 'lti', 'register-platform', '--issuer', platform.issuer, '--client-id', CLIENT_ID,
          '--deployment-id', DEPLOYMENT_ID, '--auth-login-url', f'{platform.url}/auth',
          '--auth-token-url', f'{platform.url}/token', '--keyset-url', f'{platform.url}/jwks')
    try:
        with ServiceProcess(env, workers=2) as service:
            yield Live(service, platform, env)
    finally:
        platform.stop()


@pytest.fixture(autouse=True)
def _platform_name(settings):
    settings.PLATFORM_NAME = 'Harness platform'   # the consumer (lti-consumer-xblock) reads it


def test_health_answers_probes_by_address_over_plain_http(live):
    response = requests.get(f'{live.url}/health/', headers={'Host': '10.1.2.3:8000'}, timeout=30)
    assert response.status_code == 200 and response.json() == {'status': 'ok', 'database': 'ok'}


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    env = service_environment(f'postgres://magix@127.0.0.1:{free_port()}/nowhere', tmp_path)
    with ServiceProcess(env, workers=1) as service:
        response = requests.get(f'{service.url}/health/', timeout=60)
    assert response.status_code == 503
    assert response.json() == {'status': 'unavailable', 'database': 'unavailable'}   # no detail


def test_no_workbench_route_on_the_service(live):
    """Issue 8, item 1: GET /reset_state wiped every learner's state; /userlist/ listed them."""
    tool = live.tool()
    play_to_best_ending(tool.client, tool.launch(sub='reset-probe'))
    rows = live.sql('SELECT count(*) FROM workbench_xblockstate')[0][0]
    assert rows > 0
    for path in ('/reset_state', '/userlist/', '/reset/', '/', '/scenario/magix_scenario.0/',
                 '/scenario/magix_scenario.0/?student=staff_1', '/handler/x/y/', '/view/magix_scenario.0/'):
        response = requests.get(live.url + path, headers=PROXY, timeout=30, allow_redirects=False)
        assert response.status_code == 404, path
    assert requests.post(f'{live.url}/reset_state', headers=PROXY, timeout=30).status_code == 404
    assert live.sql('SELECT count(*) FROM workbench_xblockstate')[0][0] == rows


def test_plain_http_is_sent_to_https_with_hsts(live):
    response = requests.get(f'{live.url}/lti/jwks/', timeout=30, allow_redirects=False)
    assert response.status_code == 301 and response.headers['Location'].startswith('https://')
    secure = requests.get(f'{live.url}/lti/jwks/', headers=PROXY, timeout=30)
    assert secure.status_code == 200 and 'max-age=' in secure.headers['Strict-Transport-Security']


def test_static_files_are_served_by_the_service(live):
    page = live.tool().launch(sub='static-probe')
    assert page.status_code == 200
    for path in ('/static/admin/css/base.css', '/static/workbench/js/runtime/1.js'):
        response = requests.get(live.url + path, headers=PROXY, timeout=30)
        assert response.status_code == 200, path


def test_a_session_forged_with_the_old_public_demo_key_is_refused(live):
    """Issue 8, item 4: a launch session signed with the public default key was accepted."""
    tool = live.tool()
    real = tool.launch(sub='forgery-target', role='instructor')
    assert real.status_code == 200
    learner, link = live.sql("SELECT l.id, p.resource_link_id FROM lti_tool_learner l JOIN lti_tool_participation "
                             "p ON p.learner_id = l.id WHERE l.subject = 'forgery-target'")[0]
    payload = {'learner': learner, 'user_id': 'x', 'link': link, 'exercise': 'benefits', 'teaching': True,
               'language': 'en'}
    forged = signing.dumps(payload, key='magix-demo-only-not-secret', salt=SALT, compress=True)
    response = requests.get(f'{live.url}/lti/summary/{forged}/', headers=PROXY, timeout=30)
    assert response.status_code == 403
    choose = requests.post(f'{live.url}/lti/handler/{forged}/lti-benefits.magix_scenario.d0.u0/choose/',
                           data=json.dumps({'option': 'dpia'}), headers=PROXY, timeout=30)
    assert choose.status_code == 403


def test_anonymous_dynamic_registration_is_refused(live):
    """Issue 8, item 5: anyone could register a platform (and make the service fetch any URL)."""
    response = requests.get(f'{live.url}/lti/register/', headers=PROXY, timeout=30, params={
        'openid_configuration': f'{live.platform.url}/.well-known/openid-configuration'})
    assert response.status_code == 403 and 'registration link' in response.text
    assert not any(path == '/.well-known/openid-configuration' for _, path in live.platform.requests)


def test_a_registration_link_is_used_once_even_by_concurrent_requests(live):
    """Two requests with one link at once: one claims it; the service refuses the loopback URL with
    the same words it uses for every failure (no detail: not an oracle)."""
    link = magix(live.env, 'lti', 'registration-link', '--hours', '1').stdout.strip().splitlines()[-1]
    assert link.startswith('/lti/register/')
    target = {'openid_configuration': f'{live.platform.url}/.well-known/openid-configuration'}
    barrier = threading.Barrier(4)

    def attempt(_):
        barrier.wait()
        return requests.get(live.url + link, params=target, headers=PROXY, timeout=60)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(attempt, range(4)))
    assert sorted(answer.status_code for answer in answers) == [400, 403, 403, 403]
    refused = next(answer for answer in answers if answer.status_code == 400).text
    assert 'could not be registered' in refused and '127.0.0.1' not in refused and 'address' not in refused
    assert not any(path == '/.well-known/openid-configuration' for _, path in live.platform.requests)
    assert live.sql('SELECT count(*) FROM lti_tool_registrationlink WHERE used_at IS NOT NULL')[0][0] == 1


def test_a_score_is_queued_in_the_request_and_delivered_by_the_worker(live):
    """Issue 8, item 8: the score was posted inside the learner's request (15 s per call)."""
    live.platform.tool_jwks = requests.get(f'{live.url}/lti/jwks/', headers=PROXY, timeout=30).json()
    tool = live.tool()
    before = len(live.platform.scores)
    play_to_best_ending(tool.client, tool.launch(sub='queued-learner'))
    assert len(live.platform.scores) == before     # nothing posted while the learner waited
    [(status,)] = live.sql("SELECT g.status FROM lti_tool_gradesubmission g JOIN lti_tool_learner l "
                           "ON l.id = g.learner_id WHERE l.subject = 'queued-learner'")
    assert status == 'pending'
    assert magix(live.env, 'lti', 'process-grades').stdout.startswith('sent ')
    assert [score['userId'] for score in live.platform.scores[before:]].count('queued-learner') == 1


def test_concurrent_learners_on_two_workers(live):
    """Six learners launch and play at once: every request answers, every score is queued once."""
    def learner(number):
        tool = live.tool()
        page = tool.launch(sub=f'crowd-{number}')
        assert page.status_code == 200, page_text(page)
        play_to_best_ending(tool.client, page)
        return handler_url(page, 'choose')

    with ThreadPoolExecutor(6) as pool:
        urls = list(pool.map(learner, range(6)))
    assert len(set(urls)) == 6
    rows = live.sql("SELECT count(*) FROM lti_tool_gradesubmission g JOIN lti_tool_learner l ON l.id = g.learner_id "
                    "WHERE l.subject LIKE 'crowd-%%' AND g.status = 'pending'")
    assert rows == [(6,)]
