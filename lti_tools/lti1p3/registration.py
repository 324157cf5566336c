"""How platforms learn about us: the Dynamic Registration tool configuration, the Canvas
developer-key JSON, and the Dynamic Registration exchange (LTI Dynamic Registration 1.0).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from . import claims as c
from . import safe_http
from .errors import RegistrationError
from .launch import Registration
from xblocks.i18n import _

TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration'
PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration'
TOOL_NAME = _('MAGIX scenario exercises')
TOOL_DESCRIPTION = _('Branching public-sector scenarios on AI, data and digital governance.')
PERSONAL_CLAIMS = ['iss', 'sub', 'name', 'given_name', 'family_name', 'email']


@dataclass(frozen=True)
class ToolUrls:
    """Our endpoints under one public base URL (scheme, host and optional path prefix)."""

    base: str

    def _url(self, path: str) -> str:
        return self.base.rstrip('/') + path

    @property
    def login(self) -> str:
        return self._url('/lti/login/')

    @property
    def launch(self) -> str:
        return self._url('/lti/launch/')

    @property
    def jwks(self) -> str:
        return self._url('/lti/jwks/')

    @property
    def domain(self) -> str:
        return urlsplit(self.base).netloc

    def exercise(self, slug: str) -> str:
        return self._url(f'/lti/launch/{slug}/')


def tool_configuration(urls: ToolUrls, name: str = TOOL_NAME, description: str = TOOL_DESCRIPTION) -> dict:
    """Our client registration (OpenID Connect Dynamic Client Registration + LTI extension)."""
    return {
        'application_type': 'web',
        'response_types': ['id_token'],
        'grant_types': ['implicit', 'client_credentials'],
        'initiate_login_uri': urls.login,
        'redirect_uris': [urls.launch],
        'client_name': name,
        'jwks_uri': urls.jwks,
        'token_endpoint_auth_method': 'private_key_jwt',
        'scope': ' '.join(c.TOOL_SCOPES),
        TOOL_CONFIGURATION: {
            'domain': urls.domain,
            'description': description,
            'target_link_uri': urls.launch,
            'claims': PERSONAL_CLAIMS,
            'messages': [
                {'type': c.DEEP_LINKING_REQUEST, 'target_link_uri': urls.launch, 'label': name,
                 'placements': ['ContentArea', 'link_selection', 'assignment_selection']},
                {'type': c.RESOURCE_LINK_REQUEST, 'target_link_uri': urls.launch},
            ],
        },
    }


def canvas_configuration(urls: ToolUrls, name: str = TOOL_NAME, description: str = TOOL_DESCRIPTION) -> dict:
    """The JSON pasted into a Canvas LTI developer key ("Paste JSON")."""
    placements = [{'placement': placement, 'message_type': c.DEEP_LINKING_REQUEST,
                   'target_link_uri': urls.launch, 'text': name}
                  for placement in ('link_selection', 'assignment_selection')]
    return {
        'title': name,
        'description': description,
        'oidc_initiation_url': urls.login,
        'target_link_uri': urls.launch,
        'public_jwk_url': urls.jwks,
        'scopes': list(c.TOOL_SCOPES),
        'extensions': [{'platform': 'canvas.instructure.com', 'domain': urls.domain, 'privacy_level': 'public',
                        'settings': {'placements': placements}}],
        'custom_fields': {},
    }


@dataclass(frozen=True)
class RegisteredPlatform:
    registration: Registration
    deployment_id: str
    name: str


# Hosted Canvas serves each school's configuration from the school's domain, under one issuer.
CLOUD_ISSUERS = frozenset({'https://canvas.instructure.com', 'https://canvas.beta.instructure.com',
                           'https://canvas.test.instructure.com'})


def register(openid_configuration_url: str, registration_token: str, configuration: dict,
             policy: safe_http.Policy = safe_http.Policy(), trusted_issuers=CLOUD_ISSUERS,
             fetch=safe_http.request_json) -> RegisteredPlatform:
    """Run the Dynamic Registration exchange; the caller stores the platform it returns.

    Every URL we fetch (the configuration URL, the registration endpoint it names) goes through
    ``safe_http`` (https, public addresses only, timeout, size limit); the other endpoints must be
    https too. The issuer must be on the configuration URL's host (or be a known cloud issuer),
    so a page cannot register a platform under someone else's issuer. ``RegistrationError.detail``
    says what went wrong, for the log only.
    """
    bearer = {'Authorization': f'Bearer {registration_token}'} if registration_token else {}
    platform = _json(fetch, 'GET', openid_configuration_url, policy, bearer)
    issuer = platform.get('issuer')
    if not isinstance(issuer, str) or not (
            urlsplit(issuer).netloc == urlsplit(openid_configuration_url).netloc or issuer in trusted_issuers):
        raise RegistrationError(f'issuer {issuer!r} does not match the configuration URL {openid_configuration_url}')
    for required in ('authorization_endpoint', 'token_endpoint', 'jwks_uri', 'registration_endpoint'):
        value = platform.get(required)
        if not isinstance(value, str):
            raise RegistrationError(f'the platform configuration has no {required}')
        try:   # endpoints we will call later (keys, tokens) must not point into our network either
            _scheme, host, port, _target = safe_http.check_url(value, policy)
            safe_http.resolve(host, port, policy)
        except safe_http.UnsafeUrl as error:
            raise RegistrationError(f'{required}: {error}') from None
    answer = _json(fetch, 'POST', platform['registration_endpoint'], policy, bearer, configuration)
    client_id = answer.get('client_id')
    deployment_id = (answer.get(TOOL_CONFIGURATION) or {}).get('deployment_id')
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationError('the platform did not return a client_id')
    if not isinstance(deployment_id, str) or not deployment_id:
        raise RegistrationError('the platform did not return a deployment_id')
    name = (platform.get(PLATFORM_CONFIGURATION) or {}).get('product_family_code') or urlsplit(issuer).netloc
    registration = Registration(
        issuer=issuer, client_id=client_id, keyset_url=platform['jwks_uri'],
        auth_login_url=platform['authorization_endpoint'], auth_token_url=platform['token_endpoint'],
        deployment_ids=frozenset({deployment_id}),
        token_audience=platform.get('authorization_server') or '')
    return RegisteredPlatform(registration=registration, deployment_id=deployment_id, name=str(name)[:200])


def _json(fetch, method: str, url: str, policy, headers: dict, body: dict | None = None) -> dict:
    try:
        return fetch(method, url, policy, headers=headers, body=body)
    except safe_http.UnsafeUrl as error:
        raise RegistrationError(str(error)) from None
