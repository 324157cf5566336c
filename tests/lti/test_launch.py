"""Resource-link launches end to end: lti-consumer-xblock's platform → our tool → the scenario XBlock."""
from __future__ import annotations

import pytest

from lti_tools.lti1p3 import claims as c
from lti_tools.tool.models import Learner, Participation, ResourceLink

from .conftest import EXERCISE_URL, choose, page_text
from .platform import CLIENT_ID, DEPLOYMENT_ID

INSTRUCTOR_NOTICE = 'Instructor preview'


def test_learner_launch_renders_the_exercise_with_the_xblock(tool, platform):
    response = tool.launch()
    assert response.status_code == 200, page_text(response)
    html = page_text(response)
    assert 'Benefits pre-screening' in html
    assert 'A supplier offers automated pre-screening of claims.' in html
    assert 'SECRET-SITUATION-PILOT' not in html  # the block only ever sends the current step
    assert INSTRUCTOR_NOTICE not in html
    learner = Learner.objects.get()
    assert (learner.issuer, learner.deployment_id, learner.subject) == (platform.issuer, DEPLOYMENT_ID, 'learner-1')
    assert learner.anonymous_id not in ('learner-1', '') and learner.name == 'Ada Lovelace'
    link = ResourceLink.objects.get()
    assert (link.resource_link_id, link.scenario, link.lineitem_url) == ('link-1', 'benefits', platform.lineitem())


def test_learner_state_resumes_on_the_next_launch_and_is_kept_per_learner(tool):
    first = tool.launch()
    outcome = choose(tool.client, first, 'dpia')
    assert 'SECRET-CONSEQUENCE-DPIA' in outcome['outcome']
    again = page_text(tool.launch())
    assert 'SECRET-SITUATION-PILOT' in again  # resumed at the second step
    other = page_text(tool.launch(sub='learner-2'))
    assert 'SECRET-SITUATION-PILOT' not in other and 'A supplier offers' in other
    assert Learner.objects.count() == 2


ROLE_CASES = {
    'learner (full URIs)': (['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'], False),
    'instructor (full URIs)': (['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'], True),
    'multiple roles': (['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student',
                        'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
                        'http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor'], True),
    'short learner role': (['Learner'], False),
    'short instructor role': (['Instructor'], True),
    'teaching assistant sub-role': (
        ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], True),
    'unknown roles': (['http://example.org/roles#Wizard', 'Visitor'], False),
    'no roles': ([], False),
    'system administrator': (['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator'], True),
}


@pytest.mark.parametrize('roles, teaching', ROLE_CASES.values(), ids=ROLE_CASES.keys())
def test_launches_with_any_roles_are_accepted(tool, roles, teaching):
    response = tool.launch(mutate=lambda message: message.update({c.ROLES: roles}))
    assert response.status_code == 200, page_text(response)
    assert (INSTRUCTOR_NOTICE in page_text(response)) is teaching
    assert Participation.objects.get().teaching is teaching


@pytest.mark.parametrize('role', ['student', 'instructor', 'staff'])
def test_lti_consumer_roles_map_to_learner_or_instructor(tool, role):
    response = tool.launch(role=role)
    assert response.status_code == 200
    assert (INSTRUCTOR_NOTICE in page_text(response)) is (role != 'student')


def test_launch_without_personal_data_is_accepted_and_stores_none(tool):
    response = tool.launch(personal=False)
    assert response.status_code == 200, page_text(response)
    learner = Learner.objects.get()
    assert (learner.name, learner.email) == ('', '')


def test_full_oidc_flow_with_the_consumer_building_the_launch(tool, platform, settings):
    """The consumer's own preflight URL and launch request (not hand-built claims)."""
    from lti_consumer.data import Lti1p3LaunchData
    from urllib.parse import parse_qs, urlsplit
    launch_data = Lti1p3LaunchData(user_id='learner-9', user_role='student', config_id='1',
                                   resource_link_id='link-9', name='Grace Hopper')
    platform.consumer.set_user_data('learner-9', 'student', full_name='Grace Hopper')
    platform.consumer.set_resource_link_claim('link-9')
    preflight = {k: v[0] for k, v in parse_qs(urlsplit(platform.consumer.prepare_preflight_url(launch_data)).query).items()}
    assert preflight['target_link_uri'] == 'http://testserver/lti/launch/'
    auth = tool.login(**{**preflight, 'target_link_uri': EXERCISE_URL})
    platform.consumer.launch_url = EXERCISE_URL
    answer = platform.consumer.generate_launch_request({**auth, 'redirect_uri': auth['redirect_uri']})
    response = tool.post_launch(answer['state'], answer['id_token'])
    assert response.status_code == 200, page_text(response)
    assert Learner.objects.get().name == 'Grace Hopper'


def test_the_ui_follows_the_launch_locale(tool):
    french_response = tool.launch(locale='fr-FR')
    french = page_text(french_response)
    assert '<html lang="fr">' in french
    assert 'Valider la décision' in french and 'Submit decision' not in french  # the block's own catalogue
    answer = choose(tool.client, french_response, 'dpia')  # handler calls keep the launch's language
    assert 'Valider la décision' in answer['html']
    german = page_text(tool.launch(locale='de_AT', sub='learner-4'))
    assert '<html lang="de">' in german and 'Entscheidung absenden' in german
    english = page_text(tool.launch(locale='en-GB', sub='learner-2'))
    assert '<html lang="en">' in english
    unknown = page_text(tool.launch(locale='tlh', sub='learner-3'))
    assert '<html lang="en">' in unknown


def test_exercise_chosen_by_custom_parameter(tool):
    response = tool.launch(target='http://testserver/lti/launch/', custom={'magix_scenario': 'practice-round'})
    assert response.status_code == 200
    assert 'Practice round' in page_text(response)
    assert ResourceLink.objects.get().scenario == 'practice-round'


def test_unknown_exercise_is_a_clear_404(tool):
    response = tool.launch(target='http://testserver/lti/launch/no-such-thing/')
    assert response.status_code == 404
    assert 'not offered by the tool' in page_text(response)


def test_pages_may_only_be_framed_by_registered_platforms(tool, platform):
    response = tool.launch()
    assert response['Content-Security-Policy'] == f"frame-ancestors 'self' {platform.url}"


def test_state_cookie_is_samesite_none_secure_httponly(tool):
    response = tool.client.post('/lti/login/', {'iss': tool.platform.issuer, 'login_hint': 'x',
                                                'target_link_uri': EXERCISE_URL, 'client_id': CLIENT_ID})
    [cookie] = response.cookies.values()
    assert cookie.key.startswith('lti1p3-state-')
    assert cookie['samesite'] == 'None' and cookie['secure'] and cookie['httponly']
    assert cookie.OutputString().endswith('; Partitioned')  # CHIPS: kept even where third-party cookies are blocked


def test_redirect_uri_is_https_behind_a_tls_terminating_proxy(tool, settings):
    settings.SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')
    response = tool.client.post('/lti/login/', {'iss': tool.platform.issuer, 'login_hint': 'x',
                                                'target_link_uri': EXERCISE_URL},
                                HTTP_X_FORWARDED_PROTO='https', HTTP_HOST='testserver')
    assert 'redirect_uri=https%3A%2F%2Ftestserver%2Flti%2Flaunch%2F' in response['Location'], response['Location']
