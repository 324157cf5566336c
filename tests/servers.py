"""Real servers for the tests, started on 127.0.0.1 (random free port, temporary folder).

- ``postgres_url`` (session fixture): a PostgreSQL 15 cluster from Debian's packages
  (``/usr/lib/postgresql/15/bin``: initdb + pg_ctl), one empty database; skips, saying why,
  when PostgreSQL or psycopg is absent. As root (CI containers) the cluster runs as ``postgres``.
- ``start_demo(state_dir, **env)``: ``magix serve`` in its own process (the demo host a
  newcomer runs), optionally on another database (``DATABASE_URL``).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get('MAGIX_PG_BIN', '/usr/lib/postgresql/15/bin'))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> str:
    """The body of ``url`` once the server answers it (fails if the process exits first)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f'the server exited with {process.returncode}')
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode('utf-8')
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f'{url} did not answer within {seconds} s')


@contextlib.contextmanager
def start_demo(state_dir: Path, **env):
    """``magix serve`` on a free port; yields its base URL. ``env`` adds variables (``DATABASE_URL``...)."""
    port = free_port()
    log = open(state_dir.parent / f'server-{port}.log', 'wb')  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        [sys.executable, '-m', 'magix', 'serve', '--port', str(port)], cwd=REPO,
        env={'PATH': '/usr/bin:/bin', 'MAGIX_VAR_DIR': str(state_dir), 'HOME': str(state_dir.parent), **env},
        stdout=log, stderr=subprocess.STDOUT)
    base = f'http://127.0.0.1:{port}'
    try:
        wait_for(base + '/', process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _pg_command(as_postgres: bool) -> list[str]:
    return ['runuser', '-u', 'postgres', '--'] if as_postgres else []


@pytest.fixture(scope='session')
def postgres_url():
    """``postgres://magix@127.0.0.1:<port>/magix`` on a cluster of its own, removed afterwards."""
    if not (PG_BIN / 'initdb').is_file():
        pytest.skip(f'PostgreSQL is not installed ({PG_BIN}/initdb missing): apt-get install postgresql-15')
    try:
        import psycopg
    except ImportError:
        pytest.skip('psycopg is not installed (pip install -e ".[test]")')
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    if as_postgres and shutil.which('runuser') is None:
        pytest.skip('running as root without runuser: cannot start PostgreSQL as the postgres user')
    folder = Path(tempfile.mkdtemp(prefix='magix-pg-'))
    if as_postgres:
        shutil.chown(folder, 'postgres')
    data, port = folder / 'data', free_port()
    run = pg_runner(as_postgres)
    run([PG_BIN / 'initdb', '-D', data, '-U', 'magix', '--auth=trust', '-E', 'UTF8', '--no-sync'])
    run([PG_BIN / 'pg_ctl', '-D', data, '-l', folder / 'server.log', '-w', '-t', '60', '-o',
         f'-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100', 'start'])
    try:
        with psycopg.connect(f'postgresql://magix@127.0.0.1:{port}/postgres', autocommit=True) as connection:
            connection.execute('CREATE DATABASE magix')
        yield f'postgres://magix@127.0.0.1:{port}/magix'
    finally:
        run([PG_BIN / 'pg_ctl', '-D', data, '-m', 'immediate', 'stop'], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def pg_runner(as_postgres: bool):
    def run(command, check=True):
        return subprocess.run([*_pg_command(as_postgres), *map(str, command)], check=check,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return run
