"""Progress over a pathway: one bulk read, thresholds, nesting, ECTS, next step, aggregates."""
from decimal import Decimal

from xblocks.credentials.pathway_xml import parse_pathway
from xblocks.credentials.progress import Result, compute_progress, earned_counts, progress_from_results

from .support import COURSE, DictSource, block_key, demo_pathway, small_xml


def done(slug, score=0.8):
    return {block_key('magix_scenario', slug, COURSE): Result(completion=1.0),
            block_key('problem', f'{slug}-check', COURSE): Result(earned=score * 10, possible=10)}


def test_one_bulk_read_for_the_whole_pathway():
    pathway = demo_pathway()
    source = DictSource({})
    progress = compute_progress(pathway, source)
    assert source.calls == [pathway.result_keys()]
    assert progress.ects_earned == 0 and progress.fraction == 0 and not progress.earned
    assert progress.next_step[0].id == 'eligibility'
    assert progress.next_step[1].requirement.key == block_key('magix_scenario', 'eligibility', COURSE)


def test_thresholds_for_score_and_completion():
    pathway = demo_pathway()
    results = {**done('eligibility', score=0.69)}
    progress = progress_from_results(pathway, results)
    eligibility = progress.by_id['eligibility']
    assert not eligibility.earned
    scenario, check = eligibility.requirements
    assert scenario.met and scenario.fraction == 1.0
    assert not check.met and round(check.fraction, 3) == round(0.69 / 0.7, 3) and check.score == 0.69
    assert 0 < eligibility.fraction < 1
    assert progress.next_step[1] is check
    progress = progress_from_results(pathway, done('eligibility', score=0.7))
    assert progress.by_id['eligibility'].earned and progress.by_id['eligibility'].ects_earned == 2


def test_nested_credentials_count_towards_their_stack_and_the_programme():
    pathway = demo_pathway()
    progress = progress_from_results(pathway, done('eligibility'))
    stack = progress.by_id['rights-and-data']
    assert not stack.earned and stack.ects_earned == 2 and stack.ects_required == 4
    assert progress.ects_earned == 2 and progress.earned_ids == ['eligibility']
    assert progress.next_step[0].id == 'data-sharing'  # nested credentials come before the stack
    progress = progress_from_results(pathway, {**done('eligibility'), **done('data-sharing')})
    assert progress.by_id['rights-and-data'].earned and progress.by_id['rights-and-data'].ects_earned == 4
    assert progress.ects_earned == 4 and progress.fraction == 0.5


def test_the_whole_programme():
    pathway = demo_pathway()
    results = {}
    for slug in ('eligibility', 'data-sharing', 'chatbot-procurement', 'genai-communications', 'pilot-to-production'):
        results.update(done(slug))
    progress = progress_from_results(pathway, results)
    assert progress.earned and progress.ects_earned == Decimal(8) and progress.fraction == 1.0
    assert progress.next_step is None
    assert len(progress.earned_ids) == 6


def test_course_requirements_and_credential_references():
    pathway = parse_pathway(small_xml(extra='<credential ref="first"/>'))
    first = {block_key('magix_scenario', 'one'): Result(completion=1.0),
             block_key('problem', 'one-check'): Result(earned=1, possible=1)}
    course = {'course-v1:MAGIX+AIGOV201+2026': Result(earned=0.6, possible=1.0)}
    assert not progress_from_results(pathway, course).by_id['second'].earned  # needs "first" too
    progress = progress_from_results(pathway, {**first, **course})
    assert progress.by_id['second'].earned and progress.earned
    # "second" stacks "first": its ECTS earned include first's (validation would flag 1 < 2 here).
    assert progress.by_id['second'].ects_earned == progress.ects_earned


def test_a_score_without_points_possible_is_no_score():
    assert Result(earned=3, possible=0).score is None
    assert Result(earned=12, possible=10).score == 1.0


def test_aggregates_count_learners_per_credential():
    pathway = demo_pathway()
    learners = [done('eligibility'), {**done('eligibility'), **done('data-sharing')}, {}, done('genai-communications')]
    counts = earned_counts(pathway, learners)
    assert counts['learners'] == 4 and counts['programme'] == 0
    assert counts['credentials'] == {'eligibility': 2, 'data-sharing': 1, 'rights-and-data': 1,
                                     'chatbot-procurement': 0, 'genai-communications': 1, 'pilot-to-production': 0}
