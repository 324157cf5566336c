"""What the LTI tool remembers: platforms, our keys, logins in flight, used nonces, learners,
resource links and the durable grade queue. Several workers and hosts share all of it.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils import timezone

from lti_tools.lti1p3 import keys
from lti_tools.lti1p3.launch import Registration


class Platform(models.Model):
    """A learning platform registration: one (issuer, client id) pair and its endpoints."""

    name = models.CharField(max_length=200, blank=True)
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    auth_login_url = models.URLField(max_length=500, help_text='OIDC authorisation endpoint of the platform.')
    auth_token_url = models.URLField(max_length=500, blank=True, help_text='OAuth 2 token endpoint (for grades and rosters).')
    keyset_url = models.URLField(max_length=500, help_text='JWKS URL with the platform\'s public keys.')
    token_audience = models.CharField(max_length=500, blank=True,
                                      help_text='Audience of our token requests, if not the token URL.')
    created_at = models.DateTimeField(default=timezone.now)
    approved = models.BooleanField(default=True, help_text=(
        'May this platform frame our pages (CSP frame-ancestors)? A platform that registered itself '
        'through a registration link waits for an administrator\'s approval.'))

    class Meta:
        constraints = [models.UniqueConstraint(fields=['issuer', 'client_id'], name='lti_platform_unique')]

    def __str__(self):
        return self.name or f'{self.issuer} ({self.client_id})'

    def frame_origins(self) -> list[str]:
        """The origins that may frame pages launched from this platform: none until approved."""
        if not self.approved:
            return []
        origins = set()
        for url in (self.issuer, self.auth_login_url):
            parts = urlsplit(url)
            if parts.scheme in ('http', 'https') and parts.netloc:
                origins.add(f'{parts.scheme}://{parts.netloc}')
        return sorted(origins)

    def registration(self, deployment_ids=None) -> Registration:
        """``deployment_ids``: when the caller read them already (else one more query)."""
        if deployment_ids is None:
            deployment_ids = self.deployments.values_list('deployment_id', flat=True)
        return Registration(
            issuer=self.issuer, client_id=self.client_id, keyset_url=self.keyset_url,
            auth_login_url=self.auth_login_url, auth_token_url=self.auth_token_url,
            deployment_ids=frozenset(deployment_ids), token_audience=self.token_audience)


class Deployment(models.Model):
    platform = models.ForeignKey(Platform, related_name='deployments', on_delete=models.CASCADE)
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['platform', 'deployment_id'], name='lti_deployment_unique')]

    def __str__(self):
        return f'{self.platform}: {self.deployment_id}'


class ToolKey(models.Model):
    """One of our RSA signing keys (stored encrypted); published until ``retired_at`` plus the grace period."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.kid

    def as_key(self) -> keys.ToolKey:
        return keys.ToolKey(kid=self.kid, private_pem=keys.unseal(self.private_pem, key_passphrases()),
                            created_at=self.created_at.timestamp(),
                            retired_at=self.retired_at.timestamp() if self.retired_at else None)


# The passphrase derived from the public demo secret that sealed keys before the hosts were split:
# tried last, to read such keys (``magix lti init`` seals them again with the real passphrase).
LEGACY_PUBLIC_SECRET = 'magix-demo-only-not-secret'


def derived_passphrase(secret: str) -> bytes:
    return salted_hmac('magix.lti.tool-key', 'passphrase', secret=secret, algorithm='sha256').hexdigest().encode()


def key_passphrases() -> list[bytes]:
    """Passphrases that open our stored keys, the one that seals new keys first.

    ``LTI_KEY_PASSPHRASE`` (``MAGIX_LTI_KEY_PASSPHRASE``) when set, else one derived from
    SECRET_KEY; then those derived from SECRET_KEY and its fallbacks (keys sealed before a
    rotation), then the legacy public one (read only, never used to seal).
    """
    dedicated = getattr(settings, 'LTI_KEY_PASSPHRASE', '')
    secrets = [settings.SECRET_KEY, *getattr(settings, 'SECRET_KEY_FALLBACKS', [])]
    found = ([dedicated.encode()] if dedicated else []) + [derived_passphrase(secret) for secret in secrets]
    found.append(derived_passphrase(LEGACY_PUBLIC_SECRET))
    return list(dict.fromkeys(found))


class RegistrationLink(models.Model):
    """A one-time, expiring Dynamic Registration link an administrator created.

    Only the SHA-256 of its token is stored: a database dump does not give a usable link.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    note = models.CharField(max_length=200, blank=True, help_text='Who the link was made for.')
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    platform = models.ForeignKey(Platform, null=True, blank=True, on_delete=models.SET_NULL,
                                 help_text='The platform registered with this link.')

    def __str__(self):
        return f'{self.note or "registration link"} (expires {self.expires_at:%Y-%m-%d %H:%M})'

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def create(cls, hours: float, note: str = '') -> tuple[RegistrationLink, str]:
        """A new link and its token (shown once, never stored)."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(token_hash=cls.hash(token), note=note,
                                  expires_at=timezone.now() + timedelta(hours=hours))
        return link, token

    @classmethod
    def claim(cls, token: str) -> RegistrationLink | None:
        """Use the link once: only one request can claim it, and only before it expires."""
        if not token or len(token) > 200:
            return None
        now = timezone.now()
        claimed = cls.objects.filter(token_hash=cls.hash(token), used_at__isnull=True, expires_at__gt=now) \
            .update(used_at=now)
        return cls.objects.get(token_hash=cls.hash(token)) if claimed == 1 else None


class LoginState(models.Model):
    """An OIDC login in flight: the ``state`` (also in a browser cookie) and its ``nonce``."""

    state = models.CharField(max_length=128, unique=True)
    nonce = models.CharField(max_length=128)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE)
    params = models.JSONField(default=dict, help_text='The login parameters, to restart in a new window.')
    created_at = models.DateTimeField(default=timezone.now, db_index=True)


class UsedNonce(models.Model):
    """A nonce already seen; the unique constraint makes it single-use across all workers."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['issuer', 'nonce'], name='lti_nonce_single_use')]


def opaque_id() -> str:
    return uuid.uuid4().hex


class Learner(models.Model):
    """A platform user, as (issuer, deployment, subject), mapped to the XBlock runtime's opaque id."""

    issuer = models.CharField(max_length=255)
    deployment_id = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    anonymous_id = models.CharField(max_length=64, unique=True, default=opaque_id)
    name = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=255, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['issuer', 'deployment_id', 'subject'],
                                               name='lti_learner_unique')]

    def __str__(self):
        return self.name or self.subject


class ResourceLink(models.Model):
    """A placement of one exercise in a platform course, with its grade and roster services."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE)
    deployment_id = models.CharField(max_length=255)
    resource_link_id = models.CharField(max_length=255)
    scenario = models.CharField(max_length=100, blank=True, help_text='Exercise slug; empty until an instructor chooses.')
    title = models.CharField(max_length=255, blank=True)
    context_id = models.CharField(max_length=255, blank=True)
    context_title = models.CharField(max_length=255, blank=True)
    lineitem_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True, help_text='AGS line items of the context.')
    ags_scopes = models.JSONField(default=list, blank=True, help_text='AGS scopes the platform granted.')
    memberships_url = models.URLField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['platform', 'deployment_id', 'resource_link_id'],
                                               name='lti_resource_link_unique')]

    def __str__(self):
        return f'{self.context_title or self.context_id} / {self.title or self.resource_link_id} ({self.scenario})'


class Participation(models.Model):
    """Who launched which resource link, as what (for the instructor summary)."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE)
    resource_link = models.ForeignKey(ResourceLink, related_name='participations', on_delete=models.CASCADE)
    teaching = models.BooleanField(default=False)
    last_launch = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['learner', 'resource_link'], name='lti_participation_unique')]


class GradeSubmission(models.Model):
    """A score waiting for (or delivered to) a platform line item: the durable grade queue.

    One row per finished attempt, unique per (line item, learner, timestamp): the same event
    recorded twice is stored once, and the AGS timestamp makes a re-post harmless.
    """

    PENDING, SENT, FAILED, SUPERSEDED = 'pending', 'sent', 'failed', 'superseded'

    resource_link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE)
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE)
    lineitem_url = models.URLField(max_length=500)
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    timestamp = models.DateTimeField()
    status = models.CharField(max_length=10, default=PENDING, choices=[
        (PENDING, 'pending'), (SENT, 'sent'), (FAILED, 'failed'), (SUPERSEDED, 'superseded by a newer score')],
        db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['lineitem_url', 'learner', 'timestamp'],
                                               name='lti_grade_once')]
        ordering = ['timestamp']
