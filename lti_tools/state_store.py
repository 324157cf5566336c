"""The hosts' key-value store for XBlock fields: the workbench's ``XBlockState`` table, used safely.

The SDK's store creates a row on every read (``get_or_create``; the table has no unique key,
so two concurrent first reads make two rows and later reads fail) and rewrites a row once per
field. This one reads without writing (a missing row is the field's default), writes only
inside a transaction (the handler's, which holds the block's lock: ``transactions``; else its
own), writes
each row once per save, and reads the oldest row when history left duplicates.
Same table and row layout as the SDK's, so the workbench's own pages read the same state.

``BlockStateStore`` is one runtime's (one request's) view of it: the first read of a block
loads all of that block's rows (its learner's state and the shared summary) in one query,
instead of one query per field.
"""
from __future__ import annotations

import copy
import json
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q
from workbench.models import XBlockState, shorten_scope_name
from xblock.fields import Scope
from xblock.runtime import KeyValueStore

from lti_tools.prepared import PreparedQuery


def row_identity(key: KeyValueStore.Key) -> dict:
    """The ``XBlockState`` columns of a field key (the SDK's ``get_for_key`` layout)."""
    if key.scope in (Scope.parent, Scope.children):
        scope_name = shorten_scope_name(key.scope.attr_name)
    else:
        scope_name = shorten_scope_name(key.scope.block.attr_name)
    if scope_name in ('type', 'all'):
        scenario, tag = None, key.block_scope_id
    else:
        scenario, tag, _rest = str(key.block_scope_id).split('.', 2)
    return {'scope': scope_name, 'scope_id': key.block_scope_id, 'user_id': key.user_id,
            'scenario': scenario, 'tag': tag}


def _filter(identity: dict):
    lookup = {(f'{name}__isnull' if value is None else name): (True if value is None else value)
              for name, value in identity.items()}
    return XBlockState.objects.filter(**lookup).order_by('pk')


class LockedKeyValueStore(KeyValueStore):
    """``XBlockState`` rows, read freely, written only within the caller's transaction."""

    def _state(self, key) -> dict:
        row = _filter(row_identity(key)).only('state').first()
        return json.loads(row.state) if row is not None else {}

    def get(self, key):
        return self._state(key)[key.field_name]

    def has(self, key):
        return key.field_name in self._state(key)

    def set(self, key, value):
        self.set_many({key: value})

    def delete(self, key):
        self._write({key: None}, delete=True)

    def set_many(self, update_dict):
        self._write(update_dict)

    def _write(self, updates: dict, delete: bool = False) -> None:
        if not connection.in_atomic_block:  # not from a handler: at least one transaction per save
            with transaction.atomic():
                return self._write(updates, delete)
        by_row: dict[tuple, list] = defaultdict(list)
        for key, value in updates.items():
            identity = row_identity(key)
            by_row[identity_items(identity)].append((key.field_name, value))
        for items, fields in by_row.items():
            identity = dict(items)
            row = _filter(identity).first()
            state = json.loads(row.state) if row is not None else {}
            for name, value in fields:
                if delete:
                    state.pop(name, None)
                else:
                    state[name] = value
            text = json.dumps(state, indent=2, sort_keys=True)
            if row is None:
                XBlockState.objects.create(state=text, **identity)
            elif row.state != text:
                row.state = text
                row.save(update_fields=['state'])
            self._written(items, state)

    def _written(self, items: tuple, state: dict) -> None:
        """Hook: a row now holds ``state`` (within the caller's transaction)."""


def identity_items(identity: dict) -> tuple:
    return tuple(sorted(identity.items(), key=lambda item: item[0]))


ROW_COLUMNS = ('scope', 'scope_id', 'user_id', 'scenario', 'tag', 'state')
BLOCK_ROWS = PreparedQuery(lambda scope_id, user_id: XBlockState.objects.filter(
    Q(user_id__isnull=True) | Q(user_id=user_id), scope_id=scope_id).order_by('pk').values_list(*ROW_COLUMNS),
    scope_id='', user_id='')
SHARED_ROWS = PreparedQuery(lambda scope_id: XBlockState.objects.filter(
    user_id__isnull=True, scope_id=scope_id).order_by('pk').values_list(*ROW_COLUMNS), scope_id='')


class BlockStateStore(LockedKeyValueStore):
    """One runtime's store: a block's rows read in one query, then kept for this runtime.

    Create one per runtime (per request), never share it between requests. The handler path
    calls ``forget`` once it holds the block's lock (``MagixRuntime.handle_atomically``), so a
    decision always reads what the previous one committed.
    """

    def __init__(self):
        self._rows: dict[tuple, dict] = {}

    def forget(self) -> None:
        self._rows.clear()

    def get(self, key):
        return copy.deepcopy(self._state(key)[key.field_name])   # the block may change it in place

    def _state(self, key) -> dict:
        identity = row_identity(key)
        items = identity_items(identity)
        if items not in self._rows:
            self._load(identity)
        return self._rows[items]

    def _load(self, identity: dict) -> None:
        """All rows of this block id for this user and for no user (the shared summary), oldest first."""
        if identity['user_id'] is not None:
            rows = BLOCK_ROWS.rows(scope_id=str(identity['scope_id']), user_id=str(identity['user_id']))
        else:
            rows = SHARED_ROWS.rows(scope_id=str(identity['scope_id']))
        for scope, scope_id, user_id, scenario, tag, state in rows:
            found = identity_items({'scope': scope, 'scope_id': scope_id, 'user_id': user_id,
                                    'scenario': scenario, 'tag': tag})
            self._rows.setdefault(found, json.loads(state))
        self._rows.setdefault(identity_items(identity), {})

    def _written(self, items: tuple, state: dict) -> None:
        self._rows[items] = dict(state)


STATE_STORE = LockedKeyValueStore()
