"""Our key set and its rotation, Dynamic Registration with the harness platform, the registration
JSON (tool configuration, Canvas developer key) and the ``magix lti`` commands.
"""
from __future__ import annotations

import argparse
import json

import jwt
import pytest

from lti_tools import lti_cli
from lti_tools.lti1p3 import claims as c
from lti_tools.lti1p3.keys import sign
from lti_tools.lti1p3.roles import Roles
from lti_tools.lti1p3.services import scores_url
from lti_tools.tool import store
from lti_tools.tool.models import RegistrationLink, Deployment, Platform, ToolKey

from .conftest import run_grade_worker, page_text, play_to_best_ending

BASE = 'https://tool.example.org'


def test_jwks_publishes_our_key_and_it_verifies_our_signatures(tool, client):
    keyset = client.get('/lti/jwks/').json()
    [jwk] = keyset['keys']
    assert (jwk['kty'], jwk['alg'], jwk['use']) == ('RSA', 'RS256', 'sig') and 'd' not in jwk
    assert set(jwk) == {'kty', 'n', 'e', 'kid', 'alg', 'use'}
    token = sign({'hello': 'world'}, store.signing_key())
    assert jwt.get_unverified_header(token)['kid'] == jwk['kid']
    public = jwt.PyJWK.from_dict(jwk).key
    assert jwt.decode(token, public, algorithms=['RS256'])['hello'] == 'world'


def test_rotation_keeps_the_previous_key_published_during_the_grace_period(tool, client, settings, capsys):
    old = client.get('/lti/jwks/').json()['keys'][0]['kid']
    assert lti_cli.rotate_keys(argparse.Namespace(print_jwks=True)) == 0
    printed = capsys.readouterr().out
    new = store.signing_key().kid
    assert new != old and f'New signing key {new}' in printed
    assert [key['kid'] for key in client.get('/lti/jwks/').json()['keys']] == [new, old]
    settings.LTI_KEY_GRACE_SECONDS = 0
    assert [key['kid'] for key in client.get('/lti/jwks/').json()['keys']] == [new]
    assert ToolKey.objects.filter(retired_at__isnull=True).count() == 1


def test_grades_after_our_key_rotation_still_reach_the_platform(tool, platform, client):
    store.rotate_keys()
    platform.tool_jwks = client.get('/lti/jwks/').json()
    play_to_best_ending(tool.client, tool.launch())
    run_grade_worker()
    assert len(platform.scores) == 1


def registration_link() -> str:
    """A one-time link, as ``magix lti registration-link`` makes for an administrator."""
    return f'/lti/register/{RegistrationLink.create(1)[1]}/'


def test_dynamic_registration_with_the_platform(tool, platform, client):
    response = client.get(registration_link(), {
        'openid_configuration': f'{platform.url}/.well-known/openid-configuration',
        'registration_token': 'reg-token-1'})
    assert response.status_code == 200, page_text(response)
    assert 'org.imsglobal.lti.close' in response.content.decode()
    [sent] = platform.registrations
    assert sent['initiate_login_uri'] == 'http://testserver/lti/login/'
    assert sent['redirect_uris'] == ['http://testserver/lti/launch/']
    assert sent['jwks_uri'] == 'http://testserver/lti/jwks/'
    assert c.SCOPE_SCORE in sent['scope'].split()
    registered = Platform.objects.get(client_id='dyn-client-1')
    assert registered.issuer == platform.issuer and registered.keyset_url == f'{platform.url}/jwks'
    assert registered.auth_token_url == f'{platform.url}/token'
    assert Deployment.objects.filter(platform=registered, deployment_id='dyn-deployment-1').exists()
    assert registered.approved is False  # may launch, may not frame our pages until approved


def test_dynamic_registration_refused_by_the_platform_is_a_clear_page_without_detail(tool, platform, client):
    response = client.get(registration_link(), {
        'openid_configuration': f'{platform.url}/.well-known/openid-configuration', 'registration_token': 'wrong'})
    assert response.status_code == 400
    assert 'could not be registered' in page_text(response)
    assert '401' not in page_text(response) and '127.0.0.1' not in page_text(response)
    assert not Platform.objects.filter(client_id='dyn-client-1').exists()


def test_dynamic_registration_checks_the_issuer_matches_the_configuration_url(tool, platform, client):
    platform.issuer = 'https://impostor.example.org'
    response = client.get(registration_link(), {
        'openid_configuration': f'{platform.url}/.well-known/openid-configuration', 'registration_token': 'reg-token-1'})
    assert response.status_code == 400 and 'could not be registered' in page_text(response)
    assert not Platform.objects.filter(client_id='dyn-client-1').exists()


def test_tool_config_command_prints_the_dynamic_registration_configuration(capsys):
    assert lti_cli.run(argparse.Namespace(lti_command='tool-config', base_url=BASE)) == 0
    config = json.loads(capsys.readouterr().out)
    assert config['initiate_login_uri'] == f'{BASE}/lti/login/'
    assert config['redirect_uris'] == [f'{BASE}/lti/launch/'] and config['jwks_uri'] == f'{BASE}/lti/jwks/'
    tool_part = config['https://purl.imsglobal.org/spec/lti-tool-configuration']
    assert tool_part['domain'] == 'tool.example.org'
    assert {message['type'] for message in tool_part['messages']} == {c.DEEP_LINKING_REQUEST, c.RESOURCE_LINK_REQUEST}
    assert config['token_endpoint_auth_method'] == 'private_key_jwt'


def test_canvas_config_command_prints_the_developer_key_json(capsys):
    assert lti_cli.run(argparse.Namespace(lti_command='canvas-config', base_url=BASE)) == 0
    config = json.loads(capsys.readouterr().out)
    assert config['oidc_initiation_url'] == f'{BASE}/lti/login/' and config['public_jwk_url'] == f'{BASE}/lti/jwks/'
    [extension] = config['extensions']
    assert extension['platform'] == 'canvas.instructure.com'
    assert {p['placement'] for p in extension['settings']['placements']} == {'link_selection', 'assignment_selection'}
    assert c.SCOPE_SCORE in config['scopes']


def test_configuration_endpoints_use_the_request_host(tool, client):
    assert client.get('/lti/tool-configuration.json').json()['jwks_uri'] == 'http://testserver/lti/jwks/'
    assert client.get('/lti/canvas.json').json()['target_link_uri'] == 'http://testserver/lti/launch/'


def test_register_platform_command_and_listing(db, capsys):
    args = argparse.Namespace(issuer='https://moodle.example.org', client_id='abc', deployment_id=['1', '2'],
                              auth_login_url='https://moodle.example.org/mod/lti/auth.php',
                              auth_token_url='https://moodle.example.org/mod/lti/token.php',
                              keyset_url='https://moodle.example.org/mod/lti/certs.php', token_audience='', name='Moodle')
    assert lti_cli.register_platform(args) == 0
    assert lti_cli.register_platform(args) == 0  # idempotent
    platform = Platform.objects.get()
    assert sorted(platform.deployments.values_list('deployment_id', flat=True)) == ['1', '2']
    assert lti_cli.list_platforms(argparse.Namespace()) == 0
    assert 'https://moodle.example.org\tclient abc\tdeployments 1, 2' in capsys.readouterr().out


def test_nonce_store_is_single_use(db):
    assert store.use_nonce('https://p.example.org', 'n-1', 2_000_000_000) is True
    assert store.use_nonce('https://p.example.org', 'n-1', 2_000_000_000) is False
    assert store.use_nonce('https://other.example.org', 'n-1', 2_000_000_000) is True


@pytest.mark.parametrize('roles, teaching', [
    (['http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper'], True),
    (['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty'], True),
    (['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student'], False),
    (['Administrator'], True), (['urn:lti:role:ims/lis/Learner'], False), ([42, None], False),
])
def test_roles(roles, teaching):
    assert Roles(roles).is_teaching is teaching


def test_scores_url_keeps_the_query_string():
    assert scores_url('https://lms.example.org/li/7?type=x') == 'https://lms.example.org/li/7/scores?type=x'
    assert scores_url('https://lms.example.org/li/7/') == 'https://lms.example.org/li/7/scores'


def test_our_private_keys_are_stored_encrypted_and_survive_a_secret_key_rotation(tool, settings, client):
    stored = ToolKey.objects.get()
    assert stored.private_pem.startswith('-----BEGIN ENCRYPTED PRIVATE KEY-----')
    kid = store.signing_key().kid
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = 'a-new-secret-key-for-this-host'
    assert store.signing_key().kid == kid  # opened with the fallback
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(LookupError, match='no passphrase opens this stored key'):
        store.signing_key()
    store.rotate_keys()  # the way out: a new key, and the unreadable one is no longer published
    assert [key['kid'] for key in client.get('/lti/jwks/').json()['keys']] == [store.signing_key().kid]
