"""The course player (the demo's home) in Chromium, with the shared checks of tests/browser/axe.py in
every state reached: axe-core's WCAG 2.0/2.1 A and AA rules, focus visible and never trapped, no
sideways scrolling from 320 px to 1440 px, nothing loaded from outside 127.0.0.1, no script error.

A learner opens the outline, reads a text unit, decides in the scenario and sees its consequence,
answers a knowledge check through capa's own JavaScript (xblocks-contrib's ``ProblemBlockDisplay.js``,
graded by capa's ``problem_check``) and sees the credential widget count it; the French edition at
phone and desktop widths; the course team's author views and Studio editors.
"""
import pytest

from .axe import BROWSER_MARKS, assert_accessible, assert_no_horizontal_scroll, tab_through
from .keyboard import active, focus_top
from .test_learner import decide_by_keyboard

pytestmark = BROWSER_MARKS

TITLE = 'AI, Data and Digital Governance in Public Administration'
UNITS = ['eligibility-unit-intro', 'eligibility-unit-scenario', 'eligibility-unit-check', 'credentials-unit']
ANSWER = 'probably not meaningful: it should be checked whether reviewers have the time, information and authority to disagree'


@pytest.fixture
def course(live_server, transactional_db):
    return live_server.url


def answer_the_knowledge_check(page):
    """Answer with capa's own markup and script: a radio choice, a dropdown, capa's Submit button."""
    problem = page.locator('.problems-wrapper')
    problem.locator('label', has_text='Your declared monthly income').click()
    problem.locator('select').select_option(label=ANSWER)
    with page.expect_response(lambda response: response.url.endswith('/xmodule_handler/problem_check')) as checked:
        problem.locator('button.submit').click()
    assert checked.value.status == 200 and checked.value.json()['success'] == 'correct'
    problem.locator('.status.correct').first.wait_for()  # capa's page shows the result


def test_a_learner_plays_the_course(course, open_page):
    page = open_page(width=1280, height=900)
    page.goto(f'{course}/')
    assert page.title() == f'{TITLE} · MAGIX'
    assert page.locator('link[rel=icon]').get_attribute('href').endswith('/magix/favicon.svg')
    assert page.locator('main').count() == 1
    page.fill('#cp-learner', 'browser-learner')
    with page.expect_navigation():
        page.locator('#cp-learner').press('Enter')
    assert_accessible(page, 'outline', screenshot='course-player-outline')
    tab_through(page, 'outline')
    focus_top(page)
    page.keyboard.press('Tab')
    assert active(page, '.magix-skip-link')  # the skip link comes first and lands on the page's <main>
    page.keyboard.press('Enter')
    page.keyboard.press('Tab')
    assert page.evaluate('document.activeElement.closest("main") !== null')

    page.get_by_role('link', name='Continue the course').click()
    assert page.locator('h1').inner_text() == 'Introduction'
    assert page.locator('.cp-video figcaption').inner_text().count('stand-in') == 1
    assert_accessible(page, 'text unit')
    tab_through(page, 'text unit')

    page.locator('a[rel=next]').click()
    assert page.locator('h1').inner_text() == 'Scenario exercise'
    page.locator('.magix-scenario form.magix-step').wait_for()
    assert_accessible(page, 'scenario: first decision')
    decide_by_keyboard(page, 'scenario in the course')
    assert_accessible(page, 'scenario: consequence and next decision', screenshot='course-player-scenario')
    tab_through(page, 'scenario: consequence and next decision')

    page.locator('a[rel=next]').click()
    assert page.locator('h1').inner_text() == 'Knowledge check'
    page.locator('.problems-wrapper button.submit').wait_for()
    assert_accessible(page, 'knowledge check before answering')
    tab_through(page, 'knowledge check before answering')
    answer_the_knowledge_check(page)
    assert_accessible(page, 'knowledge check graded, feedback shown', screenshot='course-player-check-graded')
    tab_through(page, 'knowledge check graded')

    page.goto(f'{course}/unit/credentials-unit/')
    assert 'Done: Knowledge check: Automated eligibility decisions' in ' '.join(page.locator('main').inner_text().split())
    assert_accessible(page, 'credentials unit')
    tab_through(page, 'credentials unit')
    page.goto(f'{course}/')
    assert page.input_value('#cp-learner') == 'browser-learner'


@pytest.mark.parametrize('width', [320, 390, 1440])
def test_the_french_edition_fits_the_screen(course, open_page, width):
    page = open_page(width=width, height=800, locale='fr-FR')
    page.goto(f'{course}/?lang=fr')
    assert page.locator('html').get_attribute('lang') == 'fr'
    assert_no_horizontal_scroll(page, f'fr outline at {width} px')
    assert_accessible(page, f'fr outline at {width} px')
    for unit in UNITS:
        page.goto(f'{course}/unit/{unit}/')
        page.wait_for_load_state('networkidle')
        assert_no_horizontal_scroll(page, f'fr {unit} at {width} px')
        assert_accessible(page, f'fr {unit} at {width} px',
                          screenshot=f'course-player-fr-{width}-{unit}' if width != 390 else None)
    page.goto(f'{course}/unit/eligibility-unit-check/')
    problem = page.locator('.problems-wrapper')
    problem.locator('input[type=radio]').nth(1).check()
    problem.locator('select').select_option(index=1)
    problem.locator('button.submit').click()
    problem.locator('.status').first.wait_for()
    assert_no_horizontal_scroll(page, f'fr knowledge check answered at {width} px')
    assert_accessible(page, f'fr knowledge check answered at {width} px',
                      screenshot=f'course-player-fr-{width}-check-answered' if width != 390 else None)
    if width == 320:
        tab_through(page, 'fr knowledge check answered at 320 px')


def test_the_course_team_view(course, open_page):
    page = open_page(width=1280, height=900)
    page.goto(f'{course}/unit/eligibility-unit-scenario/')
    switch = page.get_by_role('button', name='Course-team view')
    assert switch.get_attribute('aria-pressed') == 'false'
    with page.expect_navigation():
        switch.click()
    assert page.get_by_role('button', name='Course-team view').get_attribute('aria-pressed') == 'true'
    for summary in page.locator('details.cp-staff-view > summary').all():
        summary.click()
    assert page.locator('details.cp-staff-view[open]').count() >= 2
    page.wait_for_load_state('networkidle')
    assert_no_horizontal_scroll(page, 'course team: scenario author view and editor')
    assert_accessible(page, 'course team: scenario author view and editor', screenshot='course-player-staff-scenario')
    tab_through(page, 'course team: scenario author view and editor', limit=200)

    for unit in ('eligibility-unit-check', 'credentials-unit'):
        page.goto(f'{course}/unit/{unit}/')
        for summary in page.locator('details.cp-staff-view > summary').all():
            summary.click()
        page.wait_for_load_state('networkidle')
        assert_no_horizontal_scroll(page, f'course team: {unit}')
        assert_accessible(page, f'course team: {unit}')

    page.get_by_role('link', name='Course statistics').click()
    assert page.locator('h1').inner_text() == 'Course statistics'
    assert_accessible(page, 'course team: statistics')
    tab_through(page, 'course team: statistics')
