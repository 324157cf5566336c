"""Checks a course team needs before learners meet a pathway.

Each check reports a ``Problem`` naming the micro-credential (or organisation) at fault:
unknown ids and keys, cycles among stacked credentials, ECTS that do not add up, missing
Annex I elements, and requirements no learner could meet.
"""
from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from opaque_keys.edx.keys import UsageKey

from .model import BLOCK, COURSE, CREDENTIAL, PARTICIPATION_FORMS, MicroCredential, Pathway
from .problems import N_, Problem

# Block types that never publish a score: a min-score on them can never be reached.
UNSCORED_BLOCK_TYPES = frozenset({'html', 'video', 'discussion', 'vertical', 'sequential', 'chapter',
                                  'course', 'magix_credential_progress', 'poll', 'survey', 'pdf'})


def find_cycle(pathway: Pathway) -> list[str]:
    """A cycle among credentials that contain one another (ids, first repeated at the end), or []."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(credential_id):
        state[credential_id] = 1
        path.append(credential_id)
        credential = pathway.credential(credential_id)
        for contained in (credential.contained_ids if credential else ()):
            if state.get(contained) == 1:
                return path[path.index(contained):] + [contained]
            if contained not in state and pathway.credential(contained) is not None:
                found = visit(contained)
                if found:
                    return found
        path.pop()
        state[credential_id] = 2
        return []

    for credential in pathway.credentials:
        if credential.id not in state:
            cycle = visit(credential.id)
            if cycle:
                return cycle
    return []


def validate(pathway: Pathway, known_keys: Collection[str] | None = None) -> list[Problem]:
    """Every problem that would make the pathway wrong for learners or its credentials invalid.

    ``known_keys``: when the host knows which blocks and courses exist, requirements naming
    anything else are reported.
    """
    problems: list[Problem] = []

    def add(message, node_id=None, line=None, **params):
        problems.append(Problem(message, params, node_id=node_id, line=line))

    language = pathway.default_language
    org_ids = set()
    for organisation in pathway.organisations:
        if organisation.id in org_ids:
            add(N_('The organisation id "{id}" is used more than once.'), organisation.id, organisation.line,
                id=organisation.id)
        org_ids.add(organisation.id)

    programme = pathway.programme
    if not programme.title.get(language, ''):
        add(N_('The programme has no title.'), programme.id, programme.line)
    if programme.issued_by and programme.issued_by not in org_ids:
        add(N_('The programme is issued by "{org}", which is not a declared organisation.'), programme.id,
            programme.line, org=programme.issued_by)
    if not programme.credentials:
        add(N_('The programme has no micro-credentials.'), programme.id, programme.line)

    seen: set[str] = set()
    for credential in pathway.credentials:
        if credential.id in seen:
            add(N_('The micro-credential id "{id}" is used more than once.'), credential.id, credential.line,
                id=credential.id)
        seen.add(credential.id)
        problems.extend(_credential_problems(pathway, credential, org_ids, known_keys))

    cycle = find_cycle(pathway)
    if cycle:
        add(N_('Micro-credential "{id}" contains itself through {cycle}; stacking must not go round in a circle.'),
            cycle[0], pathway.credential(cycle[0]).line, id=cycle[0], cycle=' → '.join(cycle))
        return problems  # ECTS sums are meaningless on a cycle

    for credential in pathway.credentials:
        own = pathway.own_ects(credential)
        if credential.contained_ids and own < 0:
            contained = credential.ects - own
            add(N_('Micro-credential "{id}" is worth {ects} ECTS but stacks credentials worth {contained} ECTS.'),
                credential.id, credential.line, id=credential.id, ects=credential.ects, contained=contained)
    total = sum((max(pathway.own_ects(credential), Decimal(0)) for credential in pathway.credentials), Decimal(0))
    if programme.ects and total != programme.ects:
        add(N_('The programme is worth {programme} ECTS but its micro-credentials add up to {total} ECTS.'),
            programme.id, programme.line, programme=programme.ects, total=total)
    return problems


def _credential_problems(pathway: Pathway, credential: MicroCredential, org_ids: set[str],
                         known_keys: Collection[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    cid, line = credential.id, credential.line

    def add(message, at=line, **params):
        problems.append(Problem(message, {'id': cid, **params}, node_id=cid, line=at))

    # Annex I mandatory elements (learner and date of issue are added when the credential is issued).
    if not credential.title.get(pathway.default_language, ''):
        add(N_('Micro-credential "{id}" has no <title>.'))
    if not credential.learning_outcomes:
        add(N_('Micro-credential "{id}" has no learning outcomes.'))
    if not credential.assessment:
        add(N_('Micro-credential "{id}" does not say how learners are assessed (<assessment>).'))
    if not credential.quality_assurance:
        add(N_('Micro-credential "{id}" does not state its quality assurance (<quality-assurance>).'))
    if not credential.eqf_level:
        add(N_('Micro-credential "{id}" has no EQF level (eqf="1" to "8", here or on the programme).'))
    if credential.participation not in PARTICIPATION_FORMS:
        add(N_('Micro-credential "{id}": participation="{form}" must be one of {forms}.'),
            form=credential.participation, forms=', '.join(PARTICIPATION_FORMS))
    if not credential.awarded_by:
        add(N_('Micro-credential "{id}" has no awarding body (awarded-by="...", here or on the programme).'))
    for org in credential.awarded_by:
        if org not in org_ids:
            add(N_('Micro-credential "{id}" is awarded by "{org}", which is not a declared organisation.'), org=org)

    if not credential.requirements and not credential.children:
        add(N_('Micro-credential "{id}" has no requirements: it would be awarded to everyone.'))
    keys = set()
    for requirement in credential.requirements:
        if requirement.key in keys:
            add(N_('Micro-credential "{id}" lists "{key}" twice.'), requirement.line, key=requirement.key)
        keys.add(requirement.key)
        if requirement.kind == CREDENTIAL:
            if pathway.credential(requirement.key) is None:
                add(N_('Micro-credential "{id}" requires the credential "{ref}", which does not exist.'),
                    requirement.line, ref=requirement.key)
            elif requirement.key == cid:
                add(N_('Micro-credential "{id}" requires itself.'), requirement.line)
            continue
        if known_keys is not None and requirement.key not in known_keys:
            add(N_('Micro-credential "{id}" requires "{key}", which is not in this course or its pathway.'),
                requirement.line, key=requirement.key)
        if requirement.kind == COURSE and requirement.completion is not None:
            add(N_('Micro-credential "{id}": a whole course ("{key}") can only be required with min-score; '
                   'course completion is not recorded, so nobody could meet it.'), requirement.line,
                key=requirement.key)
        if requirement.kind == BLOCK and requirement.min_score is not None:
            try:  # parsed when the pathway was read; a pathway built in code is parsed here
                block_type = (requirement.parsed or UsageKey.from_string(requirement.key)).block_type
            except Exception:  # noqa: BLE001  (already reported by the reader)
                continue
            if block_type in UNSCORED_BLOCK_TYPES:
                add(N_('Micro-credential "{id}": "{key}" is a {type} block, which has no score, so nobody could '
                       'reach min-score; require completion instead.'), requirement.line, key=requirement.key,
                    type=block_type)
    return problems
