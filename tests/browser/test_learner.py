"""A learner plays a shipped scenario by keyboard alone, in English and in French, at desktop and
phone widths; axe-core checks every state reached (first step, error, consequence, next steps,
ending and recap, the page after a reload, the restarted exercise), and focus is visible and free.
"""
import pytest

from .axe import BROWSER_MARKS, assert_accessible, assert_no_horizontal_scroll, tab_through
from .conftest import workbench_id
from .keyboard import active, count_tabs_to, focus_top, tab_to

pytestmark = BROWSER_MARKS

STEP = '.magix-scenario form.magix-step'
CHOICE = '.magix-scenario form.magix-step input[type=radio]'
SUBMIT = '.magix-scenario form.magix-step button[type=submit]'
RESTART = '.magix-scenario [data-action=restart]'


def decide_by_keyboard(page, state, reflection='Older claimants are at risk'):
    """Tab to the options, choose one with the arrow keys and Space, write the reflection, submit with Enter."""
    tab_to(page, CHOICE)
    page.keyboard.press('Space')
    if page.locator(f'{STEP} textarea').count():
        tab_to(page, f'{STEP} textarea')
        page.keyboard.type(reflection)
    tab_to(page, SUBMIT)
    before = page.locator('.magix-scenario__panel').inner_html()
    page.keyboard.press('Enter')
    page.wait_for_function('([html]) => document.querySelector(".magix-scenario__panel").innerHTML !== html', arg=[before])
    # Focus moves to the consequence just shown (or, without one, to the next step).
    assert active(page, '.magix-outcome h3') or active(page, '.magix-scenario__panel h3'), \
        f'{state}: focus did not move to what changed'
    assert page.locator('.magix-scenario__outcome').get_attribute('aria-live') == 'polite'


@pytest.mark.parametrize('lang', ['en', 'fr'])
def test_learner_plays_by_keyboard_with_reload_and_restart(host, open_page, lang):
    page = open_page(locale={'en': 'en-GB', 'fr': 'fr-FR'}[lang])
    url = f'{host}/workbench/scenario/{workbench_id("magix_scenario")}/?student=keyboard-{lang}&lang={lang}'
    page.goto(url)
    page.locator(STEP).wait_for()
    assert page.locator('html').get_attribute('lang') == lang
    assert page.title().strip() and page.title().endswith('MAGIX')
    assert_accessible(page, f'{lang}: first step', screenshot=f'learner-{lang}-first-step')
    stops = tab_through(page, f'{lang}: first step')
    assert len(stops) >= 4, stops

    # The skip link is the first stop and lands on the exercise; few stops before the first choice.
    assert count_tabs_to(page, CHOICE) <= 5
    focus_top(page)
    page.keyboard.press('Tab')
    assert active(page, '.magix-skip-link')
    page.keyboard.press('Enter')
    page.keyboard.press('Tab')
    assert page.evaluate('document.activeElement.closest("main") !== null')

    # Submitting with nothing chosen: a translated error, announced (role=alert), focus on the options.
    tab_to(page, SUBMIT)
    page.keyboard.press('Enter')
    error = page.locator('.magix-scenario__error')
    error.wait_for()
    assert error.inner_text().strip() and error.get_attribute('role') == 'alert'
    assert active(page, CHOICE)
    assert_accessible(page, f'{lang}: error (nothing chosen)')

    decide_by_keyboard(page, f'{lang}: decision 1')
    assert_accessible(page, f'{lang}: consequence and second step', screenshot=f'learner-{lang}-consequence')
    tab_through(page, f'{lang}: consequence and second step')

    # Reload mid-scenario: the learner is where they left off.
    legend = page.locator(f'{STEP} legend').inner_text()
    page.reload()
    page.locator(STEP).wait_for()
    assert page.locator(f'{STEP} legend').inner_text() == legend
    assert_accessible(page, f'{lang}: after a reload')

    for number in range(2, 12):
        if not page.locator(STEP).count():
            break
        decide_by_keyboard(page, f'{lang}: decision {number}')
        assert_accessible(page, f'{lang}: after decision {number}')
    ending = page.locator('.magix-ending')
    ending.wait_for()
    assert page.locator('.magix-recap li').count() >= 2
    assert_accessible(page, f'{lang}: ending and recap', screenshot=f'learner-{lang}-ending')
    tab_through(page, f'{lang}: ending and recap')

    page.reload()
    ending.wait_for()
    assert_accessible(page, f'{lang}: ending after a reload')

    # Start again (confirmed): the first step, focus on it.
    tab_to(page, RESTART)
    page.keyboard.press('Enter')
    page.locator(STEP).wait_for()
    page.wait_for_function('document.activeElement && document.activeElement.tagName === "H3"')
    assert_accessible(page, f'{lang}: restarted')


@pytest.mark.parametrize('width', [390, 320])
def test_phone_widths_need_no_horizontal_scrolling(host, open_page, width):
    page = open_page(width=width, height=800)
    for path, state in [('/', 'exercise list'),
                        (f'/workbench/scenario/{workbench_id("magix_scenario")}/?student=phone', 'exercise'),
                        (f'/workbench/scenario/{workbench_id("magix_credential_progress")}/?student=phone', 'credential widget'),
                        (f'/workbench/scenario/{workbench_id("magix_scenario")}/studio_view/?student=staff-phone', 'scenario editor'),
                        (f'/workbench/scenario/{workbench_id("magix_credential_progress")}/studio_view/?student=staff-phone',
                         'pathway editor'),
                        (f'/workbench/scenario/{workbench_id("magix_scenario")}/author_view/?student=staff-phone', 'scenario preview'),
                        (f'/workbench/scenario/{workbench_id("magix_credential_progress")}/author_view/?student=staff-phone',
                         'pathway preview'),
                        (f'/workbench/scenario/{workbench_id("magix_scenario")}/?student=staff-phone', 'exercise (course team)')]:
        page.goto(f'{host}{path}')
        page.wait_for_load_state('load')
        assert_no_horizontal_scroll(page, f'{state} at {width} px')
        assert_accessible(page, f'{state} at {width} px',
                          screenshot=f'phone-{width}-{state.replace(" ", "-")}' if width == 320 else None)
    page.goto(f'{host}/workbench/scenario/{workbench_id("magix_scenario")}/?student=phone-{width}')
    decide_by_keyboard(page, f'phone {width} px')
    assert_no_horizontal_scroll(page, f'consequence at {width} px')
    assert_accessible(page, f'consequence at {width} px')


@pytest.mark.parametrize('width', [1440, 1024, 768])
def test_wider_windows_need_no_horizontal_scrolling(host, open_page, width):
    page = open_page(width=width, height=900)
    for path in ['/', f'/workbench/scenario/{workbench_id("magix_scenario")}/?student=wide',
                 f'/workbench/scenario/{workbench_id("magix_scenario")}/studio_view/?student=staff-wide']:
        page.goto(f'{host}{path}')
        page.wait_for_load_state('load')
        assert_no_horizontal_scroll(page, f'{path} at {width} px')


def test_our_favicon_is_served(host, open_page):
    page = open_page()
    page.goto(f'{host}/')
    href = page.locator('link[rel=icon]').get_attribute('href')
    answer = page.request.get(f'{host}{href}')
    assert answer.status == 200 and answer.headers['content-type'].startswith('image/svg+xml')
