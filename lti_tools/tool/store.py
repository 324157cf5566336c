"""The database and cache behind the protocol core: registrations, nonces, our keys, services."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from lti_tools.lti1p3 import keys as tool_keys
from lti_tools.lti1p3.launch import Registration
from lti_tools.lti1p3.platform_keys import PlatformKeys
from lti_tools.lti1p3.services import ServiceClient

from .models import Deployment, Platform, ToolKey, UsedNonce, key_passphrases

log = logging.getLogger(__name__)


def key_grace_seconds() -> float:
    return float(getattr(settings, 'LTI_KEY_GRACE_SECONDS', tool_keys.DEFAULT_GRACE_SECONDS))


def registrations(issuer: str) -> list[Registration]:
    return [platform.registration() for platform in Platform.objects.filter(issuer=issuer).prefetch_related('deployments')]


def platform_for(registration: Registration) -> Platform:
    return Platform.objects.get(issuer=registration.issuer, client_id=registration.client_id)


def use_nonce(issuer: str, nonce: str, expires: int) -> bool:
    """Record a nonce; False when any worker has recorded it before (a replay)."""
    now = timezone.now()
    UsedNonce.objects.filter(expires_at__lt=now - timedelta(hours=1)).delete()
    expires_at = max(datetime.fromtimestamp(expires, tz=dt_timezone.utc), now) + timedelta(hours=1)
    try:
        with transaction.atomic():
            UsedNonce.objects.create(issuer=issuer, nonce=nonce, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


def platform_keys() -> PlatformKeys:
    return PlatformKeys(cache, min_refetch_seconds=float(getattr(settings, 'LTI_JWKS_MIN_REFETCH_SECONDS', 5.0)))


def signing_key() -> tool_keys.ToolKey:
    """Our active key, created on first use."""
    current = ToolKey.objects.filter(retired_at__isnull=True).order_by('-created_at').first()
    if current is None:
        return rotate_keys().as_key()
    return current.as_key()


def rotate_keys() -> ToolKey:
    """A new active key; the previous ones retire and stay published for the grace period."""
    fresh = tool_keys.new_key()
    with transaction.atomic():
        ToolKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        return ToolKey.objects.create(kid=fresh.kid, private_pem=tool_keys.seal(fresh.private_pem, key_passphrases()[0]))


def public_jwks() -> dict:
    """Our published key set; a stored key that can no longer be opened is left out (and logged)."""
    signing_key()
    readable = []
    for stored in ToolKey.objects.all():
        try:
            readable.append(stored.as_key())
        except LookupError as error:
            log.error('tool key %s not published: %s', stored.kid, error)
    return tool_keys.jwks(readable, timezone.now().timestamp(), key_grace_seconds())


def service_client(platform: Platform) -> ServiceClient:
    return ServiceClient(platform.registration(), signing_key(), cache)


@transaction.atomic
def save_registration(found: Registration, name: str = '') -> Platform:
    """Create or update a platform and its deployments (used by the CLI and dynamic registration)."""
    platform, _created = Platform.objects.update_or_create(
        issuer=found.issuer, client_id=found.client_id,
        defaults={'name': name, 'auth_login_url': found.auth_login_url, 'auth_token_url': found.auth_token_url,
                  'keyset_url': found.keyset_url, 'token_audience': found.token_audience})
    for deployment_id in found.deployment_ids:
        Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
    return platform
