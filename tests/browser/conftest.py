"""Our demo host on 127.0.0.1 for the headless Chromium (``browser``, tests/conftest.py), and pages with
their own problems collected: script errors, failed requests (a favicon 404 counts), any host but ours."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from workbench import scenarios as workbench_scenarios


@pytest.fixture
def host(live_server, transactional_db):
    """The demo host's URL, its scenarios (the shipped exercises and pathway) loaded anew: the
    workbench keeps their definitions in the database, which each test starts empty."""
    workbench_scenarios.init_scenarios(reload=True)   # the demo's (lti_tools.demo.scenarios)
    return live_server.url


def workbench_id(block_type: str, description_start: str = '') -> str:
    """The workbench's id of a shipped demo page (``magix_scenario.0`` ...), found by its description."""
    for scenario_id, scenario in sorted(workbench_scenarios.get_scenarios().items()):
        if scenario_id.split('.')[0] == block_type and scenario.description.startswith(description_start):
            return scenario_id
    raise LookupError(f'no workbench page for {block_type} {description_start!r}')


class Watched:
    """A page and what went wrong on it: script errors, failed responses, requests leaving 127.0.0.1."""

    def __init__(self, page):
        self.page, self.errors, self.failures, self.hosts = page, [], [], set()
        page.on('pageerror', lambda error: self.errors.append(str(error)))
        page.on('console', lambda message: message.type == 'error' and self.errors.append(message.text))
        page.on('request', lambda request: self.hosts.add(urlparse(request.url).hostname))
        page.on('response', lambda response: response.status >= 400 and self.failures.append(
            f'{response.status} {response.url}'))
        page.on('dialog', lambda dialog: dialog.accept())   # "Start again?" and similar confirmations

    def assert_clean(self):
        assert self.failures == [], self.failures
        assert self.errors == [], self.errors
        assert self.hosts - {None} <= {'127.0.0.1', 'localhost'}, self.hosts


@pytest.fixture
def open_page(browser):
    """``open_page(width=1280, height=800, locale='en-GB')`` -> a watched page; checked clean at the end."""
    opened = []

    def open_page(width=1280, height=800, locale='en-GB'):
        context = browser.new_context(viewport={'width': width, 'height': height}, locale=locale)
        watched = Watched(context.new_page())
        opened.append((context, watched))
        return watched.page

    yield open_page
    for context, watched in opened:
        watched.assert_clean()
        context.close()
