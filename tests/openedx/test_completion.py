"""The credential widget and the LMS's completion, with the real edx-completion package.

edx-completion is the platform's own app: our test extras install its newest release, and
``make test-platform`` runs these tests again with the platform's pin (4.9). Where it is not
installed they skip.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xblocks.credentials import openedx

REPO = Path(__file__).resolve().parents[2]


def test_widget_loads_where_completion_is_installed_but_not_an_app(monkeypatch):
    """Studio and other hosts: importing completion's models raises RuntimeError there, not ImportError."""
    pytest.importorskip('completion', reason='edx-completion is not installed (it is in the test extras)')
    with pytest.raises(RuntimeError):
        import completion.models  # noqa: F401
    monkeypatch.setattr(openedx, '_models', openedx._UNSETTLED)
    assert openedx.lms_models() is None and not openedx.available()
    from ..credentials.test_block import load
    assert 'magix-credentials' in load(user_id='7').student_view().content


def test_lms_completion_path_with_the_real_completion_service(tmp_path):
    pytest.importorskip('completion', reason='edx-completion is not installed (it is in the test extras)')
    run = subprocess.run([sys.executable, str(REPO / 'tests' / 'openedx' / 'lms_completion.py'),
                          str(tmp_path / 'lms.sqlite3')], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    here = 'block-v1:MAGIX+AIGOV101+2026+type@magix_scenario+block@eligibility'
    half = 'block-v1:MAGIX+AIGOV101+2026+type@problem+block@check'
    elsewhere = 'block-v1:MAGIX+AIGOV201+2026+type@magix_scenario+block@procurement'
    assert report['switch'] == 'completion.enable_completion_tracking'
    assert report['before_switch'] == {}  # tracking off: the service is not asked
    assert report['current_course'] == {here: 1.0, half: 0.5}  # other courses: not the service's business
    assert report['other_courses_learner'] == {'ana': {elsewhere: 1.0}}
    assert report['other_courses_everyone'] == {'ana': {elsewhere: 1.0}, 'ben': {elsewhere: 0.25}}
    assert report['lms_models'] is False
