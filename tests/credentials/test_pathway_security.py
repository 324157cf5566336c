"""The pathway editor is course staff's, and only web addresses reach signed credentials (issue 8,
probes 2, 6 and 7), on the LMS-like runtime of ``test_block`` (the LMS's ``user`` service keys).
"""
import json

import pytest
from webob import Request

from xblocks.credentials.pathway_xml import canonical_xml, parse_pathway
from xblocks.credentials.problems import PathwayError
from xblocks.handlers import AUTHORED_XML_BYTES

from .support import DEMO_XML, small_xml
from .test_block import call, load

ORGANISATION = '<organisation id="uni-a" country="LU">'


@pytest.mark.parametrize('handler, data', [
    ('studio_submit', {'display_name': 'Hacked', 'pathway_xml': small_xml()}),
    ('check_pathway', {'pathway_xml': small_xml()}),
])
def test_learners_cannot_edit_or_check_the_pathway(handler, data):
    block = load(user_id='learner-1')
    before = (block.display_name, block.pathway_xml)
    assert call(block, handler, data, status=403) == {'error': 'Only the course team can change or check this exercise.'}
    assert (block.display_name, block.pathway_xml) == before


@pytest.mark.parametrize('body, status', [(b'[]', 400), (b'"x"', 400), (b'[' * 100_000 + b']' * 100_000, 400),
                                          (json.dumps({'pathway_xml': 1}).encode(), 400)])
def test_unusable_bodies_are_refused(body, status):
    block = load(user_id='staff-1', staff=True)
    request = Request.blank('/', method='POST', body=body)
    response = block.runtime.handle(block, 'check_pathway', request)
    assert response.status_code == status and set(json.loads(response.body)) == {'error'}


def test_the_pathway_check_is_size_limited():
    block = load(user_id='staff-1', staff=True)
    big = small_xml().replace('<pathway ', '<!--' + 'x' * AUTHORED_XML_BYTES + '--><pathway ', 1)
    assert call(block, 'check_pathway', {'pathway_xml': big}, status=413) == {
        'error': 'The request is too large (at most 256 KB).'}


@pytest.mark.parametrize('address', [
    'javascript:alert(document.domain)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', '//evil.example',
    '/relative/path', 'https://', 'http://[::1', 'https://exa mple.eu', 'ftp://example.eu',
])
@pytest.mark.parametrize('where', ['homepage', 'programme', 'micro-credential'])
def test_only_web_addresses_are_accepted(address, where):
    """Probe 7: a javascript: homepage was accepted and flowed into signed credentials."""
    quoted = address.replace('&', '&amp;').replace('<', '&lt;').replace('"', '&quot;').replace('\t', '&#9;')
    xml = {
        'homepage': small_xml().replace(ORGANISATION, f'<organisation id="uni-a" country="LU" homepage="{quoted}">'),
        'programme': small_xml().replace('participation="online">', f'participation="online" '
                                         f'further-information="{quoted}">'),
        'micro-credential': small_xml().replace('<micro-credential id="first" ects="2">',
                                                f'<micro-credential id="first" ects="2" further-information="{quoted}">'),
    }[where]
    with pytest.raises(PathwayError) as raised:
        parse_pathway(xml)
    [message] = [text for text in raised.value.render() if 'web address' in text]
    element, identifier, attribute = {'homepage': ('organisation', 'uni-a', 'homepage'),
                                      'programme': ('programme', 'prog', 'further-information'),
                                      'micro-credential': ('micro-credential', 'first', 'further-information')}[where]
    assert f'<{element}> "{identifier}": {attribute}="' in message
    assert 'must be a web address starting with https:// or http://.' in message
    block = load(user_id='staff-1', staff=True)
    before = block.pathway_xml
    answer = call(block, 'studio_submit', {'display_name': 'Progress', 'pathway_xml': xml})
    assert answer['result'] == 'error' and any('web address' in error for error in answer['errors'])
    assert block.pathway_xml == before


def test_web_addresses_and_emails_that_are_fine():
    xml = small_xml().replace(ORGANISATION, '<organisation id="uni-a" country="LU" homepage="HTTPS://uni-a.example.lu/'
                                            '?a=1&amp;b=2" email="credentials@uni-a.example.lu">')
    pathway = parse_pathway(xml)
    assert pathway.organisations[0].homepage == 'HTTPS://uni-a.example.lu/?a=1&b=2'
    assert pathway.organisations[0].email == 'credentials@uni-a.example.lu'
    parse_pathway(DEMO_XML)


@pytest.mark.parametrize('email', ['javascript:alert(1)@x.eu', 'a@b', 'mailto:a@b.eu', '<a@b.eu>', 'a b@c.eu'])
def test_emails_are_plain_addresses(email):
    xml = small_xml().replace(ORGANISATION, f'<organisation id="uni-a" country="LU" email="{email.replace("<", "&lt;")}">')
    with pytest.raises(PathwayError) as raised:
        parse_pathway(xml)
    assert any('<organisation> "uni-a": email="' in text and 'is not an email address' in text
               for text in raised.value.render())


def test_an_imported_pathway_with_a_script_address_signs_nothing():
    """Content that bypassed the editor (an OLX import) is shown as broken; no credential is signed."""
    hostile = canonical_xml(DEMO_XML).replace('homepage="https://hanse-governance.example.eu"',
                                              'homepage="javascript:alert(1)"')
    assert hostile != canonical_xml(DEMO_XML)
    block = load(xml=f'<magix_credential_progress>{hostile}</magix_credential_progress>', user_id='learner-1')
    html = block.render('student_view').content
    assert 'javascript:alert(1)' not in html.replace('homepage=&quot;javascript:alert(1)&quot;', '')
    request = Request.blank('/?credential=rights-and-data&format=openbadge')
    response = block.runtime.handle(block, 'download', request)
    assert response.status_code == 404
