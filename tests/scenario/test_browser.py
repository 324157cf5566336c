"""A learner in a real browser: headless Chromium (Playwright) against our host on 127.0.0.1.

Keyboard only, the way a screen-reader user moves: the consequence is announced in an
``aria-live`` region, focus moves to it, the next step follows; the page works on a phone-sized
screen and loads nothing from outside 127.0.0.1.
"""
import os
import shutil
from urllib.parse import urlparse

import pytest
from workbench import scenarios as workbench_scenarios

from .support import small_scenario

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason='needs the system Chromium (apt-get install chromium); '
                                                 '.ci/run installs it'),
]
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']


@pytest.fixture
def scenario_url(live_server, transactional_db):
    workbench_scenarios.get_scenarios()
    workbench_scenarios.add_xml_scenario('magix-browser', 'MAGIX browser test', small_scenario())
    yield f'{live_server.url}/workbench/scenario/magix-browser/'
    workbench_scenarios.remove_scenario('magix-browser')


@pytest.fixture
def browser():
    os.environ.setdefault('DJANGO_ALLOW_ASYNC_UNSAFE', 'true')  # Playwright's loop shares the thread
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_keyboard_learner_hears_the_consequence_and_moves_on(browser, scenario_url, tmp_path):
    page = browser.new_page()
    hosts, errors = set(), []
    page.on('request', lambda request: hosts.add(urlparse(request.url).hostname))
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.goto(f'{scenario_url}?student=keyboard-user')

    first_radio = page.locator('.magix-step input[type=radio]').first
    first_radio.focus()
    page.keyboard.press('Space')                       # choose "Commission a DPIA"
    assert first_radio.is_checked()
    page.keyboard.press('Tab')                         # the reflection box
    page.keyboard.type('Older claimants')
    page.locator('.magix-step button[type=submit]').focus()
    page.keyboard.press('Enter')

    outcome = page.locator('.magix-scenario__outcome')
    outcome.get_by_text('SECRET-CONSEQUENCE-DPIA').wait_for()
    assert outcome.get_attribute('aria-live') == 'polite'
    focused = page.evaluate('document.activeElement.id')
    assert focused.endswith('-outcome-title'), focused
    assert page.locator('.magix-step legend').inner_text() == 'How do you run the pilot?'
    assert 'SECRET-CONSEQUENCE-BUY' not in page.content()
    page.screenshot(path=str(tmp_path / 'after-first-decision.png'), full_page=True)

    # Resume: a reload shows where the learner left off.
    page.reload()
    assert page.locator('.magix-step legend').inner_text() == 'How do you run the pilot?'
    assert errors == []
    assert hosts <= {'127.0.0.1', 'localhost'}, hosts


def test_phone_sized_screen_needs_no_horizontal_scrolling(browser, scenario_url):
    page = browser.new_page(viewport={'width': 360, 'height': 740})
    page.goto(f'{scenario_url}?student=phone-user')
    page.locator('.magix-step').wait_for()
    overflow = page.evaluate('document.querySelector(".magix-scenario").scrollWidth - '
                             'document.querySelector(".magix-scenario").clientWidth')
    assert overflow <= 1


def test_french_page_in_the_browser(browser, scenario_url):
    page = browser.new_page(locale='fr-FR')
    page.goto(f'{scenario_url}?student=fr-user&lang=fr')
    assert page.locator('html').get_attribute('lang') == 'fr'
    page.locator('.magix-step button[type=submit]').click()   # nothing chosen: a translated error
    assert page.locator('.magix-scenario__error').inner_text() == 'Veuillez choisir l’une des options.'
