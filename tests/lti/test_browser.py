"""A learner in a real browser: a platform course page frames the tool (cross-site, as in an LMS),
the OIDC login and launch run through the browser, and the exercise works inside the iframe.

Chromium blocks ordinary third-party cookies; our partitioned (CHIPS) state cookie still works
there. A browser that refuses even that gets the "open in a new window" page, and the new
window's launch passes. axe-core checks every page a learner meets (the course page with the tool's
frame, each exercise state inside it, the notice, the new window), at desktop and phone widths.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from lti_consumer.data import Lti1p3LaunchData

from lti_tools.tool import catalogue
from lti_tools.tool.store import save_registration


from tests.browser.axe import BROWSER_MARKS, assert_accessible, assert_no_horizontal_scroll, tab_through

pytestmark = BROWSER_MARKS


@pytest.fixture
def role():
    return 'student'


@pytest.fixture
def course_page(live_server, transactional_db, platform, content_dir, settings, role):
    """The platform's course page framing the tool at ``localhost`` (the platform is ``127.0.0.1``)."""
    settings.PLATFORM_NAME = 'Harness platform'
    settings.LTI_CONTENT_DIR = str(content_dir)
    cache.clear()
    catalogue.clear_cache()
    tool = live_server.url.replace('127.0.0.1', 'localhost')
    save_registration(platform.registration())
    consumer = platform.consumer
    consumer.launch_url = f'{tool}/lti/launch/benefits/'
    consumer.redirect_uris = [f'{tool}/lti/launch/']
    consumer.set_user_data('browser-learner', role, full_name='Ada Lovelace')
    consumer.set_resource_link_claim('browser-link')
    launch_data = Lti1p3LaunchData(user_id='browser-learner', user_role=role, config_id='1',
                                   resource_link_id='browser-link')
    query = urlsplit(consumer.prepare_preflight_url(launch_data)).query
    platform.course_iframe_src = f'{tool}/lti/login/?{query}'
    yield f'{platform.url}/course'
    cache.clear()


def test_learner_plays_inside_the_platform_iframe_and_resumes(browser, course_page):
    page = browser.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.goto(course_page)
    frame = page.frame_locator('iframe')
    frame.locator('.magix-step').wait_for()
    assert_accessible(page, 'LTI launch: first step in the platform iframe', screenshot='lti-iframe-first-step')
    stops = tab_through(page, 'LTI launch: first step in the platform iframe')
    assert any('Submit' in stop for stop in stops), stops   # the keyboard reaches into the cross-site frame
    frame.locator('.magix-step input[type=radio]').first.check()
    frame.locator('.magix-step button[type=submit]').click()
    frame.get_by_text('SECRET-CONSEQUENCE-DPIA').wait_for()
    assert frame.locator('.magix-step legend').inner_text() == 'How do you run the pilot?'
    assert_accessible(page, 'LTI launch: consequence in the platform iframe')
    # A new launch from the course page resumes where the learner left off.
    page.reload()
    frame = page.frame_locator('iframe')
    frame.locator('.magix-step').wait_for()
    assert frame.locator('.magix-step legend').inner_text() == 'How do you run the pilot?'
    assert errors == []


def test_a_browser_blocking_third_party_cookies_is_told_to_open_a_new_window(browser, course_page):
    context = browser.new_context()
    page = context.new_page()
    # Refuse the state cookie inside the iframe, as a browser blocking all third-party cookies does.
    def without_cookies(route):
        answer = route.fetch(max_redirects=0)
        route.fulfill(status=answer.status, body=answer.body(), headers={
            name: value for name, value in answer.headers.items() if name.lower() != 'set-cookie'})
    page.route('**/lti/login/**', without_cookies)
    page.goto(course_page)
    frame = page.frame_locator('iframe')
    link = frame.get_by_role('link', name='Open the activity in a new window')
    link.wait_for()
    assert_accessible(page, 'LTI: cookies blocked notice')
    with context.expect_page() as opened:
        link.click()
    window = opened.value
    window.locator('.magix-step').wait_for()  # top-level window: the cookie is first-party, the launch passes
    assert window.locator('.magix-step legend').inner_text() == 'What do you do first?'
    assert_accessible(window, 'LTI: launch in a new window')


@pytest.mark.parametrize('width', [390, 320])
def test_the_tool_in_its_frame_fits_a_phone(browser, course_page, width):
    page = browser.new_page(viewport={'width': width, 'height': 800})
    page.goto(course_page)
    page.frame_locator('iframe').locator('.magix-step').wait_for()
    tool = next(frame for frame in page.frames if '/lti/' in frame.url)
    assert_no_horizontal_scroll(tool, f'LTI tool in the course page at {width} px')
    assert_accessible(page, f'LTI tool in the course page at {width} px')


@pytest.mark.parametrize('role', ['instructor'])
def test_instructor_preview_and_progress_pages(browser, course_page, live_server):
    page = browser.new_page()
    page.goto(course_page)
    frame = page.frame_locator('iframe')
    frame.locator('.magix-step').wait_for()
    assert_accessible(page, 'LTI: instructor preview in the iframe')
    frame.get_by_role('link', name="See your learners' progress").click()
    frame.locator('table').first.wait_for()
    assert_accessible(page, "LTI: learners' progress in the iframe")
    tool = next(frame for frame in page.frames if '/lti/' in frame.url)
    narrow = browser.new_page(viewport={'width': 320, 'height': 800})
    narrow.goto(course_page)
    narrow.frame_locator('iframe').locator('.magix-step').wait_for()
    narrow.frame_locator('iframe').get_by_role('link', name="See your learners' progress").click()
    narrow.frame_locator('iframe').locator('table').first.wait_for()
    tool = next(frame for frame in narrow.frames if '/lti/' in frame.url)
    assert_no_horizontal_scroll(tool, "learners' progress at 320 px")


def test_refused_launch_page(browser, live_server, transactional_db):
    page = browser.new_page()
    # A forged launch (a platform posting a token that is no JWT): the error page, not a crash.
    page.set_content(f'<form method="post" action="{live_server.url}/lti/launch/">'
                     '<input name="id_token" value="forged"><input name="state" value="x"></form>')
    with page.expect_navigation():
        page.evaluate('document.forms[0].submit()')
    page.locator('main h1').wait_for()
    assert_accessible(page, 'LTI: launch refused')
