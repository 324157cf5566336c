"""The widget on an XBlock test runtime (xblock's ToyRuntime, with the services the LMS gives).

Here no host results service and no edx-platform exist: the widget must still render the
pathway, its Studio editor must validate before saving, and its OLX must round-trip.
"""
import json
import re

import pytest
from lxml import etree
from webob import Request
from xblock.completable import XBlockCompletionMode
from xblock.reference.user_service import UserService, XBlockUser
from xblock.test.toy_runtime import ToyRuntime

from xblocks.credentials.block import CredentialProgressBlock
from xblocks.credentials.loading import scenario_blocks_with_url_names
from xblocks.credentials.openedx import OpenEdxBackend
from xblocks.credentials.pathway_xml import canonical_xml

from ..openedx_rules import PlatformI18nService, studio_preview_view
from .support import COURSE, DEMO_XML, block_key, demo_pathway, small_xml


class LearnerUserService(UserService):
    def __init__(self, user_id, staff=False):
        user = XBlockUser(is_current_user=True, full_name='Ana Andromeda')
        user.opt_attrs.update({'edx-platform.user_id': user_id, 'edx-platform.is_authenticated': user_id is not None,
                               'edx-platform.user_is_staff': staff})
        super().__init__(user=user)

    def get_current_user(self):
        return self._user


class LmsLikeRuntime(ToyRuntime):
    """ToyRuntime plus ``i18n`` (the platform's rule, per block) and ``user``, as the LMS provides them."""

    def __init__(self, user_id=None, locale='en', staff=False):
        super().__init__(user_id)
        self.locale = locale
        self._services.update(user=LearnerUserService(user_id, staff))

    def service(self, block, service_name):
        if service_name == 'i18n':
            return PlatformI18nService(block, self.locale)
        return super().service(block, service_name)

    def handler_url(self, block, handler_name, suffix='', query='', thirdparty=False):
        return f'/handler/{handler_name}?{query}'

    def local_resource_url(self, block, uri):
        return f'/resource/{uri}'


def load(xml=DEMO_XML, user_id=None, staff=False):
    runtime = LmsLikeRuntime(user_id, staff=staff)
    return runtime.get_block(runtime.parse_xml_string(xml))


def call(block, handler, data, status=200):
    request = Request.blank('/', method='POST', body=json.dumps(data).encode())
    response = block.runtime.handle(block, handler, request)
    assert response.status_code == status, response.body
    return json.loads(response.body)


def test_widget_never_counts_towards_unit_completion():
    assert CredentialProgressBlock.completion_mode == XBlockCompletionMode.EXCLUDED
    assert XBlockCompletionMode.get_mode(load()) == XBlockCompletionMode.EXCLUDED


def test_pathway_is_read_from_olx_child_xml_and_exported_back_unchanged():
    block = load()
    assert block.display_name.startswith('Your progress: AI, Data')
    assert block.pathway_xml == canonical_xml(DEMO_XML)
    node = etree.Element('magix_credential_progress')
    block.add_xml_to_node(node)
    assert 'pathway_xml' not in node.attrib and node.get('display_name') == block.display_name
    exported = etree.tostring(node, encoding='unicode')
    assert load(exported).pathway_xml == block.pathway_xml


def test_anonymous_learner_sees_the_pathway_and_a_sign_in_notice():
    html = load().render('student_view').content
    assert 'AI, Data and Digital Governance in Public Administration' in html
    assert 'Sign in to see your progress' in html
    assert 'Hanseatic University of Applied Governance (DE)' in html and '(PT)' in html and '(BE)' in html
    assert html.count('class="magix-credential ') == 6
    assert '/handler/download' not in html and 'Earned' not in html


def test_signed_in_learner_on_a_platform_without_results_is_told_so():
    html = load(user_id='7').render('student_view').content
    assert 'Progress cannot be read on this platform.' in html


def test_download_requires_a_signed_in_learner_with_the_credential():
    block = load()
    response = block.runtime.handle(block, 'download', Request.blank('/?credential=eligibility&format=openbadge'))
    assert response.status_code == 403 and b'Sign in' in response.body
    block = load(user_id='7')
    response = block.runtime.handle(block, 'download', Request.blank('/?credential=nowhere&format=openbadge'))
    assert response.status_code == 404
    response = block.runtime.handle(block, 'download', Request.blank('/?credential=eligibility&format=pdf'))
    assert response.status_code == 404


def test_studio_preview_summarises_the_pathway():
    """Studio picks the view itself (``tests/openedx_rules.py``: ``has_author_view``, from edx-platform)."""
    block = load()
    assert studio_preview_view(block) == 'author_view'
    html = block.render(studio_preview_view(block)).content
    assert 'Programme “AI, Data and Digital Governance in Public Administration”: 8 ECTS, EQF level 7.' in html
    assert '<code>rights-and-data</code>' in html and 'Problems to fix' not in html


def test_studio_saves_only_a_valid_pathway():
    block = load(user_id='staff-1', staff=True)
    before = block.pathway_xml
    broken = small_xml(total='9')
    result = call(block, 'studio_submit', {'display_name': 'Progress', 'pathway_xml': broken})
    assert result['result'] == 'error'
    assert any('worth 9 ECTS but its micro-credentials add up to 3 ECTS' in error for error in result['errors'])
    assert block.pathway_xml == before and block.display_name != 'Progress'
    result = call(block, 'studio_submit', {'display_name': 'Progress', 'pathway_xml': '<pathway><oops'})
    assert result['result'] == 'error' and 'not well formed' in result['errors'][0]
    result = call(block, 'studio_submit', {'display_name': 'Progress', 'pathway_xml': small_xml()})
    assert result == {'result': 'success'}
    assert block.display_name == 'Progress' and block.pathway_xml == canonical_xml(small_xml())


def test_studio_checks_xml_being_edited_without_saving():
    block = load(user_id='staff-1', staff=True)
    report = call(block, 'check_pathway', {'pathway_xml': small_xml().replace('min-score="0.7"', 'min-score="2"')})
    assert any('min-score="2"' in problem for problem in report['problems'])
    assert block.pathway_xml == canonical_xml(DEMO_XML)
    fragment = block.render('studio_view')
    assert 'name="pathway_xml"' in fragment.content and 'Credential pathway (XML)' in fragment.content
    # Course teams can start from a shipped pathway (loaded into the editor, saved only on Save).
    assert '<option value="0">AI, Data and Digital Governance in Public Administration</option>' in fragment.content
    init_args = re.search(r'<script type="json/xblock-args"[^>]*>(.*?)</script>', fragment.content, re.S).group(1)
    assert json.loads(init_args)['pathways'] == [canonical_xml(DEMO_XML)]


def test_a_broken_pathway_shows_the_problems_instead_of_progress():
    block = load()
    block.pathway_xml = small_xml(total='4')
    html = block.render('student_view').content
    assert 'role="alert"' in html and 'worth 4 ECTS' in html


@pytest.mark.parametrize('view', ['student_view', 'author_view', 'studio_view'])
def test_every_view_sends_its_own_stylesheet(view):
    fragment = load().render(view)
    assert any('.magix-credentials' in resource.data for resource in fragment.resources)


def test_demo_workbench_pages_use_the_course_keys_the_pathway_requires():
    """The five shipped scenarios appear with the url_names the demo pathway's keys name."""
    url_names = {etree.fromstring(xml.encode()).get('url_name') for xml in scenario_blocks_with_url_names()}
    required = {key for key in demo_pathway().result_keys() if '+type@magix_scenario+' in key}
    assert {block_key('magix_scenario', name, COURSE) for name in url_names} == required
    titles = [title for title, _ in CredentialProgressBlock.workbench_scenarios()]
    assert titles == ['Credential progress: AI, Data and Digital Governance',
                      'Credential pathway: the five scenarios and your progress']


def test_open_edx_links_jump_to_units_in_this_course_and_others():
    backend = OpenEdxBackend(COURSE)
    here, elsewhere = block_key('problem', 'eligibility-check'), block_key('problem', 'x', 'course-v1:MAGIX+AIGOV201+2026')
    assert backend.url_for(here) == f'/courses/{COURSE}/jump_to_id/eligibility-check'
    assert backend.url_for(elsewhere) == f'/courses/course-v1:MAGIX+AIGOV201+2026/jump_to/{elsewhere}'
    assert backend.url_for('course-v1:MAGIX+AIGOV201+2026') == '/courses/course-v1:MAGIX+AIGOV201+2026/course/'
    assert backend.url_for('not a key') is None


def test_live_check_of_a_valid_pathway_answers_json():
    """Well-formed XML was answered with HTTP 500: the summary's ECTS (``Decimal``) went into JSON."""
    block = load(staff=True)  # the live check is the course team's
    assert call(block, 'check_pathway', {'pathway_xml': small_xml()}) == {'problems': []}


def test_live_check_never_fails(monkeypatch):
    block = load(staff=True)
    monkeypatch.setattr(CredentialProgressBlock, 'describe', lambda self, xml: 1 / 0)
    report = call(block, 'check_pathway', {'pathway_xml': small_xml()})
    assert report == {'problems': ['The check could not be run (ZeroDivisionError). Your text is kept; '
                                   'it is checked again as you type.']}
