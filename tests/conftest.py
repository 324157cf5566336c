"""Fixtures shared by every test package."""
import os

import pytest


@pytest.fixture(autouse=True)
def _no_language_leaks_between_tests():
    """A request that switched language (``?lang=fr``) must not leave later tests in French."""
    yield
    from django.utils import translation
    translation.deactivate()


@pytest.fixture
def browser():
    """The system Chromium, headless, through Playwright (tests using it carry tests.browser.axe.BROWSER_MARKS)."""
    from tests.browser.axe import CHROMIUM, CHROMIUM_ARGS
    os.environ.setdefault('DJANGO_ALLOW_ASYNC_UNSAFE', 'true')  # Playwright's loop shares the thread
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pytest_terminal_summary(terminalreporter):
    """Say loudly when the browser tests did not run (no Chromium, or axe-core not installed)."""
    skipped = [report for report in terminalreporter.stats.get('skipped', [])
               if 'browser' in getattr(report, 'keywords', {})]
    if skipped:
        reasons = sorted({str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
                          for report in skipped})
        terminalreporter.write_sep('!', f'{len(skipped)} BROWSER TESTS SKIPPED', yellow=True, bold=True)
        for reason in reasons:
            terminalreporter.write_line(f'  {reason}')


# Real servers started by the tests themselves (PostgreSQL, Redis): one of each per test session.
from tests.servers import postgres, redis  # noqa: E402,F401
