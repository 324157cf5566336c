"""``make demo`` from nothing: ``magix serve`` prepares a fresh SQLite database and serves pages.

A real server process on 127.0.0.1 with an empty state folder, as on a newcomer's machine.
"""
import subprocess
import sys

import pytest

from tests.servers import REPO, free_port, wait_for


@pytest.fixture
def demo_server(tmp_path):
    """``magix serve`` in its own process, with a state folder that does not exist yet."""
    port = free_port()
    state = tmp_path / 'var'
    process = subprocess.Popen(
        [sys.executable, '-m', 'magix', 'serve', '--port', str(port)], cwd=REPO,
        env={'PATH': '/usr/bin:/bin', 'MAGIX_VAR_DIR': str(state), 'HOME': str(tmp_path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f'http://127.0.0.1:{port}', state, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_fresh_demo_serves_the_course_and_lists_our_scenarios_for_development(demo_server):
    base, state, process = demo_server
    home = wait_for(base + '/', process)
    assert (state / 'magix.sqlite3').is_file()
    # data, keys and logs are their owner's only (issue 8): the state folder 0700, its files 0600
    assert state.stat().st_mode & 0o777 == 0o700
    for name in ('magix.sqlite3', 'secret-key', 'magix.log'):
        assert (state / name).stat().st_mode & 0o077 == 0, name
    assert 'AI, Data and Digital Governance in Public Administration' in home  # the course is the home page
    html = wait_for(base + '/workbench/', process)
    assert '/workbench/scenario/magix_scenario.0/' in html
    page = wait_for(base + '/workbench/scenario/magix_scenario.0/?student=newcomer', process)
    assert 'class="magix-scenario"' in page and 'magix-step' in page
