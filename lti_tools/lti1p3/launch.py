"""Validate an LTI 1.3 id_token as the IMS Security Framework (5.1.3) and LTI Core ask.

Order: the header (RS256, a ``kid``), the issuer and audience against our registrations, the
signature with the platform's key, then time, nonce and the LTI claims. Every refusal says
which rule was broken (``detail``) so a platform administrator can fix their side.

The token is decoded once: its header and claims are read (to find the registration and the
key), the signature over exactly those bytes is checked with PyJWT's RS256 algorithm, and the
claims already read are then validated (RFC 7519 ``exp``/``nbf``, ``iss``, ``aud``, then LTI's).
"""
from __future__ import annotations

import binascii
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_decode

from . import claims as c
from .errors import InvalidLaunch, ReplayedLaunch, UnknownPlatform
from .platform_keys import PlatformKeys
from .roles import Roles

LEEWAY_SECONDS = 60
MAX_AGE_SECONDS = 3600


@dataclass(frozen=True)
class Registration:
    """One (issuer, client_id) pair we trust, with the platform's endpoints."""

    issuer: str
    client_id: str
    keyset_url: str
    auth_login_url: str
    auth_token_url: str = ''
    deployment_ids: frozenset[str] = frozenset()
    token_audience: str = ''  # 'aud' of our client assertions; the token URL when empty

    @property
    def assertion_audience(self) -> str:
        return self.token_audience or self.auth_token_url


@dataclass(frozen=True)
class Launch:
    """A validated launch message: the claims plus what the tool asks of them."""

    registration: Registration
    claims: dict = field(repr=False)

    def claim(self, name, default=None):
        value = self.claims.get(name, default)
        return value if value is not None else default

    @property
    def issuer(self) -> str:
        return self.claims['iss']

    @property
    def subject(self) -> str:
        return self.claims['sub']

    @property
    def deployment_id(self) -> str:
        return self.claims[c.DEPLOYMENT_ID]

    @property
    def message_type(self) -> str:
        return self.claims[c.MESSAGE_TYPE]

    @property
    def roles(self) -> Roles:
        return Roles(self.claims[c.ROLES])

    @property
    def resource_link(self) -> dict:
        return self.claim(c.RESOURCE_LINK, {})

    @property
    def context(self) -> dict:
        return self.claim(c.CONTEXT, {})

    @property
    def custom(self) -> dict:
        return self.claim(c.CUSTOM, {})

    @property
    def locale(self) -> str:
        return str(self.claim(c.LAUNCH_PRESENTATION, {}).get('locale') or '')

    @property
    def target_link_uri(self) -> str:
        return self.claims[c.TARGET_LINK_URI]

    @property
    def ags(self) -> dict:
        return self.claim(c.AGS_ENDPOINT, {})

    @property
    def nrps_url(self) -> str:
        return str(self.claim(c.NRPS, {}).get('context_memberships_url') or '')

    @property
    def deep_linking_settings(self) -> dict:
        return self.claim(c.DL_SETTINGS, {})

    @property
    def person(self) -> dict:
        """Personal data the platform chose to share (any of it may be absent)."""
        return {key: str(self.claims[key]) for key in ('name', 'given_name', 'family_name', 'email')
                if isinstance(self.claims.get(key), str)}


def validate_id_token(token: str, *, registrations: Callable[[str], list[Registration]],
                      keys: PlatformKeys, expected_nonce: str,
                      use_nonce: Callable[[str, str, int], bool], login_target_link_uri: str = '',
                      now: float | None = None) -> Launch:
    """Check ``token`` and return the launch; raise an ``LtiError`` saying why it is refused.

    ``registrations(issuer)`` lists what we registered for an issuer; ``use_nonce(issuer, nonce,
    exp)`` records a nonce and answers False if it was already used (single use everywhere);
    ``login_target_link_uri``, when given, must equal the token's (LTI Core 5.1.1, 5.3.5).
    """
    now = time.time() if now is None else now
    header, unverified, signing_input, signature = decode_jwt(token)
    if header.get('alg') != 'RS256':
        raise InvalidLaunch(f'the id_token must be signed with RS256, not {header.get("alg")!r}')
    if not header.get('kid'):
        raise InvalidLaunch('the id_token header has no kid')
    registration = _registration_for(unverified, registrations)
    key = keys.key_for(registration.keyset_url, header['kid'])
    if not RS256.verify(signing_input, key, signature):
        raise InvalidLaunch('the id_token was refused: Signature verification failed')
    verified = unverified  # the signature covers exactly the bytes these claims were read from
    _check_registered_claims(verified, registration, now)
    _check_times(verified, now)
    _check_nonce(verified, expected_nonce, use_nonce)
    _check_lti_claims(verified, registration)
    if login_target_link_uri and verified[c.TARGET_LINK_URI] != login_target_link_uri:
        raise InvalidLaunch(f'target_link_uri {verified[c.TARGET_LINK_URI]!r} is not the one of the login request '
                            f'({login_target_link_uri!r})')
    return Launch(registration=registration, claims=verified)


RS256 = RSAAlgorithm(RSAAlgorithm.SHA256)
REQUIRED_CLAIMS = ('iss', 'aud', 'exp', 'iat', 'nonce')


def decode_jwt(token) -> tuple[dict, dict, bytes, bytes]:
    """``(header, claims, signing input, signature)`` of a compact JWS, read once, not yet verified."""
    try:
        if isinstance(token, str):
            token = token.encode('ascii')
        signing_input, signature_segment = token.rsplit(b'.', 1)
        header_segment, claims_segment = signing_input.split(b'.', 1)
        header = json.loads(base64url_decode(header_segment))
        claims = json.loads(base64url_decode(claims_segment))
        signature = base64url_decode(signature_segment)
    except (ValueError, TypeError, binascii.Error, UnicodeError) as error:
        raise InvalidLaunch(f'the id_token is not a JWT: {error}') from error
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidLaunch('the id_token is not a JWT: its header and payload must be JSON objects')
    return header, claims, signing_input, signature


def _check_registered_claims(claims: dict, registration: Registration, now: float):
    """RFC 7519's rules PyJWT's ``decode`` applies, on the claims read once (``exp`` and ``nbf`` with leeway)."""
    missing = [name for name in REQUIRED_CLAIMS if name not in claims]
    if missing:
        raise InvalidLaunch(f'the id_token was refused: Token is missing the "{missing[0]}" claim')
    for name in ('exp', 'nbf'):
        if name in claims and (not isinstance(claims[name], (int, float)) or isinstance(claims[name], bool)):
            raise InvalidLaunch(f'the id_token was refused: the {name} claim must be a number')
    if claims['exp'] <= now - LEEWAY_SECONDS:
        raise InvalidLaunch('the id_token was refused: Signature has expired')
    if 'nbf' in claims and claims['nbf'] > now + LEEWAY_SECONDS:
        raise InvalidLaunch('the id_token was refused: The token is not yet valid (nbf)')
    if claims['iss'] != registration.issuer:
        raise InvalidLaunch('the id_token was refused: Invalid issuer')
    audiences = [claims['aud']] if isinstance(claims['aud'], str) else claims['aud']
    if registration.client_id not in audiences:
        raise InvalidLaunch('the id_token was refused: Audience doesn\'t match')


def _registration_for(unverified: dict, registrations) -> Registration:
    issuer = unverified.get('iss')
    if not isinstance(issuer, str) or not issuer:
        raise InvalidLaunch('the id_token has no iss claim')
    known = registrations(issuer)
    if not known:
        raise UnknownPlatform(f'issuer {issuer!r} is not registered')
    audience = unverified.get('aud')
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or not audiences or not all(isinstance(a, str) for a in audiences):
        raise InvalidLaunch('the id_token has no valid aud claim')
    ours = [registration for registration in known if registration.client_id in audiences]
    if not ours:
        raise InvalidLaunch(f'aud {audiences!r} does not contain our client id')
    azp = unverified.get('azp')
    registration = next((registration for registration in ours if registration.client_id == azp), ours[0])
    trusted = {registration.client_id for registration in known}
    untrusted = [entry for entry in audiences if entry not in trusted]
    if untrusted:
        raise InvalidLaunch(f'aud contains audiences we do not trust: {untrusted!r}')
    if len(audiences) > 1 and azp is None:
        raise InvalidLaunch('aud lists several audiences but azp is missing')
    if azp is not None and azp != registration.client_id:
        raise InvalidLaunch(f'azp {azp!r} is not our client id')
    return registration


def _check_times(verified: dict, now: float):
    iat = verified['iat']
    if not isinstance(iat, (int, float)) or isinstance(iat, bool):
        raise InvalidLaunch('iat is not a number')
    if iat > now + LEEWAY_SECONDS:
        raise InvalidLaunch('iat is in the future')
    if iat < now - MAX_AGE_SECONDS:
        raise InvalidLaunch('iat is too old')


def _check_nonce(verified: dict, expected_nonce: str, use_nonce):
    nonce = verified['nonce']
    if not isinstance(nonce, str) or not nonce:
        raise InvalidLaunch('the nonce claim is empty')
    if nonce != expected_nonce:
        raise InvalidLaunch('the nonce does not match the one issued at login')
    if not use_nonce(verified['iss'], nonce, int(verified['exp'])):
        raise ReplayedLaunch(f'nonce {nonce!r} was already used')


def _require_string(verified: dict, name: str, label: str) -> str:
    value = verified.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidLaunch(f'the {label} claim is missing or empty')
    return value


def _check_lti_claims(verified: dict, registration: Registration):
    if verified.get(c.VERSION) != c.LTI_VERSION:
        raise InvalidLaunch(f'LTI version {verified.get(c.VERSION)!r} is not {c.LTI_VERSION}')
    message_type = verified.get(c.MESSAGE_TYPE)
    if message_type not in c.MESSAGE_TYPES:
        raise InvalidLaunch(f'message type {message_type!r} is not supported')
    deployment_id = _require_string(verified, c.DEPLOYMENT_ID, 'deployment_id')
    if deployment_id not in registration.deployment_ids:
        raise UnknownPlatform(f'deployment {deployment_id!r} of {registration.issuer!r} is not registered')
    _require_string(verified, 'sub', 'sub')
    if not isinstance(verified.get(c.ROLES), list):
        raise InvalidLaunch('the roles claim is missing')
    _require_string(verified, c.TARGET_LINK_URI, 'target_link_uri')
    if message_type == c.RESOURCE_LINK_REQUEST:
        link = verified.get(c.RESOURCE_LINK)
        if not isinstance(link, dict) or not isinstance(link.get('id'), str) or not link['id']:
            raise InvalidLaunch('the resource_link claim has no id')
    else:
        settings = verified.get(c.DL_SETTINGS)
        if not isinstance(settings, dict) or not settings.get('deep_link_return_url'):
            raise InvalidLaunch('the deep_linking_settings claim has no deep_link_return_url')
