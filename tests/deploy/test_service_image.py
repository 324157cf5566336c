"""The LTI service image's install, run for real: no Docker engine here, so the test runs the same
install_service.sh the Dockerfile runs (rendered by Tutor into the image's build folder) into a
temporary virtualenv, then starts what it installed as the image does: `magix lti init`, gunicorn
on the WSGI entry point, the grade worker; database on MariaDB as the plugin configures it.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import free_port, make_tutor_root

REPO = Path(__file__).resolve().parents[2]
LTI_HOST = 'lti.learn.example.org'



@pytest.fixture(scope='module')
def installed(tmp_path_factory) -> Path:
    """The service installed by the rendered install_service.sh from this checkout (as a local requirement)."""
    tutor = make_tutor_root(tmp_path_factory.mktemp('tutor-image'), 'LMS_HOST=learn.example.org',
                            f'MAGIX_LTI_PIP_REQUIREMENT=magix-openedx[production,mysql] @ file://{REPO}')
    build = tutor.env / 'plugins' / 'magix' / 'build' / 'magix-lti'
    prefix = tmp_path_factory.mktemp('image') / 'opt-magix'
    result = subprocess.run(['sh', str(build / 'install_service.sh'), str(prefix), str(build / 'requirements.txt'),
                             str(build)], env={**os.environ, 'PYTHON': sys.executable},
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return prefix


@pytest.fixture(scope='module')
def redis_url(tmp_path_factory):
    server = shutil.which('redis-server')
    if not server:
        yield None  # the service then caches per process: fine for one gunicorn
        return
    port = free_port()
    process = subprocess.Popen([server, '--port', str(port), '--bind', '127.0.0.1', '--save', '',
                                '--dir', str(tmp_path_factory.mktemp('redis'))], stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f'redis://127.0.0.1:{port}/7'
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_port(port, process=None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f'exited with {process.returncode}')
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f'nothing listens on {port}')


@pytest.fixture(scope='module')
def service_env(installed, mysql_service_env, redis_url, tmp_path_factory):
    env = {**mysql_service_env, 'MAGIX_VAR_DIR': str(tmp_path_factory.mktemp('var')),
           'MAGIX_ALLOWED_HOSTS': LTI_HOST, 'MAGIX_LTI_BASE_URL': f'https://{LTI_HOST}', 'MAGIX_SSL_REDIRECT': 'true',
           'MAGIX_STATIC_ROOT': str(installed / 'static'), 'PATH': f'{installed / "bin"}{os.pathsep}{os.environ["PATH"]}'}
    env.pop('VIRTUAL_ENV', None)
    if redis_url:
        env['MAGIX_CACHE_URL'] = redis_url
    else:
        env.pop('MAGIX_CACHE_URL')
    return env


def fetch(port, path, host=LTI_HOST):
    request = urllib.request.Request(f'http://127.0.0.1:{port}{path}',
                                     headers={'Host': host, 'X-Forwarded-Proto': 'https'})  # as Caddy forwards
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_install_puts_the_service_and_its_static_files_in_the_prefix(installed):
    for program in ('gunicorn', 'magix', 'django-admin'):
        assert (installed / 'bin' / program).exists()
    assert any((installed / 'static').rglob('*.css'))


def test_init_twice_then_gunicorn_serves_health_keys_and_static_files(installed, service_env, tmp_path):
    for attempt in range(2):  # idempotent, as every `tutor ... do init` runs it
        result = subprocess.run([str(installed / 'bin' / 'magix'), 'lti', 'init'], env=service_env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
    port = free_port()
    # the image's command, bound on loopback instead of 0.0.0.0
    server = subprocess.Popen([str(installed / 'bin' / 'gunicorn'), 'lti_tools.service.wsgi:application',
                               '--bind', f'127.0.0.1:{port}', '--workers', '2', '--access-logfile', '-'],
                              env=service_env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, server)
        status, headers, body = fetch(port, '/health/', host='10.0.0.7:8000')  # a probe, by pod address
        assert status == 200 and headers['Content-Type'].startswith('application/json'), body
        json.loads(body)
        status, _, body = fetch(port, '/lti/jwks/')
        assert status == 200 and json.loads(body)['keys'], body
        css = next((installed / 'static').rglob('*.css')).relative_to(installed / 'static')
        status, headers, _ = fetch(port, f'/static/{css.as_posix()}')
        assert status == 200 and 'text/css' in headers['Content-Type']
        assert fetch(port, '/lti/jwks/', host='evil.example.org')[0] == 400
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_grade_worker_keeps_running(installed, service_env, tmp_path):
    worker = subprocess.Popen([str(installed / 'bin' / 'magix'), 'lti', 'process-grades', '--loop', '1'],
                              env=service_env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(5)
        assert worker.poll() is None, worker.stderr.read()[-3000:]
    finally:
        worker.terminate()
        worker.wait(timeout=60)
