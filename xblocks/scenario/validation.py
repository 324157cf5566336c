"""Checks a course team needs before learners meet a scenario, and the best achievable score.

Every check reports a ``Problem`` naming the step at fault. The graph may have loops, as long
as every reachable step can still reach an ending and no loop earns points on each pass
(which would make the best path unbounded).
"""
from __future__ import annotations

from collections import deque

from .model import MAX_OPTIONS, MIN_OPTIONS, SCORING_MODES, Scenario
from .problems import N_, Problem


def reachable_from_start(scenario: Scenario) -> set[str]:
    """Ids of the existing steps and endings a learner can reach from the start."""
    seen, queue = set(), deque([scenario.start])
    while queue:
        node_id = queue.popleft()
        if node_id in seen or scenario.node(node_id) is None:
            continue
        seen.add(node_id)
        queue.extend(scenario.successors(node_id))
    return seen


def can_reach_an_ending(scenario: Scenario) -> set[str]:
    """Ids of the nodes from which some path leads to an ending (backwards search)."""
    predecessors: dict[str, list[str]] = {}
    for step in scenario.steps:
        for option in step.options:
            predecessors.setdefault(option.next, []).append(step.id)
    seen, queue = set(), deque(ending.id for ending in scenario.endings)
    while queue:
        node_id = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        queue.extend(predecessors.get(node_id, ()))
    return seen


def best_path_points(scenario: Scenario) -> tuple[int, list[str]]:
    """The most points any path from the start to an ending can earn, and a loop that pays.

    Longest path with Bellman-Ford (over negated weights): polynomial with loops, and it
    detects a loop with a positive total. Returns ``(best, loop_node_ids)``; ``loop_node_ids``
    is empty when no reachable loop earns points. Nodes that cannot reach an ending are left
    out (they are reported separately).
    """
    live = reachable_from_start(scenario) & can_reach_an_ending(scenario)
    edges = [(step.id, option.next, option.total_points)
             for step in scenario.steps if step.id in live
             for option in step.options if option.next in live]
    best = {scenario.start: 0} if scenario.start in live else {}
    predecessor: dict[str, str] = {}
    changed_node = None
    for _ in range(len(live)):
        changed_node = None
        for source, target, points in edges:
            if source in best and best[source] + points > best.get(target, float('-inf')):
                best[target] = best[source] + points
                predecessor[target] = source
                changed_node = target
        if changed_node is None:
            break
    loop: list[str] = []
    if changed_node is not None:
        node = changed_node
        for _ in range(len(live)):  # walk back into the cycle itself
            node = predecessor.get(node, node)
        loop = [node]
        walker = predecessor.get(node, node)
        while walker != node and len(loop) <= len(live):
            loop.append(walker)
            walker = predecessor.get(walker, node)
        loop.reverse()
    ending_points = [best[ending.id] for ending in scenario.endings if ending.id in best]
    return (max(ending_points) if ending_points else 0), loop


def best_ending_score(scenario: Scenario) -> float:
    """The highest fixed score of a reachable ending (``ending`` scoring mode)."""
    reachable = reachable_from_start(scenario)
    scores = [ending.score or 0.0 for ending in scenario.endings if ending.id in reachable]
    return max(scores) if scores else 0.0


def validate(scenario: Scenario, scoring_mode: str = 'path') -> list[Problem]:
    """Every problem that would stop a learner or make the grade meaningless."""
    problems: list[Problem] = []

    def add(message, node_id=None, line=None, **params):
        problems.append(Problem(message, params, node_id=node_id, line=line))

    if scoring_mode not in SCORING_MODES:
        add(N_('Unknown scoring mode "{mode}".'), mode=scoring_mode)
    if not scenario.steps:
        add(N_('The scenario has no steps.'))
    if not scenario.endings:
        add(N_('The scenario has no endings.'))

    seen: dict[str, object] = {}
    for node in scenario.nodes:
        if node.id in seen:
            add(N_('The id "{id}" is used more than once.'), node.id, node.line, id=node.id)
        seen[node.id] = node
    dimension_ids = {dimension.id for dimension in scenario.dimensions}

    start = scenario.node(scenario.start)
    if not scenario.start:
        add(N_('The scenario does not say which step comes first (start="...").'))
    elif start is None:
        add(N_('The start step "{step}" does not exist.'), scenario.start, step=scenario.start)
    elif start.is_ending:
        add(N_('The scenario starts at an ending ("{step}"); it must start at a step.'),
            scenario.start, step=scenario.start)

    for step in scenario.steps:
        if not MIN_OPTIONS <= len(step.options) <= MAX_OPTIONS:
            add(N_('Step "{step}" has {count} options; a decision needs {low} to {high}.'),
                step.id, step.line, step=step.id, count=len(step.options), low=MIN_OPTIONS, high=MAX_OPTIONS)
        option_ids = set()
        for option in step.options:
            if option.id in option_ids:
                add(N_('Step "{step}": the option id "{option}" is used more than once.'),
                    step.id, option.line, step=step.id, option=option.id)
            option_ids.add(option.id)
            if not option.text:
                add(N_('Step "{step}", option "{option}" has no text.'),
                    step.id, option.line, step=step.id, option=option.id)
            if option.next and scenario.node(option.next) is None:
                add(N_('Step "{step}", option "{option}" leads to "{next}", which does not exist.'),
                    step.id, option.line, step=step.id, option=option.id, next=option.next)
            if option.effects and option.points is not None:
                add(N_('Step "{step}", option "{option}" has both points and effects; use one.'),
                    step.id, option.line, step=step.id, option=option.id)
            for effect in option.effects:
                if effect.dimension not in dimension_ids:
                    add(N_('Step "{step}", option "{option}" scores the undeclared dimension "{dimension}".'),
                        step.id, option.line, step=step.id, option=option.id, dimension=effect.dimension)
        if not step.question:
            add(N_('Step "{step}" has no question.'), step.id, step.line, step=step.id)

    if start is None or start.is_ending:
        return problems

    reachable = reachable_from_start(scenario)
    finishing = can_reach_an_ending(scenario)
    for node in scenario.nodes:
        if node.id not in reachable:
            add(N_('Step "{step}" cannot be reached from the start.'), node.id, node.line, step=node.id)
        elif node.id not in finishing:
            add(N_('From step "{step}" no path reaches an ending.'), node.id, node.line, step=node.id)

    best, loop = best_path_points(scenario)
    if loop:
        add(N_('Going round the loop {loop} earns points every time; '
               'the options on a loop must total zero or less.'),
            loop[0], loop=' → '.join(loop + loop[:1]))
    elif scoring_mode == 'path' and best <= 0:
        add(N_('The best path earns {points} points: a graded scenario needs a best score above zero.'),
            points=best)
    if scoring_mode == 'ending':
        missing = [ending.id for ending in scenario.endings if ending.score is None]
        for ending_id in missing:
            ending = scenario.node(ending_id)
            add(N_('Ending "{ending}" has no score; every ending needs one in "ending" scoring mode.'),
                ending_id, ending.line, ending=ending_id)
        if not missing and best_ending_score(scenario) <= 0:
            add(N_('Every ending scores 0: a graded scenario needs a best score above zero.'))
    return problems
