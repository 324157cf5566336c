"""The two downloadable files of an award, signed with the issuer key."""
from __future__ import annotations

import json

from .award import Award
from .elm import build_european_credential
from .keys import IssuerKey
from .openbadges import build_achievement_credential
from .signing import seal_json, sign_vc_jwt

FORMATS = {
    # format -> (file suffix, content type)
    'openbadge': ('.ob3.jwt', 'application/vc+jwt'),
    'europass': ('.edc.json', 'application/json'),
}


def signed_file(award: Award, key: IssuerKey, kind: str) -> tuple[str, str, bytes]:
    """``(file name, content type, bytes)`` of the award as ``openbadge`` or ``europass``."""
    suffix, content_type = FORMATS[kind]
    if kind == 'openbadge':
        body = sign_vc_jwt(build_achievement_credential(award), key).encode('ascii')
    else:
        body = json.dumps(seal_json(build_european_credential(award), key), ensure_ascii=False,
                          indent=2).encode('utf-8')
    return f'{award.credential.id}{suffix}', content_type, body
