"""``make demo`` from nothing: ``magix serve`` prepares a fresh SQLite database and serves pages.

A real server process on 127.0.0.1 with an empty state folder, as on a newcomer's machine.
"""
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f'magix serve exited with {process.returncode}')
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode('utf-8')
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f'{url} did not answer within {seconds} s')


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
    assert 'AI, Data and Digital Governance in Public Administration' in home  # the course is the home page
    html = wait_for(base + '/workbench/', process)
    assert '/workbench/scenario/magix_scenario.0/' in html
    page = wait_for(base + '/workbench/scenario/magix_scenario.0/?student=newcomer', process)
    assert 'class="magix-scenario"' in page and 'magix-step' in page
