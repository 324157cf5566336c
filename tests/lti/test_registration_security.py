"""Dynamic registration only through an administrator's one-time link; the configuration URL
can't reach our own network (issue 8, item 5); framing is granted per launching platform, once
approved; our keys are sealed with a real secret.
"""
from __future__ import annotations

import argparse
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from lti_tools import lti_cli
from lti_tools.lti1p3 import keys as tool_keys
from lti_tools.lti1p3 import safe_http
from lti_tools.lti1p3.launch import Registration
from lti_tools.tool import store
from lti_tools.tool.models import (LEGACY_PUBLIC_SECRET, Platform, RegistrationLink, ToolKey, derived_passphrase,
                                   key_passphrases)

from .conftest import handler_url, page_text

SSRF_TARGETS = [
    'http://127.0.0.1:{port}/.well-known/openid-configuration',   # plain http, and loopback
    'https://127.0.0.1:{port}/', 'https://localhost:{port}/', 'https://[::1]:{port}/',
    'https://[::ffff:127.0.0.1]:{port}/', 'https://0.0.0.0:{port}/', 'https://10.0.0.7/', 'https://192.168.1.1/',
    'https://172.16.5.5/', 'https://169.254.169.254/latest/meta-data/', 'https://100.64.0.1/', 'https://[fe80::1]/',
    'https://[fd00::1]/', 'https://240.0.0.1/', 'https://224.0.0.1/', 'https://2130706433/',
    'https://no-such-host.invalid/', 'file:///etc/passwd', 'gopher://127.0.0.1:{port}/', 'https://user:pw@example.org/',
    'not a url at all',
]


def new_link() -> str:
    return f'/lti/register/{RegistrationLink.create(1)[1]}/'


@pytest.fixture
def production_policy(settings):
    settings.LTI_REGISTRATION_ALLOW_INSECURE = False


def test_registration_without_a_link_is_refused(tool, platform, client):
    for url in ('/lti/register/', '/lti/register/made-up-token/'):
        response = client.get(url, {'openid_configuration': f'{platform.url}/.well-known/openid-configuration',
                                    'registration_token': 'reg-token-1'})
        assert response.status_code == 403 and 'registration link' in page_text(response)
    assert platform.registrations == [] and ('GET', '/.well-known/openid-configuration') not in platform.requests


def test_a_link_works_once_and_not_after_it_expires(tool, platform, client):
    query = {'openid_configuration': f'{platform.url}/.well-known/openid-configuration',
             'registration_token': 'reg-token-1'}
    link = new_link()
    assert client.get(link, query).status_code == 200
    assert client.get(link, query).status_code == 403
    expired, token = RegistrationLink.create(1)
    RegistrationLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f'/lti/register/{token}/', query).status_code == 403
    assert len(platform.registrations) == 1


def test_the_registration_link_command_stores_only_a_hash(db, capsys, settings):
    settings.LTI_BASE_URL = 'https://lti.example.org'
    assert lti_cli.registration_link(argparse.Namespace(hours=2, note='Moodle of Ghent', base_url='')) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith('https://lti.example.org/lti/register/') and url.endswith('/')
    token = url.rstrip('/').rsplit('/', 1)[1]
    stored = RegistrationLink.objects.get()
    assert token not in json.dumps(list(RegistrationLink.objects.values()), default=str)
    assert stored.token_hash == RegistrationLink.hash(token) and stored.note == 'Moodle of Ghent'
    assert timedelta(hours=1.9) < stored.expires_at - timezone.now() <= timedelta(hours=2)


@pytest.mark.parametrize('target', SSRF_TARGETS)
def test_internal_targets_are_refused_with_one_generic_message(tool, platform, client, production_policy, target):
    port = platform.url.rsplit(':', 1)[1]
    response = client.get(new_link(), {'openid_configuration': target.format(port=port)})
    text = page_text(response)
    assert response.status_code == 400
    assert 'The tool could not be registered with the learning platform.' in text
    for leak in ('127.0.0.1', 'resolve', 'address', 'Connection refused', 'timed out', 'https only', f':{port}'):
        assert leak not in text
    assert platform.requests == []      # nothing reached the machine's own platform


def test_every_resolved_address_is_checked(monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, '', ('93.184.215.14', 443)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, '', ('127.0.0.1', 443))]
    monkeypatch.setattr(socket, 'getaddrinfo', lambda *args, **kwargs: answers)
    with pytest.raises(safe_http.UnsafeUrl, match='non-public'):
        safe_http.resolve('rebind.example.org', 443, safe_http.Policy())


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(monkeypatch, platform):
    """DNS rebinding: the name resolves to a public address when checked, then to 127.0.0.1."""
    port = int(platform.url.rsplit(':', 1)[1])
    calls = []

    def rebinding(host, *args, **kwargs):
        calls.append(host)
        address = '192.0.0.171' if len(calls) == 1 else '127.0.0.1'   # is_global, unreachable here
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, '', (address, port))]
    monkeypatch.setattr(socket, 'getaddrinfo', rebinding)
    monkeypatch.setattr(safe_http, 'public_address', lambda address: address != '127.0.0.1')
    with pytest.raises(safe_http.UnsafeUrl):
        safe_http.request_json('GET', f'https://rebind.example.org:{port}/.well-known/openid-configuration',
                               safe_http.Policy(connect_timeout=0.5, read_timeout=0.5))
    assert platform.requests == []


class _Hostile(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == '/huge':
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.end_headers()
            self.wfile.write(b'{"x": "' + b'a' * (2 * safe_http.MAX_BYTES) + b'"}')
        elif self.path == '/slow':
            threading.Event().wait(3)
        elif self.path == '/redirect':
            self.send_response(302)
            self.send_header('Location', 'http://169.254.169.254/')
            self.end_headers()


@pytest.fixture
def hostile():
    server = ThreadingHTTPServer(('127.0.0.1', 0), _Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_address[1]}'
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize('path, reason', [('/huge', 'limit'), ('/slow', 'ReadTimeoutError'), ('/redirect', '302')])
def test_answers_are_size_limited_timed_out_and_never_followed(hostile, path, reason):
    policy = safe_http.Policy(allow_private=True, read_timeout=1)
    with pytest.raises(safe_http.UnsafeUrl, match=reason):
        safe_http.request_json('GET', hostile + path, policy)


# --- frame-ancestors ------------------------------------------------------------------------------

def other_platform(approved=True) -> Platform:
    return store.save_registration(Registration(
        issuer='https://moodle.example.org', client_id='other', keyset_url='https://moodle.example.org/jwks',
        auth_login_url='https://login.moodle.example.org/auth', deployment_ids=frozenset({'d'})), 'Other', approved)


def test_frame_ancestors_is_the_launching_platform_only(tool, platform, client):
    other_platform()
    page = tool.launch()
    assert page['Content-Security-Policy'] == f"frame-ancestors 'self' {platform.url}"
    answer = client.post(handler_url(page, 'choose'), data={'option': 'dpia'}, content_type='application/json')
    assert answer['Content-Security-Policy'] == f"frame-ancestors 'self' {platform.url}"
    assert 'moodle' not in client.get('/lti/login/')['Content-Security-Policy']


def test_a_self_registered_platform_frames_nothing_until_approved(tool, platform, client, capsys):
    Platform.objects.filter(issuer=platform.issuer).update(approved=False)
    assert tool.launch()['Content-Security-Policy'] == "frame-ancestors 'self'"
    assert lti_cli.approve_platform(argparse.Namespace(issuer=platform.issuer, client_id='magix-tool-client',
                                                       revoke=False)) == 0
    assert tool.launch()['Content-Security-Policy'] == f"frame-ancestors 'self' {platform.url}"
    assert lti_cli.approve_platform(argparse.Namespace(issuer='https://nobody', client_id='x', revoke=False)) == 1


def test_the_admin_approves_waiting_platforms(tool, platform, admin_client):
    waiting = other_platform()
    Platform.objects.filter(pk=waiting.pk).update(approved=False)
    response = admin_client.post('/admin/lti_tool/platform/', {'action': 'approve', '_selected_action': [waiting.pk]})
    assert response.status_code == 302
    assert Platform.objects.get(pk=waiting.pk).approved is True


# --- our keys ----------------------------------------------------------------------------------------

def test_keys_are_sealed_with_the_dedicated_passphrase_not_a_public_one(tool, settings):
    settings.LTI_KEY_PASSPHRASE = 'a-long-dedicated-passphrase-from-the-vault'
    stored = store.rotate_keys()
    assert tool_keys.opens(stored.private_pem, b'a-long-dedicated-passphrase-from-the-vault')
    assert not tool_keys.opens(stored.private_pem, derived_passphrase(LEGACY_PUBLIC_SECRET))
    assert not tool_keys.opens(stored.private_pem, derived_passphrase(settings.SECRET_KEY))


def test_a_key_sealed_with_the_old_public_passphrase_stays_readable_and_is_resealed(tool, settings):
    legacy = tool_keys.new_key()
    ToolKey.objects.update(retired_at=timezone.now())
    ToolKey.objects.create(kid=legacy.kid, private_pem=tool_keys.seal(
        legacy.private_pem, derived_passphrase(LEGACY_PUBLIC_SECRET)))
    assert store.signing_key().kid == legacy.kid
    assert legacy.kid in store.reseal_keys()
    resealed = ToolKey.objects.get(kid=legacy.kid).private_pem
    assert not tool_keys.opens(resealed, derived_passphrase(LEGACY_PUBLIC_SECRET))
    assert tool_keys.opens(resealed, key_passphrases()[0]) and store.reseal_keys() == []


def test_endpoints_named_by_the_configuration_must_be_public_too(monkeypatch):
    """A public configuration URL naming our own network for its keys or tokens is refused."""
    from lti_tools.lti1p3 import registration
    from lti_tools.lti1p3.errors import RegistrationError
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, '', ('93.184.215.14', 443))]
    monkeypatch.setattr(socket, 'getaddrinfo', lambda host, *a, **k: public if host == 'lms.example.org' else
                        [(socket.AF_INET, socket.SOCK_STREAM, 6, '', ('10.0.0.5', 443))])
    configuration = {'issuer': 'https://lms.example.org', 'authorization_endpoint': 'https://lms.example.org/auth',
                     'token_endpoint': 'https://lms.example.org/token', 'jwks_uri': 'https://keys.internal/jwks',
                     'registration_endpoint': 'https://lms.example.org/register'}
    posted = []

    def fetch(method, url, policy, headers=None, body=None):
        posted.append(method)
        return configuration
    with pytest.raises(RegistrationError, match='jwks_uri'):
        registration.register('https://lms.example.org/.well-known/openid-configuration', '', {}, fetch=fetch)
    assert posted == ['GET']     # nothing was registered
