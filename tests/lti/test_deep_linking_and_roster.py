"""Deep Linking 2.0 round trip with the consumer, and the instructor summary with the NRPS roster."""
from __future__ import annotations

import re
import time
from html import unescape

import jwt

from lti_tools.lti1p3 import claims as c

from .conftest import run_grade_worker, page_text, play_to_best_ending
from .platform import CLIENT_ID


def deep_linking_launch(tool, platform, role='instructor', locale=None, accept_multiple=True):
    consumer = platform.consumer
    consumer.enable_deep_linking('http://testserver/lti/launch/', f'{platform.url}/deep-link-return')
    auth = tool.login(target_link_uri='http://testserver/lti/launch/')
    consumer.extra_claims, consumer.lti_claim_custom_parameters = {}, None
    consumer.set_user_data('teacher-1', role, full_name='Alan Turing')
    message = consumer.get_lti_launch_message(include_extra_claims=False, target_link_uri='http://testserver/lti/launch/',
                                              include_resource_link=False)
    message[c.MESSAGE_TYPE] = c.DEEP_LINKING_REQUEST
    message.update(consumer.dl.get_lti_deep_linking_launch_claim(title='Add', extra_data='opaque-platform-data'))
    message[c.DL_SETTINGS]['accept_multiple'] = accept_multiple
    if locale:
        message[c.LAUNCH_PRESENTATION] = {'locale': locale}
    now = int(time.time())
    message.update(nonce=auth['nonce'], iat=now, exp=now + 300)
    return tool.post_launch(auth['state'], platform.sign(message))


def submit_choice(tool, picker, slugs):
    html = picker.content.decode()
    request_token = unescape(re.search(r'name="request" value="([^"]+)"', html)[1])
    answer = tool.client.post('/lti/deep-link/', {'request': request_token, 'exercise': slugs})
    assert answer.status_code == 200, page_text(answer)
    body = answer.content.decode()
    return unescape(re.search(r'action="([^"]+)"', body)[1]), unescape(re.search(r'name="JWT" value="([^"]+)"', body)[1])


def test_deep_linking_round_trip(tool, platform):
    picker = deep_linking_launch(tool, platform)
    assert picker.status_code == 200, page_text(picker)
    assert 'Benefits pre-screening' in page_text(picker) and 'Practice round' in page_text(picker)
    return_url, token = submit_choice(tool, picker, ['benefits', 'practice-round'])
    assert return_url == f'{platform.url}/deep-link-return'
    items = platform.consumer.check_and_decode_deep_linking_token(token)  # the platform verifies our signature
    assert [item['type'] for item in items] == ['ltiResourceLink', 'ltiResourceLink']
    graded, practice = items
    assert graded['url'] == 'http://testserver/lti/launch/benefits/'
    assert graded['title'] == 'Benefits pre-screening' and graded['custom'] == {'magix_scenario': 'benefits'}
    assert graded['lineItem'] == {'scoreMaximum': 1.0, 'label': 'Benefits pre-screening', 'resourceId': 'benefits'}
    assert 'lineItem' not in practice
    claims = jwt.decode(token, options={'verify_signature': False})
    assert claims['iss'] == CLIENT_ID and claims['aud'] == platform.issuer
    assert claims[c.MESSAGE_TYPE] == 'LtiDeepLinkingResponse' and claims[c.DL_DATA] == 'opaque-platform-data'
    assert claims[c.DEPLOYMENT_ID] == 'deployment-1'
    # The platform now launches the created link: our exercise opens.
    launched = tool.launch(target=graded['url'], custom=graded['custom'], link='created-link-1')
    assert launched.status_code == 200 and 'Benefits pre-screening' in page_text(launched)


def test_deep_linking_single_choice_when_the_platform_accepts_one(tool, platform):
    picker = deep_linking_launch(tool, platform, accept_multiple=False)
    assert 'type="radio"' in picker.content.decode()
    _url, token = submit_choice(tool, picker, ['benefits', 'practice-round'])
    assert len(platform.consumer.check_and_decode_deep_linking_token(token)) == 1


def test_deep_linking_is_for_instructors_only(tool, platform):
    response = deep_linking_launch(tool, platform, role='student')
    assert response.status_code == 403 and 'Only instructors' in page_text(response)


def test_forged_deep_linking_request_is_refused(tool):
    response = tool.client.post('/lti/deep-link/', {'request': 'forged', 'exercise': ['benefits']})
    assert response.status_code == 403


def summary_url(page) -> str:
    return re.search(r'href="(/lti/summary/[^"]+)"', page.content.decode())[1]


def test_instructor_summary_lists_learners_and_the_nrps_roster(tool, platform):
    platform.members = [
        {'user_id': 'learner-1', 'name': 'Ada Lovelace', 'email': 'ada@example.org', 'status': 'Active',
         'roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']},
        {'user_id': 'learner-2', 'given_name': 'Katherine', 'family_name': 'Johnson', 'status': 'Active',
         'roles': ['Learner']},
        {'user_id': 'teacher-1', 'name': 'Alan Turing', 'status': 'Active',
         'roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor']},
        {'user_id': 'gone', 'name': 'Left the course', 'status': 'Inactive', 'roles': ['Learner']},
    ]
    play_to_best_ending(tool.client, tool.launch(nrps=True))
    run_grade_worker()
    teacher = tool.launch(role='instructor', sub='teacher-1', nrps=True)
    assert 'Instructor preview' in page_text(teacher)
    summary = tool.client.get(summary_url(teacher))
    assert summary.status_code == 200, page_text(summary)
    text = page_text(summary)
    assert 'Ada Lovelace' in text and '100 %' in text
    assert 'Katherine Johnson' in text and 'not started' in text
    assert 'Alan Turing' not in text.split('Course roster')[1]  # instructors are not listed as learners
    assert 'Left the course' not in text
    assert ('GET', '/memberships') in platform.requests  # both pages were read (Link: rel="next")


def test_roster_outage_still_shows_the_summary(tool, platform):
    tool.launch()
    teacher = tool.launch(role='instructor', sub='teacher-1', nrps=True)
    platform.consumer.key_handler.key = None  # the token endpoint now fails
    summary = tool.client.get(summary_url(teacher))
    assert summary.status_code == 200
    text = page_text(summary)
    assert 'Ada Lovelace' in text and 'could not be reached' in text


def test_learners_cannot_open_the_summary(tool):
    learner_page = tool.launch()
    token = re.search(r"handlerBaseUrl = '/lti/handler/([^/']+)/", learner_page.content.decode())[1]
    token = token.encode().decode('unicode_escape')
    response = tool.client.get(f'/lti/summary/{token}/')
    assert response.status_code == 403 and 'Only instructors' in page_text(response)


def test_a_forged_session_cannot_call_the_block(tool):
    response = tool.client.post('/lti/handler/forged-token/lti-benefits.magix_scenario.d0.u0/choose/',
                                data={'option': 'dpia'}, content_type='application/json')
    assert response.status_code == 403


def test_the_picker_shows_titles_in_the_launch_language(tool, platform, settings, tmp_path):
    import polib
    folder = tmp_path / 'course-translations'
    folder.mkdir()
    po = polib.POFile()
    po.metadata = {'Content-Type': 'text/plain; charset=UTF-8', 'Language': 'fr'}
    po.append(polib.POEntry(msgctxt='magix_scenario/benefits@display_name', msgid='Benefits pre-screening',
                            msgstr='Présélection des prestations'))
    po.append(polib.POEntry(msgctxt='magix_scenario/practice-round@display_name', msgid='An older title',
                            msgstr='Traduction périmée'))
    po.save(str(folder / 'fr.po'))
    settings.LTI_COURSE_TRANSLATIONS_DIR = str(folder)
    french = page_text(deep_linking_launch(tool, platform, locale='fr-CA'))
    assert '<html lang="fr">' in french
    assert 'Présélection des prestations' in french
    assert 'Practice round' in french and 'Traduction périmée' not in french  # stale: English shown
    english = page_text(deep_linking_launch(tool, platform, locale='en'))
    assert 'Benefits pre-screening' in english and 'Présélection' not in english


def test_the_shipped_scenarios_are_offered_and_launch(tool, platform, settings):
    settings.LTI_CONTENT_DIR = None
    from lti_tools.tool import catalogue
    shipped = catalogue.exercises()
    assert 'eligibility' in shipped and all(re.fullmatch(r'[a-z0-9-]+', slug) for slug in shipped)
    picker = page_text(deep_linking_launch(tool, platform))
    for exercise in shipped.values():
        assert exercise.title in picker
    response = tool.launch(target='http://testserver/lti/launch/eligibility/')
    assert response.status_code == 200, page_text(response)
    assert shipped['eligibility'].title in page_text(response)


def test_an_instructor_chooses_the_exercise_of_a_bare_link_and_learners_get_it(tool, platform):
    bare = 'http://testserver/lti/launch/'
    learner_first = tool.launch(target=bare)
    assert learner_first.status_code == 404 and 'not offered by the tool' in page_text(learner_first)
    picker = tool.launch(target=bare, role='instructor', sub='teacher-1', lineitem=False, create_lineitems=True)
    assert picker.status_code == 200 and 'Choose the exercise for this link' in page_text(picker)
    html = picker.content.decode()
    session = unescape(re.search(r'name="session" value="([^"]+)"', html)[1])
    assert re.search(r'action="/lti/choose/"', html)
    chosen = tool.client.post('/lti/choose/', {'session': session, 'exercise': 'benefits'})
    assert chosen.status_code == 200 and 'Instructor preview' in page_text(chosen)
    assert [item['resourceLinkId'] for item in platform.lineitems] == ['link-1']  # graded: line item created
    learner = tool.launch(target=bare, lineitem=False, create_lineitems=True)
    assert learner.status_code == 200 and 'Benefits pre-screening' in page_text(learner)
    play_to_best_ending(tool.client, learner)
    run_grade_worker()
    assert [score['lineitem'] for score in platform.scores] == ['/lineitems/created-1']


def test_learners_cannot_choose_an_exercise(tool):
    from lti_tools.tool.session import LaunchSession
    forged = LaunchSession(learner=1, user_id='x', link=1, exercise='', teaching=False, language='en').token()
    response = tool.client.post('/lti/choose/', {'session': forged, 'exercise': 'benefits'})
    assert response.status_code == 403 and 'Only instructors' in page_text(response)
    response = tool.client.post('/lti/choose/', {'session': 'forged', 'exercise': 'benefits'})
    assert response.status_code == 403
