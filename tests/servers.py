"""Real servers for the tests, started on 127.0.0.1 (free ports, temporary folders) and stopped after.

- ``postgres`` (session): Debian's PostgreSQL (``$MAGIX_PG_BINDIR``, ``/usr/lib/postgresql/15/bin``, any
  other ``/usr/lib/postgresql/*/bin``, or ``initdb`` on PATH): ``initdb`` + ``pg_ctl``; ``postgres.new_database()`` gives each test its own.
  As root, the server runs as the ``postgres`` system user (PostgreSQL refuses to run as root).
- ``redis`` (session): ``redis-server`` without persistence; ``redis.url(db)``.
- ``ServiceProcess``: the LTI tool service under gunicorn (two workers by default), as it runs in
  production: ``lti_tools.service.wsgi:application`` over ``lti_tools.service.settings``.
- ``postgres_url`` (session): one empty database on that server; ``start_demo(state_dir, **env)``:
  ``magix serve`` (the demo host) in its own process on a free port.
Each skips, with the reason, where its binary is absent. ``tests/conftest.py`` makes the fixtures
available to every test (one server of each per session).
"""
from __future__ import annotations

import contextlib
import os
import pwd
import secrets
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
PG_BINDIRS = [os.environ.get('MAGIX_PG_BINDIR', ''), '/usr/lib/postgresql/15/bin']


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f'{process.args[0]} exited with {process.returncode}')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f'nothing listens on 127.0.0.1:{port} after {seconds} s')


def pg_bindir() -> Path | None:
    installed = sorted(Path('/usr/lib/postgresql').glob('*/bin'), key=lambda path: int(path.parent.name)
                       if path.parent.name.isdigit() else 0, reverse=True)
    for candidate in [*PG_BINDIRS, *map(str, installed)]:
        if candidate and (Path(candidate) / 'initdb').is_file():
            return Path(candidate)
    found = shutil.which('initdb')
    return Path(found).parent if found else None


class PostgresServer:
    def __init__(self, bindir: Path, root: Path, port: int, user: str | None):
        self.bindir, self.root, self.port, self.user = bindir, root, port, user
        self.data = root / 'data'
        self._count = 0

    def _run(self, *command, **kwargs):
        prefix = ['runuser', '-u', self.user, '--'] if self.user else []
        return subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True, text=True,
                              timeout=120, **kwargs)

    def start(self):
        self._run(self.bindir / 'initdb', '-D', self.data, '-U', 'magix', '--auth=trust', '-E', 'UTF8',
                  '--no-sync')
        self._run(self.bindir / 'pg_ctl', '-D', self.data, '-l', self.root / 'server.log', '-w', '-t', '60',
                  '-o', f'-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off '
                        f'-c max_connections=200', 'start')

    def stop(self):
        self._run(self.bindir / 'pg_ctl', '-D', self.data, '-m', 'immediate', '-w', 'stop')

    def url(self, database: str = 'postgres') -> str:
        return f'postgres://magix@127.0.0.1:{self.port}/{database}'

    def new_database(self) -> str:
        """A fresh, empty database; its URL (for ``DATABASE_URL``)."""
        import psycopg
        self._count += 1
        name = f'magix_{self._count}_{secrets.token_hex(3)}'
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE {name}')
        return self.url(name)


@pytest.fixture(scope='session')
def postgres():
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip('PostgreSQL is not installed (Debian: apt-get install postgresql; looked in '
                    '/usr/lib/postgresql/15/bin, $MAGIX_PG_BINDIR and PATH)')
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    user = None
    if os.getuid() == 0:
        try:
            user = pwd.getpwnam('postgres')
        except KeyError:
            pytest.skip('PostgreSQL refuses to run as root and there is no postgres system user')
    root = Path(tempfile.mkdtemp(prefix='magix-pg-'))
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PostgresServer(bindir, root, free_port(), user.pw_name if user else None)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


class RedisServer:
    def __init__(self, port: int):
        self.port = port

    def url(self, db: int = 0) -> str:
        return f'redis://127.0.0.1:{self.port}/{db}'


@pytest.fixture(scope='session')
def redis():
    binary = shutil.which('redis-server')
    if binary is None:
        pytest.skip('redis-server is not installed (Debian: apt-get install redis-server)')
    port = free_port()
    process = subprocess.Popen([binary, '--port', str(port), '--bind', '127.0.0.1', '--save', '',
                                '--appendonly', 'no', '--protected-mode', 'yes'],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield RedisServer(port)
    finally:
        process.terminate()
        process.wait(timeout=30)


def service_environment(database_url: str, state: Path, **extra) -> dict:
    """The environment the LTI tool service needs (and nothing of the caller's host settings)."""
    keep = {key: value for key, value in os.environ.items()
            if not key.startswith(('MAGIX_', 'DJANGO_')) and key != 'DATABASE_URL'}
    return {**keep, 'DJANGO_SETTINGS_MODULE': 'lti_tools.service.settings', 'DATABASE_URL': database_url,
            'MAGIX_SECRET_KEY': secrets.token_urlsafe(64), 'MAGIX_ALLOWED_HOSTS': '127.0.0.1,localhost',
            'MAGIX_BEHIND_TLS_PROXY': 'true', 'MAGIX_VAR_DIR': str(state),
            'MAGIX_STATIC_ROOT': str(state / 'static'),
            # the tests' platforms run on 127.0.0.1 (a test without it checks that such a platform is refused)
            'MAGIX_LTI_ALLOW_PRIVATE_PLATFORMS': 'true', **extra}


def magix(env: dict, *args, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    """``magix ARGS`` in its own process with ``env``."""
    done = subprocess.run([sys.executable, '-m', 'magix', *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f'magix {" ".join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}')
    return done


class ServiceProcess:
    """gunicorn serving the LTI tool service; ``url`` is its base. Use as a context manager."""

    def __init__(self, env: dict, workers: int = 2):
        if shutil.which('gunicorn', path=str(Path(sys.executable).parent)) is None:
            pytest.skip("gunicorn is not installed (pip install -e '.[test]')")
        self.env, self.workers, self.port = env, workers, free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log = Path(env['MAGIX_VAR_DIR']) / 'gunicorn.log'

    def __enter__(self) -> ServiceProcess:
        Path(self.env['MAGIX_VAR_DIR']).mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'gunicorn', 'lti_tools.service.wsgi:application', '--workers', str(self.workers),
             '--bind', f'127.0.0.1:{self.port}', '--timeout', '120', '--graceful-timeout', '5',
             '--forwarded-allow-ips', '127.0.0.1'],
            cwd=REPO, env=self.env, stdout=self.log.open('w'), stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, self.process, seconds=120)
            self.wait_healthy()
        except Exception:
            self.__exit__()
            raise
        return self

    def wait_healthy(self, seconds: float = 60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f'{self.url}/health/', timeout=10):
                    return
            except urllib.error.HTTPError:
                return   # answering (503: the database is down; that is for the test to judge)
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f'the service did not answer /health/; log:\n{self.log.read_text()}')

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture(scope='session')
def postgres_url(postgres):
    """One empty database on the session's PostgreSQL server (for tests that need only a URL)."""
    return postgres.new_database()


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
    """``magix serve`` (the demo host a newcomer runs) on a free port; yields its base URL.

    ``env`` adds variables (``DATABASE_URL``...) to a minimal environment.
    """
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
