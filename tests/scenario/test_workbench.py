"""The scenario block in our workbench host, through Django's test client and SQLite.

This is the embedded demo a newcomer gets from ``make demo``: real pages, real CSRF-protected
handler posts, learner state persisted in the database, French when the learner asks for it.
"""
import json
import re

import pytest
from django.test import Client
from workbench import scenarios as workbench_scenarios

from .support import page_answering, small_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario_id():
    workbench_scenarios.get_scenarios()  # load the shipped ones first, as the index page does
    workbench_scenarios.add_xml_scenario('magix-test', 'MAGIX test scenario', small_scenario())
    yield 'magix-test'
    workbench_scenarios.remove_scenario('magix-test')


def page(client, scenario_id, student='alice', lang=None):
    url = f'/workbench/scenario/{scenario_id}/?student={student}' + (f'&lang={lang}' if lang else '')
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode('utf-8')


def handler_url(html, handler, student='alice'):
    usage = re.search(r"data-usage='([^']+)' data-block-type='magix_scenario'", html).group(1)
    return f'/workbench/handler/{usage}/{handler}/?student={student}'


def post(client, url, data):
    token = client.cookies['csrftoken'].value
    return client.post(url, json.dumps(data), content_type='application/json', HTTP_X_CSRFTOKEN=token)


def test_index_lists_our_scenarios_not_the_sdk_samples(scenario_id):
    html = Client().get('/workbench/').content.decode()
    assert 'MAGIX test scenario' in html
    assert 'Thumbs' not in html and 'Problem' not in html


def test_choice_is_posted_with_csrf_and_persisted(scenario_id):
    client = Client(enforce_csrf_checks=True)
    html = page(client, scenario_id)
    url = handler_url(html, 'choose')
    assert client.post(url, json.dumps({'option': 'dpia'}), content_type='application/json').status_code == 403
    response = post(client, url, {'option': 'dpia', **page_answering(html)})
    assert response.status_code == 200 and 'How do you run the pilot?' in response.json()['html']
    # A new request (a new runtime) reads the learner's state back from SQLite.
    again = page(Client(), scenario_id)
    assert 'How do you run the pilot?' in again and 'What do you do first?' not in again
    # Another learner starts at the beginning.
    assert 'What do you do first?' in page(Client(), scenario_id, student='bob')


def test_french_rendering(scenario_id):
    html = page(Client(), scenario_id, lang='fr')
    assert '<html lang="fr"' in html or 'lang="fr"' in html
    assert 'Soumettre' in html or 'Valider' in html, 'the French UI catalogue is compiled and used'
    assert 'Submit decision' not in html


def test_the_page_heading_is_not_repeated_by_the_block_and_reload_keeps_the_consequence():
    """Issue 11: the title appeared twice; a reload lost the consequence just shown."""
    workbench_scenarios.get_scenarios()
    workbench_scenarios.add_xml_scenario('magix-same-title', 'Benefits pre-screening', small_scenario())
    try:
        client = Client(enforce_csrf_checks=True)
        html = page(client, 'magix-same-title')
        body = html[html.index('<body'):]
        assert len(re.findall(r'<h[1-6][^>]*>\s*Benefits pre-screening\s*</h[1-6]>', body)) == 1
        assert post(client, handler_url(html, 'choose'), {'option': 'dpia', **page_answering(html)}).status_code == 200
        again = page(Client(), 'magix-same-title')
        assert 'SECRET-CONSEQUENCE-DPIA' in again and 'How do you run the pilot?' in again
    finally:
        workbench_scenarios.remove_scenario('magix-same-title')


# --- who may call what, with what body (issue 8, probes 2 and 6, on the demo host) ----------------

def studio_page(client, scenario_id, student):
    response = client.get(f'/workbench/scenario/{scenario_id}/studio_view/?student={student}')
    assert response.status_code == 200
    return response.content.decode('utf-8')


def test_learners_cannot_rewrite_the_exercise_on_the_demo_host(scenario_id):
    """Probe 2: a learner changed the title everyone saw."""
    client = Client(enforce_csrf_checks=True)
    html = page(client, scenario_id)
    for handler, data in (('studio_submit', {'settings': {'display_name': 'Hacked'}}),
                          ('preview_diagram', {'scenario_xml': '<scenario/>'})):
        response = post(client, handler_url(html, handler), data)
        assert response.status_code == 403
        assert response.json() == {'error': 'Only the course team can change or check this exercise.'}
    assert 'Hacked' not in page(Client(), scenario_id, student='bob')
    # Course staff (the demo's ?student=staff...) may.
    staff = Client(enforce_csrf_checks=True)
    studio_page(staff, scenario_id, 'staff-ana')
    response = post(staff, handler_url(page(staff, scenario_id, 'staff-ana'), 'studio_submit', 'staff-ana'),
                    {'settings': {'display_name': 'Renamed by staff'}})
    assert response.status_code == 200 and response.json()['result'] == 'success'
    assert 'Renamed by staff' in page(Client(), scenario_id, student='bob')


def test_learner_writes_to_content_or_settings_are_refused_by_the_field_data(scenario_id):
    """As the LMS's LmsFieldData: authored data is read-only unless the user is course staff."""
    from django.db import transaction
    from xblock.exceptions import InvalidScopeError

    from lti_tools.runtime import MagixRuntime

    usage = re.search(r"data-usage='([^']+)'", page(Client(), scenario_id)).group(1)
    learner_block = MagixRuntime('alice').get_block(usage)
    learner_block.display_name = 'Hacked'
    with pytest.raises(InvalidScopeError), transaction.atomic():
        learner_block.save()
    staff_block = MagixRuntime('staff-ana').get_block(usage)
    staff_block.display_name = 'Edited'
    with transaction.atomic():
        staff_block.save()
    assert MagixRuntime('bob').get_block(usage).display_name == 'Edited'


@pytest.mark.parametrize('handler, body, status', [
    ('choose', '[1, 2]', 400), ('choose', '"dpia"', 400), ('choose', '{' * 20_000, 400),
    ('no_such_handler', '{}', 404), ('__init__', '{}', 404), ('choose', '{"option": 3}', 400),
])
def test_unusable_requests_get_a_json_4xx_on_the_demo_host(scenario_id, handler, body, status):
    """Probe 6: bodies that are not objects, 20,000 deep, an unknown handler: JSON, not a 500."""
    client = Client(enforce_csrf_checks=True)
    html = page(client, scenario_id)
    response = client.post(handler_url(html, handler), body, content_type='application/json',
                           HTTP_X_CSRFTOKEN=client.cookies['csrftoken'].value)
    assert response.status_code == status and set(response.json()) == {'error'}
    assert 'What do you do first?' in page(client, scenario_id)


def test_a_large_preview_is_refused_before_it_costs_anything(scenario_id):
    """Probe 6: a 2.5 MB preview body cost 4-5 s of CPU; now a 413 JSON answer, even for course staff."""
    client = Client(enforce_csrf_checks=True)
    html = page(client, scenario_id, student='staff-ana')
    body = json.dumps({'scenario_xml': '<scenario>' + 'x' * 2_500_000 + '</scenario>'})
    response = client.post(handler_url(html, 'preview_diagram', 'staff-ana'), body, content_type='application/json',
                           HTTP_X_CSRFTOKEN=client.cookies['csrftoken'].value)
    assert response.status_code == 413 and set(response.json()) == {'error'}
