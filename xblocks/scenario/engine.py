"""A learner's play through a scenario: choosing, undoing, restarting and scoring.

State is plain JSON-able data that the XBlock keeps in ``Scope.user_state`` fields. Every
decision records a snapshot of what the learner saw, so the recap and the score survive a
course team editing the scenario under a learner's feet.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .model import Ending, Scenario, Step
from .problems import N_, Problem, ScenarioError
from .validation import best_ending_score, best_path_points

NOT_STARTED, IN_PROGRESS, FINISHED, STALE = 'not_started', 'in_progress', 'finished', 'stale'


class PlayError(ScenarioError):
    """A learner action that cannot be carried out (the message says why)."""

    def __init__(self, message, **params):
        super().__init__([Problem(message, params)])


class OutOfDate(PlayError):
    """The request answers a state the learner has already left: a replay (a double click, a
    retried request, a second tab) is answered with the current state and never applied again.
    ``decision`` is the history entry the request repeats, when it repeats one exactly."""

    def __init__(self, decision: dict | None = None):
        super().__init__(N_('This page was out of date: here is where you are now.'))
        self.decision = decision


@dataclass
class Playthrough:
    """One learner's state in one scenario block."""
    current: str | None = None
    history: list[dict] = field(default_factory=list)
    reflections: dict[str, str] = field(default_factory=dict)
    attempts_used: int = 0
    past_attempts: list[dict] = field(default_factory=list)
    # The choice whose consequence the learner was last shown ({'step', 'option'}), shown
    # again after a reload; cleared when they step back or start again.
    last_outcome: dict | None = None
    # What this learner is counted for in the block's statistics: {step id: option id} and
    # the ending of their latest finished attempt (see ``count_choice``/``count_ending``).
    counted: dict[str, str] = field(default_factory=dict)
    counted_ending: str | None = None

    def status(self, scenario: Scenario) -> str:
        if self.current is None:
            return NOT_STARTED
        node = scenario.node(self.current)
        if node is None:
            return STALE
        return FINISHED if node.is_ending else IN_PROGRESS

    def begin(self, scenario: Scenario) -> None:
        if self.current is None:
            self.current = scenario.start

    @property
    def attempt_number(self) -> int:
        """1 for the first attempt; a restart starts the next one."""
        return len(self.past_attempts) + 1

    def answering(self, scenario: Scenario) -> dict:
        """What a page showing this state answers: its attempt, decision number and step.

        The page sends it back with each action (``expect``), so one decision changes the
        state once however many times it arrives.
        """
        step = self.current or scenario.start if self.status(scenario) in (NOT_STARTED, IN_PROGRESS) else None
        return {'attempt': self.attempt_number, 'position': len(self.history) + 1, 'step': step}

    def expect(self, scenario: Scenario, *, attempt: int, position: int | None = None, step: str | None = None,
               option: str | None = None) -> None:
        """Raise ``OutOfDate`` unless the request answers the current state (see ``answering``)."""
        now = self.answering(scenario)
        if attempt == now['attempt'] and (position is None or position == now['position']) and \
                (step is None or step == now['step']):
            return
        repeated = None
        if attempt == now['attempt'] and position is not None and 0 < position <= len(self.history):
            entry = self.history[position - 1]
            if entry['step'] == step and entry['option'] == option:
                repeated = entry
        raise OutOfDate(repeated)

    def current_step(self, scenario: Scenario) -> Step:
        node = scenario.node(self.current)
        if node is None:
            raise PlayError(N_('This exercise has changed since you started it: the step you '
                               'were on no longer exists. Please start again.'))
        if node.is_ending:
            raise PlayError(N_('You have already reached an ending.'))
        return node

    def choose(self, scenario: Scenario, option_id: str, reflection: str = '') -> Step:
        """Record a decision at the current step; returns the step the choice was made at."""
        step = self.current_step(scenario)
        option = step.option(option_id)
        if option is None:
            raise PlayError(N_('Please choose one of the options.'))
        if reflection.strip():
            self.reflections[step.id] = reflection.strip()
        self.history.append({
            'step': step.id,
            'option': option.id,
            'points': option.total_points,
            'effects': {effect.dimension: effect.points for effect in option.effects},
            'title': step.title,
            'question': step.question,
            'text': option.text,
        })
        self.current = option.next
        self.last_outcome = {'step': step.id, 'option': option.id}
        if self.status(scenario) == FINISHED:
            self.attempts_used += 1
        return step

    def can_undo(self, scenario: Scenario) -> bool:
        return bool(self.history) and self.status(scenario) == IN_PROGRESS

    def undo(self, scenario: Scenario) -> dict:
        """Take back the last decision (not once an ending is reached); returns the entry removed."""
        if not self.can_undo(scenario):
            raise PlayError(N_('There is no decision to take back.'))
        entry = self.history.pop()
        self.current = entry['step']
        self.last_outcome = None
        return entry

    def can_restart(self, scenario: Scenario, max_attempts: int | Callable[[], int]) -> bool:
        """Whether the learner may start again. The attempts limit (0: none) counts only once an
        attempt has finished; given as a function, it is asked for only then."""
        status = self.status(scenario)
        if status == STALE:
            return True  # the content changed under the learner: never leave them stuck
        if status == NOT_STARTED or (status == IN_PROGRESS and not self.history):
            return False
        if status == IN_PROGRESS:
            return True
        limit = max_attempts() if callable(max_attempts) else max_attempts
        return not limit or self.attempts_used < limit

    def restart(self, scenario: Scenario, max_attempts: int) -> None:
        """Start again from the first step, keeping the previous attempt's path and reflections."""
        if not self.can_restart(scenario, max_attempts):
            raise PlayError(N_('You have used all your attempts.'))
        self.past_attempts.append({'history': self.history, 'reflections': self.reflections,
                                   'ended_at': self.current})
        self.history, self.reflections = [], {}
        self.current = scenario.start
        self.last_outcome = None

    def earned_points(self) -> int:
        return sum(entry['points'] for entry in self.history)

    def dimension_points(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for entry in self.history:
            for dimension, points in entry['effects'].items():
                totals[dimension] = totals.get(dimension, 0) + points
        return totals

    def dimension_results(self, scenario: Scenario) -> list[dict]:
        """Per competency: the points earned and the best possible at the decisions this path met.

        The best possible is the sum, over the decisions of this attempt, of the most any option
        of that step earns on the dimension; a short path is measured against its own decisions,
        not against the longest path. Steps no longer in the scenario count what was chosen.
        """
        earned, best = self.dimension_points(), {}
        for entry in self.history:
            step = scenario.node(entry['step'])
            options = step.options if step is not None and not step.is_ending else ()
            dimensions = set(entry['effects']) | {effect.dimension for option in options for effect in option.effects}
            for dimension in dimensions:
                possible = [next((e.points for e in option.effects if e.dimension == dimension), 0)
                            for option in options] or [entry['effects'].get(dimension, 0)]
                best[dimension] = best.get(dimension, 0) + max(possible)
        labels = {dimension.id: dimension.label for dimension in scenario.dimensions}
        order = [dimension.id for dimension in scenario.dimensions]
        keys = sorted(set(earned) | set(best), key=lambda key: (order.index(key) if key in order else len(order), key))
        return [{'id': key, 'label': labels.get(key, key), 'points': earned.get(key, 0), 'best': best.get(key, 0)}
                for key in keys]

    def score(self, scenario: Scenario, scoring_mode: str) -> float | None:
        """The grade of a finished attempt as a fraction 0-1, or None when ungraded/unfinished.

        ``path``: the points earned over the best path's, kept within the ending's
        ``min-score``/``max-score`` when it states them. ``ending``: the ending's ``score``.
        """
        if scoring_mode == 'practice' or self.status(scenario) != FINISHED:
            return None
        ending = scenario.node(self.current)
        if scoring_mode == 'ending':
            return max_fraction(ending.score or 0.0)
        best, _ = best_path_points(scenario)
        fraction = max_fraction(self.earned_points() / best) if best > 0 else 0.0
        if ending.min_score is not None:
            fraction = max(fraction, ending.min_score)
        if ending.max_score is not None:
            fraction = min(fraction, ending.max_score)
        return max_fraction(fraction)

    def ending(self, scenario: Scenario) -> Ending | None:
        node = scenario.node(self.current)
        return node if node is not None and node.is_ending else None


def max_fraction(value: float) -> float:
    """Clamp to the 0-1 range a grade lives in (negative paths score 0)."""
    return min(1.0, max(0.0, round(value, 4)))


def best_score_description(scenario: Scenario, scoring_mode: str):
    """What the best path is worth, for authors: points (path mode) or a fraction (ending mode)."""
    if scoring_mode == 'ending':
        return best_ending_score(scenario)
    return best_path_points(scenario)[0]


def count_choice(tallies: dict, counted: dict, step_id: str, option_id: str | None) -> tuple[dict, dict]:
    """Learners per option, one per learner per decision point: ``(tallies, counted)`` after a decision.

    ``tallies`` ({step id: {option id: learners}}, shared by all learners) and ``counted`` (this
    learner's {step id: option id}) go in and come out together, so the change is a pure function
    of the learner's action and their own state. A learner is counted for their most recent choice
    at a step: choosing again (after a loop, a step back or a restart) moves their count, choosing
    the same changes nothing; ``option_id=None`` withdraws it (a decision taken back).
    """
    previous = counted.get(step_id)
    if previous == option_id:
        return tallies, counted
    counts = dict(tallies.get(step_id, {}))
    if previous is not None:
        counts[previous] = max(0, counts.get(previous, 0) - 1)
    counted = {key: value for key, value in counted.items() if key != step_id}
    if option_id is not None:
        counts[option_id] = counts.get(option_id, 0) + 1
        counted[step_id] = option_id
    return {**tallies, step_id: counts}, counted


def count_ending(tallies: dict, counted_ending: str | None, ending_id: str) -> tuple[dict, str]:
    """Learners per ending, each counted once, for the ending of their latest finished attempt."""
    if counted_ending == ending_id:
        return tallies, counted_ending
    counts = dict(tallies)
    if counted_ending is not None:
        counts[counted_ending] = max(0, counts.get(counted_ending, 0) - 1)
    counts[ending_id] = counts.get(ending_id, 0) + 1
    return counts, ending_id


def shares(counts: dict, items) -> list[dict]:
    """Per item (an option or an ending): how many learners and what share of all counted."""
    total = sum(counts.get(item.id, 0) for item in items)
    return [{'id': item.id, 'text': getattr(item, 'text', '') or item.title, 'count': counts.get(item.id, 0),
             'percent': round(100 * counts.get(item.id, 0) / total) if total else 0}
            for item in items]


def choice_shares(tallies: dict, step: Step) -> list[dict]:
    """Per option of a step: how many learners chose it (most recently) and what share that is."""
    return shares(tallies.get(step.id, {}), step.options)
