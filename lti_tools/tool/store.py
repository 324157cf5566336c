"""The database and cache behind the protocol core: registrations, nonces, our keys, services."""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from lti_tools.lti1p3 import keys as tool_keys
from lti_tools.lti1p3.launch import Registration
from lti_tools.lti1p3.platform_keys import PlatformKeys
from lti_tools.lti1p3.services import ServiceClient

from .models import Deployment, LoginState, Platform, ToolKey, UsedNonce, key_passphrases

log = logging.getLogger(__name__)


def key_grace_seconds() -> float:
    return float(getattr(settings, 'LTI_KEY_GRACE_SECONDS', tool_keys.DEFAULT_GRACE_SECONDS))


class Registrations:
    """The registrations of an issuer and their platforms, read in one query (platforms LEFT
    JOIN deployments) for one request: ``registrations(issuer)`` as the protocol core asks, then
    ``platform(registration)`` without another query. Never kept longer, so an administrator's
    change is seen by every worker at once.
    """

    FIELDS = tuple(field.attname for field in Platform._meta.concrete_fields)

    def __init__(self):
        self._by_issuer: dict[str, list[Registration]] = {}
        self._platforms: dict[tuple[str, str], Platform] = {}
        self._by_pk: dict[int, Platform] = {}

    def __call__(self, issuer: str) -> list[Registration]:
        if issuer not in self._by_issuer:
            self._load(Platform.objects.filter(issuer=issuer), issuer)
        return self._by_issuer[issuer]

    def of_platform(self, pk: int) -> Platform | None:
        """The platform ``pk``, reading in the same query every registration of its issuer."""
        same_issuer = Platform.objects.filter(issuer=Subquery(Platform.objects.filter(pk=pk).values('issuer')[:1]))
        self._load(same_issuer)
        return self._by_pk.get(pk)

    def platform(self, registration: Registration) -> Platform:
        known = self._platforms.get((registration.issuer, registration.client_id))
        return known if known is not None else platform_for(registration)

    def _load(self, platforms, issuer: str | None = None) -> None:
        found: dict[int, tuple[Platform, list[str]]] = {}
        for *values, deployment_id in platforms.order_by('pk').values_list(*self.FIELDS, 'deployments__deployment_id'):
            platform, deployments = found.setdefault(values[0], (Platform.from_db('default', self.FIELDS, values), []))
            if deployment_id is not None:
                deployments.append(deployment_id)
        if issuer is not None:
            self._by_issuer[issuer] = []
        for platform, deployments in found.values():
            registration = platform.registration(deployments)
            self._by_issuer.setdefault(platform.issuer, []).append(registration)
            self._platforms[(platform.issuer, platform.client_id)] = self._by_pk[platform.pk] = platform


def registrations(issuer: str) -> list[Registration]:
    return Registrations()(issuer)


def platform_for(registration: Registration) -> Platform:
    return Platform.objects.get(issuer=registration.issuer, client_id=registration.client_id)


LOGIN_LIFETIME = timedelta(minutes=10)
NONCE_KEPT = timedelta(hours=1)   # after the id_token's expiry
PURGE_EVERY_SECONDS = 300
_last_purge = [0.0]
_purge_lock = threading.Lock()


def purge_expired(now=None) -> dict:
    """Delete logins that can no longer complete and nonces whose token has expired, in one
    transaction. Run by the grade worker and ``magix lti init``; requests call ``purge_now_and_then``.
    Expired rows left a while are harmless: a login is refused by its age, a nonce row only
    makes a replay fail (and an expired token is refused anyway)."""
    now = now or timezone.now()
    with transaction.atomic():
        logins = LoginState.objects.filter(created_at__lt=now - LOGIN_LIFETIME).delete()[0]
        nonces = UsedNonce.objects.filter(expires_at__lt=now - NONCE_KEPT).delete()[0]
    return {'logins': logins, 'nonces': nonces}


def purge_now_and_then() -> None:
    """``purge_expired`` at most once per ``PURGE_EVERY_SECONDS`` in this process (not in every request)."""
    moment = time.monotonic()
    with _purge_lock:
        if _last_purge[0] and moment - _last_purge[0] < PURGE_EVERY_SECONDS:
            return
        _last_purge[0] = moment
    purge_expired()


def use_nonce(issuer: str, nonce: str, expires: int) -> bool:
    """Record a nonce; False when any worker has recorded it before (a replay)."""
    now = timezone.now()
    expires_at = max(datetime.fromtimestamp(expires, tz=dt_timezone.utc), now) + NONCE_KEPT
    _found, created = get_or_insert(UsedNonce, lookup={'issuer': issuer, 'nonce': nonce},
                                    defaults={'expires_at': expires_at}, look_first=False)
    return created


def get_or_insert(model, lookup: dict, defaults: dict, look_first: bool = True):
    """``(row, created)`` like ``get_or_create``, without a transaction of its own in autocommit
    (one INSERT is atomic by itself; the unique constraint decides between concurrent workers).
    ``look_first=False``: try the INSERT straight away (a row is expected to be new)."""
    if look_first:
        found = model.objects.filter(**lookup).first()
        if found is not None:
            return found, False
    try:
        if connection.in_atomic_block:   # a failed statement must not break the caller's transaction
            with transaction.atomic():
                return model.objects.create(**lookup, **defaults), True
        return model.objects.create(**lookup, **defaults), True
    except IntegrityError:
        return model.objects.filter(**lookup).first(), False


def consume_login_state(state: str):
    """Delete the login state ``state`` and return it (None when unknown or already used): one
    statement (``DELETE ... RETURNING``) where the database has it, so only one request wins."""
    table = LoginState._meta.db_table
    columns = [field.column for field in LoginState._meta.concrete_fields]
    if _delete_returning():   # through ``raw`` so the returned columns get Python types as in a SELECT
        quoted = connection.ops.quote_name
        returned = list(LoginState.objects.raw(
            f'DELETE FROM {quoted(table)} WHERE {quoted("state")} = %s '
            f'RETURNING {", ".join(quoted(column) for column in columns)}', [state]))
        return returned[0] if returned else None
    found = LoginState.objects.filter(state=state).first()
    if found is None or not LoginState.objects.filter(pk=found.pk).delete()[0]:
        return None
    return found


def _delete_returning() -> bool:
    if connection.vendor == 'postgresql':
        return True
    if connection.vendor == 'sqlite':
        import sqlite3
        return sqlite3.sqlite_version_info >= (3, 35)
    if connection.vendor == 'mysql':
        return bool(connection.mysql_is_mariadb and connection.mysql_version >= (10, 5))
    return False


def platform_keys() -> PlatformKeys:
    return PlatformKeys(cache, min_refetch_seconds=float(getattr(settings, 'LTI_JWKS_MIN_REFETCH_SECONDS', 5.0)))


def signing_key() -> tool_keys.ToolKey:
    """Our active key, created on first use (once, even when several workers ask at once)."""
    current = ToolKey.objects.filter(retired_at__isnull=True).order_by('-created_at').first()
    if current is None:
        current, _created = ensure_signing_key()
    return current.as_key()


def ensure_signing_key() -> tuple[ToolKey, bool]:
    """The active key, created if there is none: ``(key, created)``. Serialised across processes."""
    with transaction.atomic():
        exclusive('magix-lti-keys')
        current = ToolKey.objects.filter(retired_at__isnull=True).order_by('-created_at').first()
        if current is not None:
            return current, False
        return _new_active_key(), True


def rotate_keys() -> ToolKey:
    """A new active key; the previous ones retire and stay published for the grace period."""
    with transaction.atomic():
        exclusive('magix-lti-keys')
        return _new_active_key()


def _new_active_key() -> ToolKey:
    fresh = tool_keys.new_key()
    ToolKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
    return ToolKey.objects.create(kid=fresh.kid, private_pem=tool_keys.seal(fresh.private_pem, key_passphrases()[0]))


def reseal_keys() -> list[str]:
    """Seal again, with the current passphrase, the stored keys only an older one opens; their kids.

    A key that was sealed with the legacy public passphrase was readable by anyone with a
    database dump: it is resealed here, and ``magix lti rotate-keys`` replaces it for good.
    """
    current = key_passphrases()[0]
    resealed = []
    for stored in ToolKey.objects.all():
        if tool_keys.opens(stored.private_pem, current):
            continue
        try:
            plain = tool_keys.unseal(stored.private_pem, key_passphrases())
        except LookupError as error:
            log.error('tool key %s cannot be opened: %s', stored.kid, error)
            continue
        ToolKey.objects.filter(pk=stored.pk).update(private_pem=tool_keys.seal(plain, current))
        resealed.append(stored.kid)
    return resealed


def exclusive(name: str) -> None:
    """Inside a transaction: wait until no other process holds ``name`` (until commit).

    PostgreSQL: a transaction-level advisory lock; SQLite: a write lock on the database
    (one writer at a time anyway); others: nothing more than their transactions give.
    """
    if connection.vendor == 'postgresql':
        with connection.cursor() as cursor:
            cursor.execute('SELECT pg_advisory_xact_lock(%s)', [lock_id(name)])
    elif connection.vendor == 'sqlite':
        with connection.cursor() as cursor:   # takes SQLite's RESERVED lock now, not at the first insert
            cursor.execute('UPDATE lti_tool_toolkey SET kid = kid WHERE 1 = 0')


def lock_id(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], 'big', signed=True)


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
def save_registration(found: Registration, name: str = '', approved: bool = True) -> Platform:
    """Create or update a platform and its deployments (used by the CLI and dynamic registration).

    ``approved``: for a new platform, whether it may frame our pages (an administrator's own
    registration is; a self-registered platform waits). An existing platform keeps its approval.
    """
    platform, _created = Platform.objects.update_or_create(
        issuer=found.issuer, client_id=found.client_id,
        defaults={'name': name, 'auth_login_url': found.auth_login_url, 'auth_token_url': found.auth_token_url,
                  'keyset_url': found.keyset_url, 'token_audience': found.token_audience},
        create_defaults={'name': name, 'auth_login_url': found.auth_login_url, 'auth_token_url': found.auth_token_url,
                         'keyset_url': found.keyset_url, 'token_audience': found.token_audience,
                         'approved': approved})
    for deployment_id in found.deployment_ids:
        Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
    return platform
