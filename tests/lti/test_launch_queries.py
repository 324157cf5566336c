"""How many SQL queries the LTI login and launch cost (issue 13: login <= 2, launch with the page <= 8).

Counted as in production: ``transactional_db``, so each request runs in autocommit as under
gunicorn (the transactions it opens itself are real BEGIN/COMMIT, not test savepoints).
Counts only, never times.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lti_tools.tool import store
from lti_tools.tool.models import LoginState, UsedNonce

from .conftest import EXERCISE_URL, choose

pytestmark = pytest.mark.usefixtures('transactional_db')


@pytest.fixture(autouse=True)
def purged_recently(monkeypatch):
    """The once-per-few-minutes purge has run in this process (it is counted on its own below)."""
    monkeypatch.setattr(store, '_last_purge', [1e18])


def test_login_costs_two_queries(tool, django_assert_num_queries):
    with django_assert_num_queries(2):   # the platform with its deployments; the login state
        tool.login(target_link_uri=EXERCISE_URL)


def test_launch_with_the_page_costs_at_most_eight_queries(tool, django_assert_max_num_queries):
    first = tool.launch(sub='learner-q')   # the learner and the link exist: a returning learner
    choose(tool.client, first, 'dpia')     # with some state to read back
    auth = tool.login(target_link_uri=EXERCISE_URL)
    token = tool.platform.sign(tool.message(auth['nonce'], sub='learner-q'))
    with django_assert_max_num_queries(8):
        page = tool.post_launch(auth['state'], token)
    assert page.status_code == 200
    assert 'data-usage' in page.content.decode()


def test_first_launch_of_a_learner_costs_at_most_eight_queries(tool, django_assert_max_num_queries):
    tool.launch(sub='someone-else')   # the link exists
    auth = tool.login(target_link_uri=EXERCISE_URL)
    token = tool.platform.sign(tool.message(auth['nonce'], sub='newcomer'))
    with django_assert_max_num_queries(8):
        page = tool.post_launch(auth['state'], token)
    assert page.status_code == 200


def test_first_launch_of_a_link_costs_one_query_more(tool, django_assert_max_num_queries):
    auth = tool.login(target_link_uri=EXERCISE_URL)
    token = tool.platform.sign(tool.message(auth['nonce'], sub='first'))
    with django_assert_max_num_queries(9):   # ... and the link's INSERT
        page = tool.post_launch(auth['state'], token)
    assert page.status_code == 200


def test_expired_logins_and_nonces_are_purged_out_of_the_request(tool, monkeypatch):
    auth = tool.login(target_link_uri=EXERCISE_URL)
    old = timezone.now() - store.LOGIN_LIFETIME - timedelta(seconds=1)
    LoginState.objects.filter(state=auth['state']).update(created_at=old)
    UsedNonce.objects.create(issuer='x', nonce='old', expires_at=timezone.now() - store.NONCE_KEPT - timedelta(seconds=1))
    UsedNonce.objects.create(issuer='x', nonce='live', expires_at=timezone.now())
    tool.login(target_link_uri=EXERCISE_URL)      # purged recently in this process: nothing deleted
    assert LoginState.objects.filter(state=auth['state']).exists()
    assert store.purge_expired() == {'logins': 1, 'nonces': 1}
    assert list(UsedNonce.objects.values_list('nonce', flat=True)) == ['live']
    assert LoginState.objects.count() == 1


def test_a_request_purges_when_the_last_purge_is_old(tool, monkeypatch):
    auth = tool.login(target_link_uri=EXERCISE_URL)
    LoginState.objects.filter(state=auth['state']).update(
        created_at=timezone.now() - store.LOGIN_LIFETIME - timedelta(seconds=1))
    monkeypatch.setattr(store, '_last_purge', [0.0])
    tool.login(target_link_uri=EXERCISE_URL)
    assert not LoginState.objects.filter(state=auth['state']).exists()
