"""The demo's workbench scenarios: loaded once per process, atomically for every other process.

The SDK loads its scenarios lazily, on a process's first request, by rewriting the blocks'
definition rows (children deleted, then appended again) outside any transaction. With several
processes on one database (two workers, or two ``magix serve``), a handler served by one of them
while another loaded could find a block without its steps (its learner shown "this exercise has
changed") and a tally could be lost. Here the whole load is one transaction that first locks the
shared rows, so other processes see the definitions before or after, never half-written; and a
lock keeps two threads of one process from loading at once.
"""
from __future__ import annotations

import threading

from django.db import transaction

_LOADING = threading.Lock()


def lock_shared_rows() -> None:
    """Hold the definition and tally rows (``user_id`` NULL) until the transaction ends.

    SQLite's transactions begin IMMEDIATE (``lti_tools.transactions``): the whole database is
    already ours. PostgreSQL: row locks, so a handler's write of a tally waits for the load.
    """
    from django.db import connection
    from workbench.models import XBlockState
    if connection.vendor != 'sqlite':
        list(XBlockState.objects.select_for_update().filter(user_id__isnull=True).values_list('id', flat=True))


def init_scenarios(reload: bool = False, before_loading=None):
    """The workbench's scenario list: the scenarios of the blocks it shows (ours), each loaded on its own.

    Loads nothing when another thread has just loaded them, unless ``reload``; ``before_loading``
    runs in the same transaction (the demo's reset deletes rows there). The SDK's ``init_scenarios``
    loads every installed block's samples and stops at the first that fails; Open edX's extracted
    blocks (``xblocks-contrib``) fail there, because their samples need the LMS runtime
    (``get_policy``, pointer files). Installed in place of the SDK's by ``lti_tools.apps``.
    """
    from django.conf import settings
    from workbench import scenarios
    from workbench.runtime import ID_MANAGER, WORKBENCH_KVS
    from xblock.core import XBlock

    with _LOADING, transaction.atomic():
        if scenarios.SCENARIOS and not reload:
            return
        lock_shared_rows()
        if before_loading is not None:
            before_loading()
        scenarios.SCENARIOS.clear()
        if reload:
            ID_MANAGER.clear()  # the same ids again
        if settings.WORKBENCH['reset_state_on_restart']:
            WORKBENCH_KVS.clear()
        else:
            WORKBENCH_KVS.prep_for_scenario_loading()
        excluded = getattr(settings, 'EXCLUDED_XBLOCKS', set())
        for class_name, cls in sorted(XBlock.load_classes(fail_silently=True)):
            if class_name not in excluded:
                scenarios.add_class_scenarios(class_name, cls, fail_silently=True)
    scenarios.get_scenarios.initialized = True
