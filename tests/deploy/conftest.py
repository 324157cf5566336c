"""Fixtures for the deployment tests: a Tutor root with the magix plugin, a real MariaDB server.

Tutor is the real one from PyPI (the test extra pins it); `tutor config save` needs no Docker.
MariaDB is Debian's server (mariadb-server), started on 127.0.0.1 in a temporary folder.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

MARIADB_SERVER = shutil.which('mariadbd') or '/usr/sbin/mariadbd'
MARIADB_INSTALL_DB = shutil.which('mariadb-install-db')
MARIADB_CLIENT = shutil.which('mariadb') or shutil.which('mysql')
ROOT_PASSWORD = 'magix-test-root'


def tutor_command() -> str:
    found = Path(sys.executable).parent / 'tutor'
    if not found.exists():
        pytest.skip("Tutor is not installed: pip install -e '.[test]' (the test extra pins tutor)")
    return str(found)


def run_tutor(root: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """The `tutor` CLI on ``root``; TUTOR_PLUGINS_ROOT empty so no local YAML plugin leaks in."""
    plugins_root = root / 'yaml-plugins'
    plugins_root.mkdir(parents=True, exist_ok=True)
    process_env = {**os.environ, 'TUTOR_ROOT': str(root), 'TUTOR_PLUGINS_ROOT': str(plugins_root), **(env or {})}
    result = subprocess.run([tutor_command(), *args], env=process_env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f'tutor {" ".join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}')
    return result


class TutorRoot:
    """A Tutor root after `tutor plugins enable magix` and `tutor config save`, and its rendered env."""

    def __init__(self, root: Path):
        self.root = root
        self.env = root / 'env'

    @property
    def config(self) -> dict:
        return yaml.safe_load((self.root / 'config.yml').read_text(encoding='utf-8'))

    def text(self, *path: str) -> str:
        return self.env.joinpath(*path).read_text(encoding='utf-8')

    def yaml_documents(self, *path: str) -> list[dict]:
        return [document for document in yaml.safe_load_all(self.text(*path)) if document]

    def manifest(self, path: str, kind: str, name: str) -> dict:
        found = [document for document in self.yaml_documents(*path.split('/'))
                 if document.get('kind') == kind and document['metadata']['name'] == name]
        assert len(found) == 1, f'{kind} {name} in {path}: {len(found)} found'
        return found[0]

    def lti_env(self) -> dict[str, str]:
        """The service's environment (plugins/magix/apps/lti.env), as Compose and kustomize read it."""
        pairs = (line.split('=', 1) for line in self.text('plugins', 'magix', 'apps', 'lti.env').splitlines()
                 if line.strip() and not line.startswith('#'))
        return dict(pairs)


def make_tutor_root(root: Path, *settings: str) -> TutorRoot:
    run_tutor(root, 'plugins', 'enable', 'magix')
    run_tutor(root, 'config', 'save', *(word for setting in settings for word in ('--set', setting)))
    return TutorRoot(root)


# The `docker` stand-in: records each call's arguments (NUL-separated, one call a line) and answers
# the two questions Tutor asks before running a job.
RECORDING_DOCKER = '''#!/bin/sh
for word in "$@"; do printf '%s\\0' "$word"; done >> "$DOCKER_CALLS"
printf '\\n' >> "$DOCKER_CALLS"
case "$*" in *" ls --format json"*) echo "[]";; *version*) echo "Docker Compose version v2.30.3";; esac
'''


def docker_calls(root: Path, *args: str) -> list[list[str]]:
    """Run `tutor ARGS` with the recording `docker` first on PATH; the calls it made."""
    bin_dir = root / 'fake-bin'
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / 'docker').write_text(RECORDING_DOCKER)
    (bin_dir / 'docker').chmod(0o755)
    calls = root / 'docker-calls'
    calls.unlink(missing_ok=True)
    run_tutor(root, *args, env={'PATH': f'{bin_dir}{os.pathsep}{os.environ["PATH"]}', 'DOCKER_CALLS': str(calls)})
    return [line.split('\0') for line in calls.read_text().split('\0\n') if line]


def init_tasks(root: Path) -> dict[str, str]:
    """`tutor local do init --limit magix`: the script each job container would run."""
    tasks = {}
    for call in docker_calls(root, 'local', 'do', 'init', '--limit', 'magix'):
        if 'run' in call:
            job, command = call[call.index('-T') + 1], call[-1]
            assert call[-4:-1] == ['sh', '-e', '-c']
            tasks[job] = command
    return tasks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class MariaDB:
    def __init__(self, port: int, socket_path: Path):
        self.host, self.port, self.socket_path = '127.0.0.1', port, socket_path

    def sql(self, statement: str) -> str:
        """Run SQL as the server's administrator (over the Unix socket)."""
        result = subprocess.run([MARIADB_CLIENT, '--no-defaults', f'--socket={self.socket_path}', '-uroot',
                                 '--batch', '--skip-column-names', '-e', statement],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope='session')
def mariadb(tmp_path_factory):
    """Debian's MariaDB server on 127.0.0.1 (random port), with ``root@127.0.0.1`` as Tutor's MySQL root."""
    if not (os.path.exists(MARIADB_SERVER) and MARIADB_INSTALL_DB and MARIADB_CLIENT):
        pytest.skip('MariaDB server not installed (Debian: apt-get install mariadb-server); '
                    'PostgreSQL stays the tested database')
    base = tmp_path_factory.mktemp('mariadb')
    data, socket_path, port = base / 'data', base / 'mariadb.sock', free_port()
    user = ['--user=root'] if os.geteuid() == 0 else []
    subprocess.run([MARIADB_INSTALL_DB, '--no-defaults', f'--datadir={data}', '--auth-root-authentication-method=normal',
                    '--skip-test-db', *user], check=True, capture_output=True, timeout=180)
    log = open(base / 'server.log', 'w')
    server = subprocess.Popen([MARIADB_SERVER, '--no-defaults', f'--datadir={data}', f'--socket={socket_path}',
                               f'--port={port}', '--bind-address=127.0.0.1', '--skip-name-resolve',
                               f'--pid-file={base / "mariadb.pid"}', '--innodb-buffer-pool-size=32M', *user],
                              stdout=log, stderr=subprocess.STDOUT)
    database = MariaDB(port, socket_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            probe = subprocess.run([MARIADB_CLIENT, '--no-defaults', f'--socket={socket_path}', '-uroot', '-e', 'SELECT 1'],
                                   capture_output=True, timeout=30)
            if probe.returncode == 0:
                break
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f'MariaDB did not start:\n{(base / "server.log").read_text()}')
            time.sleep(0.3)
        database.sql("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; "
                     f"ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '{ROOT_PASSWORD}'; "
                     "GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;")
        yield database
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope='session')
def mysql_service_env(mariadb, tmp_path_factory) -> dict[str, str]:
    """The service's environment as the plugin renders it (lti.env) for a Tutor whose MySQL is the test's
    MariaDB, after the plugin's MySQL init task ran there as `tutor local do init` would run it."""
    tutor = make_tutor_root(tmp_path_factory.mktemp('tutor-mysql'), 'MYSQL_HOST=127.0.0.1',
                            f'MYSQL_PORT={mariadb.port}', f'MYSQL_ROOT_PASSWORD={ROOT_PASSWORD}')
    task = init_tasks(tutor.root)['mysql-job']
    for attempt in range(2):  # idempotent: Tutor runs it at every `do init`
        result = subprocess.run(['sh', '-e', '-c', task], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    return {**os.environ, **tutor.lti_env()}
