"""A learner in a real browser: headless Chromium (Playwright) against our host on 127.0.0.1.

Keyboard only, the way a screen-reader user moves: the consequence is announced in an
``aria-live`` region, focus moves to it, the next step follows; the page works on a phone-sized
screen and loads nothing from outside 127.0.0.1.
"""
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


@pytest.fixture
def scenario_url(live_server, transactional_db):
    workbench_scenarios.get_scenarios()
    workbench_scenarios.add_xml_scenario('magix-browser', 'MAGIX browser test', small_scenario())
    yield f'{live_server.url}/workbench/scenario/magix-browser/'
    workbench_scenarios.remove_scenario('magix-browser')


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


HOSTILE = '<img src=x onerror="window.pwned=(window.pwned||0)+1"><script>window.pwned=99</script>'


@pytest.fixture
def hostile_scenario_url(live_server, transactional_db):
    """Content whose texts carry markup (escaped in the XML, so it is text), and a <script> in rich HTML."""
    from html import escape
    xml = small_scenario().replace('Commission a DPIA', 'Commission a DPIA ' + escape(HOSTILE)) \
        .replace('title="The pilot"', f'title="The pilot {escape(HOSTILE)}"') \
        .replace('<p>Good: article 35 applies.</p>', '<p>Good.</p><script>window.pwned=7</script>'
                                                    '<img src="x" onerror="window.pwned=8"/>')
    workbench_scenarios.get_scenarios()
    workbench_scenarios.add_xml_scenario('magix-hostile', 'MAGIX hostile content', xml)
    yield f'{live_server.url}/workbench/scenario/magix-hostile/'
    workbench_scenarios.remove_scenario('magix-hostile')


def test_hostile_html_in_content_reflections_and_learner_names_stays_text(browser, hostile_scenario_url):
    """Issue 8: markup from course content, a learner's reflection or their name never runs."""
    page = browser.new_page()
    dialogs = []
    page.on('dialog', lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    student = 'eve<img src=x onerror=alert(1)>'
    page.goto(f'{hostile_scenario_url}?student={student}')
    label = page.locator('.magix-step label').first
    assert label.inner_text() == 'Commission a DPIA ' + HOSTILE        # shown as text
    label.click()
    page.locator('textarea[name=reflection]').fill(HOSTILE)
    page.locator('.magix-step button[type=submit]').click()
    page.locator('.magix-scenario__outcome').get_by_text('Good.').wait_for()
    assert HOSTILE in page.locator('.magix-step h3').inner_text()   # the next step's title, as text
    page.locator('.magix-step input[type=radio]').first.check()
    page.locator('.magix-step button[type=submit]').click()
    page.locator('.magix-ending').wait_for()
    assert HOSTILE in page.locator('.magix-ending').inner_text()     # the reflection in the recap, as text
    page.reload()
    assert HOSTILE in page.locator('.magix-ending').inner_text()
    assert page.evaluate('window.pwned') is None and dialogs == []
    assert page.locator('img[src=x]').count() == 0
