"""The grade worker (``magix lti process-grades``) and ``magix lti init`` as real processes on
PostgreSQL: a worker killed between the platform receiving a score and our commit loses nothing
and sends the same payload again (issue 8, item 8); two replicas initialising at once make one key.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

import psycopg
import pytest

from tests.servers import REPO, magix, service_environment

from .live import write_content
from .platform import CLIENT_ID, DEPLOYMENT_ID, Platform

# A learner's finished attempt, queued as the learner's request queues it; prints our public key set.
SEED = """
import json, django
django.setup()
from lti_tools.tool import grades, store
from lti_tools.tool.models import Learner, Platform, ResourceLink
platform = Platform.objects.get()
learner = Learner.objects.create(issuer=platform.issuer, deployment_id='deployment-1', subject='crash-learner')
link = ResourceLink.objects.create(platform=platform, deployment_id='deployment-1', resource_link_id='link-1',
                                   scenario='benefits', lineitem_url=platform.issuer + '/lineitems/1')
grades.enqueue(learner, link, 0.875, 1.0)
print(json.dumps(store.public_jwks()))
"""


def rows(env, query):
    with psycopg.connect(env['DATABASE_URL'].replace('postgres://', 'postgresql://')) as connection:
        return connection.execute(query).fetchall()


@pytest.fixture
def queued(postgres, tmp_path):
    platform = Platform()
    env = service_environment(postgres.new_database(), tmp_path, MAGIX_LTI_GRADE_CLAIM_SECONDS='2',
                              MAGIX_LTI_CONTENT_DIR=str(write_content(tmp_path / 'content')))
    magix(env, 'lti', 'init')
    magix(env, 'lti', 'register-platform', '--issuer', platform.issuer, '--client-id', CLIENT_ID,
          '--deployment-id', DEPLOYMENT_ID, '--auth-login-url', f'{platform.url}/auth',
          '--auth-token-url', f'{platform.url}/token', '--keyset-url', f'{platform.url}/jwks')
    seeded = subprocess.run([sys.executable, '-c', SEED], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    platform.tool_jwks = json.loads(seeded.stdout.strip().splitlines()[-1])
    yield env, platform
    platform.stop()


def test_a_worker_killed_after_the_platform_got_the_score_resends_the_same_payload(queued):
    env, platform = queued
    worker = subprocess.Popen([sys.executable, '-m', 'magix', 'lti', 'process-grades', '--loop', '1'], cwd=REPO,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def crash():   # the platform has the score; the worker dies before it can record that
        worker.kill()
        worker.wait(timeout=30)
    platform.on_score = crash
    try:
        worker.wait(timeout=240)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -9 and len(platform.scores) == 1
    [(status, attempts)] = rows(env, 'SELECT status, attempts FROM lti_tool_gradesubmission')
    assert (status, attempts) == ('pending', 0)       # nothing lost: the row still waits

    platform.on_score = None
    time.sleep(2.5)                                     # the dead worker's claim lapses
    assert 'sent 1' in magix(env, 'lti', 'process-grades').stdout
    first, again = platform.scores
    assert again == first                               # same score, maximum, user and timestamp
    assert (first['scoreGiven'], first['scoreMaximum'], first['userId']) == (0.875, 1.0, 'crash-learner')
    assert rows(env, 'SELECT status, attempts FROM lti_tool_gradesubmission') == [('sent', 1)]
    assert 'sent 0' in magix(env, 'lti', 'process-grades').stdout   # and never a third time


def test_two_replicas_initialising_at_once_make_one_signing_key(postgres, tmp_path):
    env = service_environment(postgres.new_database(), tmp_path)
    replicas = [subprocess.Popen([sys.executable, '-m', 'magix', 'lti', 'init'], cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [replica.communicate(timeout=300) for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0], outputs
    assert sorted('created' in out for out, _ in outputs) == [False, True]
    assert rows(env, 'SELECT count(*) FROM lti_tool_toolkey') == [(1,)]
    assert 'already there' in magix(env, 'lti', 'init').stdout
