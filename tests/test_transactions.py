"""The database settings and locks every handler call relies on (``lti_tools.transactions``).

The concurrency itself is tested with real servers (``test_concurrent_handlers``); here, that the
host's settings keep what those tests need, whichever settings module a host uses.
"""
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from lti_tools.transactions import hold_lock, lock_key, sqlite_database


def test_the_hosts_sqlite_waits_instead_of_failing():
    found = settings.DATABASES['default']
    if found['ENGINE'] != 'django.db.backends.sqlite3':
        pytest.skip('the tests run on another database')
    assert found['OPTIONS']['transaction_mode'] == 'IMMEDIATE'
    assert found['OPTIONS']['timeout'] >= 10
    assert 'journal_mode=WAL' in found['OPTIONS']['init_command']


def test_sqlite_settings_helper(tmp_path):
    built = sqlite_database(tmp_path / 'x.sqlite3')
    assert built['NAME'] == str(tmp_path / 'x.sqlite3') and built['OPTIONS']['transaction_mode'] == 'IMMEDIATE'


def test_lock_keys_are_stable_signed_64_bit():
    assert lock_key('xblock-handler:a') == lock_key('xblock-handler:a') != lock_key('xblock-handler:b')
    assert -2 ** 63 <= lock_key('x') < 2 ** 63


@pytest.mark.django_db(transaction=True)
def test_a_lock_needs_a_transaction_and_immediate_sqlite(monkeypatch):
    with pytest.raises(RuntimeError):
        hold_lock('outside')
    with transaction.atomic():
        hold_lock('inside')
    if connection.vendor == 'sqlite':
        monkeypatch.setitem(connection.settings_dict, 'OPTIONS', {})
        with pytest.raises(ImproperlyConfigured), transaction.atomic():
            hold_lock('deferred')
