"""Login states and used nonces in the Django cache (production with ``MAGIX_CACHE_URL``: Redis),
with the guarantees the database rows give: a state is spent once, a nonce is used once, an old
login is refused, a forged state is unknown. First on the local-memory cache (one process, as
the bench), then on a real Redis (``tests.servers``), where two workers race for one state.
"""
from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache

from lti_tools.tool import store
from lti_tools.tool.models import LoginState, UsedNonce

from .conftest import EXERCISE_URL, page_text
from tests.servers import redis  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures('transactional_db')


@pytest.fixture(params=['local-memory', 'redis'])
def cached(request, settings):
    """The tool with its login states in the cache: the process's own, or a Redis server."""
    if request.param == 'redis':
        server = request.getfixturevalue('redis')
        settings.CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                                       'LOCATION': server.url(3)}}
        settings.LTI_LOGIN_STATES = ''   # chosen by default: Redis is shared by every worker
    else:
        settings.LTI_LOGIN_STATES = 'cache'
    assert store.login_states_in_cache()
    monkey = pytest.MonkeyPatch()
    monkey.setattr(store, '_last_purge', [1e18])
    yield request.param
    monkey.undo()


@pytest.fixture
def tool(cached, tool):
    return tool


def login_entry(state: str) -> dict:
    return cache.get(store._cache_key('login', state))


def test_the_default_keeps_states_in_the_database_unless_the_cache_is_shared(settings):
    settings.LTI_LOGIN_STATES = ''
    settings.CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}
    assert not store.login_states_in_cache()   # one worker's own memory: another would not know the login
    settings.CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                                   'LOCATION': 'redis://127.0.0.1:1/0'}}
    assert store.login_states_in_cache()
    settings.LTI_LOGIN_STATES = 'database'
    assert not store.login_states_in_cache()


def test_a_launch_leaves_no_login_or_nonce_row(tool):
    response = tool.launch()
    assert response.status_code == 200 and 'data-usage' in response.content.decode()
    assert not LoginState.objects.exists() and not UsedNonce.objects.exists()


def test_login_costs_one_query_and_the_launch_with_the_page_five(tool, django_assert_num_queries,
                                                                        django_assert_max_num_queries):
    tool.launch(sub='learner-q')   # the learner and the link exist
    with django_assert_num_queries(1):   # the platform with its deployments
        auth = tool.login(target_link_uri=EXERCISE_URL)
    token = tool.platform.sign(tool.message(auth['nonce'], sub='learner-q'))
    # the platform with its deployments; the link; the learner's and the participation's upserts; the block's state
    with django_assert_max_num_queries(5):
        page = tool.post_launch(auth['state'], token)
    assert page.status_code == 200


def test_the_same_id_token_posted_twice_is_refused(tool, platform):
    auth = tool.login()
    token = platform.sign(tool.message(auth['nonce']))
    assert tool.post_launch(auth['state'], token).status_code == 200
    assert login_entry(auth['state']) is None
    again = tool.post_launch(auth['state'], token)
    assert again.status_code == 403 and 'unknown or was already used' in page_text(again)


def test_a_nonce_is_single_use_even_with_a_matching_state(tool, platform):
    first, second = tool.login(), tool.login()
    entry = login_entry(second['state'])
    cache.set(store._cache_key('login', second['state']), {**entry, 'nonce': first['nonce']}, 600)
    token = platform.sign(tool.message(first['nonce']))
    assert tool.post_launch(first['state'], token).status_code == 200
    replay = tool.post_launch(second['state'], token)
    assert replay.status_code == 403 and 'already used' in page_text(replay)


def test_an_expired_login_is_refused(tool, platform):
    auth = tool.login()
    entry = login_entry(auth['state'])
    old = entry['created'] - store.LOGIN_LIFETIME.total_seconds() - 1
    cache.set(store._cache_key('login', auth['state']), {**entry, 'created': old}, 600)
    response = tool.post_launch(auth['state'], platform.sign(tool.message(auth['nonce'])))
    assert response.status_code == 403 and 'expired' in page_text(response)


def test_a_login_the_cache_forgot_is_refused(tool, platform):
    auth = tool.login()
    cache.delete(store._cache_key('login', auth['state']))   # evicted, or its timeout passed
    response = tool.post_launch(auth['state'], platform.sign(tool.message(auth['nonce'])))
    assert response.status_code == 403 and 'unknown or was already used' in page_text(response)


def test_forged_and_hostile_states_are_refused(tool, platform):
    auth = tool.login()
    token = platform.sign(tool.message(auth['nonce']))
    for state in ('forged-state', 'with spaces\nand\x00control', 'x' * 5000):
        response = tool.post_launch(state, token)
        assert response.status_code == 403, state
    assert tool.post_launch(auth['state'], token).status_code == 200


def race(action, workers: int = 8) -> list:
    """``action()`` in several threads at once (each with its own cache connection, as workers)."""
    results, barrier = [], threading.Barrier(workers)

    def worker():
        barrier.wait()
        results.append(action())

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(results)


def test_one_of_many_workers_racing_for_a_state_wins(cached, tool):
    auth = tool.login()
    assert race(lambda: store.consume_login_state(auth['state']) is not None) == [False] * 7 + [True]


def test_a_nonce_is_recorded_once_across_workers(cached):
    expires = int(time.time()) + 300
    assert race(lambda: store.use_nonce('https://p.example.org', 'raced-nonce', expires)) == [False] * 7 + [True]
    assert store.use_nonce('https://other.example.org', 'raced-nonce', expires) is True
