"""Our own signing keys: generate, publish as a JWKS, rotate with a grace period, sign.

A key is published from its creation until ``retired_at + grace``: platforms that cached
the previous key can still verify what we signed just before a rotation.
"""
from __future__ import annotations

import functools
import json
import secrets
import time
import uuid
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = 'RS256'
KEY_BITS = 2048
DEFAULT_GRACE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ToolKey:
    kid: str
    private_pem: str
    created_at: float
    retired_at: float | None = None

    @property
    def active(self) -> bool:
        return self.retired_at is None

    def published(self, now: float, grace_seconds: float) -> bool:
        return self.retired_at is None or now < self.retired_at + grace_seconds

    def public_jwk(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key(self.private_pem).public_key()))
        jwk.pop('key_ops', None)  # RFC 7517 4.3: 'use' and 'key_ops' should not both be given
        jwk.update(kid=self.kid, alg=ALGORITHM, use='sig')
        return jwk


def new_key(now: float | None = None) -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return ToolKey(kid=uuid.uuid4().hex, private_pem=pem, created_at=time.time() if now is None else now)


@functools.lru_cache(maxsize=32)
def private_key(private_pem: str) -> rsa.RSAPrivateKey:
    """The loaded key, once per process: loading checks the RSA key (tens of ms each time)."""
    return serialization.load_pem_private_key(private_pem.encode(), password=None)


def seal(private_pem: str, passphrase: bytes) -> str:
    """The key as encrypted PKCS#8, for storage (a database dump alone does not reveal it)."""
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.BestAvailableEncryption(passphrase)).decode()


def unseal(stored_pem: str, passphrases: list[bytes]) -> str:
    """The plain PEM of a stored key, trying each passphrase (current first, then fallbacks)."""
    return _unseal(stored_pem, tuple(passphrases))


@functools.lru_cache(maxsize=32)
def _unseal(stored_pem: str, passphrases: tuple[bytes, ...]) -> str:
    """Decrypting is slow by design (key derivation): once per stored key and process."""
    if 'ENCRYPTED' not in stored_pem.split('\n', 1)[0]:
        return stored_pem
    for passphrase in passphrases:
        try:
            private = serialization.load_pem_private_key(stored_pem.encode(), password=passphrase)
        except ValueError:
            continue
        return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
    raise LookupError('no passphrase opens this stored key (was the secret key changed without a fallback?); '
                      '`magix lti rotate-keys` makes a new one')


def opens(stored_pem: str, passphrase: bytes) -> bool:
    """Does ``passphrase`` open this stored key (a plain one needs none)?"""
    try:
        unseal(stored_pem, [passphrase])
    except LookupError:
        return False
    return True


def jwks(keys: list[ToolKey], now: float, grace_seconds: float = DEFAULT_GRACE_SECONDS) -> dict:
    """The public key set: the active key and retired keys still in their grace period."""
    return {'keys': [key.public_jwk() for key in sorted(keys, key=lambda k: k.created_at, reverse=True)
                     if key.published(now, grace_seconds)]}


def signing_key(keys: list[ToolKey]) -> ToolKey:
    """The newest active key (rotation leaves exactly one active)."""
    active = [key for key in keys if key.active]
    if not active:
        raise LookupError('no active tool key')
    return max(active, key=lambda key: key.created_at)


def sign(claims: dict, key: ToolKey, lifetime: int = 300, now: float | None = None) -> str:
    """A JWT signed RS256 with ``kid`` in the header; ``iat``, ``exp`` and ``jti`` are added."""
    issued = int(time.time() if now is None else now)
    payload = {'iat': issued, 'exp': issued + lifetime, 'jti': secrets.token_urlsafe(16), **claims}
    return jwt.encode(payload, private_key(key.private_pem), algorithm=ALGORITHM, headers={'kid': key.kid})
