"""Fetching a URL that a stranger gave us, without letting them reach our own network.

Dynamic Registration makes the tool fetch the configuration URL a platform names (and the
registration endpoint that configuration names). Before connecting, the host name is
resolved and *every* address must be public (not loopback, private, link-local, shared,
reserved, multicast or unspecified, IPv4-mapped forms included); the connection then goes to
an address that was checked, with the name kept for TLS (SNI and certificate) and the Host
header, so a DNS answer that changes between check and use (DNS rebinding) reaches nothing
else. No redirects, a timeout, and a size limit on the answer.

The URLs a registered platform gives us later (its key set and token URLs, and the line item,
score and roster URLs its launches name) go through ``PlatformSession``: the same rule for addresses,
enforced on every request by requests-hardened (the connection pinned to the checked address),
https only, no redirects, timeouts.
"""
from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress

from .errors import PlatformUnavailable

CONNECT_TIMEOUT, READ_TIMEOUT, MAX_BYTES = 5.0, 10.0, 256 * 1024


class UnsafeUrl(ValueError):
    """The URL, or where it leads, is not one we fetch; the text is for logs, not for the caller."""


@dataclass(frozen=True)
class Policy:
    """``allow_private``: http and private addresses (the demo, tests with a local platform)."""

    allow_private: bool = False
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    max_bytes: int = MAX_BYTES


def public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split('%', 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour):
        ip = ip.ipv4_mapped or ip.sixtofour
    return ip.is_global and not ip.is_multicast


def check_url(url: str, policy: Policy) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path+query)`` of an acceptable URL; ``UnsafeUrl`` otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeUrl(f'not a URL: {error}') from None
    allowed = ('https', 'http') if policy.allow_private else ('https',)
    if parts.scheme not in allowed:
        raise UnsafeUrl(f'scheme {parts.scheme!r} not allowed (https only)')
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeUrl('no host, or credentials in the URL')
    target = parts.path or '/'
    if parts.query:
        target += f'?{parts.query}'
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == 'https' else 80), target


def resolve(host: str, port: int, policy: Policy) -> str:
    """One checked address of ``host``: every address it resolves to must be public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeUrl(f'{host} does not resolve: {error}') from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeUrl(f'{host} has no address')
    if not policy.allow_private:
        refused = [address for address in addresses if not public_address(address)]
        if refused:
            raise UnsafeUrl(f'{host} resolves to a non-public address ({", ".join(sorted(set(refused)))})')
    return addresses[0]


def request_json(method: str, url: str, policy: Policy, headers: dict | None = None, body: dict | None = None) -> dict:
    """Send ``body`` as JSON (or nothing) and return the JSON object answered."""
    scheme, host, port, target = check_url(url, policy)
    address = resolve(host, port, policy)
    timeout = urllib3.Timeout(connect=policy.connect_timeout, read=policy.read_timeout)
    host_header = host if port in (80, 443) else f'{host}:{port}'
    if scheme == 'https':
        pool = urllib3.HTTPSConnectionPool(address, port, timeout=timeout, retries=False, server_hostname=host,
                                           assert_hostname=host, cert_reqs='CERT_REQUIRED')
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    payload = None if body is None else json.dumps(body).encode()
    try:
        response = pool.urlopen(method, target, body=payload, redirect=False, preload_content=False,
                                headers={'Host': host_header, 'Accept': 'application/json',
                                         **({'Content-Type': 'application/json'} if payload else {}),
                                         **(headers or {})})
        try:
            data = _read_limited(response, policy.max_bytes)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        raise UnsafeUrl(f'{method} {url} failed: {type(error).__name__}') from None
    finally:
        pool.close()
    if not 200 <= response.status < 300:
        raise UnsafeUrl(f'{method} {url} answered {response.status}')
    try:
        found = json.loads(data)
    except ValueError:
        raise UnsafeUrl(f'{method} {url} did not answer JSON') from None
    if not isinstance(found, dict):
        raise UnsafeUrl(f'{method} {url} did not answer a JSON object')
    return found


def _read_limited(response, max_bytes: int) -> bytes:
    declared = response.headers.get('Content-Length')
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise UnsafeUrl(f'answer of {declared} bytes is over the {max_bytes}-byte limit')
    chunks, size = [], 0
    for chunk in response.stream(16 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise UnsafeUrl(f'answer over the {max_bytes}-byte limit')
        chunks.append(chunk)
    return b''.join(chunks)


class PlatformSession(HTTPSession):
    """A ``requests`` session for the URLs a platform gives us: public addresses only (checked on
    each connection, which then goes to the checked address), https only, no redirects, timeouts.
    ``Policy.allow_private`` lifts the address and scheme rules (platforms in our own network)."""

    def __init__(self, policy: Policy):
        super().__init__(Config(ip_filter_enable=not policy.allow_private, ip_filter_allow_loopback_ips=False,
                                never_redirect=True, default_timeout=(policy.connect_timeout, policy.read_timeout)))
        self.policy = policy

    def send(self, request, **kwargs):
        if not self.policy.allow_private and not str(request.url).lower().startswith('https://'):
            raise NotHttps(f'{request.url} is not https')
        return super().send(request, **kwargs)


class NotHttps(requests.exceptions.InvalidURL):
    pass


def unavailable(what: str, error: Exception) -> PlatformUnavailable:
    """The error for a platform URL that failed; one our rules refused is told in the log only
    (where a platform's names lead inside our network is nobody else's business)."""
    refused = isinstance(error, (InvalidIPAddress, NotHttps))
    found = PlatformUnavailable(f'{what}: {"not a public https address" if refused else error} ({type(error).__name__})')
    if refused:
        found.public_detail = False
    return found
