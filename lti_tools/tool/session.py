"""After a launch, the learner's requests carry a signed launch session in the URL, not a cookie.

Browsers that block third-party cookies in the platform's iframe would otherwise lose the
learner after the first page. The signature (Django's ``signing``, keyed by SECRET_KEY) and
a maximum age keep it unforgeable; it names one learner, one resource link and one exercise.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core import signing

SALT = 'magix.lti.session'
MAX_AGE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class LaunchSession:
    learner: int          # Learner primary key
    user_id: str          # the learner's opaque id in the XBlock runtime
    link: int             # ResourceLink primary key
    exercise: str         # exercise slug
    teaching: bool
    language: str

    def token(self) -> str:
        return signing.dumps(asdict(self), salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> LaunchSession:
        """Raises ``signing.BadSignature`` (or ``SignatureExpired``) when forged or too old."""
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        try:
            return cls(**data)
        except TypeError as error:
            raise signing.BadSignature(str(error)) from error
