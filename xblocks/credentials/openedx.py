"""Reading learner results inside the Open edX LMS (edx-platform is not installed here).

What is read, per learner, in at most three queries whatever the number of requirements:

* completion of blocks in the **current course**: the runtime ``completion`` service,
  ``get_completions(candidates)`` (``completion.models.BlockCompletion`` for this user and
  course; 0.0 when nothing is recorded) — see ``sources.CompletionServiceSource``;
* completion of blocks in **other courses** of the pathway: ``BlockCompletion`` rows of the
  user for those block keys (one query);
* scores of blocks in any course: ``courseware.models.StudentModule`` ``grade`` /
  ``max_grade`` of the user for those usage keys (one query; the LMS writes them when a
  block publishes a ``grade`` event);
* whole-course requirements: ``grades.models.PersistentCourseGrade.percent_grade`` of the
  user for those course keys (one query; earned = percent, possible = 1).

An anonymous learner (no authenticated user from the ``user`` service) has no results: the
widget shows the pathway without progress. A learner without access to another course simply
has no rows there, so those requirements show as not started; nothing about other learners is
read except in the course-team aggregate view (staff only, counts only).
"""
from __future__ import annotations

import logging
from collections import defaultdict

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from .progress import Result

log = logging.getLogger(__name__)

# Why the guard catches more than ImportError: with edx-completion installed but its app not in
# INSTALLED_APPS (Studio, other hosts), importing its models raises RuntimeError; before Django
# is set up, ImproperlyConfigured or AppRegistryNotReady. Hence a function, tried when needed
# (the block module is imported during app loading), that remembers only settled answers.
_UNSETTLED = object()
_models = _UNSETTLED


def lms_models():
    """``(BlockCompletion, StudentModule, PersistentCourseGrade)`` inside the LMS, else ``None``."""
    global _models
    if _models is not _UNSETTLED:
        return _models
    try:
        from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
    except ImportError:  # a host without Django: certainly not the LMS
        _models = None
        return None
    try:
        from completion.models import BlockCompletion
        from lms.djangoapps.courseware.models import StudentModule
        from lms.djangoapps.grades.models import PersistentCourseGrade
    except (AppRegistryNotReady, ImproperlyConfigured):
        return None  # asked too early: ask again later
    except (ImportError, RuntimeError) as error:
        log.info('Open edX LMS models not available here (%s): no LMS results backend', error)
        _models = None
        return None
    _models = (BlockCompletion, StudentModule, PersistentCourseGrade)
    return _models


def available() -> bool:
    return lms_models() is not None


def split_keys(keys):
    """``(usage keys, course keys)`` as opaque-key objects; others are ignored."""
    usages, courses = {}, {}
    for key in keys:
        try:
            usages[key] = UsageKey.from_string(key)
            continue
        except InvalidKeyError:
            pass
        try:
            courses[key] = CourseKey.from_string(key)
        except InvalidKeyError:
            log.warning('Pathway key %s is neither a usage key nor a course key', key)
    return usages, courses


def other_course_completions(block_completion, by_user, usages, user_id, current_course: str):
    """Add ``BlockCompletion`` rows of blocks outside the current course to ``by_user`` (one query)."""
    by_usage = {str(key): key_string for key_string, key in usages.items()}
    other_course = [key for key in usages.values() if str(key.course_key) != current_course]
    if not other_course:
        return
    user_filter = {} if user_id is None else {'user_id': user_id}
    for user, block_key, completion in block_completion.objects.filter(
            block_key__in=other_course, **user_filter).values_list('user_id', 'block_key', 'completion'):
        key = by_usage.get(str(block_key))
        if key:
            previous = by_user[user].get(key, Result())
            by_user[user][key] = Result(previous.earned, previous.possible, completion)


def _read(user_id: int | None, keys, current_course: str):
    """Rows of one learner (or all, ``user_id=None``): ``{user_id: {key: Result}}`` in three queries."""
    block_completion, student_module, course_grade = lms_models()
    user_filter = {} if user_id is None else {'user_id': user_id}
    usages, courses = split_keys(keys)
    by_user: dict = defaultdict(dict)
    by_usage = {str(key): key_string for key_string, key in usages.items()}
    for learner, module_key, grade, max_grade in student_module.objects.filter(
            module_state_key__in=list(usages.values()),
            **({} if user_id is None else {'student_id': user_id})).values_list('student_id', 'module_state_key', 'grade', 'max_grade'):
        key = by_usage.get(str(module_key))
        if key and max_grade:
            by_user[learner][key] = Result(grade, max_grade, None)
    other_course_completions(block_completion, by_user, usages, user_id, current_course)
    if courses:
        by_course = {str(key): key_string for key_string, key in courses.items()}
        for learner, course_id, percent in course_grade.objects.filter(
                course_id__in=list(courses.values()), **user_filter).values_list('user_id', 'course_id',
                                                                                 'percent_grade'):
            by_user[learner][by_course[str(course_id)]] = Result(percent, 1.0, None)
    return by_user


class OpenEdxResultsSource:
    """One learner's results from the LMS models (see the module docstring)."""

    def __init__(self, user_id: int, current_course: str):
        self.user_id, self.current_course = user_id, str(current_course)

    def results_for(self, keys):
        return _read(self.user_id, keys, self.current_course).get(self.user_id, {})


class OpenEdxBackend:
    """What the credential widget needs from the LMS: learner sources, aggregates, unit links."""

    def __init__(self, course_key: str):
        self.course_key = str(course_key)

    def source_for(self, user_id) -> OpenEdxResultsSource:
        return OpenEdxResultsSource(int(user_id), self.course_key)

    def results_by_learner(self, keys):
        return _read(None, keys, self.course_key)

    def url_for(self, key: str) -> str | None:
        """``jump_to_id`` inside the current course, ``jump_to`` for another course's block."""
        usages, courses = split_keys([key])
        if key in usages:
            usage = usages[key]
            if str(usage.course_key) == self.course_key:
                return f'/courses/{self.course_key}/jump_to_id/{usage.block_id}'
            return f'/courses/{usage.course_key}/jump_to/{usage}'
        if key in courses:
            return f'/courses/{courses[key]}/course/'
        return None
