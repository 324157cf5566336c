"""Problems found in a pathway: the scenario package's translatable ``Problem`` records, reused.

``Problem.node_id`` names the micro-credential (or organisation) at fault, ``line`` the line.
"""
from __future__ import annotations

from ..scenario.problems import N_, Problem

__all__ = ['N_', 'Problem', 'PathwayError']


class PathwayError(ValueError):
    """The pathway cannot be used: it carries every problem found, each naming its place."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__('; '.join(problem.render() for problem in self.problems))

    def render(self, gettext=lambda message: message) -> list[str]:
        return [problem.render(gettext) for problem in self.problems]
