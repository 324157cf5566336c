"""id_token validation (``lti1p3.launch.validate_id_token``) against PyJWT's decode + verify alone.

Same token (an LTI resource link launch as a platform sends it), same RSA key; PyJWT is given
the public key object already loaded, ours finds it through ``PlatformKeys`` (a warm in-process
cache, as after the first launch) and its registration through an in-memory lookup, so the row
compares the protocol core, not a database. Run: ``python -m bench.id_token [--repeat 2000]``.
"""
from __future__ import annotations

import argparse
import json
import time
import uuid

from .timing import Row, interleaved, print_table

ISSUER, CLIENT_ID, DEPLOYMENT = 'https://platform.example.org', 'magix-tool', 'deployment-1'
KEYSET_URL = 'https://platform.example.org/.well-known/jwks.json'


class MemoryCache(dict):
    """What ``PlatformKeys`` needs of a cache (Django's, in production)."""

    def set(self, key, value, timeout=None):
        self[key] = value


def launch_claims(nonce: str) -> dict:
    now = int(time.time())
    prefix = 'https://purl.imsglobal.org/spec/lti/claim/'
    return {
        'iss': ISSUER, 'aud': CLIENT_ID, 'sub': 'learner-42', 'iat': now, 'exp': now + 300, 'nonce': nonce,
        'name': 'Ana Example', 'given_name': 'Ana', 'family_name': 'Example', 'email': 'ana@example.org',
        prefix + 'message_type': 'LtiResourceLinkRequest', prefix + 'version': '1.3.0',
        prefix + 'deployment_id': DEPLOYMENT, prefix + 'target_link_uri': 'https://tool.example.org/lti/launch/',
        prefix + 'resource_link': {'id': 'link-1', 'title': 'Automated eligibility decisions'},
        prefix + 'roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
        prefix + 'context': {'id': 'course-1', 'label': 'AIGOV101', 'title': 'AI and data governance'},
        prefix + 'launch_presentation': {'locale': 'fr', 'document_target': 'iframe'},
        prefix + 'custom': {'scenario': 'eligibility'},
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
            'scope': ['https://purl.imsglobal.org/spec/lti-ags/scope/score'],
            'lineitem': 'https://platform.example.org/ags/lineitems/1'},
    }


def measure(repeat: int) -> list[Row]:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    from lti_tools.lti1p3.launch import Registration, validate_id_token
    from lti_tools.lti1p3.platform_keys import PlatformKeys

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key()
    kid = uuid.uuid4().hex
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
    jwk.update(kid=kid, alg='RS256', use='sig')
    cache = MemoryCache()
    cache[PlatformKeys._cache_key(KEYSET_URL)] = {'keys': [jwk], 'fetched_at': time.time()}
    keys = PlatformKeys(cache)
    registration = Registration(ISSUER, CLIENT_ID, KEYSET_URL, 'https://platform.example.org/auth',
                                deployment_ids=frozenset({DEPLOYMENT}))
    claims = launch_claims('nonce-1')
    token = jwt.encode(claims, private, algorithm='RS256', headers={'kid': kid})

    def ours():
        return validate_id_token(token, registrations=lambda issuer: [registration], keys=keys,
                                 expected_nonce='nonce-1', use_nonce=lambda *_: True)

    def peer():
        return jwt.decode(token, public, algorithms=['RS256'], audience=CLIENT_ID, issuer=ISSUER, leeway=60)

    assert ours().claims == peer()
    times = interleaved({'ours': ours, 'peer': peer}, repeat, warmup=20)
    return [Row('id_token validation (LTI launch token)', times['ours'] * 1e6, times['peer'] * 1e6, 'µs',
                f'PyJWT {jwt.__version__} decode + verify', '<= 1.5')]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench.id_token', description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=2000)
    print_table(measure(parser.parse_args(argv).repeat))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
