"""Where a learner stands on a pathway: one computation over a bulk "results source".

A results source answers, in ONE call, for one learner and every key the pathway needs
(``pathway.result_keys()``): ``{key: Result}``. Open edX and our own host each provide one
(``openedx.py``; ``lti_tools.results``); this module never asks for a single key, so the cost
of reading learner data does not grow with the number of requirements.

A requirement is met when every threshold it states is reached; a requirement with no
threshold needs completion 1.0. A block or course with no result counts as not started.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from .model import CREDENTIAL, MicroCredential, Pathway, Requirement


@dataclass(frozen=True)
class Result:
    """A learner's latest result for a block or course: raw score and completion (0-1)."""
    earned: float | None = None
    possible: float | None = None
    completion: float | None = None

    @property
    def score(self) -> float | None:
        if self.earned is None or not self.possible:
            return None
        return max(0.0, min(1.0, self.earned / self.possible))


class ResultsSource(Protocol):
    """One learner's results for many keys, in one call (missing keys: no result yet)."""

    def results_for(self, keys: Sequence[str]) -> Mapping[str, Result]: ...


@dataclass(frozen=True)
class RequirementStatus:
    requirement: Requirement
    met: bool
    fraction: float  # 0-1, how far towards this requirement
    score: float | None = None
    completion: float | None = None


@dataclass
class CredentialProgress:
    credential: MicroCredential
    requirements: list[RequirementStatus]
    earned: bool
    ects_earned: Decimal
    children: list['CredentialProgress'] = field(default_factory=list)

    @property
    def ects_required(self) -> Decimal:
        return self.credential.ects

    @property
    def fraction(self) -> float:
        """Share of this credential's requirements met (stacked credentials count as one each)."""
        if not self.requirements:
            return 1.0 if self.earned else 0.0
        return sum(status.fraction for status in self.requirements) / len(self.requirements)


@dataclass
class ProgrammeProgress:
    pathway: Pathway
    credentials: list[CredentialProgress]  # top level, in document order
    by_id: dict[str, CredentialProgress]
    ects_earned: Decimal
    earned: bool
    next_step: tuple[MicroCredential, RequirementStatus] | None

    @property
    def ects_total(self) -> Decimal:
        return self.pathway.programme.ects

    @property
    def fraction(self) -> float:
        return float(self.ects_earned / self.ects_total) if self.ects_total else 0.0

    @property
    def earned_ids(self) -> list[str]:
        return [cid for cid, progress in self.by_id.items() if progress.earned]


def requirement_status(requirement: Requirement, result: Result | None) -> RequirementStatus:
    """Whether one block or course requirement is met, and how far the learner has got.

    Each threshold stated gives a fraction; met when all reach 1; the requirement's fraction is
    their mean, each capped at 1.
    """
    score, completion = (None, None) if result is None else (result.score, result.completion)
    parts = []
    if requirement.min_score is not None:
        parts.append((score or 0.0) / requirement.min_score)
    if requirement.completion is not None or requirement.min_score is None:
        threshold = requirement.completion if requirement.completion is not None else 1.0
        parts.append((completion or 0.0) / threshold)
    met = all(part >= 1.0 for part in parts)
    return RequirementStatus(requirement, met, 1.0 if met else sum(min(1.0, part) for part in parts) / len(parts),
                             score, completion)


def progress_from_results(pathway: Pathway, results: Mapping[str, Result]) -> ProgrammeProgress:
    """Pure computation: the learner's progress given results already read in bulk."""
    by_id: dict[str, CredentialProgress] = {}

    def evaluate(credential: MicroCredential, stack: tuple[str, ...] = ()) -> CredentialProgress:
        if credential.id in by_id:
            return by_id[credential.id]
        children = [evaluate(child, stack + (credential.id,)) for child in credential.children]
        statuses = []
        for requirement in credential.requirements:
            if requirement.kind == CREDENTIAL:
                target = pathway.credential(requirement.key)
                met = (target is not None and target.id not in stack + (credential.id,)
                       and evaluate(target, stack + (credential.id,)).earned)
                statuses.append(RequirementStatus(requirement, met, 1.0 if met else 0.0))
            else:
                statuses.append(requirement_status(requirement, results.get(requirement.key)))
        statuses[:0] = [RequirementStatus(Requirement(CREDENTIAL, child.credential.id), child.earned,
                                          1.0 if child.earned else 0.0) for child in children]
        earned = bool(statuses) and all(status.met for status in statuses)
        progress = CredentialProgress(credential, statuses, earned, Decimal(0), children)
        by_id[credential.id] = progress
        return progress

    top = [evaluate(credential) for credential in pathway.programme.credentials]
    for credential in pathway.credentials:
        evaluate(credential)
    for progress in by_id.values():
        stacked = closure(pathway, progress.credential)
        progress.ects_earned = sum((max(pathway.own_ects(pathway.credential(cid)), Decimal(0))
                                    for cid in stacked if by_id[cid].earned), Decimal(0))
    ects_earned = sum((max(pathway.own_ects(p.credential), Decimal(0)) for p in by_id.values() if p.earned),
                      Decimal(0))
    return ProgrammeProgress(pathway=pathway, credentials=top, by_id=by_id, ects_earned=ects_earned,
                             earned=bool(top) and all(p.earned for p in top),
                             next_step=_next_step(pathway, by_id))


def compute_progress(pathway: Pathway, source: ResultsSource) -> ProgrammeProgress:
    """Read the learner's results in one bulk call and compute their progress."""
    return progress_from_results(pathway, source.results_for(pathway.result_keys()))


def earned_counts(pathway: Pathway, results_by_learner: Iterable[Mapping[str, Result]]) -> dict:
    """Course-team aggregates: how many learners earned each credential and the programme."""
    counts = {credential.id: 0 for credential in pathway.credentials}
    learners = programme = 0
    for results in results_by_learner:
        learners += 1
        progress = progress_from_results(pathway, results)
        for credential_id in progress.earned_ids:
            counts[credential_id] += 1
        programme += progress.earned
    return {'learners': learners, 'programme': programme, 'credentials': counts}


def closure(pathway: Pathway, credential: MicroCredential) -> list[str]:
    """This credential and every credential stacked inside it, each once."""
    seen, stack = [], [credential.id]
    while stack:
        current = stack.pop()
        if current in seen or pathway.credential(current) is None:
            continue
        seen.append(current)
        stack.extend(pathway.credential(current).contained_ids)
    return seen


def _next_step(pathway, by_id) -> tuple[MicroCredential, RequirementStatus] | None:
    """The first unmet block or course requirement of the first credential not yet earned."""
    for credential in pathway.credentials:  # nested credentials come before those that stack them
        progress = by_id[credential.id]
        if progress.earned:
            continue
        for status in progress.requirements:
            if not status.met and status.requirement.kind != CREDENTIAL:
                return credential, status
    return None
