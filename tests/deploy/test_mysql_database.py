"""The LTI service's database on MySQL, for real: Debian's MariaDB server, set up by the plugin's
own init task (the SQL `tutor local do init` would run in Tutor's mysql-job), then our migrations
and a write and read through the ORM over the DATABASE_URL the plugin renders.

Tutor runs MySQL 8.4 (its DOCKER_IMAGE_MYSQL); MariaDB 10.11 is what Debian ships here, and
Django supports both with the same backend and mysqlclient driver.
"""
from __future__ import annotations

import subprocess
import sys

import dj_database_url
import pytest


pytest.importorskip('MySQLdb', reason="mysqlclient is not installed (pip install -e '.[test]'; it builds against "
                                      'default-libmysqlclient-dev with pkg-config)')


def settings_module() -> str:
    """The LTI tool service's settings: what the Tutor plugin runs on MySQL."""
    return 'lti_tools.service.settings'


def django(env, *args, code=None):
    command = [sys.executable, '-m', 'django', *args] + (['-c', code] if code else [])
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_init_task_creates_an_utf8mb4_database_and_its_user(mariadb, mysql_service_env):
    database = dj_database_url.parse(mysql_service_env['DATABASE_URL'])
    charset = mariadb.sql(f"SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA "
                          f"WHERE SCHEMA_NAME = '{database['NAME']}'")
    assert charset.strip() == 'utf8mb4'
    grants = mariadb.sql(f"SHOW GRANTS FOR '{database['USER']}'@'%'")
    assert f'ON `{database["NAME"]}`.*' in grants and 'ALL PRIVILEGES' in grants


def test_migrations_and_a_query_on_mysql(mysql_service_env, tmp_path):
    service_env = {**mysql_service_env, 'DJANGO_SETTINGS_MODULE': settings_module(), 'MAGIX_VAR_DIR': str(tmp_path)}
    service_env.pop('MAGIX_CACHE_URL')  # Tutor's Redis is not part of this test; the local cache will do
    django(service_env, 'migrate', '--noinput')
    assert '[ ]' not in django(service_env, 'showmigrations', 'lti_tool', 'magix_results')
    out = django(service_env, 'shell', code=(
        'from django.db import connection\n'
        'from lti_tools.tool.models import Platform\n'
        'Platform.objects.create(name="Plateforme de l\'\u00c9tat \U0001F1EA\U0001F1FA", issuer="https://lms.example.eu",'
        ' client_id="c1", auth_login_url="https://lms.example.eu/auth", keyset_url="https://lms.example.eu/jwks")\n'
        'print(connection.vendor, Platform.objects.get(client_id="c1").name)\n'))
    assert out.strip().splitlines()[-1] == 'mysql Plateforme de l\'\u00c9tat \U0001F1EA\U0001F1FA'
