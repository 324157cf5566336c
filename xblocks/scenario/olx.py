"""Reading scenario XML (the ``<scenario>`` child of a ``magix_scenario`` OLX element).

The parser is hardened: no DTDs, no entity expansion, no network, size-limited. Anything it
cannot read becomes a ``ScenarioError`` whose messages name the line and element at fault.
"""
from __future__ import annotations

import re

from lxml import etree

from .. import xml_safety
from ..olx_content import is_pointer_tag, pointer_problem
from .model import Dimension, Effect, Ending, Option, Scenario, Step
from .problems import N_, Problem, ScenarioError

ID_PATTERN = re.compile(r'^[a-z0-9][a-z0-9-]{0,63}$')
SCENARIO_TAG = 'scenario'

# What a scenario author reads when the XML itself cannot be read (see ``xblocks.xml_safety``).
UNSAFE_XML_MESSAGES = {
    xml_safety.TOO_LARGE: N_('The scenario is larger than {limit} MB.'),
    xml_safety.EMPTY: N_('The scenario XML is empty.'),
    xml_safety.MALFORMED: N_('The XML is not well formed: {error}'),
    xml_safety.DOCTYPE: N_('DOCTYPE declarations are not allowed in scenario XML.'),
}


def parse_xml_text(xml_text: str | bytes) -> etree._Element:
    """Parse untrusted scenario XML with the shared hardened parser; errors become ``ScenarioError``."""
    try:
        return xml_safety.parse_untrusted_xml(xml_text)
    except xml_safety.UnsafeXML as error:
        raise ScenarioError([Problem(UNSAFE_XML_MESSAGES[error.kind], error.params, line=error.line)]) from None


def parse_scenario(xml_text: str | bytes) -> Scenario:
    """Read scenario XML text: a ``<scenario>`` element, or a ``<magix_scenario>`` holding one."""
    return scenario_from_element(parse_xml_text(xml_text))


def find_scenario_element(root: etree._Element) -> etree._Element:
    """The ``<scenario>`` element itself, or the one inside a block element."""
    if root.tag == SCENARIO_TAG:
        return root
    found = root.find(SCENARIO_TAG)
    if found is None and is_pointer_tag(root):
        raise ScenarioError([pointer_problem(root)])
    if found is None:
        raise ScenarioError([Problem(N_('Expected a <scenario> element, found <{tag}>.'),
                                     {'tag': root.tag}, line=root.sourceline)])
    return found


def inner_xml(element: etree._Element | None) -> str:
    """The markup inside an element (its text and children), as written."""
    if element is None:
        return ''
    parts = [element.text or '']
    for child in element:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, with_tail=False, encoding='unicode'))
        parts.append(child.tail or '')
    return ''.join(parts).strip()


def plain_text(element: etree._Element | None) -> str:
    """The text of an element with markup dropped and whitespace collapsed."""
    if element is None:
        return ''
    return ' '.join(''.join(element.itertext()).split())


class _Reader:
    """Walks one ``<scenario>`` element, collecting every problem rather than stopping at the first."""

    def __init__(self):
        self.problems: list[Problem] = []

    def problem(self, message, element, node_id=None, **params):
        self.problems.append(Problem(message, params, node_id=node_id,
                                     line=getattr(element, 'sourceline', None)))

    def integer(self, element, attribute, node_id):
        raw = element.get(attribute)
        if raw is None:
            return None
        try:
            return int(raw.strip())
        except ValueError:
            self.problem(N_('Step "{step}": {attribute}="{value}" is not a whole number.'),
                         element, node_id, step=node_id, attribute=attribute, value=raw)
            return None

    def node_id(self, element, kind):
        node_id = (element.get('id') or '').strip()
        if not node_id:
            self.problem(N_('A <{kind}> has no id.'), element, kind=kind)
        elif not ID_PATTERN.match(node_id):
            self.problem(N_('The id "{id}" must use lower-case letters, digits and hyphens.'),
                         element, node_id, id=node_id)
        return node_id

    def option(self, element, step_id, index):
        option_id = (element.get('id') or '').strip() or str(index + 1)
        text_element = element.find('text')
        next_id = (element.get('next') or '').strip()
        if not next_id:
            self.problem(N_('Step "{step}", option "{option}": no next step is given.'),
                         element, step_id, step=step_id, option=option_id)
        effects = []
        for effect in element.findall('effect'):
            dimension = (effect.get('dimension') or '').strip()
            points = self.integer(effect, 'points', step_id)
            if not dimension or points is None:
                self.problem(N_('Step "{step}", option "{option}": an <effect> needs a dimension and points.'),
                             effect, step_id, step=step_id, option=option_id)
                continue
            effects.append(Effect(dimension, points))
        return Option(
            id=option_id,
            text=plain_text(text_element),
            next=next_id,
            consequence=inner_xml(element.find('consequence')),
            feedback=inner_xml(element.find('feedback')),
            points=self.integer(element, 'points', step_id),
            effects=tuple(effects),
            line=element.sourceline,
        )

    def step(self, element):
        step_id = self.node_id(element, 'step')
        options = tuple(self.option(child, step_id, index)
                        for index, child in enumerate(element.findall('option')))
        return Step(
            id=step_id,
            title=(element.get('title') or '').strip() or step_id,
            situation=inner_xml(element.find('situation')),
            question=plain_text(element.find('question')),
            reflection=plain_text(element.find('reflection')),
            options=options,
            line=element.sourceline,
        )

    def fraction(self, element, attribute, ending_id):
        """A 0-1 fraction attribute of an ending, or None (absent or wrong, the latter reported)."""
        raw = element.get(attribute)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0.0 <= value <= 1.0:  # also refuses nan
            self.problem(N_('Ending "{ending}": {attribute}="{value}" must be a number from 0 to 1.'),
                         element, ending_id, ending=ending_id, attribute=attribute, value=raw)
            return None
        return value

    def ending(self, element):
        ending_id = self.node_id(element, 'ending')
        raw = element.get('score')
        score = None
        if raw is not None:
            try:
                score = float(raw)
            except ValueError:
                score = -1.0
            if not 0.0 <= score <= 1.0:
                self.problem(N_('Ending "{ending}": score="{value}" must be a number from 0 to 1.'),
                             element, ending_id, ending=ending_id, value=raw)
                score = None
        min_score = self.fraction(element, 'min-score', ending_id)
        max_score = self.fraction(element, 'max-score', ending_id)
        if min_score is not None and max_score is not None and min_score > max_score:
            self.problem(N_('Ending "{ending}": min-score="{low}" is above max-score="{high}".'),
                         element, ending_id, ending=ending_id, low=element.get('min-score'),
                         high=element.get('max-score'))
        return Ending(id=ending_id, title=(element.get('title') or '').strip() or ending_id,
                      debrief=inner_xml(element.find('debrief')), score=score, line=element.sourceline,
                      min_score=min_score, max_score=max_score)

    def scenario(self, element):
        nodes = []
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments
            if child.tag == 'step':
                nodes.append(self.step(child))
            elif child.tag == 'ending':
                nodes.append(self.ending(child))
        dimensions = tuple(
            Dimension((dim.get('id') or '').strip(), plain_text(dim) or (dim.get('id') or ''))
            for dim in element.iterfind('dimensions/dimension'))
        image = element.find('image')
        return Scenario(
            start=(element.get('start') or '').strip(),
            nodes=tuple(nodes),
            introduction=inner_xml(element.find('introduction')),
            role=plain_text(element.find('role')),
            image_src=(image.get('src') or '') if image is not None else '',
            image_alt=(image.get('alt') or '') if image is not None else '',
            dimensions=dimensions,
        )


def scenario_from_element(root: etree._Element) -> Scenario:
    """Build the model from a parsed element; problems of form raise ``ScenarioError``."""
    reader = _Reader()
    scenario = reader.scenario(find_scenario_element(root))
    if reader.problems:
        raise ScenarioError(reader.problems)
    return scenario
