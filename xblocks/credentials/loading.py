"""Where the shell reads pathway XML: a parse-and-validate cache shared by learner and Studio views."""
from __future__ import annotations

import functools

from xblock.utils.resources import ResourceLoader

from .model import Pathway
from .pathway_xml import parse_pathway
from .problems import PathwayError, Problem
from .validation import validate

loader = ResourceLoader(__name__)


@functools.lru_cache(maxsize=64)
def load_pathway(xml_text: str) -> tuple[Pathway | None, tuple[Problem, ...]]:
    """Parse and validate once per distinct XML text: ``(pathway or None, problems)``."""
    try:
        pathway = parse_pathway(xml_text)
    except PathwayError as error:
        return None, tuple(error.problems)
    return pathway, tuple(validate(pathway))


def demo_block_xml() -> str:
    """The shipped demo: the ``magix_credential_progress`` element with its pathway."""
    return loader.load_unicode('content/aigov-pathway.xml')
