"""The credential widget in a real browser: the learner's view (alone, and on the demo course page
below the five scenarios), the course team's view, the details opened by keyboard; axe-core on each."""
from .axe import BROWSER_MARKS, assert_accessible, tab_through
from .conftest import workbench_id
from .keyboard import tab_to

pytestmark = BROWSER_MARKS


def test_credential_widget_learner_and_course_team(host, open_page):
    page = open_page()
    widget = workbench_id('magix_credential_progress')
    page.goto(f'{host}/workbench/scenario/{widget}/?student=credential-learner')
    page.locator('.magix-credentials').wait_for()
    assert_accessible(page, 'credential widget (learner)', screenshot='credential-widget')
    tab_through(page, 'credential widget (learner)')
    if page.locator('.magix-credentials summary').count():
        tab_to(page, '.magix-credentials summary')
        page.keyboard.press('Enter')
        page.locator('.magix-credentials details[open]').first.wait_for()
        assert_accessible(page, 'credential widget (details open)')

    page.goto(f'{host}/workbench/scenario/{widget}/?student=staff-credentials')
    page.locator('.magix-credentials').wait_for()
    assert_accessible(page, 'credential widget (course team)')

    course_page = workbench_id('magix_credential_progress', 'Credential pathway')
    page.goto(f'{host}/workbench/scenario/{course_page}/?student=credential-learner')
    page.locator('.magix-credentials').wait_for()
    assert page.locator('.magix-scenario').count() >= 2
    assert_accessible(page, 'course page: five scenarios and the widget')
    tab_through(page, 'course page: five scenarios and the widget', limit=200)
