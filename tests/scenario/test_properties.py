"""Property-based tests: random graphs and malformed XML never crash the parser or validator.

Whatever the input, the outcome is either a scenario that validates (and can be played from
start to an ending following the validator's promises) or a ``ScenarioError`` / problem list
with human-readable messages.
"""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xblocks.scenario.engine import FINISHED, Playthrough
from xblocks.scenario.loading import load_scenario
from xblocks.scenario.problems import ScenarioError
from xblocks.scenario.olx import parse_scenario
from xblocks.scenario.validation import best_path_points, can_reach_an_ending, reachable_from_start, validate

ids = st.sampled_from(['a', 'b', 'c', 'd', 'e', 'f', 'end-1', 'end-2', 'Bad Id', ''])


@st.composite
def scenario_graphs(draw):
    """Scenario XML built from a random graph: random edges, points, missing pieces, duplicates."""
    step_ids = draw(st.lists(st.sampled_from(['a', 'b', 'c', 'd', 'e', 'f']), min_size=0, max_size=6))
    ending_ids = draw(st.lists(st.sampled_from(['end-1', 'end-2', 'a']), min_size=0, max_size=3))
    root = etree.Element('scenario', start=draw(ids))
    for step_id in step_ids:
        step = etree.SubElement(root, 'step', id=step_id, title=step_id.upper())
        if draw(st.booleans()):
            etree.SubElement(step, 'question').text = 'What now?'
        for index in range(draw(st.integers(0, 7))):
            option = etree.SubElement(step, 'option', id=f'o{index}', next=draw(ids))
            if draw(st.booleans()):
                option.set('points', draw(st.sampled_from(['-2', '0', '1', '3', 'x', ''])))
            etree.SubElement(option, 'text').text = draw(st.sampled_from(['Go', '', '  ']))
    for ending_id in ending_ids:
        ending = etree.SubElement(root, 'ending', id=ending_id)
        if draw(st.booleans()):
            ending.set('score', draw(st.sampled_from(['0', '0.5', '1', '2', 'nan', 'x'])))
    return etree.tostring(root, encoding='unicode')


def messages_are_readable(problems):
    rendered = [problem.render() for problem in problems]
    assert all(isinstance(text, str) and text for text in rendered)
    assert all('{' not in text for text in rendered), rendered


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_graphs(), st.sampled_from(['path', 'ending', 'practice', 'bogus']))
def test_random_graphs_validate_or_explain(xml, mode):
    scenario, problems = load_scenario(xml, mode)
    messages_are_readable(problems)
    if scenario is None or problems:
        assert problems
        return
    # A valid scenario keeps the validator's promises: every reachable step reaches an ending,
    # so always taking an option that stays on the "can finish" side ends the attempt.
    finishing = can_reach_an_ending(scenario)
    assert reachable_from_start(scenario) <= finishing
    play = Playthrough()
    play.begin(scenario)
    for _ in range(len(scenario.nodes) * 2 + 2):
        if play.status(scenario) == FINISHED:
            break
        step = play.current_step(scenario)
        option = next(option for option in step.options if option.next in finishing)
        play.choose(scenario, option.id)
    assert play.status(scenario) == FINISHED
    score = play.score(scenario, mode)
    assert score is None or 0.0 <= score <= 1.0
    assert best_path_points(scenario)[1] == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300),
                 st.builds(lambda head, tail: f'<scenario start="a">{head}<step id="a">{tail}',
                           st.text(max_size=40), st.text(max_size=40))))
def test_malformed_xml_is_an_error_never_a_crash(text):
    try:
        scenario = parse_scenario(text)
    except ScenarioError as error:
        messages_are_readable(error.problems)
    else:
        messages_are_readable(validate(scenario))
