"""Recording and reading learner results; reads are one query whatever the number of keys."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from xblocks.credentials.progress import Result

from .models import LearnerResult
from .signals import result_recorded


def course_of(key: str) -> str:
    """The course key of a usage key (or of a course key itself); '' when it is neither."""
    try:
        return str(UsageKey.from_string(key).course_key)
    except InvalidKeyError:
        pass
    try:
        return str(CourseKey.from_string(key))
    except InvalidKeyError:
        return ''


def is_course_key(key: str) -> bool:
    try:
        CourseKey.from_string(key)
    except InvalidKeyError:
        return False
    return True


def record_result(user_key, usage_key, *, earned=None, possible=None, completion=None) -> LearnerResult:
    """Store the latest grade and/or completion of one block for one learner (see the package docstring)."""
    user_key, usage_key = str(user_key), str(usage_key)
    if completion is not None and not 0.0 <= float(completion) <= 1.0:
        raise ValueError(f'completion must be between 0 and 1, not {completion}')
    if (earned is None) != (possible is None):
        raise ValueError('earned and possible are given together')
    if earned is not None and not (0.0 <= float(earned) <= float(possible) and float(possible) > 0):
        raise ValueError(f'a grade of {earned}/{possible} is not possible')
    values = {}
    if earned is not None:
        values.update(earned=float(earned), possible=float(possible))
    if completion is not None:
        values['completion'] = float(completion)
    result, created = LearnerResult.objects.update_or_create(
        user_key=user_key, usage_key=usage_key, defaults={'course_key': course_of(usage_key), **values})
    result_recorded.send(sender=LearnerResult, result=result, created=created)
    return result


def _query(keys: Iterable[str]) -> tuple[Q, list[str]]:
    index = getattr(keys, 'key_index', None)  # a pathway's ResultKeys: its keys are parsed once per pathway
    keys = list(dict.fromkeys(map(str, keys)))
    courses = sorted(index.courses) if index is not None else [key for key in keys if is_course_key(key)]
    return Q(usage_key__in=keys) | Q(course_key__in=courses), keys


def _collect(rows, keys: list[str]) -> dict[str, Result]:
    """``{key: Result}`` from one learner's rows: exact rows, else course sums."""
    wanted = set(keys)
    found: dict[str, Result] = {}
    course_sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for usage_key, course_key, earned, possible, completion in rows:
        if usage_key in wanted:
            found[usage_key] = Result(earned, possible, completion)
        if course_key in wanted and usage_key != course_key and possible:
            course_sums[course_key][0] += earned or 0.0
            course_sums[course_key][1] += possible
    for course_key, (earned, possible) in course_sums.items():
        found.setdefault(course_key, Result(earned, possible, None))
    return found


FIELDS = ('usage_key', 'course_key', 'earned', 'possible', 'completion')


def results_for(user_key, keys: Iterable[str]) -> dict[str, Result]:
    """One learner's results for many keys, in one query."""
    condition, keys = _query(keys)
    rows = LearnerResult.objects.filter(condition, user_key=str(user_key)).values_list(*FIELDS)
    return _collect(rows, keys)


def results_by_learner(keys: Iterable[str]) -> dict[str, dict[str, Result]]:
    """Every learner's results for these keys, in one query (for aggregates, never shown per learner)."""
    condition, keys = _query(keys)
    rows_by_learner: dict[str, list] = defaultdict(list)
    for user_key, *row in LearnerResult.objects.filter(condition).values_list('user_key', *FIELDS):
        rows_by_learner[user_key].append(row)
    return {user_key: _collect(rows, keys) for user_key, rows in rows_by_learner.items()}


class HostResultsSource:
    """The credential progress ``ResultsSource`` of one learner on this host.

    Its rows include the completion ``HostCompletionService`` records (same ``results_store``),
    so the widget does not ask that service again (``xblocks.credentials.sources.learner_source``).
    """
    results_store = LearnerResult._meta.label

    def __init__(self, user_key):
        self.user_key = str(user_key)

    def results_for(self, keys):
        return results_for(self.user_key, keys)
