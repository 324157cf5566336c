"""Problems found in course-team content (scenarios, pathways), as translatable message templates.

The domain code cannot call the runtime's translation service, so it marks messages with
``N_`` (for extraction) and the shell translates them with ``Problem.render(gettext)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a message for translation without translating it (gettext's ``gettext_noop``)."""
    return message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, pointing at the step, credential (or line) at fault."""
    message: str
    params: dict = field(default_factory=dict)
    node_id: str | None = None
    line: int | None = None

    def render(self, gettext=lambda message: message) -> str:
        text = gettext(self.message).format(**self.params)
        if self.line:
            text = gettext('Line {line}: {problem}').format(line=self.line, problem=text)
        return text


class ContentError(ValueError):
    """The content cannot be used: it carries every problem found, each naming its place."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__('; '.join(problem.render() for problem in self.problems))

    def render(self, gettext=lambda message: message) -> list[str]:
        return [problem.render(gettext) for problem in self.problems]
