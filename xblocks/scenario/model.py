"""The scenario as data: immutable records read from OLX, shared by the XBlock, Studio and tools.

Rich-text fields (``introduction``, ``situation``, ``consequence``, ``feedback``, ``debrief``)
hold the XHTML markup exactly as written in the OLX; it is sanitised only when rendered.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SCORING_MODES = ('path', 'ending', 'practice')
MIN_OPTIONS, MAX_OPTIONS = 2, 6


@dataclass(frozen=True)
class Dimension:
    """A competency the scenario scores separately (legality, ethics, service quality...)."""
    id: str
    label: str


@dataclass(frozen=True)
class Effect:
    """Points an option earns on one dimension."""
    dimension: str
    points: int


@dataclass(frozen=True)
class Option:
    """One choice at a decision point."""
    id: str
    text: str
    next: str
    consequence: str = ''
    feedback: str = ''
    points: int | None = None
    effects: tuple[Effect, ...] = ()
    line: int | None = None

    @property
    def total_points(self) -> int:
        """Points of this choice: the ``points`` attribute, or the sum of its effects."""
        if self.effects:
            return sum(effect.points for effect in self.effects)
        return self.points or 0


@dataclass(frozen=True)
class Step:
    """A decision point: a situation, a question and 2-6 options."""
    id: str
    title: str
    situation: str
    question: str
    options: tuple[Option, ...]
    reflection: str = ''
    line: int | None = None

    is_ending = False

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)


@dataclass(frozen=True)
class Ending:
    """Where a path ends: a debrief and what reaching it is worth (fractions 0-1).

    ``score`` is the grade in ``ending`` scoring mode; ``min_score`` and ``max_score`` bound
    the path-mode grade of an attempt that reaches this ending (a good short path is not a
    failure, a bad ending is not a success).
    """
    id: str
    title: str
    debrief: str
    score: float | None = None
    line: int | None = None
    min_score: float | None = None
    max_score: float | None = None

    is_ending = True


@dataclass(frozen=True)
class Scenario:
    """A whole scenario. ``nodes`` keeps document order, duplicates included, for validation."""
    start: str
    nodes: tuple[Step | Ending, ...]
    introduction: str = ''
    role: str = ''
    image_src: str = ''
    image_alt: str = ''
    dimensions: tuple[Dimension, ...] = ()
    _by_id: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        for node in self.nodes:
            self._by_id.setdefault(node.id, node)

    def node(self, node_id: str | None) -> Step | Ending | None:
        """The step or ending with this id (the first one, if an id is duplicated)."""
        return self._by_id.get(node_id)

    @property
    def steps(self) -> list[Step]:
        return [node for node in self.nodes if not node.is_ending]

    @property
    def endings(self) -> list[Ending]:
        return [node for node in self.nodes if node.is_ending]

    def successors(self, node_id: str) -> list[str]:
        """Ids this node's options lead to (existing or not)."""
        node = self.node(node_id)
        if node is None or node.is_ending:
            return []
        return [option.next for option in node.options]
