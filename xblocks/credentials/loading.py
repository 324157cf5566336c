"""Where the shell reads pathway XML: a parse-and-validate cache shared by learner and Studio views."""
from __future__ import annotations

import functools
import importlib.resources
import re

from xblock.utils.resources import ResourceLoader

from .. import xml_safety
from .model import Pathway
from .pathway_xml import canonical_xml, element_xml, parse_pathway
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


def shipped_pathways() -> list[tuple[str, str]]:
    """``(programme title, pathway XML)`` of every pathway shipped in ``content/``, to start from in Studio."""
    found = []
    for item in sorted(importlib.resources.files(__package__).joinpath('content').iterdir(), key=str):
        if item.name.endswith('.xml'):
            pathway, _ = load_pathway(item.read_text(encoding='utf-8'))
            if pathway is not None:
                found.append((pathway.programme.title.get(pathway.default_language),
                              canonical_xml(item.read_text(encoding='utf-8'))))
    return found


def demo_block_xml() -> str:
    """The shipped demo: the ``magix_credential_progress`` element with its pathway."""
    return loader.load_unicode('content/aigov-pathway.xml')


def scenario_blocks_with_url_names() -> list[str]:
    """The shipped scenario exercises as OLX elements with the ``url_name`` of the demo course.

    ``xblocks/scenario/content/NN-<slug>.xml`` becomes ``<magix_scenario url_name="<slug>" ...>``,
    so results recorded in the workbench land under the keys the demo pathway requires.
    """
    found = []
    content = importlib.resources.files('xblocks.scenario').joinpath('content')
    for item in sorted(content.iterdir(), key=str) if content.is_dir() else []:
        match = re.fullmatch(r'\d+-([a-z0-9-]+)\.xml', item.name)
        if not match:
            continue
        element = xml_safety.parse_untrusted_xml(item.read_bytes())
        element.set('url_name', match.group(1))
        found.append(element_xml(element))
    return found


def demo_course_page() -> str | None:
    """A workbench page with the shipped scenarios and the progress widget below them."""
    scenarios = scenario_blocks_with_url_names()
    if not scenarios:
        return None
    return f'<vertical_demo>{"".join(scenarios)}{demo_block_xml()}</vertical_demo>'
