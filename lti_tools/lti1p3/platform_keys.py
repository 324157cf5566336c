"""Platform public keys from its JWKS URL: cached, and refetched once when a ``kid`` is unknown.

The cache is any object with ``get(key)`` and ``set(key, value, timeout)`` (Django's cache
fits), so several workers share what one fetched. A refetch for an unknown ``kid`` happens at
most once per ``min_refetch_seconds`` per URL, so forged tokens cannot make us hammer a platform.

A key is parsed (JWK to an RSA public key object) once per process and key set fetch: parsed
keys are kept by URL and ``kid`` for as long as the cached key set they came from is the
current one (same ``fetched_at``), so a refetch after a rotation is picked up at once.
"""
from __future__ import annotations

import time

import jwt
import requests

from . import safe_http
from .errors import InvalidLaunch, PlatformUnavailable

DEFAULT_TTL = 3600
FETCH_TIMEOUT = 10
# url -> (fetched_at of the key set, {kid: parsed key}); only keys found in a fetched set get in.
_PARSED: dict[str, tuple[float, dict]] = {}


class PlatformKeys:
    def __init__(self, cache, session: requests.Session | None = None, ttl: int = DEFAULT_TTL,
                 min_refetch_seconds: float = 5.0, policy: safe_http.Policy = safe_http.Policy()):
        self.cache = cache
        self._http = session   # made on the first fetch: most launches find the keys cached
        self.policy = policy
        self.ttl = ttl
        self.min_refetch_seconds = min_refetch_seconds

    @property
    def http(self) -> requests.Session:
        if self._http is None:
            self._http = safe_http.PlatformSession(self.policy)
        return self._http

    @staticmethod
    def _cache_key(url: str) -> str:
        return 'magix-lti-jwks:' + url

    def fetch(self, url: str) -> dict:
        try:
            response = self.http.get(url, timeout=FETCH_TIMEOUT, headers={'Accept': 'application/json'})
            response.raise_for_status()
            keyset = response.json()
        except (requests.RequestException, ValueError) as error:
            raise safe_http.unavailable(f'cannot fetch the platform key set {url}', error) from error
        if not isinstance(keyset, dict) or not isinstance(keyset.get('keys'), list):
            raise PlatformUnavailable(f'the platform key set {url} is not a JWKS')
        entry = {'keys': keyset['keys'], 'fetched_at': time.time()}
        self.cache.set(self._cache_key(url), entry, self.ttl)
        return entry

    def key_for(self, url: str, kid: str):
        """The public key with this ``kid``, as a PyJWT key object."""
        entry = self.cache.get(self._cache_key(url)) or self.fetch(url)
        found = _parsed(url, entry, kid)
        if found is None and time.time() - entry['fetched_at'] >= self.min_refetch_seconds:
            found = _parsed(url, self.fetch(url), kid)
        if found is None:
            raise InvalidLaunch(f'no key with kid {kid!r} in the platform key set {url}')
        return found


def _parsed(url: str, entry: dict, kid: str):
    """The parsed key ``kid`` of this key set entry, parsing it only the first time."""
    known = _PARSED.get(url)
    if known is None or known[0] != entry['fetched_at']:
        known = _PARSED[url] = (entry['fetched_at'], {})
    key = known[1].get(kid)
    if key is None:
        key = _find(entry['keys'], kid)
        if key is not None:
            known[1][kid] = key
    return key


def _find(keys: list, kid: str):
    for jwk in keys:
        if isinstance(jwk, dict) and jwk.get('kid') == kid:
            if jwk.get('kty') != 'RSA' or jwk.get('alg', 'RS256') != 'RS256':
                raise InvalidLaunch(f'the platform key {kid!r} is not an RS256 key')
            try:
                return jwt.PyJWK.from_dict(jwk, algorithm='RS256').key
            except jwt.PyJWTError as error:
                raise InvalidLaunch(f'the platform key {kid!r} cannot be read: {error}') from error
    return None
