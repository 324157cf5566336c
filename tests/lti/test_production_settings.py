"""The two hosts' settings, read in a fresh process each (settings are module-level code).

The demo keeps SQLite and the local cache; the LTI tool service refuses to start, naming the
variable, without a real secret key, allowed hosts and a shared database, and never runs with DEBUG.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES['default']
print(json.dumps({'engine': db['ENGINE'], 'name': db['NAME'], 'host': db.get('HOST', ''),
                  'cache': settings.CACHES['default']['BACKEND'],
                  'cache_location': settings.CACHES['default'].get('LOCATION', ''),
                  'proxy': list(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None) or []),
                  'hosts': settings.ALLOWED_HOSTS, 'debug': settings.DEBUG, 'secret': settings.SECRET_KEY,
                  'urls': settings.ROOT_URLCONF, 'private_platforms': settings.LTI_ALLOW_PRIVATE_PLATFORMS}))
"""
HOST_VARIABLES = ('DATABASE_URL', 'MAGIX_LTI_ALLOW_PRIVATE_PLATFORMS', 'MAGIX_CACHE_URL', 'MAGIX_BEHIND_TLS_PROXY', 'MAGIX_ALLOWED_HOSTS', 'MAGIX_DEBUG',
                  'MAGIX_SECRET_KEY', 'MAGIX_LTI_KEY_PASSPHRASE', 'DJANGO_SETTINGS_MODULE')
SERVICE = 'lti_tools.service.settings'
POSTGRES = 'postgres://magix:secret@db.internal:5432/magix'


def real_secret() -> str:
    return secrets.token_urlsafe(64)


def run_with(tmp_path, settings_module, **env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in HOST_VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE=settings_module, MAGIX_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, '-c', PRINT_SETTINGS], cwd=REPO, env=clean, capture_output=True,
                          text=True, timeout=120)


def settings_with(tmp_path, settings_module='lti_tools.demo.settings', **env) -> dict:
    done = run_with(tmp_path, settings_module, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def refusal(tmp_path, **env) -> str:
    done = run_with(tmp_path, SERVICE, **env)
    assert done.returncode != 0, 'the service started'
    return done.stderr.strip().splitlines()[-1]


def test_the_demo_default_is_sqlite_the_local_cache_and_a_secret_of_its_own(tmp_path):
    found = settings_with(tmp_path)
    assert found['engine'] == 'django.db.backends.sqlite3' and found['name'].startswith(str(tmp_path))
    assert found['cache'] == 'django.core.cache.backends.locmem.LocMemCache' and found['proxy'] == []
    assert found['debug'] is True and found['urls'] == 'lti_tools.demo.urls'
    # no public default: a random key, made once, kept in the state folder readable by its owner only
    assert found['secret'] != 'magix-demo-only-not-secret' and len(found['secret']) >= 50
    assert (tmp_path / 'secret-key').stat().st_mode & 0o777 == 0o600
    assert settings_with(tmp_path)['secret'] == found['secret']
    assert settings_with(tmp_path, MAGIX_SECRET_KEY='magix-demo-only-not-secret')['secret'] == found['secret']


def test_the_demo_state_folder_is_private(tmp_path):
    state = tmp_path / 'state'
    settings_with(state)
    assert state.stat().st_mode & 0o777 == 0o700


def test_postgres_redis_and_a_tls_proxy_from_the_environment(tmp_path):
    found = settings_with(tmp_path, SERVICE, DATABASE_URL=POSTGRES, MAGIX_SECRET_KEY=real_secret(),
                          MAGIX_CACHE_URL='redis://cache.internal:6379/1', MAGIX_BEHIND_TLS_PROXY='true',
                          MAGIX_ALLOWED_HOSTS='lti.example.org, www.example.org')
    assert (found['engine'], found['name'], found['host']) == \
        ('django.db.backends.postgresql', 'magix', 'db.internal')
    assert found['cache'] == 'django.core.cache.backends.redis.RedisCache'
    assert found['cache_location'] == 'redis://cache.internal:6379/1'
    assert found['proxy'] == ['HTTP_X_FORWARDED_PROTO', 'https']
    assert found['hosts'] == ['lti.example.org', 'www.example.org']
    assert found['debug'] is False and found['urls'] == 'lti_tools.service.urls'
    assert found['private_platforms'] is False   # platforms' URLs: public https addresses only


def test_platforms_in_the_services_own_network_only_when_the_operator_says_so(tmp_path):
    required = dict(DATABASE_URL=POSTGRES, MAGIX_SECRET_KEY=real_secret(), MAGIX_ALLOWED_HOSTS='lti.example.org')
    assert settings_with(tmp_path, SERVICE, MAGIX_LTI_ALLOW_PRIVATE_PLATFORMS='true', **required)['private_platforms']
    assert settings_with(tmp_path)['private_platforms']   # the demo: a platform on this machine


def test_the_service_refuses_to_start_with_only_a_database_url(tmp_path):
    """The probe of issue 8: with only DATABASE_URL, the service ran with DEBUG and the public key."""
    assert refusal(tmp_path, DATABASE_URL=POSTGRES).startswith('django.core.exceptions.ImproperlyConfigured: '
                                                               'MAGIX_SECRET_KEY')


@pytest.mark.parametrize('secret', ['magix-demo-only-not-secret', 'short-secret', 'a' * 80,
                                    'django-insecure-' + 'x1y2z3' * 10])
def test_the_service_refuses_a_public_or_weak_secret_key(tmp_path, secret):
    assert 'MAGIX_SECRET_KEY' in refusal(tmp_path, DATABASE_URL=POSTGRES, MAGIX_SECRET_KEY=secret,
                                         MAGIX_ALLOWED_HOSTS='lti.example.org')


def test_the_service_refuses_debug(tmp_path):
    assert 'MAGIX_DEBUG' in refusal(tmp_path, DATABASE_URL=POSTGRES, MAGIX_SECRET_KEY=real_secret(),
                                    MAGIX_ALLOWED_HOSTS='lti.example.org', MAGIX_DEBUG='true')


@pytest.mark.parametrize('hosts', ['', '*', ' , '])
def test_the_service_needs_its_host_names(tmp_path, hosts):
    assert 'MAGIX_ALLOWED_HOSTS' in refusal(tmp_path, DATABASE_URL=POSTGRES, MAGIX_SECRET_KEY=real_secret(),
                                            MAGIX_ALLOWED_HOSTS=hosts)


@pytest.mark.parametrize('database', [None, f'sqlite:///{"/tmp/magix.sqlite3"}'])
def test_the_service_needs_a_database_for_several_processes(tmp_path, database):
    env = {'MAGIX_SECRET_KEY': real_secret(), 'MAGIX_ALLOWED_HOSTS': 'lti.example.org'}
    if database:
        env['DATABASE_URL'] = database
    assert 'DATABASE_URL' in refusal(tmp_path, **env)


def test_check_deploy_is_clean_for_the_service(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(('MAGIX_', 'DJANGO_'))
           and key not in HOST_VARIABLES}
    env.update(MAGIX_VAR_DIR=str(tmp_path), DATABASE_URL=POSTGRES, MAGIX_SECRET_KEY=real_secret(),
               MAGIX_ALLOWED_HOSTS='lti.example.org')
    done = subprocess.run([sys.executable, '-m', 'magix', 'lti', 'manage', 'check', '--deploy', '--fail-level',
                           'WARNING'], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'System check identified no issues (0 silenced)' in done.stdout
