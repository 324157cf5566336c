"""An earned micro-credential about to be issued: who, what, when, by whom.

Both exports (``openbadges.py``, ``elm.py``) are built from the same ``Award``, so the Open
Badge and the Europass credential always describe the same achievement.
"""
from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .model import MicroCredential, Organisation, Pathway


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second (what both schemas expect)."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime('%Y-%m-%dT%H:%M:%SZ')


@dataclass(frozen=True)
class Award:
    """One learner's earned micro-credential, with the facts only known at issue time.

    ``learner_id`` is a URI for the learner (``urn:...``, ``mailto:...``, a DID); ``issuer_id``
    the deployment's issuer URL (the JWKS that verifies its signatures lives there). ``grade``
    is the learner's mean score over the graded requirements, 0-1, when there is one.
    """
    pathway: Pathway
    credential: MicroCredential
    learner_id: str
    learner_name: str
    issuer_id: str
    issued_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    credential_uri: str = field(default_factory=lambda: f'urn:uuid:{uuid.uuid4()}')
    grade: float | None = None
    valid_until: datetime | None = None

    @property
    def expires_at(self) -> datetime | None:
        if self.valid_until is not None:
            return self.valid_until
        if self.credential.valid_months:
            return add_months(self.issued_at, self.credential.valid_months)
        return None

    @property
    def awarding_bodies(self) -> list[Organisation]:
        return self.pathway.awarding_bodies(self.credential)

    @property
    def issuer(self) -> Organisation:
        return self.pathway.issuer() or self.awarding_bodies[0]

    @property
    def languages(self) -> list[str]:
        """Languages the title is available in, the pathway's default first."""
        default = self.pathway.default_language
        return [default] + [lang for lang in self.credential.title.languages if lang != default]

    @property
    def stacks_into(self) -> list[MicroCredential]:
        """Credentials (and so the programme) this one counts towards: its stackability."""
        return [other for other in self.pathway.credentials if self.credential.id in other.contained_ids]
