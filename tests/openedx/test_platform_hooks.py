"""What Studio, the mobile apps and course search read from our blocks, asked the platform's way.

* Studio's unit page: ``tests/openedx_rules.py`` ``studio_preview_view`` (``has_author_view``).
* Course Blocks API (mobile apps, headless clients):
  ``lms/djangoapps/course_api/blocks/transformers/student_view.py`` asks
  ``block.has_support(getattr(block.__class__, 'student_view', None), 'multi_device')`` and calls
  ``block.student_view_data()`` with no arguments on a block bound to no learner; the result is
  cached as JSON and served to every learner.
* Course search: ``index_dictionary()`` (``xblock/core.py``; ``xmodule/html_block.py`` and the
  platform's other blocks use ``{"content": {...}, "content_type": ...}``).
* Studio's outline icon: ``icon_class`` (``xmodule/x_module.py``: ``problem``, ``video``, ``other``).
"""
import json

import pytest

from ..credentials.support import DEMO_XML
from ..credentials.test_block import load as load_widget
from ..openedx_rules import ModulestoreKeyValueStore, studio_preview_view
from ..scenario.support import ScenarioTestRuntime, call, load, small_scenario

SECRETS = ('SECRET-CONSEQUENCE', 'SECRET-SITUATION-PILOT', 'SECRET-SITUATION-COMPLAINT', 'SECRET-DEBRIEF',
           'Good: article 35', 'Risky.', 'Scandal', 'Trusted service', 'Repaired')


@pytest.fixture
def scenario():
    return load(ScenarioTestRuntime(), small_scenario())


def multi_device(block):
    return block.has_support(getattr(block.__class__, 'student_view', None), 'multi_device')


def test_studio_previews_both_blocks_with_their_author_view(scenario):
    assert studio_preview_view(scenario) == 'author_view'
    html = scenario.runtime.render(scenario, studio_preview_view(scenario)).content
    assert '<svg' in html and '3 steps, 3 endings.' in html
    widget = load_widget()
    assert studio_preview_view(widget) == 'author_view'


def test_icons_and_mobile_support(scenario):
    widget = load_widget()
    assert scenario.icon_class == 'problem' and widget.icon_class == 'other'
    assert multi_device(scenario) and multi_device(widget)


def test_student_view_data_is_the_first_step_only_for_the_learnerless_platform_call(scenario):
    data = scenario.student_view_data()
    text = json.dumps(data)  # cached as JSON by the platform
    assert data['status'] == 'not_started' and data['step']['id'] == 'intake'
    assert [option['id'] for option in data['step']['options']] == ['dpia', 'buy']
    assert set(data['step']['options'][0]) == {'id', 'text'}  # no score, consequence, feedback or target
    assert '<script>' not in text and 'benefits office' in text
    for secret in SECRETS + ('"next"', '"points"', '"pilot"', '"complaint"'):
        assert secret not in text, secret


def test_student_view_data_works_on_the_modulestores_learnerless_block():
    """What the Course Blocks API's collect phase holds: no learner state, writing it raises."""
    block = load(ScenarioTestRuntime(store=ModulestoreKeyValueStore()), small_scenario())
    data = block.student_view_data()
    block.save()  # nothing of a learner's was written (the store would refuse it)
    assert data['status'] == 'not_started' and data['step']['id'] == 'intake'
    assert widget_data_ok(load_widget(DEMO_XML).student_view_data())


def widget_data_ok(data):
    return data['status'] == 'available' and data['programme']['credentials']


def test_student_view_data_follows_the_learner_and_still_hides_what_lies_ahead(scenario):
    call(scenario, 'choose', {'option': 'dpia'})
    data = scenario.student_view_data()
    text = json.dumps(data)
    assert data['step']['id'] == 'pilot' and 'SECRET-SITUATION-PILOT' in text
    assert 'SECRET-CONSEQUENCE' not in text and 'SECRET-DEBRIEF' not in text and '"points"' not in text
    call(scenario, 'choose', {'option': 'human'})
    data = scenario.student_view_data()
    assert data['status'] == 'finished' and data['ending']['id'] == 'good' and 'step' not in data
    assert 'score' not in json.dumps(data)


def test_search_indexes_titles_and_situations_never_outcomes_or_scores(scenario):
    body = scenario.index_dictionary()
    json.dumps(body)
    content = body['content']
    assert content['display_name'] == 'Benefits pre-screening'
    assert 'The offer' in content['scenario_content'] and 'SECRET-SITUATION-PILOT' in content['scenario_content']
    assert 'automated pre-screening of claims' in content['scenario_content']
    assert isinstance(body.get('content_type', ''), str)
    text = json.dumps(body)
    outcomes = ('SECRET-CONSEQUENCE', 'SECRET-DEBRIEF', 'Good: article 35', 'Risky.', 'Scandal', 'Trusted service',
                'Repaired', '"score"', '"points"', 'alert(1)')
    for secret in outcomes:
        assert secret not in text, secret


def test_broken_content_gives_empty_but_valid_answers():
    block = load(ScenarioTestRuntime(), small_scenario().replace('start="intake"', 'start="nowhere"'))
    assert block.student_view_data()['status'] == 'unavailable'
    assert 'scenario_content' not in block.index_dictionary()['content']


def test_credential_widget_data_and_index_are_the_public_pathway():
    widget = load_widget(DEMO_XML, user_id='7')
    data = widget.student_view_data()
    json.dumps(data)
    assert data['programme']['title'].startswith('AI, Data and Digital Governance')
    assert all({'id', 'title', 'ects', 'eqf', 'credentials'} == set(item) for item in data['programme']['credentials'])
    text = json.dumps(data)
    assert 'min-score' not in text and 'block-v1:' not in text
    body = widget.index_dictionary()
    assert 'AI, Data and Digital Governance' in body['content']['pathway_content']
    assert 'block-v1:' not in json.dumps(body)
