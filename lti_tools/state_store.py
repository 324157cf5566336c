"""The hosts' key-value store for XBlock fields: the workbench's ``XBlockState`` table, used safely.

The SDK's store creates a row on every read (``get_or_create``; the table has no unique key,
so two concurrent first reads make two rows and later reads fail) and rewrites a row once per
field. This one reads without writing (a missing row is the field's default), writes only
inside a transaction (the handler's, which holds the block's lock: ``transactions``; else its
own), writes
each row once per save, and reads the oldest row when history left duplicates.
Same table and row layout as the SDK's, so the workbench's own pages read the same state.
"""
from __future__ import annotations

import json
from collections import defaultdict

from django.db import connection, transaction
from workbench.models import XBlockState, shorten_scope_name
from xblock.fields import Scope
from xblock.runtime import KeyValueStore


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
            by_row[tuple(sorted(identity.items(), key=lambda item: item[0]))].append((key.field_name, value))
        for identity_items, fields in by_row.items():
            identity = dict(identity_items)
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


STATE_STORE = LockedKeyValueStore()
