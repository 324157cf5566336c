"""Fixtures for the LTI tool tests: a real platform (see ``platform.py``), the tool through
Django's test client, and two small exercises in a content folder of their own.
"""
from __future__ import annotations

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from lti_tools.lti1p3 import claims as c
from lti_tools.tool import catalogue
from lti_tools.tool.store import save_registration
from tests.scenario.support import page_answering as answering, small_scenario

from .platform import CLIENT_ID, DEPLOYMENT_ID, Platform

EXERCISE_URL = 'http://testserver/lti/launch/benefits/'
# The path through the small scenario to its best ending ("good", score 1).
BEST_PATH = ('dpia', 'human')


@pytest.fixture
def platform():
    running = Platform()
    yield running
    running.stop()


@pytest.fixture
def content_dir(tmp_path):
    folder = tmp_path / 'content'
    folder.mkdir()
    (folder / '01-benefits.xml').write_text(small_scenario('path'), encoding='utf-8')
    (folder / '02-practice-round.xml').write_text(
        small_scenario('practice').replace('Benefits pre-screening', 'Practice round'), encoding='utf-8')
    return folder


@pytest.fixture
def tool(settings, db, client, platform, content_dir):
    settings.PLATFORM_NAME = 'Harness platform'
    settings.LTI_CONTENT_DIR = str(content_dir)
    settings.LTI_JWKS_MIN_REFETCH_SECONDS = 0
    cache.clear()
    catalogue.clear_cache()
    save_registration(platform.registration(), 'Harness')
    yield Tool(client, platform)
    cache.clear()


class Tool:
    """Drives the tool as a browser inside the platform would."""

    def __init__(self, client, platform: Platform):
        self.client, self.platform = client, platform
        platform.tool_jwks = client.get('/lti/jwks/').json()

    def login(self, **extra):
        """Third-party initiated login; returns the auth request's parameters (state, nonce...)."""
        params = {'iss': self.platform.issuer, 'login_hint': 'hint-1', 'target_link_uri': EXERCISE_URL,
                  'client_id': CLIENT_ID, 'lti_deployment_id': DEPLOYMENT_ID, **extra}
        response = self.client.post('/lti/login/', params)
        assert response.status_code == 302, response.content
        location = response['Location']
        assert location.startswith(f'{self.platform.url}/auth?')
        return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}

    def message(self, nonce, role='student', sub='learner-1', link='link-1', target=EXERCISE_URL,
                locale=None, ags=True, lineitem=True, create_lineitems=False, nrps=False, personal=True,
                custom=None) -> dict:
        """Launch claims as the platform builds them (lti-consumer-xblock's consumer)."""
        consumer = self.platform.consumer
        consumer.extra_claims, consumer.lti_claim_custom_parameters = {}, None
        consumer.set_user_data(sub, role, full_name='Ada Lovelace' if personal else None,
                               email_address='ada@example.org' if personal else None)
        consumer.set_resource_link_claim(link, title='Benefits exercise')
        consumer.set_context_claim('course-1', context_title='AI in public services')
        consumer.set_launch_presentation_claim(document_target='iframe')
        if ags:
            consumer.enable_ags(lineitems_url=f'{self.platform.url}/lineitems',
                                lineitem_url=self.platform.lineitem() if lineitem else None,
                                allow_programmatic_grade_interaction=create_lineitems)
        if nrps:
            consumer.enable_nrps(self.platform.memberships_url())
        if custom:
            consumer.set_custom_parameters(custom)
        message = consumer.get_lti_launch_message(target_link_uri=target)
        if locale:
            message[c.LAUNCH_PRESENTATION] = {**message[c.LAUNCH_PRESENTATION], 'locale': locale}
        now = int(time.time())
        message.update(nonce=nonce, iat=now, exp=now + 300)
        return message

    def post_launch(self, state, id_token):
        return self.client.post('/lti/launch/', {'state': state, 'id_token': id_token})

    def launch(self, mutate=None, headers=None, key_pem=None, **message_options):
        """Login, then post an id_token built from the platform's claims (``mutate`` edits them)."""
        auth = self.login(target_link_uri=message_options.get('target', EXERCISE_URL))
        message = self.message(auth['nonce'], **message_options)
        if mutate:
            mutate(message)
        return self.post_launch(auth['state'], self.platform.sign(message, headers=headers, key_pem=key_pem))


def page_text(response) -> str:
    return unescape(response.content.decode())


def handler_url(response, name) -> str:
    """The URL the block's JavaScript would call (workbench runtime: base + usage + handler)."""
    html = response.content.decode()
    base = re.search(r"handlerBaseUrl = '([^']+)'", html)[1].encode().decode('unicode_escape')
    usage = re.search(r'data-usage=["\']([^"\']+)', html)[1]
    return f'{base}{usage}/{name}/'


def choose(client, response, option, page: str | None = None):
    """Choose ``option`` on ``page`` (the HTML last shown; by default the launch page)."""
    data = {'option': option, **answering(page or response.content.decode())}
    answer = client.post(handler_url(response, 'choose'), data=data, content_type='application/json')
    assert answer.status_code == 200, answer.content
    assert 'error' not in answer.json() and 'replayed' not in answer.json(), answer.json()
    return answer.json()


def play_to_best_ending(client, response):
    page = None
    for option in BEST_PATH:
        result = choose(client, response, option, page)
        page = result['html']
    assert result['status'] == 'finished'
    return result


def run_grade_worker() -> dict:
    """One pass of the grade worker (``magix lti process-grades``): requests only queue scores."""
    from lti_tools.tool import grades
    return grades.deliver_due()
