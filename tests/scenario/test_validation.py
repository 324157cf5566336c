"""Parsing and validating scenario XML: every problem names the step at fault."""
import pytest

from xblocks.scenario.loading import load_scenario
from xblocks.scenario.olx import parse_scenario
from xblocks.scenario.problems import ScenarioError
from xblocks.scenario.validation import best_path_points, validate

from .support import small_scenario


def problems_of(xml, mode='path'):
    scenario, problems = load_scenario(xml, mode)
    return [problem.render() for problem in problems]


def test_the_small_scenario_is_valid_and_its_best_path_is_known():
    scenario = parse_scenario(small_scenario())
    assert validate(scenario) == []
    assert best_path_points(scenario) == (6, [])  # dpia (2+1) then human (3)
    assert [step.id for step in scenario.steps] == ['intake', 'pilot', 'complaint']
    assert [ending.id for ending in scenario.endings] == ['good', 'ok', 'bad']
    assert scenario.dimensions[0].label == 'Legality'


@pytest.mark.parametrize('change, expected', [
    (('next="pilot"', 'next="nowhere"'), 'Step "intake", option "dpia" leads to "nowhere", which does not exist.'),
    (('<step id="complaint"', '<step id="pilot"'), 'The id "pilot" is used more than once.'),
    (('<text>Buy it now</text>', '<text>  </text>'), 'Step "intake", option "buy" has no text.'),
    (('start="intake"', 'start="missing"'), 'The start step "missing" does not exist.'),
    (('dimension="service"', 'dimension="speed"'), 'scores the undeclared dimension "speed"'),
    (('<question>How do you run the pilot?</question>', ''), 'Step "pilot" has no question.'),
])
def test_invalid_content_is_refused_with_a_message_naming_the_step(change, expected):
    messages = problems_of(small_scenario().replace(*change))
    assert any(expected in message for message in messages), messages


def test_unreachable_step_and_path_without_ending_are_named():
    xml = small_scenario().replace(
        '<ending id="good"',
        '<step id="island" title="Island"><question>Q?</question>'
        '<option id="a" next="loop"><text>A</text></option><option id="b" next="loop"><text>B</text></option></step>'
        '<step id="loop" title="Loop"><question>Q?</question>'
        '<option id="a" next="island" points="0"><text>A</text></option>'
        '<option id="b" next="loop" points="0"><text>B</text></option></step>'
        '<ending id="good"').replace('<option id="auto" next="complaint"', '<option id="auto" next="loop"')
    messages = problems_of(xml)
    assert any('From step "loop" no path reaches an ending.' in m for m in messages), messages
    assert any('From step "island" no path reaches an ending.' in m for m in messages), messages
    orphan = small_scenario().replace('<ending id="bad"', '<ending id="orphan" title="O"/><ending id="bad"')
    assert any('Step "orphan" cannot be reached from the start.' in m for m in problems_of(orphan))


def test_a_loop_is_allowed_unless_it_earns_points():
    back_to_intake = small_scenario().replace(
        '<option id="deny"', '<option id="consult" next="intake" points="-3"><text>Consult the DPO first</text></option>'
        '<option id="deny"')
    assert problems_of(back_to_intake) == []
    paying_loop = back_to_intake.replace('<option id="consult" next="intake" points="-3">',
                                         '<option id="consult" next="intake" points="5">')
    messages = problems_of(paying_loop)
    assert any('earns points every time' in message for message in messages), messages


def test_option_count_limits():
    one_option = small_scenario().replace('<option id="auto" next="complaint" points="0"><text>Fully automatic</text></option>', '')
    assert any('Step "pilot" has 1 options; a decision needs 2 to 6.' in m for m in problems_of(one_option))
    extra = ''.join(f'<option id="x{i}" next="good" points="0"><text>X{i}</text></option>' for i in range(5))
    seven = small_scenario().replace('<option id="auto"', extra + '<option id="auto"')
    assert any('has 7 options' in m for m in problems_of(seven))


def test_graded_scenario_needs_a_best_score_above_zero():
    flat = small_scenario()
    for points in ('points="3"', 'points="1"', 'points="2"'):
        flat = flat.replace(points, 'points="0"')
    flat = flat.replace('<effect dimension="service" points="1"/>', '')
    messages = problems_of(flat)
    assert any('a graded scenario needs a best score above zero' in m for m in messages), messages
    assert problems_of(flat, 'practice') == []
    zero_endings = small_scenario('ending').replace('score="1"', 'score="0"').replace('score="0.6"', 'score="0"')
    assert any('Every ending scores 0' in m for m in problems_of(zero_endings, 'ending'))


def test_ending_mode_needs_a_score_on_every_ending():
    xml = small_scenario('ending').replace(' score="0.6"', '')
    assert any('Ending "ok" has no score' in m for m in problems_of(xml, 'ending'))
    bad_score = small_scenario('ending').replace('score="0.6"', 'score="high"')
    assert any('score="high" must be a number from 0 to 1' in m for m in problems_of(bad_score, 'ending'))


@pytest.mark.parametrize('xml, expected', [
    ('', 'The scenario XML is empty.'),
    ('<scenario start="a"><step id="a"', 'The XML is not well formed'),
    ('<!DOCTYPE x [<!ENTITY e "boom">]><scenario start="a">&e;</scenario>', 'DOCTYPE declarations are not allowed'),
    ('<problem/>', 'Expected a <scenario> element, found <problem>.'),
    ('<scenario start="A B"><step id="A B"/></scenario>', 'must use lower-case letters, digits and hyphens'),
])
def test_malformed_xml_gives_a_clear_error(xml, expected):
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(xml)
    assert expected in str(raised.value)


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / 'secret.txt'
    secret.write_text('TOP-SECRET')
    xml = (f'<!DOCTYPE scenario [<!ENTITY leak SYSTEM "file://{secret}">]>'
           '<scenario start="a"><introduction>&leak;</introduction></scenario>')
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(xml)
    assert 'TOP-SECRET' not in str(raised.value)


def test_problems_carry_line_numbers():
    xml = small_scenario().replace('next="pilot"', 'next="nowhere"')
    scenario, problems = load_scenario(xml, 'path')
    located = [p for p in problems if 'nowhere' in p.message.format(**p.params)]
    assert located and located[0].line == 14 and located[0].node_id == 'intake'
    assert located[0].render().startswith('Line 14: ')
