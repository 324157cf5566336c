"""Results sources that combine the runtime's ``completion`` service with another source.

On both hosts the widget reads completion of blocks in the *current* course through the
runtime's ``completion`` service (``get_completions(candidates)``, one call), exactly as Open
edX blocks do; everything else (scores, other courses, whole courses) comes from the host's
bulk source. Plain Python: the services are passed in.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey

from .progress import Result, ResultsSource


def usage_keys_in_course(keys: Sequence[str], course_key: str) -> dict[str, UsageKey]:
    """``{key string: UsageKey}`` for the keys that are blocks of ``course_key``.

    A pathway's ``ResultKeys`` know it already (each key parsed once per pathway); other
    sequences of strings are parsed here.
    """
    index = getattr(keys, 'key_index', None)
    if index is not None:
        return index.usages_in(course_key)
    found = {}
    for key in keys:
        try:
            usage = UsageKey.from_string(key)
        except InvalidKeyError:
            continue
        if str(usage.course_key) == str(course_key):
            found[key] = usage
    return found


def learner_source(other: ResultsSource, completion_service, course_key: str) -> ResultsSource:
    """What the widget reads a learner's results from.

    Completion of current-course blocks comes through the runtime's ``completion`` service, as Open
    edX blocks read it, and the rest from the host's bulk source; unless both name the same
    ``results_store`` (our host: the service writes to and reads from the table the bulk source
    reads, so asking it again would be a second query for rows already read).
    """
    if completion_service is None:
        return other
    store = getattr(other, 'results_store', None)
    if store is not None and store == getattr(completion_service, 'results_store', None):
        return other
    return CompletionServiceSource(completion_service, course_key, other)


class CompletionServiceSource:
    """Completion of current-course blocks from ``completion_service``; all else from ``other``."""

    def __init__(self, completion_service, course_key: str, other: ResultsSource):
        self.completion_service, self.course_key, self.other = completion_service, str(course_key), other

    def results_for(self, keys: Sequence[str]) -> Mapping[str, Result]:
        found = dict(self.other.results_for(keys))
        local = usage_keys_in_course(keys, self.course_key)
        if local and self.completion_service.completion_tracking_enabled():
            completions = self.completion_service.get_completions(list(local.values()))
            # The service answers with the key objects it was given (matched by identity: hashing an
            # opaque key costs more than the lookup), or with equal keys of its own (matched as strings).
            given = {id(usage): key for key, usage in local.items()}
            by_string = {}
            for block, value in completions.items():
                key = given.get(id(block))
                by_string[key if key is not None else str(block)] = value
            for key in local:
                previous = found.get(key, Result())
                found[key] = Result(previous.earned, previous.possible, by_string.get(key, previous.completion))
        return found
