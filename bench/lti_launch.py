"""LTI launch costs side by side: login + launch without our exercise page, and with it, against
a PyLTI1p3 2.0 Django tool (``lti_peer``) on the same Django, database, cache and platform; the
SQL statements of each.

Each round runs every operation once, in turn (``timing.interleaved``); the id_token is signed
by the platform between login and launch, outside the timed parts (login and launch are timed
separately and added). Requests are posted form-encoded, as a platform's auto-submitted form
posts them. The floor (views that only read their form and answer) shows what both
sides pay before any LTI work: the test client, the middleware, the form parsing; the rows "above
the floor" compare what each side does beyond it (each round's time less the floor's in that
round). "Without the page": our launch with the exercise rendering left out, all
else (login state, token validation, nonce, learner, link) as in production with a shared cache
(``MAGIX_CACHE_URL``): login state and nonces in the Django cache, as the peer keeps its own.

What the peer does not do (it is given it): it reads its registration from a dict in memory
(ours from the database, so an administrator's change reaches every worker at once); it checks
the state against its cookie and that the nonce is in the cache, but spends neither (the same
id_token posted twice with its cookie is accepted twice; ours refuses it); it records no
learner, resource link or participation (ours does, for grades and the instructor's summary).

Run: ``.venv-bench/bin/python -m bench --only lti`` (or ``python -m bench.lti_launch [--repeat 50]``;
a fresh SQLite database in a temporary folder; nothing leaves 127.0.0.1).
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import types
from urllib.parse import parse_qs, urlencode, urlsplit


def floor_login(request):
    """The floor: a login that reads its parameters and redirects with a state and a nonce, no more."""
    from django.http import HttpResponse
    response = HttpResponse(status=302)
    response['Location'] = f'{request.POST["iss"]}/auth?' + urlencode({'state': 's' * 43, 'nonce': 'n' * 43})
    return response


def floor_launch(request):
    """The floor: a launch that reads the posted id_token and answers, no more."""
    from django.http import HttpResponse
    return HttpResponse(f'<!doctype html><title>Launched</title><p>{len(request.POST["id_token"])}</p>')


def form_post(client, url: str, data: dict):
    """POST as a platform's auto-submitted HTML form does (``application/x-www-form-urlencoded``).

    Django's test client would send ``multipart/form-data``, whose encoding and parsing were half
    the cost of a login and launch that do nothing, on both sides; no LMS posts a launch that way.
    """
    return client.post(url, urlencode(data), content_type='application/x-www-form-urlencoded')


def _params(location: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def above_floor(samples: list[float], floor: list[float]) -> float:
    """Milliseconds above the floor: the median of each round's difference (both ran in that round)."""
    return statistics.median(seconds - least for seconds, least in zip(samples, floor)) * 1000


def measure(repeat: int = 50, warmup: int = 5) -> list:
    from .django_setup import fresh_database
    folder = fresh_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, include, path

    from lti_tools.tool import catalogue, store, views
    from tests.lti.conftest import EXERCISE_URL, Tool
    from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, Platform
    from tests.scenario.support import small_scenario

    from . import lti_peer
    from .timing import Row

    # Not ``setup_test_environment``: it instruments every template rendering (a signal and a copy
    # of the context for the test client), which production does not, and only our page renders any.
    settings.PLATFORM_NAME = 'Bench platform'
    settings.ALLOWED_HOSTS = ['*']
    content = f'{folder}/content'
    import os
    os.makedirs(content, exist_ok=True)
    with open(f'{content}/01-benefits.xml', 'w', encoding='utf-8') as file:
        file.write(small_scenario('path'))
    settings.LTI_CONTENT_DIR = content
    # Login states and nonces in the cache both sides share, as ours does in production on Redis
    # (MAGIX_CACHE_URL); the bench is one process, so the local-memory cache is shared too.
    settings.LTI_LOGIN_STATES = 'cache'
    catalogue.clear_cache()
    urls = types.ModuleType('bench_lti_urls')
    from django.views.decorators.csrf import csrf_exempt
    urls.urlpatterns = [*lti_peer.urlpatterns, path('floor/login/', csrf_exempt(floor_login)),
                        path('floor/launch/', csrf_exempt(floor_launch)), path('', include(settings.ROOT_URLCONF))]
    sys.modules['bench_lti_urls'] = urls
    settings.ROOT_URLCONF = 'bench_lti_urls'
    clear_url_caches()
    platform = Platform()
    try:
        store.save_registration(platform.registration())
        lti_peer.configure(platform, CLIENT_ID, DEPLOYMENT_ID)
        ours, peer, floor = Tool(Client(), platform), Tool(Client(), platform), Tool(Client(), platform)
        render_exercise = views.render_exercise
        counter = iter(range(10 ** 9))
        samples = {'ours': [], 'ours_page': [], 'peer': [], 'floor': []}
        queries = {}

        def one(tool, login_url, launch_url, sub, label=None, page=True, count=False):
            params = {'iss': platform.issuer, 'login_hint': 'hint-1', 'target_link_uri': EXERCISE_URL,
                      'client_id': CLIENT_ID, 'lti_deployment_id': DEPLOYMENT_ID}
            # A browser drops the cookie our launch deletes and keeps one per login only for the launch;
            # the test client keeps every cookie it was ever sent (one more on each side every round),
            # which made each request parse a longer Cookie header: each login comes from a fresh browser.
            tool.client.cookies.clear()
            # Statements are counted in rounds of their own: counting turns on Django's debug cursor,
            # which formats and records every statement, a cost production does not pay.
            capture = (lambda: CaptureQueriesContext(connection)) if count else contextlib.nullcontext
            with capture() as login_queries:
                started = time.perf_counter()
                response = form_post(tool.client, login_url, params)
                login_seconds = time.perf_counter() - started
            assert response.status_code == 302, response.content
            auth = _params(response['Location'])
            token = platform.sign(tool.message(auth['nonce'], sub=sub))
            if not page:
                views.render_exercise = lambda request, session, exercise: views.HttpResponse('launched')
            try:
                with capture() as launch_queries:
                    started = time.perf_counter()
                    response = form_post(tool.client, launch_url, {'state': auth['state'], 'id_token': token})
                    launch_seconds = time.perf_counter() - started
            finally:
                views.render_exercise = render_exercise
            assert response.status_code == 200, response.content[:2000]
            if count:
                queries[label] = (len(login_queries), len(launch_queries))
            return login_seconds + launch_seconds, response

        operations = {
            'ours': lambda n, count=False: one(ours, '/lti/login/', '/lti/launch/', f'learner-{n % 20}', 'ours',
                                               page=False, count=count),
            'ours_page': lambda n, count=False: one(ours, '/lti/login/', '/lti/launch/', f'learner-{n % 20}',
                                                    'ours_page', count=count),
            'peer': lambda n, count=False: one(peer, '/peer/login/', '/peer/launch/', f'learner-{n % 20}', 'peer',
                                               count=count),
            'floor': lambda n: one(floor, '/floor/login/', '/floor/launch/', f'learner-{n % 20}'),
        }
        for round_number in range(warmup + repeat):
            for name, operation in operations.items():
                seconds, _response = operation(next(counter))
                if round_number >= warmup:
                    samples[name].append(seconds)
        for name in ('ours', 'ours_page', 'peer'):
            operations[name](next(counter), count=True)
        median = {name: statistics.median(values) * 1000 for name, values in samples.items()}
        above = {name: above_floor(samples[name], samples['floor']) for name in ('ours', 'ours_page', 'peer')}
        peer_name = 'PyLTI1p3 2.0 Django tool, login + launch'
        return [
            Row('LTI login + launch, without our page', median['ours'], median['peer'], 'ms', peer_name, '<= 0.5'),
            Row('LTI login + launch, with the exercise page', median['ours_page'], median['peer'], 'ms', peer_name,
                '<= 1.0'),
            # What both sides pay before any LTI work: the test client, the middleware, the form parsing.
            Row('  floor: a login and a launch that do nothing', median['floor'], median['peer'], 'ms', peer_name),
            # What each side does above that floor: the LTI work itself (and our page), compared alone.
            Row('  above the floor, without our page', above['ours'], above['peer'], 'ms', 'the peer above the floor'),
            Row('  above the floor, with the exercise page', above['ours_page'], above['peer'], 'ms',
                'the peer above the floor'),
            # The peer keeps everything in the cache (its counts are in the name); the floor is the target.
            Row('  SQL statements: login', queries['ours'][0], 2, 'count',
                f'target (PyLTI1p3 tool: {queries["peer"][0]}, cache only)', '<= 1.0'),
            Row('  SQL statements: launch with the page', queries['ours_page'][1], 8, 'count',
                f'target (PyLTI1p3 tool: {queries["peer"][1]}, cache only)', '<= 1.0'),
        ]
    finally:
        platform.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=50)
    args = parser.parse_args(argv)
    from .timing import print_table
    print_table(measure(args.repeat), f'python -m bench.lti_launch --repeat {args.repeat}')


if __name__ == '__main__':
    main()
