"""The course player in a real browser: headless Chromium (Playwright) against our host on 127.0.0.1.

A learner opens the course, moves through it with the course navigation, answers a knowledge
check with capa's own JavaScript (xblocks-contrib's ``ProblemBlockDisplay.js``) and sees the
credential widget count it; the pages fit a phone and a desktop with no sideways scrolling and
load nothing from outside 127.0.0.1.
"""
from urllib.parse import urlparse

import pytest

from tests.browser.axe import BROWSER_MARKS

pytestmark = BROWSER_MARKS  # skipped, saying why, without Chromium or axe-core

ANSWER = 'probably not meaningful: it should be checked whether reviewers have the time, information and authority to disagree'


@pytest.fixture(autouse=True)
def _database(transactional_db):
    """The live server's pages write learner state: a database the server thread can see."""


def no_sideways_scroll(page):
    return page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')


def test_a_learner_plays_the_course_and_a_knowledge_check_counts(browser, live_server, tmp_path):
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    hosts, errors = set(), []
    page.on('request', lambda request: hosts.add(urlparse(request.url).hostname))
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.goto(f'{live_server.url}/')
    assert page.title() == 'AI, Data and Digital Governance in Public Administration · MAGIX'
    page.fill('#cp-learner', 'browser-learner')
    with page.expect_navigation():
        page.locator('#cp-learner').press('Enter')
    page.keyboard.press('Tab')
    assert page.evaluate('document.activeElement.className') == 'cp-skip'  # the skip link comes first

    page.get_by_role('link', name='Continue the course').click()
    assert page.locator('h1').inner_text() == 'Introduction'
    assert page.locator('.cp-video figcaption').inner_text().count('stand-in') == 1
    assert no_sideways_scroll(page)
    page.locator('a[rel=next]').click()
    page.locator('a[rel=next]').click()
    assert page.locator('h1').inner_text() == 'Knowledge check'
    page.screenshot(path=str(tmp_path / 'course-player-unit.png'), full_page=True)

    problem = page.locator('.problems-wrapper')
    problem.locator('label', has_text='Your declared monthly income').click()
    problem.locator('select').select_option(label=ANSWER)
    with page.expect_response(lambda response: response.url.endswith('/xmodule_handler/problem_check')) as checked:
        problem.locator('button.submit').click()
    assert checked.value.status == 200 and checked.value.json()['success'] == 'correct'
    problem.locator('.status.correct').first.wait_for(timeout=15000)  # capa's page shows the result

    page.goto(f'{live_server.url}/unit/credentials-unit/')
    assert 'Done: Knowledge check: Automated eligibility decisions' in ' '.join(page.locator('main').inner_text().split())
    page.goto(f'{live_server.url}/')
    assert 'browser-learner' in page.input_value('#cp-learner')
    assert hosts == {urlparse(live_server.url).hostname}, hosts
    assert errors == [], errors


@pytest.mark.parametrize('width', [320, 390, 1440])
def test_course_pages_fit_the_screen_in_french(browser, live_server, width, tmp_path):
    page = browser.new_page(viewport={'width': width, 'height': 800})
    page.goto(f'{live_server.url}/?lang=fr')
    assert page.locator('html').get_attribute('lang') == 'fr'
    assert no_sideways_scroll(page)
    for unit in ('eligibility-unit-intro', 'eligibility-unit-scenario', 'eligibility-unit-check', 'credentials-unit'):
        page.goto(f'{live_server.url}/unit/{unit}/')
        page.wait_for_load_state('networkidle')
        assert no_sideways_scroll(page), (unit, width)
    page.screenshot(path=str(tmp_path / f'course-player-{width}.png'), full_page=True)
