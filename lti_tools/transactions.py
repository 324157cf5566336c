"""One learner action, one change: every XBlock handler call on our hosts runs in one transaction
holding its block's lock, so no read-modify-write (the learner's state, the shared tallies, the
recorded grade) is lost or applied twice, and a refused action leaves nothing behind.

- SQLite (the demo): WAL (readers never wait for the writer), a busy timeout (writers queue
  instead of failing with "database is locked") and transactions that BEGIN IMMEDIATE, so a
  handler owns the write lock from its first read. ``sqlite_database`` builds those settings.
- PostgreSQL (the service): a transaction-scoped advisory lock on the block's usage id
  (``pg_advisory_xact_lock``); learners of other blocks do not wait, and the lock is released
  by the commit or rollback, even when a worker dies.

The block itself recognises a replayed decision (``xblocks.scenario.engine.Playthrough.expect``):
the lock makes the check and the change one step.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def sqlite_database(path: str | Path) -> dict:
    """``DATABASES['default']`` for an SQLite file shared by concurrent requests."""
    return {'ENGINE': 'django.db.backends.sqlite3', 'NAME': str(path), 'OPTIONS': {
        'timeout': SQLITE_BUSY_TIMEOUT_SECONDS,
        'transaction_mode': 'IMMEDIATE',
        'init_command': 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL',
    }}


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for an advisory lock."""
    return int.from_bytes(hashlib.sha256(name.encode('utf-8')).digest()[:8], 'big', signed=True)


def hold_lock(name: str) -> None:
    """Take the lock called ``name`` until the current transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError('hold_lock() needs a transaction (transaction.atomic)')
    if connection.vendor == 'postgresql':
        with connection.cursor() as cursor:
            cursor.execute('SELECT pg_advisory_xact_lock(%s)', [lock_key(name)])
    elif connection.vendor == 'sqlite':
        # The transaction began IMMEDIATE: it already holds the database's write lock.
        if connection.settings_dict.get('OPTIONS', {}).get('transaction_mode') != 'IMMEDIATE':
            raise ImproperlyConfigured('SQLite must begin transactions IMMEDIATE for concurrent handlers: '
                                       'use lti_tools.transactions.sqlite_database() in DATABASES')
    else:
        raise ImproperlyConfigured(f'no handler lock for the {connection.vendor} database')

