"""XBlock runtime services of the host over the results store.

``HostCompletionService`` has the API of Open edX's ``completion.services.CompletionService``
(``completion_tracking_enabled``, ``get_completions``, ``submit_completion``,
``get_complete_on_view_delay_ms``), so a block reads completion the same way on both.
"""
from __future__ import annotations

from django.conf import settings

from .models import LearnerResult


class HostCompletionService:
    """Completion of one learner within one course (``context_key``), read in one query."""
    results_store = LearnerResult._meta.label   # the rows HostResultsSource reads too

    def __init__(self, user_key, context_key):
        self._user_key, self._context_key = str(user_key), str(context_key)

    def completion_tracking_enabled(self):
        return True

    def get_completions(self, candidates):
        """``{candidate: completion}`` for the given usage keys; 0.0 when nothing is recorded."""
        candidates = list(candidates)
        strings = [str(key) for key in candidates]  # once each: writing an opaque key is not free
        found = dict(LearnerResult.objects.filter(
            user_key=self._user_key, course_key=self._context_key, usage_key__in=strings,
            completion__isnull=False).values_list('usage_key', 'completion'))
        return {candidate: found.get(string, 0.0) for candidate, string in zip(candidates, strings)}

    def submit_completion(self, block_key, completion):
        from .api import record_result
        return record_result(self._user_key, str(block_key), completion=completion)

    def get_complete_on_view_delay_ms(self):
        return getattr(settings, 'COMPLETION_BY_VIEWING_DELAY_MS', 5000)
