"""Refusals: the "known bad payloads" of the LTI Advantage certification guide, replays, forged
state and audiences, blocked cookies; and the platform's key rotation, which must still work.
"""
from __future__ import annotations

import time

import pytest

from lti_tools.lti1p3 import claims as c
from lti_tools.tool.models import Learner, LoginState

from .conftest import page_text
from .platform import CLIENT_ID, new_rsa_pem

REFUSED = 'This activity could not be opened'


def drop(*names):
    def mutate(message):
        for name in names:
            message.pop(name, None)
    return mutate


def put(**values):
    def mutate(message):
        message.update({name.replace('__', '/'): value for name, value in values.items()})
    return mutate


def claim(name, value):
    return lambda message: message.update({name: value})


def resource_link_without_id(message):
    message[c.RESOURCE_LINK] = {'title': 'No id'}


NOW = int(time.time())

BAD_PAYLOADS = {
    # Certification guide, "Known bad payloads"
    'no kid in header': ({'headers': {}}, 400, 'no kid'),
    'wrong kid in header': ({'headers': {'kid': 'not-a-platform-key'}}, 400, "no key with kid 'not-a-platform-key'"),
    'wrong LTI version': ({'mutate': claim(c.VERSION, '1.2.0')}, 400, "LTI version '1.2.0'"),
    'no LTI version': ({'mutate': drop(c.VERSION)}, 400, 'LTI version None'),
    'invalid message type': ({'mutate': claim(c.MESSAGE_TYPE, 'LtiDoesNotExistRequest')}, 400, 'message type'),
    'missing LTI claims': ({'mutate': drop(c.MESSAGE_TYPE, c.VERSION, c.ROLES, c.DEPLOYMENT_ID, c.RESOURCE_LINK,
                                           c.TARGET_LINK_URI)}, 400, 'LTI version None'),
    'timestamps incorrect (expired)': ({'mutate': put(iat=NOW - 7200, exp=NOW - 3600)}, 400, 'expired'),
    'iat in the future': ({'mutate': put(iat=NOW + 3600, exp=NOW + 7200)}, 400, 'iat is in the future'),
    'no exp': ({'mutate': drop('exp')}, 400, '"exp"'),
    'no iat': ({'mutate': drop('iat')}, 400, '"iat"'),
    'messsage type claim missing': ({'mutate': drop(c.MESSAGE_TYPE)}, 400, 'message type None'),
    'role claim missing': ({'mutate': drop(c.ROLES)}, 400, 'roles claim is missing'),
    'deployment id claim missing': ({'mutate': drop(c.DEPLOYMENT_ID)}, 400, 'deployment_id'),
    'resource link id claim missing': ({'mutate': resource_link_without_id}, 400, 'resource_link'),
    'resource link claim missing': ({'mutate': drop(c.RESOURCE_LINK)}, 400, 'resource_link'),
    'user (sub) claim missing': ({'mutate': drop('sub')}, 400, 'sub claim'),
    'empty sub': ({'mutate': put(sub='')}, 400, 'sub claim'),
    # Further rules of the IMS Security Framework
    'unknown deployment': ({'mutate': claim(c.DEPLOYMENT_ID, 'deployment-99')}, 403, "deployment 'deployment-99'"),
    'no nonce': ({'mutate': drop('nonce')}, 400, '"nonce"'),
    'nonce not the one issued': ({'mutate': put(nonce='other-nonce')}, 400, 'nonce does not match'),
    'extra untrusted audience': ({'mutate': put(aud=[CLIENT_ID, 'evil-client'], azp=CLIENT_ID)}, 400,
                                 "audiences we do not trust: ['evil-client']"),
    'wrong azp': ({'mutate': put(azp='someone-else')}, 400, "azp 'someone-else'"),
    'not our audience': ({'mutate': put(aud='another-tool', azp='another-tool')}, 400, 'does not contain our client id'),
    'unregistered issuer': ({'mutate': put(iss='https://unknown.example.org')}, 403, 'is not registered'),
    'signed with another key': ({'key_pem': new_rsa_pem()}, 400, 'Signature verification failed'),
    'target link uri missing': ({'mutate': drop(c.TARGET_LINK_URI)}, 400, 'target_link_uri'),
    'target link uri not the login\'s': ({'mutate': claim(c.TARGET_LINK_URI, 'http://testserver/lti/launch/x/')},
                                        400, 'is not the one of the login request'),
}


@pytest.mark.parametrize('options, status, detail', BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
def test_known_bad_payloads_are_refused_with_a_clear_page(tool, options, status, detail):
    response = tool.launch(**options)
    assert response.status_code == status, page_text(response)
    text = page_text(response)
    assert REFUSED in text and detail in text, text
    assert not Learner.objects.exists()


def test_several_trusted_audiences_need_azp(tool, platform):
    from lti_tools.lti1p3.launch import Registration
    from lti_tools.tool.store import save_registration
    save_registration(Registration(issuer=platform.issuer, client_id='magix-second-client',
                                   keyset_url=f'{platform.url}/jwks', auth_login_url=f'{platform.url}/auth',
                                   deployment_ids=frozenset({'deployment-1'})))
    both = [CLIENT_ID, 'magix-second-client']
    response = tool.launch(mutate=lambda message: (message.update(aud=both), message.pop('azp')))
    assert response.status_code == 400 and 'azp is missing' in page_text(response)
    accepted = tool.launch(mutate=put(aud=both, azp=CLIENT_ID))
    assert accepted.status_code == 200, page_text(accepted)


def test_unsigned_and_symmetric_tokens_are_refused(tool, platform):
    import jwt
    for algorithm, key in (('HS256', 'secret'), ('none', None)):
        auth = tool.login()
        token = jwt.encode(tool.message(auth['nonce']), key, algorithm=algorithm, headers={'kid': platform.kid})
        response = tool.post_launch(auth['state'], token)
        assert response.status_code == 400
        assert 'must be signed with RS256' in page_text(response)


def test_not_a_jwt_is_refused(tool):
    auth = tool.login()
    response = tool.post_launch(auth['state'], 'not.a.jwt')
    assert response.status_code == 400 and 'not a JWT' in page_text(response)


def test_the_same_id_token_posted_twice_is_refused(tool, platform):
    auth = tool.login()
    token = platform.sign(tool.message(auth['nonce']))
    assert tool.post_launch(auth['state'], token).status_code == 200
    again = tool.post_launch(auth['state'], token)
    assert again.status_code == 403
    assert 'unknown or was already used' in page_text(again)
    # Under a fresh login (new state, new nonce) the old token's nonce no longer matches.
    fresh = tool.login()
    replay = tool.post_launch(fresh['state'], token)
    assert replay.status_code == 400 and 'nonce does not match' in page_text(replay)


def test_a_nonce_is_single_use_even_with_a_matching_state(tool, platform):
    """Two logins given the same nonce (as two workers might see): only the first launch passes."""
    first, second = tool.login(), tool.login()
    LoginState.objects.filter(state=second['state']).update(nonce=first['nonce'])
    token = platform.sign(tool.message(first['nonce']))
    assert tool.post_launch(first['state'], token).status_code == 200
    replay = tool.post_launch(second['state'], token)
    assert replay.status_code == 403 and 'already used' in page_text(replay)


def test_forged_state_is_refused(tool, platform):
    auth = tool.login()
    token = platform.sign(tool.message(auth['nonce']))
    response = tool.post_launch('forged-state', token)
    assert response.status_code == 403 and 'does not belong to this browser' in page_text(response)


def test_state_cookie_of_another_value_is_refused(tool, platform):
    auth = tool.login()
    tool.client.cookies[f'lti1p3-state-{auth["state"]}'] = 'someone-elses-state'
    response = tool.post_launch(auth['state'], platform.sign(tool.message(auth['nonce'])))
    assert response.status_code == 403 and 'state cookie does not match' in page_text(response)


def test_a_browser_blocking_cookies_gets_a_page_to_open_a_new_window(tool, platform):
    auth = tool.login()
    tool.client.cookies.clear()
    response = tool.post_launch(auth['state'], platform.sign(tool.message(auth['nonce'])))
    assert response.status_code == 403
    text = page_text(response)
    assert 'Open the activity in a new window' in text and 'target="_blank"' in text
    assert f'/lti/login/?iss={platform.url.replace(":", "%3A").replace("/", "%2F")}' in text
    assert not Learner.objects.exists()


def test_login_from_an_unknown_platform_is_refused(tool):
    response = tool.client.get('/lti/login/', {'iss': 'https://nowhere.example.org', 'login_hint': 'x',
                                               'target_link_uri': 'http://testserver/lti/launch/'})
    assert response.status_code == 403 and 'not registered' in page_text(response)


def test_login_without_required_parameters_is_refused(tool, platform):
    response = tool.client.get('/lti/login/', {'iss': platform.issuer})
    assert response.status_code == 400 and 'no login_hint' in page_text(response)


def test_a_key_rotated_on_the_platform_is_picked_up(tool, platform):
    assert tool.launch().status_code == 200
    fetches = platform.requests.count(('GET', '/jwks'))
    assert tool.launch(sub='learner-2').status_code == 200
    assert platform.requests.count(('GET', '/jwks')) == fetches  # cached
    platform.rotate_key()
    response = tool.launch(sub='learner-3')
    assert response.status_code == 200, page_text(response)
    assert platform.requests.count(('GET', '/jwks')) == fetches + 1  # refetched once for the new kid


def test_refetch_for_unknown_kids_is_rate_limited(tool, platform, settings):
    settings.LTI_JWKS_MIN_REFETCH_SECONDS = 3600
    assert tool.launch().status_code == 200
    fetches = platform.requests.count(('GET', '/jwks'))
    for _ in range(3):
        assert tool.launch(headers={'kid': 'forged-kid'}).status_code == 400
    assert platform.requests.count(('GET', '/jwks')) == fetches


def test_an_unreachable_platform_key_set_is_a_clear_502(tool, platform):
    from lti_tools.tool.models import Platform
    Platform.objects.update(keyset_url=f'{platform.url}/no-such-jwks')
    response = tool.launch()
    assert response.status_code == 502
    assert 'could not be reached' in page_text(response) and 'no-such-jwks' in page_text(response)
