"""Signing and verifying issued credentials with the issuer's key (jwcrypto, ES256 or RS256).

* Open Badges 3.0: a VC-JWT (OB 3.0 §8.2): compact JWS, header ``alg``/``kid``/``typ: JWT``,
  the credential itself as the payload plus the registered claims ``iss``, ``jti``, ``sub``,
  ``nbf`` and ``exp`` derived from it.
* ELM v3: a JWS in flattened JSON serialisation with an unencoded payload (RFC 7797,
  ``b64: false``), the layout EDC uses for sealed credentials: the file stays readable JSON
  and any change to the credential text breaks the signature.
"""
from __future__ import annotations

import json
from datetime import datetime

from jwcrypto import jws
from jwcrypto.common import JWException, json_decode

from .keys import IssuerKey

ALLOWED_ALGORITHMS = ['ES256', 'RS256']


class SignatureError(ValueError):
    """The signature is missing, malformed, made with another key, or the content was changed."""


def _seconds(value: str | None) -> int | None:
    if not value:
        return None
    return int(datetime.fromisoformat(value.replace('Z', '+00:00')).timestamp())


def sign_vc_jwt(credential: dict, key: IssuerKey) -> str:
    """The OB 3.0 credential as a compact VC-JWT."""
    issuer = credential['issuer']
    claims = {**credential, 'iss': issuer['id'] if isinstance(issuer, dict) else issuer, 'jti': credential['id'],
              'nbf': _seconds(credential.get('validFrom'))}
    subject_id = credential.get('credentialSubject', {}).get('id')
    if subject_id:
        claims['sub'] = subject_id
    if credential.get('validUntil'):
        claims['exp'] = _seconds(credential['validUntil'])
    token = jws.JWS(json.dumps(claims, ensure_ascii=False, separators=(',', ':')).encode('utf-8'))
    token.add_signature(key.private, None, json.dumps({'alg': key.alg, 'kid': key.kid, 'typ': 'JWT'}))
    return token.serialize(compact=True)


def seal_json(document: dict, key: IssuerKey) -> dict:
    """The document signed as a flattened JWS JSON object with the JSON text as its payload."""
    payload = json.dumps(document, ensure_ascii=False, indent=2)
    token = jws.JWS(payload)
    token.add_signature(key.private, None, json.dumps({'alg': key.alg, 'kid': key.kid, 'b64': False,
                                                       'crit': ['b64'], 'cty': 'application/ld+json'}))
    return json.loads(token.serialize())


def read_token(serialised: str) -> tuple[dict, dict]:
    """Header and payload of a JWS (compact or JSON) *without* checking it (to pick a key)."""
    token = jws.JWS()
    try:
        token.deserialize(serialised)
        header = token.jose_header
        payload = json_decode(token.objects['payload'])
    except (JWException, ValueError, KeyError, TypeError) as error:
        raise SignatureError(f'not a readable JWS ({error})') from None
    if not isinstance(payload, dict):
        raise SignatureError('the signed payload is not a JSON object')
    return header, payload


def verify_token(serialised: str, keys: list) -> tuple[dict, dict]:
    """Header and payload of a JWS signed by one of ``keys`` (matched by ``kid`` when given)."""
    header, _ = read_token(serialised)
    if header.get('alg') not in ALLOWED_ALGORITHMS:
        raise SignatureError(f'algorithm {header.get("alg")!r} is not accepted (only {", ".join(ALLOWED_ALGORITHMS)})')
    candidates = [key for key in keys if not header.get('kid') or key.get('kid') in (None, header['kid'])
                  or key.thumbprint() == header['kid']]
    if not candidates:
        raise SignatureError(f'no key with kid {header.get("kid")!r} was given')
    for key in candidates:
        token = jws.JWS()
        token.deserialize(serialised)
        try:
            token.verify(key, alg=header['alg'])
        except JWException:
            continue
        return header, json_decode(token.payload)
    raise SignatureError('the signature does not match: the credential was changed or signed with another key')
