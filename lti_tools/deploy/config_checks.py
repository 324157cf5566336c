"""What a Tutor configuration of MAGIX lacks, said before anything is rendered or started.

``problems(config)`` lists what stops the deployment (each names the ``MAGIX_*`` value to set and
how); ``warnings(config)`` what works but partner platforms will refuse. Plain Python over the
rendered configuration dict, so the Tutor plugin and the tests share it without importing Tutor.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# The service refuses shorter secret keys (lti_tools.service.settings): say so at `tutor config save`.
MIN_SECRET_LENGTH = 50
DATABASE_SCHEMES = ('postgres', 'postgresql', 'pgsql', 'mysql')
HOST_NAME = re.compile(r'^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$', re.I)
HOW_TO_SET = 'tutor config save --set {name}=...'


def _text(config: dict, name: str) -> str:
    value = config.get(name)
    return '' if value is None else str(value).strip()


def _public_url_problems(config: dict) -> list[str]:
    url, host = _text(config, 'MAGIX_LTI_PUBLIC_URL'), _text(config, 'MAGIX_LTI_HOST')
    found = []
    if not host or not HOST_NAME.match(host):
        found.append(f'MAGIX_LTI_HOST is {host!r}: set the LTI service\'s host name, e.g. '
                     f'{HOW_TO_SET.format(name="MAGIX_LTI_HOST")} (lti.learn.example.org)')
    if not url:
        return [*found, 'MAGIX_LTI_PUBLIC_URL is empty: set the public https URL partner platforms reach the '
                        f'LTI service at, e.g. {HOW_TO_SET.format(name="MAGIX_LTI_PUBLIC_URL")} '
                        '(https://lti.learn.example.org)']
    parts = urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.hostname or parts.query or parts.fragment \
            or parts.path not in ('', '/'):
        found.append(f'MAGIX_LTI_PUBLIC_URL is {url!r}: it must be a base URL such as https://lti.learn.example.org '
                     '(scheme and host, no path or query)')
    elif host and HOST_NAME.match(host) and parts.hostname != host.lower():
        found.append(f'MAGIX_LTI_PUBLIC_URL\'s host {parts.hostname!r} is not MAGIX_LTI_HOST {host!r}: the web proxy '
                     'routes MAGIX_LTI_HOST to the service; set both to the same host')
    return found


def _secret_problems(config: dict) -> list[str]:
    found = []
    secret = _text(config, 'MAGIX_LTI_SECRET_KEY')
    if len(secret) < MIN_SECRET_LENGTH:
        found.append(f'MAGIX_LTI_SECRET_KEY is {"empty" if not secret else "too short"}: it needs at least '
                     f'{MIN_SECRET_LENGTH} random characters; unset it to let Tutor generate one '
                     '(tutor config save --unset MAGIX_LTI_SECRET_KEY)')
    if not _text(config, 'MAGIX_LTI_DATABASE_URL') and not _text(config, 'MAGIX_LTI_MYSQL_PASSWORD'):
        found.append('MAGIX_LTI_MYSQL_PASSWORD is empty: unset it to let Tutor generate one '
                     '(tutor config save --unset MAGIX_LTI_MYSQL_PASSWORD)')
    return found


def _issuer_problems(config: dict) -> list[str]:
    from xblocks.credentials.keys import IssuerKeyError, issuer_key_from_pem

    found = []
    pem = _text(config, 'MAGIX_ISSUER_KEY')
    if not pem:
        found.append('MAGIX_ISSUER_KEY is empty: unset it to let Tutor generate an RSA key '
                     '(tutor config save --unset MAGIX_ISSUER_KEY), or set the PEM private key (EC P-256 or RSA)')
    else:
        try:
            issuer_key_from_pem(pem, 'MAGIX_ISSUER_KEY')
        except IssuerKeyError as error:
            found.append(f'{error} Set a PEM private key (EC P-256 or RSA), or unset it to let Tutor generate one.')
    issuer_id = _text(config, 'MAGIX_ISSUER_ID')
    if issuer_id and not (issuer_id.startswith('urn:') or urlsplit(issuer_id).scheme == 'https'
                          and urlsplit(issuer_id).hostname):
        found.append(f'MAGIX_ISSUER_ID is {issuer_id!r}: the issuer id printed in credentials must be an https URL '
                     'or a urn:; leave it empty to use the pathway issuer\'s homepage')
    return found


def _database_problems(config: dict) -> list[str]:
    url = _text(config, 'MAGIX_LTI_DATABASE_URL')
    if url and urlsplit(url).scheme not in DATABASE_SCHEMES:
        return [f'MAGIX_LTI_DATABASE_URL has the scheme {urlsplit(url).scheme!r}: use a PostgreSQL '
                '(postgres://user:password@host:5432/name) or MySQL (mysql://...) URL, or leave it empty for '
                'Tutor\'s MySQL']
    return []


def _count_problems(config: dict) -> list[str]:
    found = []
    for name in ('MAGIX_LTI_REPLICAS', 'MAGIX_LTI_WORKERS', 'MAGIX_LTI_GRADE_WORKER_REPLICAS',
                 'MAGIX_LTI_GRADE_INTERVAL'):
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            found.append(f'{name} is {value!r}: a whole number, 1 or more ({HOW_TO_SET.format(name=name)})')
    return found


def problems(config: dict) -> list[str]:
    """What must be fixed before the plugin can render a working deployment."""
    return [*_public_url_problems(config), *_secret_problems(config), *_issuer_problems(config),
            *_database_problems(config), *_count_problems(config)]


def warnings(config: dict) -> list[str]:
    """What renders and runs, but partner platforms or browsers will refuse."""
    url = _text(config, 'MAGIX_LTI_PUBLIC_URL')
    if urlsplit(url).scheme == 'http':
        return [f'MAGIX_LTI_PUBLIC_URL is {url}: LTI 1.3 platforms (and browsers, for cookies in their frames) '
                'need https; enable ENABLE_HTTPS before registering the tool with a platform']
    return []
