"""Where the shell reads scenario XML: a parse cache shared by learner and Studio views."""
from __future__ import annotations

import functools

from xblock.utils.resources import ResourceLoader

from ..olx_content import element_xml
from .model import Scenario
from .olx import find_scenario_element, parse_xml_text, scenario_from_element
from .problems import Problem, ScenarioError
from .validation import validate

loader = ResourceLoader(__name__)


@functools.lru_cache(maxsize=128)
def load_scenario(xml_text: str, scoring_mode: str) -> tuple[Scenario | None, tuple[Problem, ...]]:
    """Parse and validate once per distinct XML text: ``(scenario or None, problems)``."""
    try:
        scenario = scenario_from_element(parse_xml_text(xml_text))
    except ScenarioError as error:
        return None, tuple(error.problems)
    return scenario, tuple(validate(scenario, scoring_mode))


def canonical_xml(xml_text: str) -> str:
    """The scenario element as lxml writes it, so export → import → export is byte-stable."""
    return element_xml(find_scenario_element(parse_xml_text(xml_text)))

