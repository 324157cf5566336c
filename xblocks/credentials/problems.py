"""Problems of pathway content: the shared translatable ``Problem`` records and their error.

``Problem.node_id`` names the micro-credential (or organisation) at fault, ``line`` the line.
"""
from ..problems import N_, ContentError, Problem

__all__ = ['N_', 'Problem', 'PathwayError']


class PathwayError(ContentError):
    """The pathway cannot be used: it carries every problem found, each naming its place."""
