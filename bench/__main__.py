"""``make bench``: the scenario block side by side with its peer, open-craft's branching-xblock.

What the issue asks of us is that pages and handler answers stay the size of one step however
large the scenario: the browser never receives options not chosen or steps not reached. The
peer (branching-xblock 0.3.3, the Open edX branching block on PyPI) sends the whole scenario
to the browser on every page and every answer. Both blocks get the same synthetic scenario
(N steps, 3 options each, the same texts) on the same XBlock runtime; the table gives bytes
sent to the browser and the median time of one learner action, and our/peer ratios.

Run: ``make bench`` (or ``.venv/bin/python -m bench [--steps 10 100 1000] [--repeat 25]``).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
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


def page_bytes(fragment) -> int:
    """What the browser receives for the block: its HTML and the JSON handed to its JavaScript."""
    return len(fragment.content.encode('utf-8')) + len(json.dumps(fragment.json_init_args or {}).encode('utf-8'))


def median_seconds(action, reset, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        reset()
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(count: int, repeat: int) -> dict:
    from tests.scenario.support import ScenarioTestRuntime, call, load

    runtime = ScenarioTestRuntime()
    ours = load(runtime, our_xml(count))
    ours.scenario()  # parse once, as any later request of the process finds it cached

    peer = runtime.construct_xblock('branching_xblock', runtime.id_manager.create_usage_scope_ids
                                    if False else _peer_scope_ids(runtime))
    peer.scenario_data = peer_nodes(count)
    peer.enable_undo, peer.enable_scoring, peer.max_score = True, True, 2 * count

    def reset_ours():
        ours.current_node, ours.history = None, []

    def reset_peer():
        peer.current_node_id, peer.history, peer.score_history, peer.choice_history = None, [], [], []

    result = {'steps': count}
    result['page_ours'] = page_bytes(ours.student_view())
    result['page_peer'] = page_bytes(peer.student_view())
    reset_ours()
    result['answer_ours'] = len(json.dumps(call(ours, 'choose', {'option': 'o0'})).encode('utf-8'))
    reset_peer()
    result['answer_peer'] = len(json.dumps(call(peer, 'select_choice', {'choice_index': 0})).encode('utf-8'))
    result['time_ours'] = median_seconds(lambda: call(ours, 'choose', {'option': 'o0'}), reset_ours, repeat)
    result['time_peer'] = median_seconds(lambda: call(peer, 'select_choice', {'choice_index': 0}), reset_peer, repeat)
    return result


def _peer_scope_ids(runtime):
    from xblock.fields import ScopeIds
    definition = runtime.id_manager.create_definition('branching_xblock')
    return ScopeIds('learner-1', 'branching_xblock', definition, runtime.id_manager.create_usage(definition))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench', description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, nargs='+', default=[10, 100, 1000])
    parser.add_argument('--repeat', type=int, default=25)
    args = parser.parse_args(argv)
    import django
    django.setup()
    try:
        import branching_xblock  # noqa: F401
    except ImportError:
        print('The peer is not installed: run `make bench` (it installs the `bench` extra).')
        return 1
    header = (f'{"steps":>6} | {"page bytes ours":>15} {"peer":>10} {"ratio":>7} | {"answer bytes ours":>17} '
              f'{"peer":>10} {"ratio":>7} | {"choice ms ours":>14} {"peer":>8} {"ratio":>6}')
    print(header)
    print('-' * len(header))
    for count in args.steps:
        row = measure(count, args.repeat)
        print(f'{row["steps"]:>6} | {row["page_ours"]:>15,} {row["page_peer"]:>10,} '
              f'{row["page_ours"] / row["page_peer"]:>7.3f} | {row["answer_ours"]:>17,} {row["answer_peer"]:>10,} '
              f'{row["answer_ours"] / row["answer_peer"]:>7.3f} | {row["time_ours"] * 1000:>14.2f} '
              f'{row["time_peer"] * 1000:>8.2f} {row["time_ours"] / row["time_peer"]:>6.2f}')
    print('ratio = ours / peer (lower is better). Same machine, same runtime, same run; '
          f'times are medians of {args.repeat} choices.')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
