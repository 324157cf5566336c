"""``make bench``: one table, ours against the peer (or the floor) and the ratio, measured in one run.

Sections (each measured with operations interleaved, after warm-up, medians; see ``timing``):
course tools on a generated 10,111-block course vs olxcleaner (``course_tools``), id_token
validation vs PyJWT (``id_token``), credential progress vs one query (``credentials``), the
scenario block vs branching-xblock (below), and LTI login + launch vs a PyLTI1p3 Django tool
(``lti``, ``lti_launch``), and a bounded load run of the LTI service under gunicorn with 1 and 2
workers (``load``, ``lti_load``). ``--quick`` runs everything small, for development.

The scenario block side by side with its peer, open-craft's branching-xblock (``scenario``):
the page and one decision at 10 and 40 steps, then ours at 1,000 and 10,000 steps against ours
at 10. Pages and handler answers stay the size of one step however large the scenario: the
browser never receives options not chosen or steps not reached; the peer (branching-xblock
0.3.3, the Open edX branching block on PyPI) sends the whole scenario on every page and answer.
Both blocks get the same synthetic scenario below (N steps, 3 options each, the same texts).

Run: ``make bench`` (or ``.venv-bench/bin/python -m bench [--quick] [--only course id_token credentials scenario lti load]``).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lti_tools.demo.settings')

PARAGRAPH = ('The regional benefits office receives {n} new claims this week. The supplier reports '
             'that its model flags {m} of them as likely ineligible; caseworkers want to know why, '
             'and the union asks whether anyone will lose their job. ')


def synthetic_steps(count: int):
    """The same scenario for both blocks: (id, situation, [(text, next, points, consequence, feedback)])."""
    steps = []
    for index in range(count):
        next_id = f's{index + 1}' if index + 1 < count else 'end-good'
        situation = PARAGRAPH.format(n=100 + index, m=index) * 3
        options = [
            (f'Ask for an explanation of case {index}', next_id, 2,
             f'The supplier explains case {index} in plain language. ' * 4, 'Transparency first. ' * 4),
            (f'Let the model decide case {index}', next_id, 0,
             f'Case {index} is refused without review. ' * 4, 'Article 22 GDPR applies. ' * 4),
            (f'Stop the pilot at case {index}', 'end-stopped', 1,
             'The pilot stops; claims wait. ' * 4, 'Prudent but costly. ' * 4),
        ]
        steps.append((f's{index}', situation, options))
    return steps


def our_xml(count: int) -> str:
    from xml.sax.saxutils import escape, quoteattr
    parts = ['<magix_scenario display_name="Bench" scoring_mode="path"><scenario start="s0">',
             '<introduction><p>Bench case.</p></introduction><role>You lead the office.</role>']
    for step_id, situation, options in synthetic_steps(count):
        parts.append(f'<step id="{step_id}" title="Step {step_id}"><situation><p>{escape(situation)}</p></situation>'
                     '<question>What do you do?</question>')
        for number, (text, next_id, points, consequence, feedback) in enumerate(options):
            parts.append(f'<option id="o{number}" next="{next_id}" points="{points}"><text>{escape(text)}</text>'
                         f'<consequence><p>{escape(consequence)}</p></consequence>'
                         f'<feedback><p>{escape(feedback)}</p></feedback></option>')
        parts.append('</step>')
    parts.append('<ending id="end-good" title="Good"><debrief><p>Well done.</p></debrief></ending>'
                 '<ending id="end-stopped" title="Stopped"><debrief><p>Stopped.</p></debrief></ending>')
    parts.append('</scenario></magix_scenario>')
    return ''.join(parts)


def peer_nodes(count: int) -> dict:
    nodes = {}
    for step_id, situation, options in synthetic_steps(count):
        nodes[step_id] = {'id': step_id, 'content': f'<p>{situation}</p>', 'media': {'type': '', 'url': '', 'alt': ''},
                          'choices': [{'text': text, 'target_node_id': next_id, 'score': points,
                                       'feedback': consequence + feedback, 'hint': ''}
                                      for text, next_id, points, consequence, feedback in options],
                          'hint': '', 'transcript_url': ''}
    for ending in ('end-good', 'end-stopped'):
        nodes[ending] = {'id': ending, 'content': '<p>Ending.</p>', 'choices': [], 'hint': '',
                         'media': {'type': '', 'url': '', 'alt': ''}, 'transcript_url': ''}
    return {'nodes': nodes, 'start_node_id': 's0'}


SECTIONS = ('course', 'id_token', 'credentials', 'scenario', 'lti', 'load')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench', description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, nargs='+', default=[10, 40], help='scenario sizes against the peer')
    parser.add_argument('--growth-steps', type=int, nargs='+', default=[1000, 10000],
                        help='scenario sizes measured against ours at 10 steps')
    parser.add_argument('--repeat', type=int, default=25, help='interleaved rounds of scenario pages and decisions')
    parser.add_argument('--rounds', type=int, default=5, help='timed runs of each course tool')
    parser.add_argument('--only', nargs='+', choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument('--quick', action='store_true', help='small course, few repetitions (development)')
    args = parser.parse_args(argv)
    import platform
    from datetime import datetime, timezone

    from .timing import print_table
    rows = []
    # First, while this process is small: children's peak memory counts their parent's (Linux).
    if 'course' in args.only:
        from . import course_tools, large_course
        shape = large_course.Shape(sections=1) if args.quick else large_course.Shape()
        rows += course_tools.measure(1 if args.quick else args.rounds, shape)
    if 'id_token' in args.only:
        from . import id_token
        rows += id_token.measure(200 if args.quick else 2000)
    if 'credentials' in args.only:
        from . import credentials
        from .django_setup import fresh_database
        fresh_database()
        rows += credentials.measure(30 if args.quick else 300)
    if 'scenario' in args.only:
        import django
        from .django_setup import fresh_database
        fresh_database()
        django.setup()
        try:
            import branching_xblock  # noqa: F401
        except ImportError:
            print('The scenario peer is not installed: run `make bench` (it installs the `bench` extra).')
        else:
            from . import scenario
            rows += scenario.measure([10] if args.quick else args.steps, [1000] if args.quick else args.growth_steps,
                                     5 if args.quick else args.repeat)
    if 'lti' in args.only:
        try:
            import pylti1p3  # noqa: F401
        except ImportError:
            print('The LTI peer is not installed: run `make bench` (it installs the `bench` extra).')
        else:
            from . import lti_launch
            rows += lti_launch.measure(10 if args.quick else 60)
    if 'load' in args.only:
        from . import lti_load
        from tests.servers import pg_bindir
        if pg_bindir() is None:
            print('The LTI load run needs PostgreSQL (apt-get install postgresql): skipped.')
        else:
            rows += lti_load.measure(30 if args.quick else 150)
    print_table(rows, f'python -m bench {" ".join(argv if argv is not None else sys.argv[1:])}'.strip()
                + f' | {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC | {platform.node()} | '
                f'{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs | Python {platform.python_version()}')
    print('ratio = ours / peer or floor (lower is better); medians of interleaved runs in this one process '
          '(course tools: fresh processes, interleaved rounds).')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
