"""The database and cache behind the protocol core: registrations, nonces, our keys, services."""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from lti_tools.lti1p3 import keys as tool_keys, safe_http
from lti_tools.prepared import PreparedQuery
from lti_tools.lti1p3.launch import Registration
from lti_tools.lti1p3.platform_keys import PlatformKeys
from lti_tools.lti1p3.services import ServiceClient

from .models import (Deployment, Learner, LoginState, Participation, Platform, ResourceLink, ToolKey, UsedNonce,
                     key_passphrases, opaque_id)

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
    BY_ISSUER = PreparedQuery(lambda issuer: Platform.objects.filter(issuer=issuer).order_by('pk').values_list(
        *Registrations.FIELDS, 'deployments__deployment_id'), issuer='')
    SAME_ISSUER_AS = PreparedQuery(lambda pk: Platform.objects.filter(
        issuer=Subquery(Platform.objects.filter(pk=pk).values('issuer')[:1])).order_by('pk').values_list(
        *Registrations.FIELDS, 'deployments__deployment_id'), pk=0)

    def __init__(self):
        self._by_issuer: dict[str, list[Registration]] = {}
        self._platforms: dict[tuple[str, str], Platform] = {}
        self._by_pk: dict[int, Platform] = {}

    def __call__(self, issuer: str) -> list[Registration]:
        if issuer not in self._by_issuer:
            self._load(self.BY_ISSUER.rows(issuer=issuer), issuer)
        return self._by_issuer[issuer]

    def of_platform(self, pk: int) -> Platform | None:
        """The platform ``pk``, reading in the same query every registration of its issuer."""
        self._load(self.SAME_ISSUER_AS.rows(pk=pk))
        return self._by_pk.get(pk)

    def platform(self, registration: Registration) -> Platform:
        known = self._platforms.get((registration.issuer, registration.client_id))
        return known if known is not None else platform_for(registration)

    def _load(self, rows, issuer: str | None = None) -> None:
        found: dict[int, tuple[Platform, list[str]]] = {}
        for *values, deployment_id in rows:
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
    if login_states_in_cache():   # SET NX in Redis: one worker wins, as the unique constraint below
        return cache.add(_cache_key('nonce', json.dumps([issuer, nonce])), 1,
                         timeout=max(1, int((expires_at - now).total_seconds())))
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


# --- a launch's writes: one upsert statement each where the database has INSERT ... ON CONFLICT ---------

def on_conflict_returning(database=None) -> bool:
    """PostgreSQL, and SQLite from 3.35: ``INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING``."""
    database = database or connection
    if database.vendor == 'postgresql':
        return True
    if database.vendor == 'sqlite':
        import sqlite3
        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def upsert_learner(issuer: str, deployment_id: str, subject: str, name: str, email: str | None,
                   now: datetime) -> tuple[int, str] | None:
    """Insert the learner or refresh their name (when given), email (when given: ``None`` keeps
    it) and ``last_seen``, in one statement; ``(pk, anonymous_id)``, or None where the database
    cannot (the caller then reads and writes as before)."""
    if not on_conflict_returning():
        return None
    quoted = connection.ops.quote_name
    table = quoted(Learner._meta.db_table)
    seen = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (issuer, deployment_id, subject, anonymous_id, name, email, first_seen, last_seen) '
            f'VALUES (%s, %s, %s, %s, %s, %s, %s, %s) '
            f'ON CONFLICT (issuer, deployment_id, subject) DO UPDATE SET '
            f'name = CASE WHEN excluded.name <> \'\' THEN excluded.name ELSE {table}.name END, '
            f'email = CASE WHEN %s THEN excluded.email ELSE {table}.email END, last_seen = excluded.last_seen '
            f'RETURNING id, anonymous_id',
            [issuer, deployment_id, subject, opaque_id(), name, email or '', seen, seen, email is not None])
        pk, anonymous_id = cursor.fetchone()
    return pk, anonymous_id


def upsert_participation(learner_pk: int, link_pk: int, teaching: bool, now: datetime) -> bool:
    """Record that the learner launched the link now (as instructor or not), in one statement;
    False where the database cannot (the caller then updates or inserts as before)."""
    if not on_conflict_returning():
        return False
    table = connection.ops.quote_name(Participation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (learner_id, resource_link_id, teaching, last_launch) VALUES (%s, %s, %s, %s) '
            f'ON CONFLICT (learner_id, resource_link_id) DO UPDATE SET teaching = excluded.teaching, '
            f'last_launch = excluded.last_launch',
            [learner_pk, link_pk, teaching, connection.ops.adapt_datetimefield_value(now)])
    return True


LINK_FIELDS = tuple(field.attname for field in ResourceLink._meta.concrete_fields)
LINK = PreparedQuery(lambda platform, deployment_id, resource_link_id: ResourceLink.objects.filter(
    platform_id=platform, deployment_id=deployment_id, resource_link_id=resource_link_id).values_list(*LINK_FIELDS),
    platform=0, deployment_id='', resource_link_id='')


def resource_link(platform: Platform, deployment_id: str, resource_link_id: str) -> ResourceLink | None:
    """The link (its ``platform`` set to ``platform``), or None when it was never launched."""
    rows = LINK.rows(platform=platform.pk, deployment_id=deployment_id, resource_link_id=resource_link_id)
    if not rows:
        return None
    link = ResourceLink.from_db('default', LINK_FIELDS, rows[0])
    link.platform = platform
    return link


# --- logins in flight: in the cache when every worker shares it, else in the database ------------------

SHARED_CACHES = ('RedisCache', 'PyMemcacheCache', 'PyLibMCCache', 'DatabaseCache')


def login_states_in_cache() -> bool:
    """Where login states and used nonces live: ``LTI_LOGIN_STATES`` (``'cache'``, ``'database'``)
    or, by default, the cache when every worker shares it (Redis, Memcached, the database cache:
    ``MAGIX_CACHE_URL`` in production), the database otherwise (a local-memory cache is one
    process's own: a login answered by one gunicorn worker would be unknown to the next).

    The cache is as safe as the rows: ``cache.add`` (SET NX) and ``cache.delete`` (DEL, which
    says whether it deleted) are atomic in the shared cache, so one request wins a state or a
    nonce whichever worker serves it. An entry the cache evicts early only refuses that launch
    (the learner starts again); it never lets a token in twice, since each nonce is bound to
    one state and the state is spent before the token is read.
    """
    chosen = getattr(settings, 'LTI_LOGIN_STATES', '')
    if chosen:
        return chosen == 'cache'
    backend = settings.CACHES.get('default', {}).get('BACKEND', '')
    return backend.rsplit('.', 1)[-1] in SHARED_CACHES


def _cache_key(kind: str, value: str) -> str:
    """A fixed-size key of safe characters, whatever the request sent (memcached refuses others)."""
    return f'magix-lti:{kind}:{hashlib.sha256(value.encode()).hexdigest()}'


def remember_login(state: str, nonce: str, platform: Platform, params: dict) -> None:
    """Keep a login in flight until its launch (``consume_login_state``) or ``LOGIN_LIFETIME``."""
    if login_states_in_cache():
        entry = {'nonce': nonce, 'platform': platform.pk, 'params': params, 'created': time.time()}
        if not cache.add(_cache_key('login', state), entry, timeout=int(LOGIN_LIFETIME.total_seconds())):
            raise IntegrityError('login state already in flight')   # 256 random bits: never in practice
        return
    purge_now_and_then()
    LoginState.objects.create(state=state, nonce=nonce, platform=platform, params=params)


def consume_login_state(state: str) -> LoginState | None:
    """Delete the login state ``state`` and return it (None when unknown or already used): in
    the cache, read then ``delete`` (only the request whose delete removed it wins); in the
    database, one statement (``DELETE ... RETURNING``) where the database has it."""
    if login_states_in_cache():
        key = _cache_key('login', state)
        entry = cache.get(key)
        if entry is None or not cache.delete(key):
            return None
        return LoginState(state=state, nonce=entry['nonce'], platform_id=entry['platform'], params=entry['params'],
                          created_at=datetime.fromtimestamp(entry['created'], tz=dt_timezone.utc))
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
    return PlatformKeys(cache, min_refetch_seconds=float(getattr(settings, 'LTI_JWKS_MIN_REFETCH_SECONDS', 5.0)),
                        policy=platform_policy())


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
    return ServiceClient(platform.registration(), signing_key(), cache, policy=platform_policy())


def platform_policy() -> safe_http.Policy:
    """What a platform's URLs may reach: public https addresses, unless this host serves platforms
    in its own network (``LTI_ALLOW_PRIVATE_PLATFORMS``: the demo, an on-premise LMS)."""
    return safe_http.Policy(allow_private=getattr(settings, 'LTI_ALLOW_PRIVATE_PLATFORMS', False))


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
