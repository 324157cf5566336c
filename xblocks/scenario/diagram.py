"""The scenario drawn as an SVG diagram, rendered on the server for course teams.

Steps are boxes laid out in columns by their distance from the start, options are labelled
arrows, endings are marked, and steps that cannot be reached (or cannot reach an ending) are
flagged. Built with lxml so every text is escaped by the library.
"""
from __future__ import annotations

from collections import deque

from lxml import etree
from lxml.builder import ElementMaker

from .model import Scenario
from .validation import can_reach_an_ending, reachable_from_start

SVG_NS = 'http://www.w3.org/2000/svg'
E = ElementMaker(namespace=SVG_NS, nsmap={None: SVG_NS})

BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN = 190, 58, 120, 34, 24
DEFAULT_LABELS = {
    'title': 'Scenario diagram',
    'summary': '{steps} steps, {endings} endings.',
    'start': 'start',
    'ending': 'ending',
    'unreachable': 'unreachable',
    'dead_end': 'no ending reachable',
    'missing': 'missing: {id}',
}


def shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + '…'


def layout(scenario: Scenario) -> dict[str, tuple[int, int]]:
    """Column (distance from start) and row of every node; unreachable nodes go last."""
    depth: dict[str, int] = {}
    queue = deque([(scenario.start, 0)])
    while queue:
        node_id, level = queue.popleft()
        if node_id in depth or scenario.node(node_id) is None:
            continue
        depth[node_id] = level
        queue.extend((successor, level + 1) for successor in scenario.successors(node_id))
    last_column = max(depth.values(), default=-1) + 1
    columns: dict[int, list[str]] = {}
    placed = set()
    for node in scenario.nodes:
        if node.id in placed:
            continue
        placed.add(node.id)
        columns.setdefault(depth.get(node.id, last_column), []).append(node.id)
    return {node_id: (column, row)
            for column, ids in columns.items() for row, node_id in enumerate(ids)}


def render_svg(scenario: Scenario, labels: dict | None = None, id_prefix: str = 'magix') -> str:
    """The diagram as an SVG document string (accessible title and description included)."""
    labels = {**DEFAULT_LABELS, **(labels or {})}
    positions = layout(scenario)
    reachable = reachable_from_start(scenario)
    finishing = can_reach_an_ending(scenario)
    columns = max((column for column, _ in positions.values()), default=0) + 1
    rows = max((row for _, row in positions.values()), default=0) + 1
    width = MARGIN * 2 + columns * BOX_W + (columns - 1) * COL_GAP
    height = MARGIN * 2 + rows * (BOX_H + ROW_GAP) + 40

    def corner(node_id):
        column, row = positions[node_id]
        return MARGIN + column * (BOX_W + COL_GAP), MARGIN + 20 + row * (BOX_H + ROW_GAP)

    title_id, desc_id = f'{id_prefix}-title', f'{id_prefix}-desc'
    marker_id = f'{id_prefix}-arrow'
    svg = E.svg(
        E.title(labels['title'], id=title_id),
        E.desc(labels['summary'].format(steps=len(scenario.steps), endings=len(scenario.endings)), id=desc_id),
        E.defs(E.marker(E.path(d='M0,0 L10,5 L0,10 z', fill='#4a5568'),
                        id=marker_id, viewBox='0 0 10 10', refX='10', refY='5',
                        markerWidth='7', markerHeight='7', orient='auto-start-reverse')),
        width=str(width), height=str(height), viewBox=f'0 0 {width} {height}',
        role='img', **{'aria-labelledby': f'{title_id} {desc_id}', 'class': 'magix-diagram'},
    )
    edges = E.g({'class': 'edges'}, fill='none', stroke='#4a5568')
    nodes = E.g({'class': 'nodes'}, **{'font-family': 'sans-serif', 'font-size': '12'})
    svg.extend([edges, nodes])

    missing_row = rows
    for step in scenario.steps:
        if step.id not in positions:
            continue
        x1, y1 = corner(step.id)
        for index, option in enumerate(step.options):
            if option.next in positions:
                x2, y2 = corner(option.next)
            else:
                x2, y2 = x1 + BOX_W + COL_GAP, MARGIN + 20 + missing_row * (BOX_H + ROW_GAP)
                nodes.append(E.text(labels['missing'].format(id=option.next), x=str(x2), y=str(y2 + 14),
                                    fill='#c53030', **{'font-weight': 'bold'}))
            start_y = y1 + BOX_H * (index + 1) / (len(step.options) + 1)
            if x2 > x1:  # forward: right edge to left edge
                sx, sy, ex, ey = x1 + BOX_W, start_y, x2, y2 + BOX_H / 2
                d = f'M{sx:.0f},{sy:.0f} C{sx + COL_GAP / 2:.0f},{sy:.0f} {ex - COL_GAP / 2:.0f},{ey:.0f} {ex:.0f},{ey:.0f}'
                lx, ly = sx + 6, sy - 4
            else:  # loop back or same column: arc below the boxes
                sx, sy, ex, ey = x1 + BOX_W / 2, y1 + BOX_H, x2 + BOX_W / 2, y2 + BOX_H
                dip = max(sy, ey) + ROW_GAP * 0.8
                d = f'M{sx:.0f},{sy:.0f} C{sx:.0f},{dip:.0f} {ex:.0f},{dip:.0f} {ex:.0f},{ey:.0f}'
                lx, ly = (sx + ex) / 2 - 30, dip - 4
            edges.append(E.path(E.title(f'{step.id} → {option.next}: {option.text}'),
                                d=d, **{'marker-end': f'url(#{marker_id})', 'stroke-width': '1.4'}))
            edges.append(E.text(shorten(f'{index + 1}. {option.text}', 26), x=f'{lx:.0f}', y=f'{ly:.0f}',
                                fill='#2d3748', stroke='none', **{'font-size': '10',
                                                                   'font-family': 'sans-serif'}))

    for node_id in positions:
        node = scenario.node(node_id)
        x, y = corner(node_id)
        flags, fill, stroke, dash = [], '#ebf4ff', '#2b6cb0', None
        if node.is_ending:
            fill, stroke = '#f0fff4', '#2f855a'
            flags.append(labels['ending'] + (f' · {node.score:g}' if node.score is not None else ''))
        if node_id == scenario.start:
            flags.append(labels['start'])
        if node_id not in reachable:
            fill, stroke, dash = '#fff5f5', '#c53030', '6 4'
            flags.append(labels['unreachable'])
        elif node_id not in finishing:
            fill, stroke, dash = '#fffaf0', '#c05621', '6 4'
            flags.append(labels['dead_end'])
        rect = E.rect(x=str(x), y=str(y), width=str(BOX_W), height=str(BOX_H),
                      rx='14' if node.is_ending else '4', fill=fill, stroke=stroke,
                      **{'stroke-width': '3' if node.is_ending else '1.5'})
        if dash:
            rect.set('stroke-dasharray', dash)
        group = E.g(E.title(node.title), rect,
                    E.text(shorten(node.title, 28), x=str(x + 8), y=str(y + 20), **{'font-weight': 'bold'}),
                    E.text(node_id, x=str(x + 8), y=str(y + 36), fill='#4a5568'),
                    {'class': 'ending' if node.is_ending else 'step', 'data-node': node_id})
        if flags:
            group.append(E.text(' · '.join(flags), x=str(x + 8), y=str(y + 51), fill=stroke,
                                **{'font-size': '10'}))
        nodes.append(group)
    return etree.tostring(svg, encoding='unicode')
