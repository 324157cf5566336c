"""The URLs a registered platform gives us (its key set and token URLs, and the line item, score and
roster URLs its launches name) reach public https addresses only, with no redirects followed.

Issue 8 left this out: only dynamic registration's URLs were checked, so a registered platform (or a
DNS answer changed after registration) could make the tool fetch from its own network. The harness
platform runs on 127.0.0.1: the service refuses it unless ``MAGIX_LTI_ALLOW_PRIVATE_PLATFORMS`` says
the host serves platforms in its own network (as the demo does).
"""
from __future__ import annotations

import pytest
import requests

from lti_tools.lti1p3 import claims as c
from lti_tools.lti1p3 import platform_keys, safe_http
from lti_tools.lti1p3.errors import PlatformUnavailable
from lti_tools.tool import store
from lti_tools.tool.models import Platform

from .test_refusals import page_text

STRICT = safe_http.Policy()


@pytest.fixture
def strict(settings):
    """A host that serves only platforms on public https addresses (the service's default)."""
    settings.LTI_ALLOW_PRIVATE_PLATFORMS = False
    platform_keys._PARSED.clear()


def test_a_launch_from_a_platform_on_a_private_address_is_refused_without_fetching(tool, platform, strict):
    response = tool.launch()
    assert response.status_code == 502
    text = page_text(response)
    assert 'could not be reached' in text
    assert '127.0.0.1' not in text and 'public' not in text   # where names lead inside our network: log only
    assert ('GET', '/jwks') not in platform.requests


def test_the_same_platform_launches_when_the_host_serves_its_own_network(tool, platform, settings):
    settings.LTI_ALLOW_PRIVATE_PLATFORMS = True
    assert tool.launch().status_code == 200
    assert ('GET', '/jwks') in platform.requests


def test_a_key_set_url_that_redirects_is_not_followed(tool, platform, settings):
    settings.LTI_ALLOW_PRIVATE_PLATFORMS = True
    Platform.objects.update(keyset_url=f'{platform.url}/moved-jwks')
    response = tool.launch()
    assert response.status_code == 502 and 'could not be reached' in page_text(response)
    assert ('GET', '/moved-jwks') in platform.requests and ('GET', '/jwks') not in platform.requests


def test_grades_and_rosters_are_not_sent_to_a_private_address(tool, platform, strict):
    client = store.service_client(Platform.objects.get())
    with pytest.raises(PlatformUnavailable) as refused:
        client.post_score(platform.lineitem(), {'scoreGiven': 1, 'scoreMaximum': 1})
    assert refused.value.public_detail is False
    with pytest.raises(PlatformUnavailable):
        client.find_or_create_lineitem(f'{platform.url}/lineitems', [c.SCOPE_LINEITEM], resource_link_id='r',
                                       resource_id='x', label='x', score_maximum=1.0)
    assert not [request for request in platform.requests if request[1] in ('/token', '/lineitems')]


@pytest.mark.parametrize('url', ['http://lti.example.org/jwks', 'ftp://lti.example.org/jwks',
                                 'https://127.0.0.1/jwks', 'https://[::1]/jwks', 'https://[::ffff:10.0.0.1]/jwks',
                                 'https://169.254.169.254/latest/meta-data', 'https://100.64.0.1/jwks',
                                 'https://10.1.2.3/jwks', 'https://localhost/jwks'])
def test_the_session_refuses_before_connecting(url):
    """Each of these is refused before any connection (no network here: a connection attempt to a
    public name would fail differently)."""
    with pytest.raises((safe_http.NotHttps, requests.exceptions.InvalidSchema,
                        safe_http.InvalidIPAddress)):
        safe_http.PlatformSession(STRICT).get(url)


def test_an_error_for_a_refused_url_does_not_say_where_it_led():
    try:
        safe_http.PlatformSession(STRICT).get('https://10.1.2.3/jwks')
    except requests.RequestException as error:
        found = safe_http.unavailable('cannot fetch the platform key set https://10.1.2.3/jwks', error)
    assert found.public_detail is False and 'not a public https address' in found.detail
