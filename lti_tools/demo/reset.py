"""Resetting the demo: one demo learner's state and results, or every demo learner's.

LTI learners' state (exercises under ``lti-<slug>`` usage ids, learners with an LTI identity)
is never touched: the demo's LTI tool keeps its launches.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from workbench.models import XBlockState

from lti_tools.results.models import LearnerResult
from lti_tools.tool.models import Learner

LTI_SCENARIO_PREFIX = 'lti-'


def demo_state():
    return XBlockState.objects.exclude(scenario__startswith=LTI_SCENARIO_PREFIX)


def demo_results():
    return LearnerResult.objects.exclude(user_key__in=Learner.objects.values('anonymous_id'))


@transaction.atomic
def reset_learner(student_id: str) -> int:
    """Forget what one demo learner did; the number of rows removed."""
    state = demo_state().filter(user_id=student_id).delete()[0]
    return state + demo_results().filter(user_key=student_id).delete()[0]


def reset_everyone() -> int:
    """Forget every demo learner's state, the exercises' tallies and the demo results.

    Tallies share their rows with the blocks' settings, so the demo's scenarios are loaded
    again (as the SDK's reset did), under the same ids, in the transaction that deleted them.
    """
    from .scenarios import init_scenarios
    lti_users = Learner.objects.values('anonymous_id')
    removed = 0

    def delete_demo_rows():
        nonlocal removed
        removed = XBlockState.objects.filter(
            (Q(scenario__isnull=False) & ~Q(scenario__startswith=LTI_SCENARIO_PREFIX))
            | (Q(scenario__isnull=True) & ~Q(user_id__in=lti_users))).delete()[0]
        removed += demo_results().delete()[0]

    init_scenarios(reload=True, before_loading=delete_demo_rows)
    return removed
