"""One decision, one change through the LTI tool (issue 8, probe 3), with the real parts: a
``magix serve`` process on 127.0.0.1 (SQLite, then PostgreSQL from ``tests.servers``), the
platform of ``platform.py`` (lti-consumer-xblock signs the launches; its HTTP server receives
the scores), real OIDC logins and launches, and concurrent HTTP clients released together.

Eight copies of each decision of one learner: one applied, one score sent, worth the path's
real value. Eight learners at once: the tally +8 and eight scores. No 500.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

import pytest

from tests.scenario.support import page_answering
from tests.servers import REPO, postgres_url, start_demo  # noqa: F401  (postgres_url is a fixture)
from tests.test_concurrent_handlers import COPIES, a_path_worth_less_than_the_best, at_once

from .conftest import Tool
from .platform import CLIENT_ID, DEPLOYMENT_ID, Platform

SLUG = 'eligibility'   # the first shipped exercise (01-eligibility.xml), what the LTI catalogue offers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url, data=None, headers=None, json_body=None):
    """(status, headers, body) of one HTTP request; redirects are not followed."""
    body = json.dumps(json_body).encode() if json_body is not None else \
        urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {**(headers or {}), **({'Content-Type': 'application/json'} if json_body is not None else {})}
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=120) as response:
            return response.status, response.headers, response.read().decode('utf-8')
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode('utf-8', 'replace')


class LiveTool:
    """A browser inside the platform's page, launching the tool served on ``base``."""

    def __init__(self, base, platform: Platform):
        self.base, self.platform = base, platform
        self.claims = Tool.__new__(Tool)
        self.claims.platform = platform

    def launch(self, sub):
        target = f'{self.base}/lti/launch/{SLUG}/'
        status, headers, _body = request(f'{self.base}/lti/login/', {
            'iss': self.platform.issuer, 'login_hint': sub, 'target_link_uri': target, 'client_id': CLIENT_ID,
            'lti_deployment_id': DEPLOYMENT_ID})
        assert status == 302, _body
        auth = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(headers['Location']).query))
        cookie = headers['Set-Cookie'].split(';')[0]   # Secure, so the client must send it by hand over http
        message = self.claims.message(auth['nonce'], sub=sub, target=target)
        status, _headers, html = request(f'{self.base}/lti/launch/', {
            'state': auth['state'], 'id_token': self.platform.sign(message)}, headers={'Cookie': cookie})
        assert status == 200, html
        return html

    def handler_url(self, html, name='choose'):
        base = re.search(r"handlerBaseUrl = '([^']+)'", html)[1].encode().decode('unicode_escape')
        usage = re.search(r'data-usage=["\']([^"\']+)', html)[1]
        return f'{self.base}{base}{usage}/{name}/'


def register(state_dir, platform, env):
    registration = platform.registration()
    subprocess.run([sys.executable, '-m', 'magix', 'lti', 'register-platform', '--issuer', registration.issuer,
                    '--client-id', CLIENT_ID, '--deployment-id', DEPLOYMENT_ID,
                    '--auth-login-url', registration.auth_login_url, '--auth-token-url', registration.auth_token_url,
                    '--keyset-url', registration.keyset_url], cwd=REPO, check=True, capture_output=True,
                   env=demo_environment(state_dir, env))


def demo_environment(state_dir, env):
    """``magix lti`` commands against the demo host's database (they default to the service's settings)."""
    return {'PATH': '/usr/bin:/bin', 'MAGIX_VAR_DIR': str(state_dir), 'HOME': str(state_dir.parent),
            'DJANGO_SETTINGS_MODULE': 'lti_tools.demo.settings', **env}


def deliver_grades(state_dir, env):
    """The grade worker, once, as its own process (requests only queue scores)."""
    subprocess.run([sys.executable, '-m', 'magix', 'lti', 'process-grades'], cwd=REPO, check=True,
                   capture_output=True, env=demo_environment(state_dir, env))


def shares(html, option_text):
    """The count shown for an option in the anonymous statistics (``_shares.html``), or None when hidden
    (learners see figures only once the course team's minimum of answers is reached)."""
    row = re.search(rf'<th scope="row">{re.escape(option_text)}</th>.*?\((\d+)\)</td>', unescape(html), re.S)
    return int(row[1]) if row else None


def check_through_lti(tmp_path, env):
    path, worth = a_path_worth_less_than_the_best()
    platform = Platform()
    state = tmp_path / 'var'
    try:
        with start_demo(state, **env) as base:
            register(state, platform, env)
            tool = LiveTool(base, platform)
            platform.tool_jwks = json.loads(request(f'{base}/lti/jwks/')[2])
            html = tool.launch('racer')
            url = tool.handler_url(html)
            for option in path:
                data = {'option': option, **page_answering(html)}
                answers = at_once([lambda: request(url, json_body=data)] * COPIES)
                assert [status for status, _, _ in answers] == [200] * COPIES, answers
                applied = [json.loads(body) for _, _, body in answers if '"replayed"' not in body]
                assert len(applied) == 1, answers
                html = applied[0]['html']
            assert applied[0]['status'] == 'finished'
            assert len(re.findall(r'<li', html[html.index('magix-recap'):])) >= len(path)
            deliver_grades(state, env)
            with platform.lock:
                scores = [score for score in platform.scores if score['userId'] == 'racer']
            assert [round(score['scoreGiven'], 4) for score in scores] == [round(worth, 4)]

            # Eight learners launch, then choose the same first option at the same moment.
            pages = {f'learner-{index}': tool.launch(f'learner-{index}') for index in range(COPIES)}
            answers = at_once([
                (lambda page=page: request(tool.handler_url(page), json_body={'option': path[0],
                                                                              **page_answering(page)}))
                for page in pages.values()])
            assert [status for status, _, _ in answers] == [200] * COPIES, answers
            outcomes = [json.loads(body)['outcome'] for _, _, body in answers]
            option_text = next(re.search(r'<th scope="row">([^<]+)</th>', outcome) for outcome in outcomes
                               if '<th scope="row">' in outcome)
            counts = sorted(count for count in (shares(outcome, unescape(option_text[1])) for outcome in outcomes)
                            if count is not None)
            # Each learner's choice was counted on top of all the others before it: none lost. The
            # racer and eight learners make nine; learners below the minimum of answers see no figures.
            assert counts == list(range(COPIES + 2 - len(counts), COPIES + 2)), counts
    finally:
        platform.stop()


@pytest.fixture
def harness(settings):
    settings.PLATFORM_NAME = 'Harness platform'   # lti-consumer-xblock reads it when building claims


def test_lti_on_sqlite(tmp_path, harness):
    check_through_lti(tmp_path, {})


def test_lti_on_postgresql(tmp_path, harness, postgres_url):  # noqa: F811
    check_through_lti(tmp_path, {'DATABASE_URL': postgres_url})
