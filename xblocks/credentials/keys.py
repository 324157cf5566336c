"""Issuer keys: loaded from a PEM file the deployment configures; the demo creates its own.

A deployment sets ``MAGIX_ISSUER_KEY`` (Django setting or environment) to the path of a PEM
private key, or (Tutor) puts the PEM text itself in ``XBLOCK_SETTINGS``; either is a private key (EC P-256 for ES256, or RSA for RS256). The demo host generates an EC key at first
run under ``var/`` (never committed). The key id (``kid``) is the RFC 7638 JWK thumbprint, so
verifiers can pick the key from the issuer's JWKS.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from jwcrypto import jwk


class IssuerKeyError(ValueError):
    """A key file that cannot be used; the message says which file and why."""


@dataclass(frozen=True)
class IssuerKey:
    private: jwk.JWK

    @property
    def kid(self) -> str:
        return self.private.thumbprint()

    @property
    def alg(self) -> str:
        return 'RS256' if self.private.get('kty') == 'RSA' else 'ES256'

    def public_jwk(self) -> dict:
        found = json.loads(self.private.export_public())
        found.update(kid=self.kid, alg=self.alg, use='sig')
        return found

    def jwks(self) -> dict:
        return {'keys': [self.public_jwk()]}


def _from_pem(data: bytes, source: str) -> jwk.JWK:
    try:
        key = jwk.JWK.from_pem(data)
    except (ValueError, TypeError) as error:
        raise IssuerKeyError(f'{source}: not a PEM key ({error}).') from None
    if key.get('kty') == 'EC' and key.get('crv') != 'P-256':
        raise IssuerKeyError(f'{source}: EC keys must use the P-256 curve (ES256).')
    if key.get('kty') not in ('EC', 'RSA'):
        raise IssuerKeyError(f'{source}: only EC P-256 and RSA keys are supported.')
    return key


def load_issuer_key(path: str | os.PathLike) -> IssuerKey:
    """The private signing key from a PEM file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IssuerKeyError(f'{path}: cannot read the issuer key ({error.strerror}).') from None
    return issuer_key_from_pem(data, str(path))


def issuer_key_from_pem(data: str | bytes, source: str) -> IssuerKey:
    """The private signing key from PEM text (a deployment that keeps it in its settings, as Tutor does)."""
    key = _from_pem(data.encode() if isinstance(data, str) else data, source)
    if not key.has_private:
        raise IssuerKeyError(f'{source}: this is a public key; signing needs the private key.')
    return IssuerKey(key)


def generate_issuer_key(path: str | os.PathLike) -> IssuerKey:
    """Create an EC P-256 key at ``path`` (mode 0600) and return it; refuses to overwrite."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = jwk.JWK.generate(kty='EC', crv='P-256')
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, 'wb') as handle:
        handle.write(key.export_to_pem(private_key=True, password=None))
    return IssuerKey(key)


def load_or_create_issuer_key(path: str | os.PathLike) -> IssuerKey:
    """The demo's key: loaded if present, generated on first use."""
    try:
        return generate_issuer_key(path)
    except FileExistsError:
        return load_issuer_key(path)


def load_verification_keys(key_path: str | os.PathLike | None = None,
                           jwks_path: str | os.PathLike | None = None) -> list[jwk.JWK]:
    """Public keys to verify with: a PEM file (public or private) and/or a JWKS JSON file."""
    keys = []
    if key_path:
        try:
            keys.append(_from_pem(Path(key_path).read_bytes(), str(key_path)))
        except OSError as error:
            raise IssuerKeyError(f'{key_path}: cannot read the key ({error.strerror}).') from None
    if jwks_path:
        try:
            keyset = jwk.JWKSet.from_json(Path(jwks_path).read_text(encoding='utf-8'))
        except OSError as error:
            raise IssuerKeyError(f'{jwks_path}: cannot read the key set ({error.strerror}).') from None
        except (ValueError, TypeError, jwk.InvalidJWKValue) as error:
            raise IssuerKeyError(f'{jwks_path}: not a JWKS ({error}).') from None
        keys.extend(keyset['keys'])
    return [jwk.JWK(**json.loads(key.export_public())) for key in keys]
