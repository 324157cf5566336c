"""The scenario diagram's geometry, read back from the SVG it draws.

For the five shipped scenarios and for random graphs (loops, self-loops, options leading
nowhere, unreachable parts, very long titles): no two boxes intersect, every text stays inside
its box and clear of every other text, and no edge segment enters a box (an edge touches its
own boxes only at their border). Text extents are estimated with the widest common sans-serif
advance (DejaVu Sans, what Chromium uses for sans-serif here); the browser test at the end
measures the real rendered text in Chromium for the shipped scenarios.
"""
from __future__ import annotations

import re
import shutil
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xblocks.scenario import diagram
from xblocks.scenario.loading import load_scenario
from xblocks.scenario.model import Ending, Option, Scenario, Step
from xblocks.scenario.validation import reachable_from_start

CONTENT = Path(__file__).resolve().parents[2] / 'xblocks' / 'scenario' / 'content'
SHIPPED = sorted(CONTENT.glob('*.xml'))
NS = {'svg': diagram.SVG_NS}
# DejaVu Sans advances, in em: at most ~0.62 on average for normal text, ~0.68 for bold (what
# diagram.py wraps to); a text of n characters is taken to span n x size x this.
ADVANCE = {False: 0.62, True: 0.68}


def rect_of(element):
    return tuple(float(element.get(name)) for name in ('x', 'y', 'width', 'height'))


def text_box(text):
    """(x, y, width, height) of a text element, from its anchor, baseline and font size."""
    size = float(text.get('font-size'))
    width = len(text.text or '') * size * ADVANCE[text.get('font-weight') == 'bold']
    x, baseline = float(text.get('x')), float(text.get('y'))
    if text.get('text-anchor') == 'middle':
        x -= width / 2
    return x, baseline - size * 0.8, width, size  # ascent ~0.8 em; descenders stay in the line gap


def overlap(a, b, slack=0.0):
    return (a[0] < b[0] + b[2] - slack and b[0] < a[0] + a[2] - slack
            and a[1] < b[1] + b[3] - slack and b[1] < a[1] + a[3] - slack)


def inside(inner, outer):
    return (inner[0] >= outer[0] - 0.01 and inner[1] >= outer[1] - 0.01
            and inner[0] + inner[2] <= outer[0] + outer[2] + 0.01 and inner[1] + inner[3] <= outer[1] + outer[3] + 0.01)


def segment_enters(p, q, rect, margin=0.5):
    """Whether segment p-q passes through the interior of rect (shrunk by margin): Liang-Barsky."""
    x0, y0, w, h = rect
    left, right, top, bottom = x0 + margin, x0 + w - margin, y0 + margin, y0 + h - margin
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for edge_p, edge_q in ((-dx, p[0] - left), (dx, right - p[0]), (-dy, p[1] - top), (dy, bottom - p[1])):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-9


def path_points(d):
    return [(float(x), float(y)) for x, y in re.findall(r'[ML](-?[\d.]+),(-?[\d.]+)', d)]


def geometry(svg_text):
    root = etree.fromstring(svg_text.encode())
    boxes, texts = {}, []
    for group in root.iterfind('.//svg:g[@data-node]', NS):
        rect = rect_of(group.find('svg:rect', NS))
        boxes[group.get('data-node')] = rect
        texts.extend((group.get('data-node'), text_box(text)) for text in group.iterfind('svg:text', NS))
    edges = [(path.get('data-from'), path.get('data-to'), path_points(path.get('d')))
             for path in root.iterfind('.//svg:path[@class="edge"]', NS)]
    assert not root.findall('.//svg:text', NS)[len(texts):] or \
        len(root.findall('.//svg:text', NS)) == len(texts), 'every text belongs to a box'
    return root, boxes, texts, edges


def assert_readable(svg_text, scenario):
    root, boxes, texts, edges = geometry(svg_text)
    width, height = float(root.get('width')), float(root.get('height'))
    assert set(boxes) >= {node.id for node in scenario.nodes}
    for name, rect in boxes.items():
        assert inside(rect, (0, 0, width, height)), f'box {name} outside the drawing'
    for (a, ra), (b, rb) in combinations(boxes.items(), 2):
        assert not overlap(ra, rb), f'boxes {a} and {b} overlap'
    for node_id, box in texts:
        assert inside(box, boxes[node_id]), f'a text of {node_id} leaves its box'
    for (a, ta), (b, tb) in combinations(texts, 2):
        assert not overlap(ta, tb, slack=0.01), f'texts of {a} and {b} overlap'
    expected = sum(1 for step in scenario.steps for option in step.options if option.next)
    assert len(edges) == expected
    for source, target, points in edges:
        assert len(points) >= 2
        for p, q in zip(points, points[1:]):
            for name, rect in boxes.items():
                assert not segment_enters(p, q, rect), f'edge {source} → {target} crosses box {name}'
        assert all(0 <= x <= width and 0 <= y <= height for x, y in points)
        # it starts on its source's border and ends on its target's
        for (x, y), name in ((points[0], source), (points[-1], target)):
            bx, by, bw, bh = boxes[name]
            assert bx - 0.1 <= x <= bx + bw + 0.1 and by - 0.1 <= y <= by + bh + 0.1


@pytest.mark.parametrize('path', SHIPPED, ids=lambda path: path.stem)
def test_shipped_scenarios_draw_readably(path):
    scenario, problems = load_scenario(path.read_text(encoding='utf-8'), 'path')
    assert scenario is not None
    assert_readable(diagram.render_svg(scenario), scenario)


def test_long_titles_wrap_or_shorten_with_the_full_text_kept():
    long_title = 'Reconsider Triage+ as decision support only, subject to a DPIA and a rights impact assessment'
    scenario = Scenario(start='a', nodes=(
        Step('a', long_title, '', 'Q?', (Option('1', 'Go on', 'b'), Option('2', 'Stop', 'b'))),
        Ending('b', 'Recommend decision support with an impact assessment first', '')))
    svg = diagram.render_svg(scenario)
    root, boxes, texts, _ = geometry(svg)
    group = root.find('.//svg:g[@data-node="a"]', NS)
    assert group.findtext('svg:title', namespaces=NS) == long_title  # the full text, for hover and AT
    lines = [text.text for text in group.iterfind('svg:text[@font-weight="bold"]', NS) if text.text not in '12']
    assert len(lines) == 2 and lines[-1].endswith('…') and lines[0].startswith('Reconsider')
    edge_titles = [path.findtext('svg:title', namespaces=NS) for path in root.iterfind('.//svg:path[@class="edge"]', NS)]
    assert any(title.endswith(': Go on') for title in edge_titles)
    assert_readable(svg, scenario)


def test_a_wide_scenario_keeps_its_size_and_scrolls_in_its_frame():
    """Twelve endings side by side: the drawing grows wider, its text stays the same size."""
    endings = tuple(Ending(f'e{index}', f'Ending number {index}', '') for index in range(12))
    steps = (Step('a', 'Start', '', 'Q?', tuple(Option(str(i), f'Option {i}', f'b{i % 2}') for i in range(2))),
             *(Step(f'b{i}', f'Branch {i}', '', 'Q?', tuple(Option(str(j), f'Go {j}', f'e{i * 6 + j}')
                                                        for j in range(6))) for i in range(2)))
    scenario = Scenario(start='a', nodes=steps + endings)
    svg = diagram.render_svg(scenario)
    root = etree.fromstring(svg.encode())
    assert float(root.get('width')) > 12 * diagram.BOX_W
    assert root.get('viewBox') == f'0 0 {root.get("width")} {root.get("height")}'  # drawn at 1:1
    css = (CONTENT.parent / 'static' / 'css' / 'scenario.css').read_text()
    assert re.search(r'\.magix-diagram-frame \{[^}]*overflow: auto', css)
    assert re.search(r'\.magix-diagram-frame svg \{[^}]*max-width: none', css)
    assert_readable(svg, scenario)


NODE_IDS = [f's{index}' for index in range(9)] + [f'end-{index}' for index in range(4)]
WORDS = st.sampled_from(['the', 'data', 'protection', 'officer', 'Triage+', 'reconsiders', 'a',
                         'Verwaltungsdigitalisierungsgesetz', 'DPIA', 'ombudsman', 'ÉÀ', '—'])


@st.composite
def random_scenarios(draw):
    """Any graph the editor may be asked to draw: loops, self-loops, dangling and unreachable nodes."""
    step_ids = draw(st.lists(st.sampled_from(NODE_IDS[:9]), min_size=1, max_size=9, unique=True))
    ending_ids = draw(st.lists(st.sampled_from(NODE_IDS[9:]), min_size=0, max_size=4, unique=True))
    targets = st.sampled_from(step_ids + ending_ids + ['nowhere'])
    title = st.lists(WORDS, min_size=1, max_size=14).map(' '.join)
    nodes = []
    for step_id in step_ids:
        count = draw(st.integers(1, 6))
        nodes.append(Step(step_id, draw(title), '', 'Q?', tuple(
            Option(str(index + 1), draw(title), draw(targets)) for index in range(count))))
    nodes.extend(Ending(ending_id, draw(title), '', score=draw(st.none() | st.just(0.5))) for ending_id in ending_ids)
    nodes = draw(st.permutations(nodes))
    return Scenario(start=draw(st.sampled_from(step_ids)), nodes=tuple(nodes))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios())
def test_random_graphs_draw_readably(scenario):
    assert_readable(diagram.render_svg(scenario), scenario)



@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios())
def test_the_start_is_on_top_and_loops_go_back_up(scenario):
    """Read top to bottom: nothing the start leads to is above it; an edge up leaves from the top.

    (A step that cannot be reached but leads to the start may sit above it.)"""
    root, boxes, _, edges = geometry(diagram.render_svg(scenario))
    middle = {name: y + h / 2 for name, (_, y, _, h) in boxes.items()}
    for name in reachable_from_start(scenario):
        assert middle[scenario.start] <= middle[name] + 0.01, name
    for source, target, points in edges:
        if source != target and boxes[target][1] < boxes[source][1]:
            assert points[0][1] == pytest.approx(boxes[source][1], abs=0.1)  # out of the source's top
            assert points[-1][1] == pytest.approx(boxes[target][1] + boxes[target][3], abs=0.1)  # into the bottom


CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason='needs the system Chromium (apt-get install chromium); .ci/run installs it')
def test_rendered_text_fits_its_box_in_chromium():
    """The real thing: Chromium lays the text out with its own fonts; every text stays in its box."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=['--headless', '--no-sandbox'])
        page = browser.new_page()
        for path in SHIPPED:
            scenario, _ = load_scenario(path.read_text(encoding='utf-8'), 'path')
            page.set_content(f'<!DOCTYPE html><html lang="en"><body>{diagram.render_svg(scenario)}</body></html>')
            escaping = page.evaluate('''() => {
                const out = [];
                for (const group of document.querySelectorAll('g[data-node]')) {
                    const r = group.querySelector('rect').getBBox();
                    for (const text of group.querySelectorAll('text')) {
                        const t = text.getBBox();
                        if (t.x < r.x || t.x + t.width > r.x + r.width || t.y < r.y - 0.5 || t.y + t.height > r.y + r.height + 0.5)
                            out.push(group.dataset.node + ': ' + text.textContent);
                    }
                }
                return out;
            }''')
            assert escaping == [], (path.name, escaping)
        browser.close()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason='needs the system Chromium (apt-get install chromium); .ci/run installs it')
@pytest.mark.parametrize('frame_width', [320, 760])
def test_the_author_view_scrolls_inside_the_diagram_frame_not_the_page(frame_width):
    """Studio shows the author view in a column about 760 px wide; phones are narrower still."""
    from playwright.sync_api import sync_playwright

    from .support import ScenarioTestRuntime, load
    block = load(ScenarioTestRuntime(), (CONTENT / '01-eligibility.xml').read_text(encoding='utf-8'))
    fragment = block.author_view()
    html = (f'<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width">'
            f'{fragment.head_html()}</head><body style="margin:0">{fragment.body_html()}</body></html>')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=['--headless', '--no-sandbox'])
        page = browser.new_page(viewport={'width': frame_width, 'height': 800})
        page.set_content(html)
        sizes = page.evaluate('''() => {
            const frame = document.querySelector('.magix-diagram-frame');
            const svg = frame.querySelector('svg');
            return {page: document.documentElement.scrollWidth, frame: frame.clientWidth,
                    content: frame.scrollWidth, svg: svg.getBoundingClientRect().width,
                    drawn: Number(svg.getAttribute('width'))};
        }''')
        page.locator('.magix-diagram-frame').focus()  # reachable by keyboard, so it scrolls with arrow keys
        page.keyboard.press('ArrowRight')
        # Chromium scrolls a little after the key press (smoothly): wait for it, within a bound.
        try:
            page.wait_for_function("document.querySelector('.magix-diagram-frame').scrollLeft > 0", timeout=10_000)
        except Exception:  # noqa: BLE001 (the assertion below reports what was seen)
            pass
        scrolled = page.evaluate("document.querySelector('.magix-diagram-frame').scrollLeft")
        browser.close()
    assert sizes['page'] <= frame_width, sizes                 # the page does not scroll sideways
    assert sizes['svg'] == sizes['drawn'] > sizes['frame'], sizes  # drawn at full size, not shrunk
    assert sizes['content'] >= sizes['drawn'] and scrolled > 0


def test_a_scenario_too_large_to_lay_out_is_said_so_quickly():
    """A Studio live check must not keep a worker busy laying out thousands of steps."""
    count = diagram.MAX_DRAWN_NODES + 1
    steps = tuple(Step(f's{i}', f'Step {i}', '', 'Q?', (Option('1', 'On', f's{i + 1}'), Option('2', 'Stop', 'end')))
                  for i in range(count - 1))
    scenario = Scenario(start='s0', nodes=steps[:-1] + (Step(f's{count - 2}', 'Last', '', 'Q?', (
        Option('1', 'Stop', 'end'), Option('2', 'Stop too', 'end'))), Ending('end', 'The end', '')))
    svg = etree.fromstring(diagram.render_svg(scenario, id_prefix='big').encode())
    assert svg.findtext('svg:text', namespaces=NS) == f'Too many steps and endings to draw ({count}; at most {count - 1}).'
    assert svg.get('aria-labelledby') == 'big-title big-desc'
    smaller = Scenario(start='s0', nodes=scenario.nodes[-40:-1] + scenario.nodes[-1:])
    assert 'Too many' not in diagram.render_svg(Scenario(start=smaller.nodes[0].id, nodes=smaller.nodes))


def test_the_author_view_gives_the_diagram_as_text_too():
    """Whoever cannot see the drawing reads every step, its flags and where each option leads."""
    from .support import ScenarioTestRuntime, load
    block = load(ScenarioTestRuntime(), (CONTENT / '01-eligibility.xml').read_text(encoding='utf-8'))
    html = block.author_view().content
    text = etree.HTML(html).xpath('string(//details[@class="magix-diagram-text"])')
    assert 'The diagram as text' in text
    assert "The supplier's offer (the-offer): start" in ' '.join(text.split())
    assert 'Decline: an algorithm has no place in benefit decisions → The backlog grows' in text
    assert 'Process first, no model (no-ai): ending · ≥0.7' in ' '.join(text.split())
