"""A course team edits a scenario and a pathway in the Studio view: the editors use Studio's own field
and button classes, the live check answers (problems, then "No problems found."), a failed save is
announced and focused, "Saved." is shown as success, and axe-core checks the editor in every state.
"""
import re

import pytest

from .axe import BROWSER_MARKS, assert_accessible, tab_through
from .conftest import workbench_id
from .keyboard import active, tab_to

pytestmark = BROWSER_MARKS

REPORT = '.magix-studio__report'


def rgb(page, selector):
    return tuple(int(part) for part in re.findall(r'\d+', page.locator(selector).evaluate(
        'element => getComputedStyle(element).color'))[:3])


def assert_studio_markup(page):
    """The classes Studio styles (xblock.utils' studio_edit.html; Studio's metadata-string-entry)."""
    for selector in ['.editor-with-buttons', '.list-input.settings-list', 'li.field.comp-setting-entry',
                     'label.label.setting-label', '.input.setting-input', '.tip.setting-help',
                     '.xblock-actions .button.action-primary.save-button', '.xblock-actions .button.cancel-button']:
        assert page.locator(selector).count(), selector
    # No label is cut off: each shows all its text.
    clipped = page.eval_on_selector_all('.setting-label', 'labels => labels.filter(l => l.scrollWidth > l.clientWidth + 1)'
                                        '.map(l => l.textContent)')
    assert clipped == []
    assert page.locator('.settings-list > li').first.evaluate('li => getComputedStyle(li).listStyleType') == 'none'


def replace_by_keyboard(page, textarea, text):
    """Focus the XML with the keyboard, select all and type the new text (as a course team pastes)."""
    tab_to(page, textarea)
    page.keyboard.press('Control+A')
    page.keyboard.insert_text(text)


def edit_invalid_then_valid(page, state, textarea, broken, valid, screenshot):
    assert_studio_markup(page)
    assert_accessible(page, f'{state}: editor opened', screenshot=f'{screenshot}-editor')
    tab_through(page, f'{state}: editor opened')

    replace_by_keyboard(page, textarea, broken)
    page.locator(f'{REPORT}.is-error .magix-studio__problems li').first.wait_for()
    assert page.locator(REPORT).get_attribute('role') == 'status'
    red, green, blue = rgb(page, '.magix-studio__message')
    assert red > green and red > blue, (red, green, blue)
    assert_accessible(page, f'{state}: live check lists problems', screenshot=f'{screenshot}-problems')

    tab_to(page, '.save-button')
    page.keyboard.press('Enter')
    page.wait_for_function('document.activeElement.classList.contains("magix-studio__message")')
    assert page.locator(f'{REPORT}.is-error .magix-studio__problems li').count()
    assert_accessible(page, f'{state}: save refused')

    replace_by_keyboard(page, textarea, valid)
    page.locator(f'{REPORT}.is-success').wait_for()
    assert page.locator('.magix-studio__problems li').count() == 0
    assert_accessible(page, f'{state}: live check passes')

    tab_to(page, '.save-button')
    page.keyboard.press('Enter')
    page.wait_for_function('document.querySelector(".magix-studio__report.is-success") && '
                           '!document.querySelector(".magix-studio__report.is-pending")')
    message = page.locator('.magix-studio__message')
    assert message.inner_text().strip()
    red, green, blue = rgb(page, '.magix-studio__message')
    assert green > red and green > blue, ('"Saved." must not be red', red, green, blue)
    assert_accessible(page, f'{state}: saved', screenshot=f'{screenshot}-saved')
    assert not active(page, '.magix-studio__message')


@pytest.mark.parametrize('block_type, textarea, root', [('magix_scenario', 'scenario_xml', 'scenario'),
                                                        ('magix_credential_progress', 'pathway_xml', 'pathway')])
def test_course_team_edits_invalid_then_valid(host, open_page, block_type, textarea, root):
    page = open_page()
    page.goto(f'{host}/workbench/scenario/{workbench_id(block_type)}/studio_view/?student=staff-author')
    textarea = f'textarea[name={textarea}]'
    page.locator(textarea).wait_for()
    valid = page.locator(textarea).input_value()
    # Cut in half: not well formed. (Well-formed pathway XML was answered with HTTP 500: a Decimal put into JSON.)
    edit_invalid_then_valid(page, f'{root} editor', textarea, valid[: len(valid) // 2],
                            valid.replace(f'<{root}', f'<!-- edited --><{root}', 1), f'studio-{root}')
    if root == 'scenario':
        page.locator('.magix-studio__diagram svg').wait_for()
