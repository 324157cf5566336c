"""The durable grade queue: scores wait in the database until the platform has them.

The learner's request only enqueues: ``queue_result`` (connected to ``result_recorded``) stores
one row per new grade, in the request's transaction. The worker, ``magix lti process-grades
--loop N`` (run beside the web processes), calls ``deliver_due``: it claims each due row (a
conditional update only one worker wins, valid for ``LTI_GRADE_CLAIM_SECONDS``), posts it, then
marks it sent; a failure schedules the next try with exponential back-off.

What a crash can do, and what the platform may see:
- crash before the post, or during it: the claim lapses and the row is posted later; no score is lost;
- crash after the platform received the post, before our commit: the row is posted again after the
  claim lapses, with the *same* payload (score, maximum, ``userId`` and ``timestamp`` all come from
  the stored row, never recomputed). AGS 2.0 (Score publish service): a score whose timestamp is
  not newer than the last one received for that user must not change the grade, so for the
  platform the repeat is a no-op; its log may show the same score twice;
- two different results for one attempt are never sent: one attempt is one row, written once.
A newer score for the same learner and line item supersedes older ones still waiting, so a late
retry never overwrites a newer grade (and the platform ignores older timestamps anyway).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from lti_tools.lti1p3 import services
from lti_tools.lti1p3.errors import LtiError

from .models import GradeSubmission, Learner, ResourceLink
from .runtime import exercise_result_key
from .store import service_client

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 20            # about three days of back-off before an administrator must look
CLAIM_SECONDS = 120          # how long a worker owns a row it is posting (LTI_GRADE_CLAIM_SECONDS)


def claim_seconds() -> float:
    from django.conf import settings
    return float(getattr(settings, 'LTI_GRADE_CLAIM_SECONDS', CLAIM_SECONDS))


def queue_result(sender, result, **kwargs):
    """``result_recorded`` receiver: queue a learner's new exercise grade for each of their graded links.

    Learner state is kept per (issuer, deployment, subject), so the grade belongs to every link
    to that exercise the learner launched as a learner. A result whose score did not change
    (a completion event after the grade) queues nothing.
    """
    if result.earned is None or not result.possible:
        return
    learner = Learner.objects.filter(anonymous_id=result.user_key).first()
    if learner is None:
        return  # a workbench demo user, not an LTI learner
    participations = learner.participation_set.filter(teaching=False).exclude(resource_link__lineitem_url='')
    for participation in participations.select_related('resource_link'):
        link = participation.resource_link
        if exercise_result_key(link.scenario) == result.usage_key:
            enqueue(learner, link, result.earned, result.possible)


def enqueue(learner: Learner, link: ResourceLink, given: float, maximum: float) -> GradeSubmission | None:
    """Store one score for the link's line item, unless it is the score queued last."""
    last = GradeSubmission.objects.filter(learner=learner, lineitem_url=link.lineitem_url).last()
    if last is not None and (last.score_given, last.score_maximum) == (given, maximum):
        return None
    timestamp = timezone.now()
    try:
        with transaction.atomic():
            GradeSubmission.objects.filter(learner=learner, lineitem_url=link.lineitem_url,
                                           status=GradeSubmission.PENDING).update(status=GradeSubmission.SUPERSEDED)
            return GradeSubmission.objects.create(resource_link=link, learner=learner, lineitem_url=link.lineitem_url,
                                                  score_given=given, score_maximum=maximum, timestamp=timestamp)
    except IntegrityError:
        return GradeSubmission.objects.get(lineitem_url=link.lineitem_url, learner=learner, timestamp=timestamp)


def deliver_due(only_ids=None, now=None) -> dict:
    """Post every due pending score (or only ``only_ids``); counts of sent and retried rows."""
    now = now or timezone.now()
    due = GradeSubmission.objects.filter(status=GradeSubmission.PENDING, next_attempt_at__lte=now)
    if only_ids is not None:
        due = due.filter(pk__in=list(only_ids))
    counts = {'sent': 0, 'retry': 0, 'failed': 0}
    for row in due.order_by('timestamp').select_related('resource_link__platform', 'learner'):
        if not _claim(row, now):
            continue
        counts[_deliver(row)] += 1
    return counts


def _claim(row: GradeSubmission, now) -> bool:
    """Take the row for this worker: only one conditional update can succeed."""
    return GradeSubmission.objects.filter(pk=row.pk, status=GradeSubmission.PENDING,
                                          next_attempt_at=row.next_attempt_at) \
        .update(next_attempt_at=now + timedelta(seconds=claim_seconds())) == 1


def _deliver(row: GradeSubmission) -> str:
    score = services.score(row.learner.subject, row.score_given, row.score_maximum, row.timestamp)
    try:
        service_client(row.resource_link.platform).post_score(row.lineitem_url, score)
    except LtiError as error:
        row.attempts += 1
        row.last_error = str(error)[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = GradeSubmission.FAILED
        row.next_attempt_at = timezone.now() + timedelta(seconds=services.retry_delay(row.attempts))
        row.save(update_fields=['attempts', 'last_error', 'status', 'next_attempt_at'])
        log.warning('score %s not delivered (attempt %s): %s', row.pk, row.attempts, error)
        return 'failed' if row.status == GradeSubmission.FAILED else 'retry'
    row.attempts += 1
    row.status, row.sent_at, row.last_error = GradeSubmission.SENT, timezone.now(), ''
    row.save(update_fields=['attempts', 'status', 'sent_at', 'last_error'])
    return 'sent'


def requeue_failed() -> int:
    """Give failed scores another round (after the platform was fixed)."""
    return GradeSubmission.objects.filter(status=GradeSubmission.FAILED).update(
        status=GradeSubmission.PENDING, attempts=0, next_attempt_at=timezone.now())
