"""Deep Linking 2.0 responses: the chosen exercises as ``ltiResourceLink`` items, signed by us."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from . import claims as c
from .keys import ToolKey, sign
from .launch import Launch


@dataclass(frozen=True)
class LinkItem:
    """One exercise to place in the course; ``score_maximum`` set when it is graded."""

    url: str
    title: str
    resource_id: str
    text: str = ''
    score_maximum: float | None = None
    custom: tuple[tuple[str, str], ...] = ()

    def content_item(self) -> dict:
        item = {'type': 'ltiResourceLink', 'url': self.url, 'title': self.title}
        if self.text:
            item['text'] = self.text
        if self.custom:
            item['custom'] = dict(self.custom)
        if self.score_maximum is not None:
            item['lineItem'] = {'scoreMaximum': self.score_maximum, 'label': self.title,
                                'resourceId': self.resource_id}
        return item


def response_claims(request: dict, items: list[LinkItem], message: str = '') -> dict:
    """The claims of an LtiDeepLinkingResponse answering a request's stored essentials.

    ``request`` holds ``issuer``, ``client_id``, ``deployment_id`` and ``settings`` (the
    request's deep_linking_settings), kept from the validated launch.
    """
    settings = request['settings']
    if not settings.get('accept_multiple', True):
        items = items[:1]
    accepted = settings.get('accept_types') or ['ltiResourceLink']
    if 'ltiResourceLink' not in accepted:
        items = []
    claims = {
        'iss': request['client_id'], 'aud': request['issuer'], 'azp': request['client_id'],
        'nonce': secrets.token_urlsafe(16),
        c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE, c.VERSION: c.LTI_VERSION,
        c.DEPLOYMENT_ID: request['deployment_id'],
        c.DL_CONTENT_ITEMS: [item.content_item() for item in items],
    }
    if settings.get('data') is not None:
        claims[c.DL_DATA] = settings['data']
    if message:
        claims[c.DL_MSG] = message
    return claims


def request_essentials(launch: Launch) -> dict:
    """What a deep-linking response needs from its request, small enough to sign into a URL."""
    return {'issuer': launch.issuer, 'client_id': launch.registration.client_id,
            'deployment_id': launch.deployment_id, 'settings': launch.deep_linking_settings}


def signed_response(request: dict, items: list[LinkItem], key: ToolKey, message: str = '') -> str:
    return sign(response_claims(request, items, message), key, lifetime=600)
