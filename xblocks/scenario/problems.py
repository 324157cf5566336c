"""Problems of scenario content: the shared translatable ``Problem`` records and their error."""
from ..problems import N_, ContentError, Problem

__all__ = ['N_', 'Problem', 'ScenarioError']


class ScenarioError(ContentError):
    """The scenario cannot be used: it carries every problem found, each naming its step."""
