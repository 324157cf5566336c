"""Third-party initiated login (OIDC, IMS Security Framework 5.1.1): answer with an auth request.

The platform sends ``iss``, ``login_hint``, ``target_link_uri`` (and optionally
``lti_message_hint``, ``client_id``, ``lti_deployment_id``); we pick the registration, mint a
``state`` (bound to the browser by a cookie) and a ``nonce`` (bound to the state), and redirect
the browser to the platform's authorisation endpoint.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit, parse_qsl

from .errors import InvalidLaunch, UnknownPlatform
from .launch import Registration

LOGIN_PARAMETERS = ('iss', 'login_hint', 'target_link_uri', 'lti_message_hint', 'client_id', 'lti_deployment_id')


@dataclass(frozen=True)
class LoginRequest:
    registration: Registration
    params: dict  # the platform's login parameters, kept to restart the login in a new window
    state: str
    nonce: str
    redirect_url: str


def start_login(params: dict, *, registrations: Callable[[str], list[Registration]],
                redirect_uri: str) -> LoginRequest:
    """Check the login initiation parameters and build the authentication request."""
    params = {name: str(params[name]) for name in LOGIN_PARAMETERS if params.get(name)}
    for required in ('iss', 'login_hint', 'target_link_uri'):
        if not params.get(required):
            raise InvalidLaunch(f'the login request has no {required}')
    known = registrations(params['iss'])
    if 'client_id' in params:
        known = [registration for registration in known if registration.client_id == params['client_id']]
    if not known:
        raise UnknownPlatform(f'issuer {params["iss"]!r} (client id {params.get("client_id")!r}) is not registered')
    if len(known) > 1:
        raise InvalidLaunch(f'issuer {params["iss"]!r} has several client ids; the login request must name one')
    registration = known[0]
    if 'lti_deployment_id' in params and params['lti_deployment_id'] not in registration.deployment_ids:
        raise UnknownPlatform(f'deployment {params["lti_deployment_id"]!r} is not registered')
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    query = {
        'scope': 'openid', 'response_type': 'id_token', 'response_mode': 'form_post', 'prompt': 'none',
        'client_id': registration.client_id, 'redirect_uri': redirect_uri, 'login_hint': params['login_hint'],
        'state': state, 'nonce': nonce,
    }
    if 'lti_message_hint' in params:
        query['lti_message_hint'] = params['lti_message_hint']
    return LoginRequest(registration=registration, params=params, state=state, nonce=nonce,
                        redirect_url=add_query(registration.auth_login_url, query))


def add_query(url: str, extra: dict) -> str:
    """``url`` with ``extra`` appended to its query string (keeping what is there)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(extra.items())
    return urlunsplit(parts._replace(query=urlencode(query)))
