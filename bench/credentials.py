"""Credential progress over 200 requirements on our host, against the floor: one query of the keys.

The widget's path on our host (``xblocks.credentials.sources.learner_source``): the learner's
results in one query (on our host they include what the ``completion`` service records; in Open
edX that service is asked too), then the computation.
The floor is the single query alone (``LearnerResult`` rows of the learner for those keys).
Run: ``python -m bench.credentials [--repeat 200]`` (a fresh SQLite database in a temporary folder).
"""
from __future__ import annotations

import argparse

from .timing import Row, interleaved, print_table

from tests.credentials.support import COURSE, OTHER_COURSE, block_key, large_pathway_xml


def pathway_xml(requirements: int) -> str:
    """The pathway the tests count queries on (tests/credentials/support.py)."""
    return large_pathway_xml(requirements)


def measure(repeat: int, requirements: int = 200) -> list[Row]:
    """Needs Django set up with a migrated database (``bench.__main__`` does it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lti_tools.results import record_result
    from lti_tools.results.api import FIELDS, HostResultsSource
    from lti_tools.results.models import LearnerResult
    from lti_tools.results.services import HostCompletionService
    from xblocks.credentials.loading import load_pathway
    from xblocks.credentials.progress import compute_progress
    from xblocks.credentials.sources import learner_source

    pathway, problems = load_pathway(pathway_xml(requirements))
    assert pathway is not None and not problems, problems
    for index in range(requirements // 2):
        record_result('alice', block_key('problem', f'check-{index}'), earned=1, possible=1)
        record_result('alice', block_key('magix_scenario', f'case-{index}'), completion=1.0)
    record_result('alice', block_key('problem', 'p', OTHER_COURSE), earned=1, possible=1)
    keys = list(pathway.result_keys())

    def ours():
        source = learner_source(HostResultsSource('alice'), HostCompletionService('alice', COURSE), COURSE)
        return compute_progress(pathway, source)

    def floor():
        return list(LearnerResult.objects.filter(user_key='alice', usage_key__in=keys).values_list(*FIELDS))

    with CaptureQueriesContext(connection) as queries:
        progress = ours()
    assert progress.earned, 'the learner has earned the programme'
    times = interleaved({'ours': ours, 'floor': floor}, repeat)
    return [Row(f'credential progress, {requirements} requirements', times['ours'] * 1000,
                times['floor'] * 1000, 'ms', 'one query of the keys', '<= 2x'),
            Row('  SQL queries for it', len(queries.captured_queries), 1, 'count', 'one query', '<= 2')]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench.credentials', description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=200)
    args = parser.parse_args(argv)
    from .django_setup import fresh_database
    fresh_database()
    print_table(measure(args.repeat))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
