"""Fixtures shared by every test package."""
import pytest


@pytest.fixture(autouse=True)
def _no_language_leaks_between_tests():
    """A request that switched language (``?lang=fr``) must not leave later tests in French."""
    yield
    from django.utils import translation
    translation.deactivate()


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
