"""The scenario block against branching-xblock 0.3.3: the page and one decision, and how both grow.

What a learner waits for, as the LMS serves it: the page (``runtime.render`` of ``student_view``,
asides off as the LMS runs them) and one decision through the handler, each on a block loaded
afresh from the field store as every request loads it. Both blocks get the same synthetic
scenario (``bench.__main__.synthetic_steps``: N steps, 3 options each, the same texts); the
peer's carries a hint on every step, as course teams write them. Ours and the peer's operations
are interleaved round by round (``bench.timing.interleaved``); the request bodies are built
before the clock starts, as the browser builds them.

A learner in a state some learner of the same worker was already shown gets the HTML kept
for it (``xblocks.rendering.render_reused``); the pages and decisions above are such requests.
The first learner in a state pays for rendering it: the rows "nothing reused" measure that,
with the kept renderings dropped before each request.

Then ours alone at 1,000 and 10,000 steps against ours at 10 steps, interleaved the same way:
a page or a decision must cost the same however large the scenario (target ≤ 1.2×). These
scenarios have shorter steps (``compact_xml``, the same generator at every size), as 10,000
steps of the texts above would exceed the 5 MB a scenario may have.
"""
from __future__ import annotations

import json
import re

from webob import Request
from xblock.fields import ScopeIds

from .timing import Row, interleaved


def page_bytes(fragment) -> int:
    """What the browser receives for the block: its HTML and the JSON handed to its JavaScript."""
    return len(fragment.content.encode('utf-8')) + len(json.dumps(fragment.json_init_args or {}).encode('utf-8'))

HINT = '<p>Think of who is affected and what the law requires: <strong>Article 22 GDPR</strong>.</p>'
PEER = 'branching-xblock 0.3.3'


def _runtime():
    from tests.scenario.support import ScenarioTestRuntime

    class LmsLikeRuntime(ScenarioTestRuntime):
        """Asides off, as the LMS runs (it renders only the asides its configuration enables)."""

        def applicable_aside_types(self, block):
            return []

    return LmsLikeRuntime()


def compact_xml(count: int) -> str:
    """N short steps of two options, so 10,000 steps stay under the 5 MB a scenario may have."""
    parts = ['<magix_scenario display_name="Bench" scoring_mode="path"><scenario start="s0">',
             '<introduction><p>Bench case.</p></introduction><role>You lead the office.</role>']
    for index in range(count):
        next_id = f's{index + 1}' if index + 1 < count else 'end-good'
        parts.append(f'<step id="s{index}" title="Week {index}"><situation><p>{100 + index} new claims arrive; '
                     f'the model flags {index}.</p></situation><question>What do you do?</question>'
                     f'<option id="o0" next="{next_id}" points="2"><text>Review case {index}</text>'
                     f'<consequence><p>Case {index} is explained.</p></consequence></option>'
                     f'<option id="o1" next="end-stopped" points="0"><text>Stop at case {index}</text>'
                     f'<consequence><p>Claims wait.</p></consequence></option></step>')
    parts.append('<ending id="end-good" title="Good"><debrief><p>Well done.</p></debrief></ending>'
                 '<ending id="end-stopped" title="Stopped"><debrief><p>Stopped.</p></debrief></ending>')
    parts.append('</scenario></magix_scenario>')
    return ''.join(parts)


class Ours:
    def __init__(self, runtime, steps: int, compact: bool = False):
        from tests.scenario.support import answering, load

        from .__main__ import our_xml
        self.runtime = runtime
        block = load(runtime, (compact_xml if compact else our_xml)(steps))
        block.save()
        self.usage_id = block.scope_ids.usage_id
        self.reset()
        # What the block's JavaScript sends: the option, the state its page answers and the page's prefix.
        prefix = re.search(r'data-prefix="([^"]+)"', self.page().content).group(1)
        body = {**answering(self.block()), 'option': 'o0', 'prefix': prefix}
        self.body = json.dumps(body).encode('utf-8')

    def block(self):
        return self.runtime.get_block(self.usage_id)

    def reset(self):
        block = self.block()
        block.current_node, block.history = None, []
        block.save()

    def reset_unseen(self):
        """As ``reset``, and no rendering kept: the next request is the first in its state."""
        from xblocks.rendering import forget_reused
        self.reset()
        forget_reused()

    def page(self):
        fragment = self.runtime.render(self.block(), 'student_view')
        assert 'data-attempt' in fragment.content, fragment.content[:500]
        return fragment

    def decide(self):
        request = Request.blank('/', method='POST', body=self.body)
        request.content_type = 'application/json'
        response = self.block().handle('choose', request)
        assert response.status_code == 200 and b'"error"' not in response.body, response.body
        return response


class Peer:
    def __init__(self, runtime, steps: int):
        from .__main__ import peer_nodes
        self.runtime = runtime
        definition = runtime.id_manager.create_definition('branching_xblock')
        self.scope_ids = ScopeIds('learner-1', 'branching_xblock', definition,
                                  runtime.id_manager.create_usage(definition))
        block = self.block()
        scenario = peer_nodes(steps)
        for node in scenario['nodes'].values():
            if node['choices']:
                node['hint'] = HINT
        block.scenario_data = scenario
        block.enable_undo, block.enable_scoring, block.max_score = True, True, 2 * steps
        block.save()
        self.body = json.dumps({'choice_index': 0}).encode('utf-8')

    def block(self):   # loaded as ours is (and as the LMS loads every block): from its usage id
        return self.runtime.get_block(self.scope_ids.usage_id)

    def reset(self):
        block = self.block()
        block.current_node_id, block.history, block.score_history, block.choice_history = None, [], [], []
        block.has_completed = False
        block.save()

    def page(self):
        return self.runtime.render(self.block(), 'student_view')

    def decide(self):
        request = Request.blank('/', method='POST', body=self.body)
        request.content_type = 'application/json'
        response = self.block().handle('select_choice', request)
        assert response.status_code == 200 and b'"success": true' in response.body, response.body[:200]
        return response


def _reset_all(*sides):
    def reset():
        for side in sides:
            side.reset()
    return reset


def _reset_all_unseen(ours, peer):
    def reset():
        ours.reset_unseen()
        peer.reset()
    return reset


def versus_peer(steps: list[int], repeat: int) -> list[Row]:
    rows = []
    for count in steps:
        ours, peer = Ours(_runtime(), count), Peer(_runtime(), count)
        pages = interleaved({'ours': ours.page, 'peer': peer.page}, repeat, reset=_reset_all(ours, peer))
        decisions = interleaved({'ours': ours.decide, 'peer': peer.decide}, repeat, reset=_reset_all(ours, peer))
        unseen_pages = interleaved({'ours': ours.page, 'peer': peer.page}, repeat, reset=_reset_all_unseen(ours, peer))
        unseen_decisions = interleaved({'ours': ours.decide, 'peer': peer.decide}, repeat,
                                       reset=_reset_all_unseen(ours, peer))
        rows.append(Row(f'scenario page (runtime.render), {count} steps', pages['ours'] * 1000,
                        pages['peer'] * 1000, 'ms', f'{PEER} student_view, hints', '<= 0.5'))
        rows.append(Row(f'scenario decision via the handler, {count} steps', decisions['ours'] * 1000,
                        decisions['peer'] * 1000, 'ms', f'{PEER} select_choice, hints', '<= 0.5'))
        rows.append(Row(f'  page, nothing reused, {count} steps', unseen_pages['ours'] * 1000,
                        unseen_pages['peer'] * 1000, 'ms', f'{PEER} student_view, hints'))
        rows.append(Row(f'  decision, nothing reused, {count} steps', unseen_decisions['ours'] * 1000,
                        unseen_decisions['peer'] * 1000, 'ms', f'{PEER} select_choice, hints'))
        ours.reset(), peer.reset()
        rows.append(Row(f'  page bytes, {count} steps', page_bytes(ours.page()), page_bytes(peer.page()), 'bytes',
                        f'{PEER} student_view, hints'))
    return rows


def growth(steps: list[int], repeat: int, base: int = 10) -> list[Row]:
    """Ours at each size against ours at ``base`` steps, all sizes interleaved in the same rounds."""
    sides = {count: Ours(_runtime(), count, compact=True) for count in [base, *steps]}
    for side in sides.values():   # parse and check each scenario once, as a process's first request does
        side.page()
    reset = _reset_all(*sides.values())
    pages = interleaved({count: side.page for count, side in sides.items()}, repeat, reset=reset)
    decisions = interleaved({count: side.decide for count, side in sides.items()}, repeat, reset=reset)
    rows = []
    for count in steps:
        rows.append(Row(f'scenario page, {count:,} steps', pages[count] * 1000, pages[base] * 1000, 'ms',
                        f'ours at {base} steps', '<= 1.2'))
        rows.append(Row(f'scenario decision, {count:,} steps', decisions[count] * 1000, decisions[base] * 1000,
                        'ms', f'ours at {base} steps', '<= 1.2'))
    return rows


def measure(peer_steps: list[int], growth_steps: list[int], repeat: int) -> list[Row]:
    return versus_peer(peer_steps, repeat) + growth(growth_steps, repeat)
