"""Roles of the launching user: full URIs, short context roles, sub-roles and unknown values."""
from __future__ import annotations

from . import claims as c


class Roles:
    """Reads a roles claim; unknown roles are kept but give no rights; none means learner."""

    def __init__(self, values):
        self.values = tuple(value for value in values if isinstance(value, str))

    def _names(self, prefix: str, allow_short: bool) -> set[str]:
        names = set()
        for value in self.values:
            if value.startswith(prefix):
                names.add(value[len(prefix):])
            elif value.startswith(prefix.rstrip('#') + '/'):  # sub-role, e.g. membership/Instructor#TeachingAssistant
                names.add(value[len(prefix):].split('#', 1)[0])
            elif allow_short and ':' not in value and '/' not in value:
                names.add(value)
        return names

    @property
    def is_teaching(self) -> bool:
        """Instructors, course administrators, content developers, mentors and teaching assistants."""
        return bool(self._names(c.CONTEXT_ROLE, allow_short=True) & set(c.TEACHING_CONTEXT_ROLES)
                    or self._names(c.INSTITUTION_ROLE, False) & set(c.TEACHING_INSTITUTION_ROLES)
                    or self._names(c.SYSTEM_ROLE, False) & set(c.TEACHING_SYSTEM_ROLES))

    @property
    def is_learner(self) -> bool:
        return not self.is_teaching
