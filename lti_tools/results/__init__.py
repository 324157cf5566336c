"""The host's own store of learner results (grades and completion), read in bulk.

What the workbench demo and the LTI tool record about a learner, the way Open edX keeps
``StudentModule`` grades and ``BlockCompletion`` rows. Credential progress reads it through
``results_for`` in one query however many requirements a pathway has.

API (import from ``lti_tools.results``):

``record_result(user_key, usage_key, *, earned=None, possible=None, completion=None)``
    Store the latest grade (``earned`` of ``possible`` points) and/or completion (0-1) of one
    block for one learner; values not given are kept. ``usage_key`` is an opaque-keys usage
    key string (or a course key for a course-level result). Sends ``result_recorded``.
``results_for(user_key, keys)``
    ``{key: Result}`` for the usage and course keys asked (missing: nothing recorded yet). A
    course key gets the course-level row if one exists, else the sum of that course's grades.
``results_by_learner(keys)``
    ``{user_key: {key: Result}}`` for every learner with a result: course-team aggregates.

Signal ``lti_tools.results.signals.result_recorded(sender=LearnerResult, result=..., created=...)``
fires after every ``record_result`` (e.g. for LTI score passback). ``Result`` is
``xblocks.credentials.progress.Result`` (``earned``, ``possible``, ``completion``, ``score``).
"""

API = ('record_result', 'results_for', 'results_by_learner')


def __getattr__(name):
    """The API functions, imported on first use (models cannot load before the app registry)."""
    if name in API:
        from . import api
        return getattr(api, name)
    raise AttributeError(name)
