"""Our host: the results store, the runtime that records grades and completion, the workbench pages.

Real SQLite (pytest-django), real workbench runtime and handlers through Django's test client.
"""
import json
import re

import pytest
from django.test import Client
from opaque_keys.edx.keys import UsageKey
from workbench import scenarios as workbench_scenarios

from lti_tools.results import record_result, results_by_learner, results_for
from lti_tools.results.api import HostResultsSource
from lti_tools.results.models import LearnerResult
from lti_tools.results.services import HostCompletionService
from lti_tools.results.signals import result_recorded
from lti_tools.runtime import MagixRuntime
from xblocks.credentials import verification
from xblocks.credentials.keys import generate_issuer_key, load_verification_keys
from xblocks.credentials.pathway_xml import parse_pathway
from xblocks.credentials.progress import Result, compute_progress
from xblocks.credentials.sources import CompletionServiceSource, learner_source

from tests.scenario.support import page_answering

from .support import COURSE, OTHER_COURSE, block_key, large_pathway_xml

pytestmark = pytest.mark.django_db


def test_record_and_read_results():
    key = block_key('problem', 'eligibility-check')
    record_result('alice', key, earned=7, possible=10)
    record_result('alice', key, completion=1.0)  # keeps the grade
    record_result('bob', key, earned=3, possible=10)
    found = results_for('alice', [key, block_key('problem', 'never-tried')])
    assert found == {key: Result(7.0, 10.0, 1.0)}
    assert found[key].score == 0.7
    assert LearnerResult.objects.get(user_key='alice', usage_key=key).course_key == COURSE


@pytest.mark.parametrize('values', [dict(completion=1.5), dict(earned=11, possible=10), dict(earned=1)])
def test_impossible_results_are_refused(values):
    with pytest.raises(ValueError):
        record_result('alice', block_key('problem', 'x'), **values)
    assert not LearnerResult.objects.exists()


def test_every_recorded_result_is_signalled():
    received = []

    def receiver(sender, result, created, **kwargs):
        received.append((result.user_key, result.usage_key, result.earned, created))
    result_recorded.connect(receiver)
    try:
        record_result('alice', block_key('problem', 'a'), earned=1, possible=2)
        record_result('alice', block_key('problem', 'a'), earned=2, possible=2)
    finally:
        result_recorded.disconnect(receiver)
    assert received == [('alice', block_key('problem', 'a'), 1.0, True), ('alice', block_key('problem', 'a'), 2.0, False)]


def test_course_requirements_read_the_course_row_or_the_sum_of_its_grades():
    record_result('alice', block_key('problem', 'p1', OTHER_COURSE), earned=1, possible=2)
    record_result('alice', block_key('problem', 'p2', OTHER_COURSE), earned=2, possible=2)
    assert results_for('alice', [OTHER_COURSE])[OTHER_COURSE].score == 0.75
    record_result('alice', OTHER_COURSE, earned=0.9, possible=1)  # a course-level result wins
    assert results_for('alice', [OTHER_COURSE])[OTHER_COURSE].score == 0.9


def large_pathway(requirements=200):
    return parse_pathway(large_pathway_xml(requirements))


def test_progress_query_count_does_not_grow_with_requirements(django_assert_num_queries):
    pathway = large_pathway(200)
    assert len(pathway.result_keys()) == 201
    for index in range(100):
        record_result('alice', block_key('problem', f'check-{index}'), earned=1, possible=1)
        record_result('alice', block_key('magix_scenario', f'case-{index}'), completion=1.0)
        record_result('bob', block_key('problem', f'check-{index}'), earned=0, possible=1)
    record_result('alice', block_key('problem', 'p', OTHER_COURSE), earned=1, possible=1)
    # What the widget builds on our host: the completion service records into the results store,
    # so the results (completion included) are read once.
    source = learner_source(HostResultsSource('alice'), HostCompletionService('alice', COURSE), COURSE)
    with django_assert_num_queries(1):
        progress = compute_progress(pathway, source)
    assert progress.earned and progress.ects_earned == 2
    # Where the completion service is another store's (Open edX: BlockCompletion), it is asked too.
    separate = CompletionServiceSource(HostCompletionService('alice', COURSE), COURSE, HostResultsSource('alice'))
    with django_assert_num_queries(2):  # one for the results, one through the completion service
        assert compute_progress(pathway, separate).ects_earned == 2
    with django_assert_num_queries(1):
        everyone = results_by_learner(pathway.result_keys())
    assert set(everyone) == {'alice', 'bob'} and len(everyone['alice']) == 201


def test_completion_service_has_the_open_edx_api():
    key = UsageKey.from_string(block_key('magix_scenario', 'eligibility'))
    other = UsageKey.from_string(block_key('magix_scenario', 'data-sharing'))
    service = HostCompletionService('alice', COURSE)
    assert service.completion_tracking_enabled()
    service.submit_completion(key, 1.0)
    assert service.get_completions([key, other]) == {key: 1.0, other: 0.0}
    assert HostCompletionService('alice', OTHER_COURSE).get_completions([key]) == {key: 0.0}


class FakeBlock:
    """Only what ``publish`` reads from a block: its scope ids."""

    def __init__(self, usage_id):
        self.scope_ids = type('ScopeIds', (), {'usage_id': usage_id, 'block_type': 'problem'})()


def test_runtime_records_grade_and_completion_events():
    runtime = MagixRuntime('alice')
    key = block_key('problem', 'eligibility-check')
    block = FakeBlock(key)
    runtime.publish(block, 'grade', {'value': 0.6, 'max_value': 1.0, 'only_if_higher': True})
    runtime.publish(block, 'grade', {'value': 0.4, 'max_value': 1.0, 'only_if_higher': True})  # lower: ignored
    runtime.publish(block, 'completion', {'completion': 1.0})
    runtime.publish(block, 'grade', {'value': 'lots'})  # malformed: logged, ignored
    runtime.publish(block, 'magix.scenario.choice', {'step': 'a'})  # other events: only logged
    assert results_for('alice', [key]) == {key: Result(0.6, 1.0, 1.0)}
    runtime.publish(block, 'grade', {'value': 0.3, 'max_value': 1.0})  # latest wins without only_if_higher
    assert results_for('alice', [key])[key].score == 0.3


SCENARIO = """<magix_scenario url_name="eligibility" display_name="Eligibility" scoring_mode="path">
  <scenario start="intake">
    <step id="intake" title="Intake">
      <situation><p>An algorithm flags a claim.</p></situation>
      <question>What do you do?</question>
      <option id="review" next="good" points="2"><text>Ask a caseworker to review it</text></option>
      <option id="reject" next="bad" points="0"><text>Reject the claim</text></option>
    </step>
    <ending id="good" title="Reviewed"><debrief><p>Right.</p></debrief></ending>
    <ending id="bad" title="Rejected"><debrief><p>Wrong.</p></debrief></ending>
  </scenario>
</magix_scenario>"""


@pytest.fixture
def demo_pages(settings, tmp_path):
    settings.XBLOCK_SETTINGS = {'magix_credential_progress': {
        'issuer_key': str(tmp_path / 'issuer.pem'), 'issuer_id': 'https://espad.example.eu/magix/issuer',
        'create_demo_key': True}}
    loaded = workbench_scenarios.get_scenarios()
    workbench_scenarios.add_xml_scenario('magix-eligibility-test', 'MAGIX eligibility test', SCENARIO)
    widget = next(name for name in loaded if name.startswith('magix_credential_progress.'))
    yield {'scenario': 'magix-eligibility-test', 'widget': widget, 'key_file': tmp_path / 'issuer.pem'}
    workbench_scenarios.remove_scenario('magix-eligibility-test')


def get(client, scenario_id, student, lang=None):
    response = client.get(f'/workbench/scenario/{scenario_id}/?student={student}' + (f'&lang={lang}' if lang else ''))
    assert response.status_code == 200
    return response.content.decode()


def play_to_the_good_ending(client, scenario_id, student):
    html = get(client, scenario_id, student)
    usage = re.search(r"data-usage='([^']+)' data-block-type='magix_scenario'", html).group(1)
    response = client.post(f'/workbench/handler/{usage}/choose/?student={student}',
                           json.dumps({'option': 'review', **page_answering(html)}),
                           content_type='application/json', HTTP_X_CSRFTOKEN=client.cookies['csrftoken'].value)
    assert response.status_code == 200 and response.json()['status'] == 'finished'


def section(html):
    return html[html.index('<section class="magix-credentials"'):]


def test_playing_a_scenario_in_the_demo_counts_towards_the_credential(demo_pages):
    client = Client(enforce_csrf_checks=True)
    play_to_the_good_ending(client, demo_pages['scenario'], 'alice')
    key = block_key('magix_scenario', 'eligibility')
    assert results_for('alice', [key]) == {key: Result(1.0, 1.0, 1.0)}  # recorded under the course key
    html = section(get(client, demo_pages['widget'], 'alice'))
    assert 'Programme progress: 0 of 8 ECTS (0%).' in html
    # The scenario is ticked and links to the demo page that shows it; the quiz is the next step.
    assert re.search(r'<li class="magix-checklist__item is-met">.*?Done:.*?<a href="/workbench/scenario/magix-eligibility-test/'
                     r'\?student=alice">Scenario: Automated eligibility decisions</a>', html, re.S)
    next_step = html[html.index('Next recommended step'):][:400]
    assert 'Knowledge check: Automated eligibility decisions' in next_step and 'score needed: 70%' in next_step
    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html


def test_earned_credential_downloads_verify_and_others_are_refused(demo_pages):
    client = Client()
    record_result('alice', block_key('magix_scenario', 'eligibility'), completion=1.0)
    record_result('alice', block_key('problem', 'eligibility-check'), earned=9, possible=10)
    html = section(get(client, demo_pages['widget'], 'alice'))
    assert 'Programme progress: 2 of 8 ECTS (25%).' in html and '2 of 2 ECTS earned' in html
    links = [link.replace('&amp;', '&') for link in re.findall(r'href="([^"]*/download/[^"]*)"', html)]
    assert len(links) == 2
    keys = None
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and 'attachment' in response['Content-Disposition']
        keys = keys or load_verification_keys(demo_pages['key_file'])  # the demo key, created on first download
        report = verification.verify_text(response.content.decode(), keys)
        assert report.ok, report.problems
    assert report.credential['credentialSubject']['fullName'] == {'en': 'alice'}
    refused = client.get(links[0].replace('credential=eligibility', 'credential=data-sharing'))
    assert refused.status_code == 403 and b'not earned' in refused.content
    bob = client.get(links[0].replace('student=alice', 'student=bob'))
    assert bob.status_code == 403


def test_course_team_sees_aggregates_only(demo_pages):
    for learner in ('alice', 'bob'):
        record_result(learner, block_key('magix_scenario', 'genai-communications'), completion=1.0)
        record_result(learner, block_key('problem', 'genai-communications-check'), earned=1, possible=1)
    record_result('carol', block_key('magix_scenario', 'eligibility'), completion=1.0)
    staff = section(get(Client(), demo_pages['widget'], 'staff-1'))
    table = staff[staff.index('magix-credentials__table'):]
    assert 'credentials earned by 3 learners with results' in table
    assert re.search(r'Generative AI in public communications</th><td>2</td>', table)
    assert re.search(r'Automated eligibility decisions and the rights of the people they affect</th><td>0</td>', table)
    assert 'alice' not in table and 'bob' not in table
    assert 'magix-credentials__table' not in section(get(Client(), demo_pages['widget'], 'alice'))


def test_learners_read_titles_and_outcomes_in_their_language(demo_pages):
    html = section(get(Client(), demo_pages['widget'], 'alice', lang='fr'))
    assert 'IA, données et gouvernance numérique dans l’administration publique' in html
    assert 'Évaluer si une décision automatisée d’éligibilité' in html
    assert 'lang="fr"' in html


def test_issuer_key_given_as_pem_text_as_the_tutor_plugin_sets_it(demo_pages, settings, tmp_path):
    """XBLOCK_SETTINGS' issuer_key_pem (the PEM itself, from Tutor's config) signs the downloads."""
    key_file = tmp_path / 'tutor-issuer.pem'
    generate_issuer_key(key_file)
    settings.XBLOCK_SETTINGS = {'magix_credential_progress': {
        'issuer_key_pem': key_file.read_text(), 'issuer_id': 'https://espad.example.eu/magix/issuer'}}
    client = Client()
    record_result('alice', block_key('magix_scenario', 'eligibility'), completion=1.0)
    record_result('alice', block_key('problem', 'eligibility-check'), earned=9, possible=10)
    html = section(get(client, demo_pages['widget'], 'alice'))
    link = re.findall(r'href="([^"]*/download/[^"]*)"', html)[0].replace('&amp;', '&')
    response = client.get(link)
    assert response.status_code == 200
    report = verification.verify_text(response.content.decode(), load_verification_keys(key_file))
    assert report.ok, report.problems
    assert not demo_pages['key_file'].exists()  # no demo key was made


def test_progress_parses_no_key_once_the_pathway_is_read(monkeypatch, django_assert_num_queries):
    """Keys are parsed when the pathway XML is read (pathways are cached), never per computation."""
    from opaque_keys.edx.keys import CourseKey
    pathway = large_pathway(200)
    calls = []
    for key_class in (UsageKey, CourseKey):
        original = key_class.from_string
        monkeypatch.setattr(key_class, 'from_string',
                            classmethod(lambda cls, text, original=original: calls.append(text) or original(text)))
    source = CompletionServiceSource(HostCompletionService('alice', COURSE), COURSE, HostResultsSource('alice'))
    for _ in range(2):
        with django_assert_num_queries(2):  # the completion service asked too, as in Open edX
            compute_progress(pathway, source)
    assert calls == []
