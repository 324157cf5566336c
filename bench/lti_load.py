"""A bounded load run of the LTI tool service as it runs in production: gunicorn over
``lti_tools.service.settings``, a PostgreSQL and (when ``redis-server`` is installed) a Redis
cache (``MAGIX_CACHE_URL``: login states and nonces live there) started here, on 127.0.0.1, with
1 and then 2 workers. Clients (threads, each a browser with its own cookies) do login + launch with the
exercise page for a fixed number of launches; we report launches per second and the 50th and
99th percentile of one login + launch.

The platform (lti-consumer-xblock's consumer, ``tests.lti.platform``) signs the id_tokens in
the client threads with its key loaded once; the client shares the machine with the server.

Run: ``.venv-bench/bin/python -m bench.lti_load [--launches 200] [--clients 4]`` (needs
PostgreSQL's binaries, e.g. /usr/lib/postgresql/15/bin, gunicorn and psycopg from the test extra).
"""
from __future__ import annotations

import argparse
import os
import pwd
import shutil
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lti_tools.demo.settings')


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def start_redis(free_port):
    """``(process, url)`` of a Redis without persistence, or None when redis-server is not installed."""
    import subprocess

    from tests.servers import wait_for_port
    binary = shutil.which('redis-server')
    if binary is None:
        return None
    port = free_port()
    process = subprocess.Popen([binary, '--port', str(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    return process, f'redis://127.0.0.1:{port}/0'


def run(launches: int, clients: int, workers_list=(1, 2)) -> list[dict]:
    import django
    django.setup()
    from django.conf import settings
    settings.PLATFORM_NAME = 'Load platform'   # the consumer (lti-consumer-xblock) reads it
    import jwt
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from tests.lti.conftest import EXERCISE_URL, Tool
    from tests.lti.live import LiveClient, write_content
    from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, Platform
    from tests.servers import PostgresServer, ServiceProcess, free_port, magix, pg_bindir, service_environment

    bindir = pg_bindir()
    if bindir is None:
        raise SystemExit('PostgreSQL is not installed (looked in /usr/lib/postgresql/*/bin and PATH)')
    root = Path(tempfile.mkdtemp(prefix='magix-load-pg-'))
    user = pwd.getpwnam('postgres') if os.getuid() == 0 else None
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PostgresServer(bindir, root, free_port(), user.pw_name if user else None)
    server.start()
    cache = start_redis(free_port)
    platform = Platform()
    key = load_pem_private_key(platform.private_pem.encode(), password=None)
    results = []
    try:
        for workers in workers_list:
            state = Path(tempfile.mkdtemp(prefix='magix-load-'))
            env = service_environment(server.new_database(), state,
                                      MAGIX_LTI_CONTENT_DIR=str(write_content(state / 'content')),
                                      **({'MAGIX_CACHE_URL': cache[1]} if cache else {}))
            magix(env, 'lti', 'init')
            magix(env, 'lti', 'register-platform', '--issuer', platform.issuer, '--client-id', CLIENT_ID,
                  '--deployment-id', DEPLOYMENT_ID, '--auth-login-url', f'{platform.url}/auth',
                  '--auth-token-url', f'{platform.url}/token', '--keyset-url', f'{platform.url}/jwks')
            with ServiceProcess(env, workers=workers) as service:
                local, building = threading.local(), threading.Lock()   # the consumer builds one message at a time

                def tool() -> Tool:
                    if not hasattr(local, 'tool'):
                        local.tool = Tool(LiveClient(service.url), platform)
                    return local.tool

                def one(number: int) -> float:
                    driver = tool()
                    started = time.perf_counter()
                    response = driver.client.post('/lti/login/', {
                        'iss': platform.issuer, 'login_hint': 'hint', 'target_link_uri': EXERCISE_URL,
                        'client_id': CLIENT_ID, 'lti_deployment_id': DEPLOYMENT_ID})
                    assert response.status_code == 302, response.content[:500]
                    auth = {k: v[0] for k, v in parse_qs(urlsplit(response['Location']).query).items()}
                    with building:
                        message = driver.message(auth['nonce'], sub=f'load-{number % 50}')
                    token = jwt.encode(message, key, algorithm='RS256', headers={'kid': platform.kid})
                    page = driver.client.post('/lti/launch/', {'state': auth['state'], 'id_token': token})
                    assert page.status_code == 200, page.content[:500]
                    return time.perf_counter() - started

                with ThreadPoolExecutor(clients) as pool:     # warm-up: each worker imports and connects
                    list(pool.map(one, range(clients * 2)))
                    started = time.perf_counter()
                    latencies = list(pool.map(one, range(launches)))
                    elapsed = time.perf_counter() - started
            results.append({'workers': workers, 'launches': launches, 'clients': clients, 'cache': bool(cache),
                            'per_second': launches / elapsed, 'p50_ms': statistics.median(latencies) * 1000,
                            'p99_ms': percentile(latencies, 0.99) * 1000})
            shutil.rmtree(state, ignore_errors=True)
    finally:
        platform.stop()
        server.stop()
        if cache:
            cache[0].terminate()
            cache[0].wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    return results


def measure(launches: int = 150, clients: int = 4) -> list:
    """``make bench``'s rows: launches per second and p99 with 2 workers against 1, in one run (the
    ratio says how the service scales out on this machine's 2 CPUs, which the clients share)."""
    from .timing import Row
    one, two = run(launches, clients)
    cache = 'Redis' if one['cache'] else 'no shared cache'
    base = f'1 worker (gunicorn, PostgreSQL, {cache}, {clients} browsers)'
    return [
        Row('LTI service launches/s, 2 workers (higher: better)', two['per_second'], one['per_second'], '/s', base),
        Row('  p99 of a login + launch, 2 workers', two['p99_ms'], one['p99_ms'], 'ms', base),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--launches', type=int, default=200, help='timed login + launch pairs per run')
    parser.add_argument('--clients', type=int, default=4, help='concurrent browsers')
    args = parser.parse_args(argv)
    print(f'python -m bench.lti_load --launches {args.launches} --clients {args.clients} | {os.cpu_count()} CPUs')
    rows = run(args.launches, args.clients)
    print('cache: ' + ('Redis (MAGIX_CACHE_URL)' if rows and rows[0]['cache'] else 'none (redis-server not installed)'))
    print('workers | launches/s | p50 ms | p99 ms')
    for row in rows:
        print(f'{row["workers"]:>7} | {row["per_second"]:>10.1f} | {row["p50_ms"]:>6.1f} | {row["p99_ms"]:>6.1f}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
