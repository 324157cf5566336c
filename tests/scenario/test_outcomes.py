"""What learners and course teams are told: grades, competencies, statistics, the page after a reload.

On the XBlock runtime of ``support`` (real field storage shared between learners, the LMS's
staff flag), plus the shipped eligibility scenario for the grading rule course teams rely on.
"""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from xblocks.scenario import engine
from xblocks.scenario.loading import load_scenario
from xblocks.scenario.olx import parse_scenario

from .support import call, load, same_block_for, small_scenario

CONTENT = Path(__file__).resolve().parents[2] / 'xblocks' / 'scenario' / 'content'


def play_path(scenario, option_ids):
    play = engine.Playthrough()
    play.begin(scenario)
    for option_id in option_ids:
        play.choose(scenario, option_id)
    return play


# --- grades and competencies ----------------------------------------------------------------

def test_a_good_short_path_is_graded_as_the_course_team_means():
    """Issue 11: "Process first, no model" (positive debrief) scored 6% against the longest path."""
    scenario, problems = load_scenario((CONTENT / '01-eligibility.xml').read_text(), 'path')
    assert not problems
    play = play_path(scenario, ['decline', 'fix-without-ai'])
    assert play.ending(scenario).title == 'Process first, no model'
    assert play.earned_points() == 1  # of a best path worth 16: 6% by points alone
    assert play.score(scenario, 'path') == 0.7  # the ending's min-score
    best = play_path(scenario, ['decision-support', 'remove-proxies', 'redesign-review', 'rewrite-letters',
                                'phased-monitored'])
    assert best.score(scenario, 'path') == 1.0


def test_path_mode_grade_stays_within_the_endings_bounds():
    xml = small_scenario().replace('<ending id="ok" title="Repaired" score="0.6">',
                                   '<ending id="ok" title="Repaired" min-score="0.5">').replace(
        '<ending id="good" title="Trusted service" score="1">', '<ending id="good" title="Trusted service" max-score="0.9">')
    scenario = parse_scenario(xml)
    assert play_path(scenario, ['buy', 'review']).score(scenario, 'path') == 0.5      # 0 points, at least 0.5
    assert play_path(scenario, ['dpia', 'human']).score(scenario, 'path') == 0.9      # 6 of 6, at most 0.9
    assert play_path(scenario, ['dpia', 'auto', 'review']).score(scenario, 'path') == pytest.approx(0.6667)
    assert play_path(scenario, ['buy', 'review']).score(scenario, 'ending') == 0.0    # ending mode ignores them


@pytest.mark.parametrize('attributes, message', [
    ('min-score="1.5"', 'Ending "ok": min-score="1.5" must be a number from 0 to 1.'),
    ('max-score="much"', 'Ending "ok": max-score="much" must be a number from 0 to 1.'),
    ('min-score="0.8" max-score="0.2"', 'Ending "ok": min-score="0.8" is above max-score="0.2".'),
])
def test_bounds_are_checked_with_a_message_naming_the_ending(attributes, message):
    xml = small_scenario().replace('<ending id="ok" title="Repaired" score="0.6">',
                                   f'<ending id="ok" title="Repaired" {attributes}>')
    scenario, problems = load_scenario(xml, 'path')
    assert scenario is None and [problem.render() for problem in problems] == [f'Line 41: {message}']


def test_competencies_are_shown_against_the_best_possible_on_the_path_taken(runtime, block):
    call(block, 'choose', {'option': 'buy'})                # legality -1 (best here: dpia, +2 / service +1)
    answer = call(block, 'choose', {'option': 'review'})    # no effects
    assert 'Legality: -1 of 2 possible' in answer['html']
    assert 'Service quality: 0 of 1 possible' in answer['html']
    assert '+10' not in answer['html'] and '-1</li>' not in answer['html']
    results = block.playthrough().dimension_results(block.scenario())
    assert [(r['id'], r['points'], r['best']) for r in results] == [('legality', -1, 2), ('service', 0, 1)]


def test_shipped_scenarios_competencies_never_exceed_their_best():
    scenario, _ = load_scenario((CONTENT / '01-eligibility.xml').read_text(), 'path')
    play = play_path(scenario, ['decline', 'fix-without-ai'])
    results = {r['id']: (r['points'], r['best']) for r in play.dimension_results(scenario)}
    # decline/fix-without-ai: legality 1+1 of 2+1; service -2+2 of 1+2
    assert results['legality'] == (2, 3) and results['service'] == (0, 3)
    assert all(points <= best for points, best in results.values())


# --- statistics: learners, not clicks ------------------------------------------------------

def learner(runtime, block, name, is_staff=False):
    return same_block_for(runtime.other_learner(name, is_staff=is_staff), block, name)


def test_a_learner_who_loops_or_restarts_is_counted_once(runtime, block):
    call(block, 'choose', {'option': 'dpia'})
    call(block, 'choose', {'option': 'human'})
    call(block, 'restart')
    call(block, 'choose', {'option': 'dpia'})               # the same again: not counted twice
    assert block.tallies == {'intake': {'dpia': 1}, 'pilot': {'human': 1}}
    call(block, 'undo')                                     # taken back: withdrawn until decided again
    assert block.tallies['intake'] == {'dpia': 0}
    call(block, 'choose', {'option': 'buy'})                # changed their mind: the count moves
    call(block, 'choose', {'option': 'deny'})
    assert block.tallies == {'intake': {'dpia': 0, 'buy': 1}, 'pilot': {'human': 1}, 'complaint': {'deny': 1}}
    assert block.ending_tallies == {'bad': 1, 'good': 0}    # counted for their latest ending only
    assert block.counted == {'intake': 'buy', 'pilot': 'human', 'complaint': 'deny'}
    assert block.counted_ending == 'bad'


def test_learners_see_shares_only_from_the_course_teams_minimum(runtime, block):
    assert block.statistics_minimum == 5
    answers = [call(learner(runtime, block, f'learner-{n}'), 'choose', {'option': 'dpia' if n % 2 else 'buy'})
               for n in range(5)]
    for answer in answers[:4]:
        assert 'appear once 5 learners have answered this question' in answer['outcome']
        assert '%' not in answer['outcome']
    assert '40% (2)' in answers[4]['outcome'] and '60% (3)' in answers[4]['outcome']
    assert '(5 learners)' in answers[4]['outcome']


def test_staff_see_figures_from_the_first_learner_and_the_endings_reached(runtime, block):
    call(block, 'choose', {'option': 'dpia'})
    call(block, 'choose', {'option': 'human'})
    other = learner(runtime, block, 'learner-2')
    call(other, 'choose', {'option': 'buy'})
    call(other, 'choose', {'option': 'review'})
    html = learner(runtime, block, 'staff-1', is_staff=True).student_view().content
    assert 'course staff only' in html and 'Endings reached' in html
    endings = html[html.index('Endings reached'):]
    endings = endings[:endings.index('</table>')]
    assert '(2 learners)' in endings and 'Trusted service' in endings and 'Repaired' in endings
    assert endings.count('50% (1)') == 2 and endings.count('0% (0)') == 1  # nobody reached "Scandal"
    assert 'Endings reached' not in block.student_view().content


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.sampled_from(['choose-0', 'choose-1', 'undo', 'restart'])),
                max_size=40))
def test_tallies_are_the_sum_of_what_each_learner_is_counted_for(actions):
    """Whatever learners do, in any order, the shared tallies equal the sum of their own records."""
    scenario = parse_scenario(small_scenario())
    plays = [engine.Playthrough() for _ in range(3)]
    tallies, ending_tallies = {}, {}
    for who, action in actions:
        play = plays[who]
        try:
            if action.startswith('choose'):
                play.begin(scenario)
                step = play.current_step(scenario)
                option = step.options[int(action[-1])]
                play.choose(scenario, option.id)
                tallies, play.counted = engine.count_choice(tallies, play.counted, step.id, option.id)
                if play.status(scenario) == engine.FINISHED:
                    ending_tallies, play.counted_ending = engine.count_ending(
                        ending_tallies, play.counted_ending, play.current)
            elif action == 'undo':
                entry = play.undo(scenario)
                tallies, play.counted = engine.count_choice(tallies, play.counted, entry['step'], None)
            else:
                play.restart(scenario, 0)
        except engine.PlayError:
            continue
    expected: dict = {}
    for play in plays:
        for step_id, option_id in play.counted.items():
            expected.setdefault(step_id, {}).setdefault(option_id, 0)
            expected[step_id][option_id] += 1
    assert {step: {o: n for o, n in counts.items() if n} for step, counts in tallies.items() if any(counts.values())} \
        == expected
    assert {e: n for e, n in ending_tallies.items() if n} == \
        {e: sum(1 for play in plays if play.counted_ending == e) for e in {p.counted_ending for p in plays} if e}


# --- the page after a reload ------------------------------------------------------------------

def test_reload_shows_the_consequence_just_shown(runtime, block):
    call(block, 'choose', {'option': 'dpia'})
    html = same_block_for(runtime, block).student_view().content
    assert 'SECRET-CONSEQUENCE-DPIA' in html and 'You chose: Commission a DPIA' in html
    assert 'How do you run the pilot?' in html
    call(block, 'choose', {'option': 'human'})              # at the ending too
    html = same_block_for(runtime, block).student_view().content
    assert 'Keep a human in the loop' in html and 'Ending: Trusted service' in html
    call(block, 'restart')                                  # a new attempt starts clean
    assert 'You chose:' not in same_block_for(runtime, block).student_view().content


def test_reload_after_stepping_back_shows_no_stale_consequence(runtime, block):
    call(block, 'choose', {'option': 'dpia'})
    call(block, 'undo')
    html = same_block_for(runtime, block).student_view().content
    assert 'SECRET-CONSEQUENCE-DPIA' not in html and 'What do you do first?' in html


def test_the_title_is_not_repeated_under_a_page_heading_that_says_it(block):
    assert block.student_view().content.count('Benefits pre-screening') == 1
    assert 'Benefits pre-screening' not in block.student_view({'page_title': 'Benefits pre-screening'}).content
    assert 'Benefits pre-screening' in block.student_view({'page_title': 'Unit 3'}).content


# --- the course team's setting --------------------------------------------------------------------

def test_the_minimum_is_a_studio_setting_kept_in_olx(staff_block):
    block, runtime = staff_block, staff_block.runtime
    assert 'magix-studio-statistics_minimum' in block.studio_view().content
    assert call(block, 'studio_submit', {'settings': {'statistics_minimum': -1}})['result'] == 'error'
    assert call(block, 'studio_submit', {'settings': {'statistics_minimum': 3}})['result'] == 'success'
    node = etree.Element('magix_scenario')
    block.add_xml_to_node(node)
    assert node.get('statistics_minimum') == '3'
    assert load(runtime, etree.tostring(node, encoding='unicode')).statistics_minimum == 3


# --- starting again ------------------------------------------------------------------------

def test_the_attempts_limit_counts_only_once_an_attempt_has_finished():
    """``can_restart`` asks for the limit (a block setting: a store read) only for a finished attempt."""
    scenario, _ = load_scenario(small_scenario_xml(), 'path')
    asked = []

    def limit():
        asked.append(1)
        return 1
    play = engine.Playthrough()
    assert not play.can_restart(scenario, limit)                       # not started
    play.begin(scenario)
    play.choose(scenario, 'dpia')
    assert play.can_restart(scenario, limit) and not asked              # in progress: always
    play.choose(scenario, 'human')
    assert not play.can_restart(scenario, limit) and asked == [1]       # finished, limit reached
    assert play.can_restart(scenario, 0) and play.can_restart(scenario, 2)
    assert not play.can_restart(scenario, 1)


def small_scenario_xml() -> str:
    return etree.tostring(etree.fromstring(small_scenario()).find('scenario'), encoding='unicode')
