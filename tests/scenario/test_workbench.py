"""The scenario block in our workbench host, through Django's test client and SQLite.

This is the embedded demo a newcomer gets from ``make demo``: real pages, real CSRF-protected
handler posts, learner state persisted in the database, French when the learner asks for it.
"""
import json
import re

import pytest
from django.test import Client
from workbench import scenarios as workbench_scenarios

from .support import small_scenario

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
    response = post(client, url, {'option': 'dpia'})
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
