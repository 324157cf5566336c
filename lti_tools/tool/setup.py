"""``magix lti init``: the database tables and our signing key, once, whoever runs it first.

Several replicas may start at the same time and each run it: a lock held for the whole run
(PostgreSQL advisory lock, MySQL named lock, a file lock beside SQLite) makes the others wait,
then find everything done.
"""
from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from .store import ensure_signing_key, lock_id, reseal_keys

LOCK_NAME = 'magix-lti-init'


@contextlib.contextmanager
def init_lock():
    if connection.vendor == 'postgresql':
        with connection.cursor() as cursor:
            cursor.execute('SELECT pg_advisory_lock(%s)', [lock_id(LOCK_NAME)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute('SELECT pg_advisory_unlock(%s)', [lock_id(LOCK_NAME)])
    elif connection.vendor == 'mysql':
        with connection.cursor() as cursor:
            cursor.execute('SELECT GET_LOCK(%s, 600)', [LOCK_NAME])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute('SELECT RELEASE_LOCK(%s)', [LOCK_NAME])
    else:
        path = Path(settings.DATABASES['default']['NAME']).with_suffix('.init-lock')
        with open(path, 'a') as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def initialise() -> dict:
    """Migrate, then make sure there is an active signing key; what was done."""
    with init_lock():
        call_command('migrate', run_syncdb=True, interactive=False, verbosity=0)
        key, created = ensure_signing_key()
        resealed = reseal_keys()
    return {'kid': key.kid, 'created': created, 'resealed': resealed}
