"""LTI Advantage services: OAuth 2 client-credentials tokens, AGS scores and NRPS rosters.

Tokens (IMS Security Framework 4.1) are requested with a JWT client assertion signed by our
key, and cached (in a shared cache) until shortly before they expire. A 401 from a service
drops the cached token and retries once with a fresh one.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

import requests

from . import claims as c
from . import safe_http
from .errors import PlatformUnavailable
from .keys import ToolKey, sign
from .launch import Registration
from .oidc import add_query

HTTP_TIMEOUT = 15
EXPIRY_MARGIN_SECONDS = 60
SCORE_MEDIA_TYPE = 'application/vnd.ims.lis.v1.score+json'
LINEITEM_MEDIA_TYPE = 'application/vnd.ims.lis.v2.lineitem+json'
LINEITEMS_MEDIA_TYPE = 'application/vnd.ims.lis.v2.lineitemcontainer+json'
MEMBERSHIP_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json'
ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


class ServiceClient:
    """Calls a platform's services for one registration, signing with ``key``."""

    def __init__(self, registration: Registration, key: ToolKey, cache, session: requests.Session | None = None,
                 policy: safe_http.Policy = safe_http.Policy()):
        self.registration, self.key, self.cache = registration, key, cache
        self.http = session or safe_http.PlatformSession(policy)

    # --- tokens -----------------------------------------------------------------------------------

    def _token_cache_key(self, scopes) -> str:
        digest = hashlib.sha256('\n'.join([self.registration.issuer, self.registration.client_id,
                                           *sorted(scopes)]).encode()).hexdigest()
        return f'magix-lti-token:{digest}'

    def access_token(self, scopes) -> str:
        cached = self.cache.get(self._token_cache_key(scopes))
        if cached:
            return cached
        if not self.registration.auth_token_url:
            raise PlatformUnavailable('the platform has no token URL registered')
        assertion = sign({'iss': self.registration.client_id, 'sub': self.registration.client_id,
                          'aud': self.registration.assertion_audience}, self.key)
        try:
            response = self.http.post(self.registration.auth_token_url, timeout=HTTP_TIMEOUT, data={
                'grant_type': 'client_credentials', 'client_assertion_type': ASSERTION_TYPE,
                'client_assertion': assertion, 'scope': ' '.join(scopes)})
            response.raise_for_status()
            body = response.json()
            token, lifetime = body['access_token'], int(body.get('expires_in', 3600))
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            raise safe_http.unavailable(f'no access token from {self.registration.auth_token_url}', error) from error
        self.cache.set(self._token_cache_key(scopes), token, max(lifetime - EXPIRY_MARGIN_SECONDS, 1))
        return token

    def _call(self, method: str, url: str, scopes, **kwargs) -> requests.Response:
        for attempt in (1, 2):
            headers = {**kwargs.pop('headers', {}), 'Authorization': f'Bearer {self.access_token(scopes)}'}
            try:
                response = self.http.request(method, url, headers=headers, timeout=HTTP_TIMEOUT, **kwargs)
            except requests.RequestException as error:
                raise safe_http.unavailable(f'{method} {url} failed', error) from error
            if response.status_code == 401 and attempt == 1:
                self.cache.delete(self._token_cache_key(scopes))
                kwargs['headers'] = headers
                continue
            if response.status_code >= 300:
                raise PlatformUnavailable(f'{method} {url} answered {response.status_code}: {response.text[:300]}')
            return response

    # --- Assignment and Grade Services --------------------------------------------------------------

    def post_score(self, lineitem_url: str, score: dict) -> None:
        """POST a score to ``{lineitem}/scores`` (AGS 2.0, 3.4)."""
        self._call('POST', scores_url(lineitem_url), [c.SCOPE_SCORE], json=score,
                   headers={'Content-Type': SCORE_MEDIA_TYPE})

    def find_or_create_lineitem(self, lineitems_url: str, scopes, *, resource_link_id: str, resource_id: str,
                                label: str, score_maximum: float) -> str:
        """The line item of a resource link the platform did not name in the launch (AGS 2.0, 3.2).

        Looks it up by ``resource_link_id``; creates it when the platform granted the lineitem scope.
        """
        query = add_query(lineitems_url, {'resource_link_id': resource_link_id})
        read_scope = [c.SCOPE_LINEITEM if c.SCOPE_LINEITEM in scopes else c.SCOPE_LINEITEM_READONLY]
        found = self._call('GET', query, read_scope, headers={'Accept': LINEITEMS_MEDIA_TYPE})
        try:
            items = [item for item in found.json() if isinstance(item, dict) and item.get('id')]
        except (ValueError, TypeError) as error:
            raise PlatformUnavailable(f'the line items from {query} are not JSON: {error}') from error
        if items:
            return str(items[0]['id'])
        if c.SCOPE_LINEITEM not in scopes:
            raise PlatformUnavailable('no line item for this link, and no permission to create one')
        created = self._call('POST', lineitems_url, [c.SCOPE_LINEITEM], headers={
            'Content-Type': LINEITEM_MEDIA_TYPE, 'Accept': LINEITEM_MEDIA_TYPE}, json={
            'scoreMaximum': score_maximum, 'label': label, 'resourceId': resource_id,
            'resourceLinkId': resource_link_id})
        try:
            return str(created.json()['id'])
        except (ValueError, KeyError, TypeError) as error:
            raise PlatformUnavailable(f'the platform did not return the new line item: {error}') from error

    # --- Names and Role Provisioning Services --------------------------------------------------------

    def members(self, memberships_url: str, limit_pages: int = 50) -> list[dict]:
        """Every member of the context, following ``Link: rel="next"`` pages."""
        found, url = [], memberships_url
        for _ in range(limit_pages):
            response = self._call('GET', url, [c.SCOPE_NRPS], headers={'Accept': MEMBERSHIP_MEDIA_TYPE})
            try:
                found += [member for member in response.json().get('members', []) if isinstance(member, dict)]
            except (ValueError, AttributeError) as error:
                raise PlatformUnavailable(f'the roster from {url} is not JSON: {error}') from error
            url = response.links.get('next', {}).get('url')
            if not url:
                break
        return found


def scores_url(lineitem_url: str) -> str:
    """The score service of a line item: its path plus ``/scores``, query string kept."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip('/') + '/scores'))


def score(user_id: str, given: float, maximum: float, timestamp: datetime, comment: str = '') -> dict:
    """An AGS score for a finished attempt (the timestamp makes re-posts idempotent at the platform)."""
    payload = {
        'userId': user_id, 'scoreGiven': given, 'scoreMaximum': maximum,
        'activityProgress': 'Completed', 'gradingProgress': 'FullyGraded',
        'timestamp': timestamp.astimezone(timezone.utc).isoformat(timespec='microseconds'),
    }
    if comment:
        payload['comment'] = comment
    return payload


def retry_delay(attempts: int, base: float = 30.0, cap: float = 6 * 3600.0) -> float:
    """Exponential back-off for the grade queue: 30 s, 1 min, 2 min... at most 6 hours."""
    return min(base * 2 ** max(attempts - 1, 0), cap)
