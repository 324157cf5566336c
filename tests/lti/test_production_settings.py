"""Production settings come from the environment; the demo keeps SQLite and the local cache."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES['default']
print(json.dumps({'engine': db['ENGINE'], 'name': db['NAME'], 'host': db.get('HOST', ''),
                  'cache': settings.CACHES['default']['BACKEND'],
                  'cache_location': settings.CACHES['default'].get('LOCATION', ''),
                  'proxy': list(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None) or []),
                  'hosts': settings.ALLOWED_HOSTS}))
"""


def settings_with(tmp_path, **env) -> dict:
    clean = {key: value for key, value in os.environ.items()
             if key not in ('DATABASE_URL', 'MAGIX_CACHE_URL', 'MAGIX_BEHIND_TLS_PROXY', 'MAGIX_ALLOWED_HOSTS')}
    clean.update(DJANGO_SETTINGS_MODULE='lti_tools.settings', MAGIX_VAR_DIR=str(tmp_path), **env)
    done = subprocess.run([sys.executable, '-c', PRINT_SETTINGS], cwd=REPO, env=clean, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_demo_default_is_sqlite_and_the_local_cache(tmp_path):
    found = settings_with(tmp_path)
    assert found['engine'] == 'django.db.backends.sqlite3' and found['name'].startswith(str(tmp_path))
    assert found['cache'] == 'django.core.cache.backends.locmem.LocMemCache' and found['proxy'] == []


def test_postgres_redis_and_a_tls_proxy_from_the_environment(tmp_path):
    found = settings_with(tmp_path, DATABASE_URL='postgres://magix:secret@db.internal:5432/magix',
                          MAGIX_CACHE_URL='redis://cache.internal:6379/1', MAGIX_BEHIND_TLS_PROXY='true',
                          MAGIX_ALLOWED_HOSTS='lti.example.org, www.example.org')
    assert (found['engine'], found['name'], found['host']) == \
        ('django.db.backends.postgresql', 'magix', 'db.internal')
    assert found['cache'] == 'django.core.cache.backends.redis.RedisCache'
    assert found['cache_location'] == 'redis://cache.internal:6379/1'
    assert found['proxy'] == ['HTTP_X_FORWARDED_PROTO', 'https']
    assert found['hosts'] == ['lti.example.org', 'www.example.org']
