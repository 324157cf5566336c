"""The scenario drawn as an SVG diagram, rendered on the server for course teams.

A layered (Sugiyama) layout, read top to bottom: the start on top, each decision's options
below it, loops routed back up. We choose the layers; igraph orders each layer to avoid
crossings. Boxes never overlap and edges never cross a box they do not connect: between layers
edges run in the empty gap, through a layer they run through the slot igraph keeps free for
them (its "dummy" vertices). Titles wrap to two lines and are shortened with an ellipsis;
the full text is in each box's SVG ``<title>``, as is each option's text on its edge, which
is numbered where it leaves its box. Steps that cannot be reached (or cannot reach an ending)
and options leading nowhere are flagged.
Built with lxml so every text is escaped by the library.
"""
from __future__ import annotations

import textwrap

# igraph (GPL-2.0-or-later, compatible with our AGPL-3.0) rather than grandalf, whose
# "GPLv2 only or EPL-1.0" licence is compatible with neither our licence nor Open edX's.
import igraph
from lxml import etree
from lxml.builder import ElementMaker

from .model import Scenario
from .validation import can_reach_an_ending, reachable_from_start

SVG_NS = 'http://www.w3.org/2000/svg'
E = ElementMaker(namespace=SVG_NS, nsmap={None: SVG_NS})

BOX_W, PAD, X_SPACE, Y_SPACE, MARGIN, COMPONENT_GAP = 184, 8, 40, 56, 16, 48
TITLE_SIZE, ID_SIZE, FLAG_SIZE, PORT_SIZE = 12, 11, 10, 10
TITLE_LINES, LINE_GAP, PORT_ROW, LOOP_OUT = 2, 3, 14, 14
# Widest average advance of common sans-serif fonts (DejaVu Sans, the usual Linux default), in
# em; bold is wider. Wrapping to this keeps text inside its box in any of them.
EM_NORMAL, EM_BOLD = 0.62, 0.68
FONT_FAMILY = 'DejaVu Sans, Verdana, Arial, sans-serif'
DEFAULT_LABELS = {
    'title': 'Scenario diagram',
    'summary': '{steps} steps, {endings} endings.',
    'start': 'start',
    'ending': 'ending',
    'unreachable': 'unreachable',
    'dead_end': 'no ending reachable',
    'missing': 'missing: {id}',
    'too_large': 'Too many steps and endings to draw ({count}; at most {limit}).',
}
# Layered layout time grows faster than the graph; a scenario larger than any course needs is
# drawn as one line saying so instead of keeping a Studio worker busy for seconds.
MAX_DRAWN_NODES = 100
# The width an edge takes through a layer it crosses, and how hard igraph works at crossings.
SLOT_W, SUGIYAMA_ITERATIONS = 12, 100


def shorten(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, an ellipsis marking the cut."""
    return text if len(text) <= length else text[:max(1, length - 1)].rstrip() + '…'


def chars_that_fit(width: float, size: float, bold: bool = False) -> int:
    return max(1, int(width / (size * (EM_BOLD if bold else EM_NORMAL))))


def wrap(text: str, width: float, size: float, bold: bool = False, lines: int = TITLE_LINES) -> list[str]:
    """Up to ``lines`` lines of ``text`` fitting ``width``; the last one ends in … when text is left over."""
    limit = chars_that_fit(width, size, bold)
    wrapped = textwrap.wrap(text, limit, break_long_words=True) or ['']
    if len(wrapped) > lines:
        rest = ' '.join(wrapped[lines - 1:])
        wrapped = wrapped[:lines - 1] + [shorten(rest, limit)]
    return wrapped


class Box:
    """One node drawn as a box: what it says, how tall that makes it, where it is placed."""

    def __init__(self, node_id: str, title: str, subtitle: str, flags: str, kind: str):
        self.id, self.title, self.kind = node_id, title, kind
        self.lines = wrap(title, BOX_W - 2 * PAD, TITLE_SIZE, bold=True)
        self.subtitle = shorten(subtitle, chars_that_fit(BOX_W - 2 * PAD, ID_SIZE))
        self.flags_text = flags
        self.flags = shorten(flags, chars_that_fit(BOX_W - 2 * PAD, FLAG_SIZE)) if flags else ''
        self.top_row = self.bottom_row = False  # rows of option numbers, set once edges are known
        self.w, self.h = BOX_W, 0
        self.xy = (0.0, 0.0)

    def measure(self):
        self.h = (PAD * 2 + len(self.lines) * (TITLE_SIZE + LINE_GAP) + ID_SIZE + LINE_GAP
                  + ((FLAG_SIZE + LINE_GAP) if self.flags else 0)
                  + (PORT_ROW if self.top_row else 0) + (PORT_ROW if self.bottom_row else 0))

    @property
    def left(self):
        return self.xy[0] - self.w / 2

    @property
    def top(self):
        return self.xy[1] - self.h / 2

    @property
    def right(self):
        return self.left + self.w

    @property
    def bottom(self):
        return self.top + self.h


def _boxes(scenario: Scenario, labels: dict) -> dict[str, Box]:
    reachable, finishing = reachable_from_start(scenario), can_reach_an_ending(scenario)
    boxes: dict[str, Box] = {}
    for node in scenario.nodes:
        if node.id in boxes:
            continue
        flags = []
        if node.is_ending:
            worth = [f'{node.score:g}'] if node.score is not None else []
            worth += [f'≥{node.min_score:g}'] if node.min_score is not None else []
            worth += [f'≤{node.max_score:g}'] if node.max_score is not None else []
            flags.append(' · '.join([labels['ending']] + worth))
        if node.id == scenario.start:
            flags.append(labels['start'])
        kind = 'ending' if node.is_ending else 'step'
        if node.id not in reachable:
            flags.append(labels['unreachable'])
            kind = 'unreachable'
        elif node.id not in finishing:
            flags.append(labels['dead_end'])
            kind = 'dead-end'
        boxes[node.id] = Box(node.id, node.title, node.id, ' · '.join(flags), kind)
    for step in scenario.steps:
        for option in step.options:
            if option.next not in boxes and scenario.node(option.next) is None:
                boxes[option.next] = Box(option.next, labels['missing'].format(id=option.next), '', '', 'missing')
    return boxes


def _layout(scenario: Scenario, boxes: dict[str, Box], links: list[tuple[str, str]]):
    """Place every box; returns the routes through layers, each box's layer band, the size, and loops.

    Each connected part of the graph is laid out on its own (the one with the start first) and
    the parts are set side by side. The layers are ours (``_layers``: the start on top, loops
    going back up); igraph orders each layer to avoid crossings and gives the slots of the edges
    that span several layers. Once the layers are known, so are the links that go back up, and
    each box gets the rows of option numbers it needs before it is placed. Routes are
    {(source, target): [((band top, band bottom), x of the edge's slot)]}.
    """
    pairs = sorted({(a, b) for a, b in links if a != b})
    rank, going_up = _layers(scenario, list(boxes), pairs)
    for node_id, box in boxes.items():
        box.top_row = any(source == node_id for source, _ in going_up)
        box.bottom_row = any(source == node_id and (source, target) not in going_up for source, target in links)
        box.measure()

    routes, band_of, offset, height = {}, {}, MARGIN, 0.0
    for part in _parts(scenario, list(boxes), pairs):
        members = set(part)
        part_pairs = [pair for pair in pairs if pair[0] in members]
        order_x, slots = _order(part, part_pairs, rank, going_up)
        # what each layer holds, in igraph's order: (x from igraph, width, height, key)
        layers: dict[int, list] = {}
        for node_id in part:
            layers.setdefault(rank[node_id], []).append(
                (order_x[node_id], boxes[node_id].w, boxes[node_id].h, node_id))
        for pair, by_layer in slots.items():
            for layer, x in by_layer.items():
                layers[layer].append((x, SLOT_W, SLOT_W, (pair, layer)))
        xy, width, bands, top, rows = {}, {}, {}, 0.0, []
        for layer in sorted(layers):
            held = sorted(layers[layer], key=lambda item: item[0])
            rows.append([key for *_, key in held])
            tallest = max(h for _, _, h, _ in held)
            previous = None
            for x, w, _, key in held:  # igraph's unit gap made a box's; neighbours kept X_SPACE apart
                x *= BOX_W + X_SPACE
                if previous is not None:
                    x = max(x, xy[previous][0] + (width[previous] + w) / 2 + X_SPACE)
                xy[key], width[key], previous = (x, top + tallest / 2), w, key
            bands[layer] = (top, top + tallest)
            top += tallest + Y_SPACE
        _balance(rows, xy, width, _neighbours(part_pairs, rank, going_up))
        left = min(xy[key][0] - width[key] / 2 for key in xy)
        right = max(xy[key][0] + width[key] / 2 for key in xy)
        shift_x, shift_y = offset - left, MARGIN
        bands = {layer: (band_top + shift_y, band_bottom + shift_y) for layer, (band_top, band_bottom) in bands.items()}
        for node_id in part:
            box = boxes[node_id]
            box.xy = (xy[node_id][0] + shift_x, xy[node_id][1] + shift_y)
            band_of[node_id] = bands[rank[node_id]]
            height = max(height, box.bottom)
        for pair in part_pairs:
            r0, r1 = rank[pair[0]], rank[pair[1]]
            step = 1 if r1 > r0 else -1
            routes[pair] = [(bands[r], xy[(pair, r)][0] + shift_x) for r in range(r0 + step, r1, step)]
        offset += right - left + COMPONENT_GAP
    return routes, band_of, (offset - COMPONENT_GAP + MARGIN, height + MARGIN), going_up


def _neighbours(pairs, rank: dict, going_up: set) -> tuple[dict, dict]:
    """What each box and slot is joined to in the layer above, and in the layer below."""
    above: dict = {}
    below: dict = {}
    for pair in pairs:
        upper, lower = (pair[1], pair[0]) if pair in going_up else pair
        chain = [upper] + [(pair, layer) for layer in range(rank[upper] + 1, rank[lower])] + [lower]
        for high, low in zip(chain, chain[1:]):
            below.setdefault(high, []).append(low)
            above.setdefault(low, []).append(high)
    return above, below


def _balance(rows: list[list], xy: dict, width: dict, neighbours: tuple[dict, dict], rounds: int = 4):
    """Pull each box and slot towards its neighbours in the layer above (then below), keeping
    each layer's order and gaps: igraph spaces slots as widely as boxes, which widens the
    drawing and slants long edges.

    Each layer is placed twice, pushing right from its left end and left from its right end
    where neighbours come closer than ``X_SPACE``; the mean of the two keeps every gap.
    """
    above, below = neighbours
    x = {key: point[0] for key, point in xy.items()}
    for _ in range(rounds):
        for sweep, joined in ((rows[1:], above), (rows[-2::-1], below)):
            for row in sweep:
                wanted = [sum(x[n] for n in joined[key]) / len(joined[key]) if key in joined else x[key]
                          for key in row]
                gaps = [(width[a] + width[b]) / 2 + X_SPACE for a, b in zip(row, row[1:])]
                rightward, leftward = wanted[:1], wanted[-1:]
                for want, gap in zip(wanted[1:], gaps):
                    rightward.append(max(want, rightward[-1] + gap))
                for want, gap in zip(wanted[-2::-1], gaps[::-1]):
                    leftward.append(min(want, leftward[-1] - gap))
                for key, right, left in zip(row, rightward, leftward[::-1]):
                    x[key] = (right + left) / 2
    for key, (_, y) in xy.items():
        xy[key] = (x[key], y)


def _indices(node_ids: list[str], pairs) -> list[tuple[int, int]]:
    index = {node_id: i for i, node_id in enumerate(node_ids)}
    return [(index[a], index[b]) for a, b in pairs]


def _parts(scenario: Scenario, node_ids: list[str], pairs: list[tuple[str, str]]) -> list[list[str]]:
    """The weakly connected parts, each in written order: the start's part first, then as written."""
    graph = igraph.Graph(n=len(node_ids), edges=_indices(node_ids, pairs), directed=True)
    parts = [[node_ids[v] for v in sorted(part)] for part in graph.connected_components(mode='weak')]
    return sorted(parts, key=lambda part: (0 if scenario.start in part else 1, node_ids.index(part[0])))


def _layers(scenario: Scenario, node_ids: list[str], pairs: list[tuple[str, str]]):
    """Each node's layer, and the links that go back up.

    A depth-first search from the start (then from the nodes nothing leads to, then from the
    rest, as written) finds the links that close a loop; turned round, they leave a graph with
    no cycle, where each node goes one layer below the lowest node leading to it (longest
    path). The start thus comes first: every link into it closes a loop. igraph's own choice
    (a feedback arc set) could put another step on top.
    """
    following: dict[str, list[str]] = {node_id: [] for node_id in node_ids}
    for a, b in pairs:
        following[a].append(b)
    leads_in = {b for _, b in pairs}
    roots = [scenario.start] if scenario.start in following else []
    roots += [node_id for node_id in node_ids if node_id not in leads_in] + node_ids
    on_path, done, going_up = set(), set(), set()
    for root in roots:
        if root in done:
            continue
        on_path.add(root)
        stack = [(root, iter(following[root]))]
        while stack:
            node, rest = stack[-1]
            target = next(rest, None)
            if target is None:
                on_path.discard(node)
                done.add(node)
                stack.pop()
            elif target in on_path:
                going_up.add((node, target))
            elif target not in done:
                on_path.add(target)
                stack.append((target, iter(following[target])))
    graph = igraph.Graph(n=len(node_ids), edges=_indices(node_ids, _downward(pairs, going_up)), directed=True)
    rank: dict[str, int] = {}
    for v in graph.topological_sorting():
        rank[node_ids[v]] = max((rank[node_ids[u]] + 1 for u in graph.predecessors(v)), default=0)
    return rank, going_up


def _downward(pairs, going_up):
    return [(b, a) if (a, b) in going_up else (a, b) for a, b in pairs]


def _order(part: list[str], pairs: list[tuple[str, str]], rank: dict, going_up: set):
    """igraph's Sugiyama layout of one part, on our layers: the x of each box, and of each
    edge's slot in each layer it crosses ({(source, target): {layer: x}}), in units of the gap."""
    downward = _downward(pairs, going_up)
    graph = igraph.Graph(n=len(part), edges=_indices(part, downward), directed=True)
    options = {'layers': [rank[node_id] for node_id in part], 'hgap': 1, 'vgap': 1,
               'maxiter': SUGIYAMA_ITERATIONS}
    if _EXTENDED_GRAPH:  # igraph < 1.0: the slots are the extended graph's dummy vertices
        layout, extended = graph.layout_sugiyama(return_extended_graph=True, **options)
        bends = [[] for _ in pairs]
        for edge in extended.es:
            if edge.target >= len(part):
                bends[edge['_original_eid']].append(tuple(layout[edge.target]))
    else:  # igraph >= 1.0 gives each edge's bends, leaving out the slots on a straight run
        layout = graph.layout_sugiyama(**options)
        bends = layout.edge_routing
    x = {node_id: layout[i][0] for i, node_id in enumerate(part)}
    slots = {}
    for pair, (a, b), bent in zip(pairs, downward, bends):
        # the slots between two bends lie on the line joining them
        points = [(x[a], rank[a])] + sorted((bx, by) for bx, by in bent) + [(x[b], rank[b])]
        points.sort(key=lambda point: point[1])
        slots[pair] = {}
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            for layer in range(max(round(y0), rank[a] + 1), round(y1)):
                slots[pair][layer] = x0 + (x1 - x0) * (layer - y0) / (y1 - y0)
            if y1 != rank[b] and rank[a] < round(y1) < rank[b]:
                slots[pair][round(y1)] = x1
    return x, slots


_EXTENDED_GRAPH = 'return_extended_graph' in igraph.Graph.layout_sugiyama.__code__.co_varnames


def outline(scenario: Scenario, labels: dict | None = None) -> list[dict]:
    """The diagram as text, for whoever cannot see it: each node, its flags and where each option leads."""
    labels = {**DEFAULT_LABELS, **(labels or {})}
    boxes = _boxes(scenario, labels)
    result = []
    for box in boxes.values():
        node = scenario.node(box.id)
        options = [] if node is None or node.is_ending else [
            {'number': index + 1, 'text': option.text, 'next': boxes[option.next].title if option.next in boxes
             else option.next} for index, option in enumerate(node.options)]
        result.append({'id': box.id, 'title': box.title, 'flags': box.flags_text, 'options': options})
    return result


def _ports(box: Box, side: str, wanted: list[tuple[float, object]]) -> dict[object, float]:
    """Spread the connections on one side of a box evenly, in the order of where they head."""
    ordered = sorted(wanted, key=lambda item: item[0])
    return {key: box.left + box.w * (index + 1) / (len(ordered) + 1) for index, (_, key) in enumerate(ordered)}


def render_svg(scenario: Scenario, labels: dict | None = None, id_prefix: str = 'magix') -> str:
    """The diagram as an SVG document string (accessible title and description included)."""
    labels = {**DEFAULT_LABELS, **(labels or {})}
    boxes = _boxes(scenario, labels)
    if len(boxes) > MAX_DRAWN_NODES:
        return _too_large(scenario, labels, id_prefix, len(boxes))
    options = [(step, index, option) for step in scenario.steps
               for index, option in enumerate(step.options) if option.next]
    links = [(step.id, option.next) for step, _, option in options]
    routes, band_of, (width, height), going_up = _layout(scenario, boxes, links)

    # Where each connection meets each box: (box id, side) -> [(x it heads to, key)].
    sides: dict[tuple[str, str], list] = {}
    for step, index, option in options:
        pair = (step.id, option.next)
        if option.next == step.id:
            sides.setdefault((step.id, 'bottom'), []).append((float('inf'), ('out', step.id, index)))
            continue
        up = pair in going_up
        route = routes.get(pair, [])
        first = route[0][1] if route else boxes[option.next].xy[0]
        last = route[-1][1] if route else boxes[step.id].xy[0]
        sides.setdefault((step.id, 'top' if up else 'bottom'), []).append((first, ('out', step.id, index)))
        sides.setdefault((option.next, 'bottom' if up else 'top'), []).append((last, ('in', step.id, index)))
    port_x = {}
    for (node_id, side), wanted in sides.items():
        port_x.update(_ports(boxes[node_id], side, wanted))

    title_id, desc_id, marker_id = f'{id_prefix}-title', f'{id_prefix}-desc', f'{id_prefix}-arrow'
    width, height = round(width), round(height)
    svg = E.svg(
        E.title(labels['title'], id=title_id),
        E.desc(labels['summary'].format(steps=len(scenario.steps), endings=len(scenario.endings)), id=desc_id),
        E.defs(E.marker(E.path(d='M0,0 L10,5 L0,10 z', fill='#4a5568'),
                        id=marker_id, viewBox='0 0 10 10', refX='10', refY='5',
                        markerWidth='7', markerHeight='7', orient='auto-start-reverse')),
        width=str(width), height=str(height), viewBox=f'0 0 {width} {height}',
        role='img', **{'aria-labelledby': f'{title_id} {desc_id}', 'class': 'magix-diagram',
                       'font-family': FONT_FAMILY},
    )
    edges = E.g({'class': 'edges'}, fill='none', stroke='#4a5568')
    nodes = E.g({'class': 'nodes'})
    svg.extend([edges, nodes])

    numbers: dict[str, list] = {}
    for step, index, option in options:
        source, target = boxes[step.id], boxes[option.next]
        start_x = port_x[('out', step.id, index)]
        number = str(index + 1)
        if option.next == step.id:  # a loop to itself: out below, round the right side, back in
            below, mid = source.bottom + 8, source.top + source.h / 2
            points = [(start_x, source.bottom), (start_x, below), (source.right + LOOP_OUT, below),
                      (source.right + LOOP_OUT, mid), (source.right, mid)]
            numbers.setdefault(step.id, []).append((start_x, 'bottom', number))
        else:
            up = (step.id, option.next) in going_up
            end_x = port_x[('in', step.id, index)]
            source_band, target_band = band_of[step.id], band_of[option.next]
            if up:
                points = [(start_x, source.top), (start_x, source_band[0])]
                for (band_top, band_bottom), x in routes.get((step.id, option.next), []):
                    points += [(x, band_bottom), (x, band_top)]
                points += [(end_x, target_band[1]), (end_x, target.bottom)]
            else:
                points = [(start_x, source.bottom), (start_x, source_band[1])]
                for (band_top, band_bottom), x in routes.get((step.id, option.next), []):
                    points += [(x, band_top), (x, band_bottom)]
                points += [(end_x, target_band[0]), (end_x, target.top)]
            numbers.setdefault(step.id, []).append((start_x, 'top' if up else 'bottom', number))
        path = ' '.join(f'{"M" if i == 0 else "L"}{x:.1f},{y:.1f}' for i, (x, y) in enumerate(_dedupe(points)))
        edges.append(E.path(E.title(f'{step.title} ({number}) → {target.title}: {option.text}'), d=path,
                            **{'class': 'edge', 'data-from': step.id, 'data-to': option.next,
                               'marker-end': f'url(#{marker_id})', 'stroke-width': '1.4'}))

    styles = {'step': ('#ebf4ff', '#2b6cb0', None), 'ending': ('#f0fff4', '#2f855a', None),
              'unreachable': ('#fff5f5', '#c53030', '6 4'), 'dead-end': ('#fffaf0', '#c05621', '6 4'),
              'missing': ('#fff5f5', '#c53030', '2 3')}
    for box in boxes.values():
        fill, stroke, dash = styles[box.kind]
        node = scenario.node(box.id)
        is_ending = node is not None and node.is_ending
        rect = E.rect(x=f'{box.left:.1f}', y=f'{box.top:.1f}', width=str(box.w), height=f'{box.h:.1f}',
                      rx='14' if is_ending else '4', fill=fill, stroke=stroke,
                      **{'stroke-width': '3' if is_ending else '1.5'})
        if dash:
            rect.set('stroke-dasharray', dash)
        group = E.g(E.title(box.title), rect, {'class': f'node {box.kind}', 'data-node': box.id})
        x, y = box.left + PAD, box.top + PAD + (PORT_ROW if box.top_row else 0)
        for line in box.lines:
            y += TITLE_SIZE
            group.append(_text(line, x, y, TITLE_SIZE, '#1a202c', bold=True))
            y += LINE_GAP
        if box.subtitle:
            y += ID_SIZE
            group.append(_text(box.subtitle, x, y, ID_SIZE, '#4a5568'))
            y += LINE_GAP
        if box.flags:
            y += FLAG_SIZE
            group.append(_text(box.flags, x, y, FLAG_SIZE, stroke))
        for port, side, number in numbers.get(box.id, []):
            baseline = box.top + PORT_ROW - 3 if side == 'top' else box.bottom - 4
            label = _text(number, port, baseline, PORT_SIZE, '#2d3748', bold=True)
            label.set('text-anchor', 'middle')
            label.set('class', 'option-number')
            group.append(label)
        nodes.append(group)
    return etree.tostring(svg, encoding='unicode')


def _too_large(scenario, labels, id_prefix, count):
    """A one-line drawing saying the scenario is too large to lay out."""
    message = labels['too_large'].format(count=count, limit=MAX_DRAWN_NODES)
    width = round(2 * MARGIN + len(message) * TITLE_SIZE * EM_NORMAL)
    svg = E.svg(E.title(labels['title'], id=f'{id_prefix}-title'),
                E.desc(labels['summary'].format(steps=len(scenario.steps), endings=len(scenario.endings)),
                       id=f'{id_prefix}-desc'),
                _text(message, MARGIN, MARGIN + TITLE_SIZE, TITLE_SIZE, '#1a202c'),
                width=str(width), height=str(2 * MARGIN + TITLE_SIZE), viewBox=f'0 0 {width} {2 * MARGIN + TITLE_SIZE}',
                role='img', **{'aria-labelledby': f'{id_prefix}-title {id_prefix}-desc', 'class': 'magix-diagram',
                               'font-family': FONT_FAMILY})
    return etree.tostring(svg, encoding='unicode')


def _text(text, x, y, size, fill, bold=False):
    attributes = {'font-size': str(size), 'fill': fill}
    if bold:
        attributes['font-weight'] = 'bold'
    return E.text(text, x=f'{x:.1f}', y=f'{y:.1f}', **attributes)


def _dedupe(points):
    kept = []
    for point in points:
        if not kept or (abs(point[0] - kept[-1][0]) > 0.05 or abs(point[1] - kept[-1][1]) > 0.05):
            kept.append(point)
    return kept
