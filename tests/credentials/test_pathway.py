"""The pathway XML format: reading, inheritance, nesting, and validation that names the element at fault."""
from decimal import Decimal

import pytest

from xblocks.credentials.pathway_xml import canonical_xml, parse_pathway
from xblocks.credentials.problems import PathwayError
from xblocks.credentials.validation import find_cycle, validate

from .support import COURSE, DEMO_XML, block_key, demo_pathway, small_xml


def problems_of(xml, known_keys=None):
    try:
        pathway = parse_pathway(xml)
    except PathwayError as error:
        return error.render()
    return [problem.render() for problem in validate(pathway, known_keys)]


def test_demo_pathway_is_valid_and_complete():
    pathway = demo_pathway()
    assert validate(pathway) == []
    assert [credential.id for credential in pathway.credentials] == [
        'eligibility', 'data-sharing', 'rights-and-data', 'chatbot-procurement', 'genai-communications',
        'pilot-to-production']
    assert pathway.programme.ects == Decimal(8) and pathway.programme.eqf_level == 7
    assert [body.country for body in pathway.awarding_bodies(pathway.programme)] == ['DE', 'PT', 'BE']
    assert pathway.issuer().id == 'espad'
    # Every scenario of the demo course and its knowledge check is required, under the course's keys.
    keys = pathway.result_keys()
    for slug in ('eligibility', 'data-sharing', 'chatbot-procurement', 'genai-communications', 'pilot-to-production'):
        assert block_key('magix_scenario', slug, COURSE) in keys
        assert block_key('problem', f'{slug}-check', COURSE) in keys
    assert len(keys) == 10


def test_credentials_inherit_the_programme_elements_and_keep_their_languages():
    credential = demo_pathway().credential('genai-communications')
    assert credential.eqf_level == 7 and credential.participation == 'online'
    assert credential.awarded_by == ('hanse-governance', 'tejo-digital', 'espad')
    assert credential.assessment.get('fr').startswith('Exercices de mise en situation')
    assert credential.title.get('fr') == 'L’IA générative dans la communication publique'
    assert credential.title.get('fr-ca') == credential.title.get('fr')
    assert credential.title.get('de') == 'Generative AI in public communications'  # falls back to English
    assert credential.learning_outcomes[0].languages == ('en', 'fr')


def test_nested_credentials_stack_their_ects():
    pathway = demo_pathway()
    stack = pathway.credential('rights-and-data')
    assert [child.id for child in stack.children] == ['eligibility', 'data-sharing']
    assert stack.contained_ids == ('eligibility', 'data-sharing')
    assert pathway.own_ects(stack) == 0


def test_canonical_xml_is_stable():
    once = canonical_xml(DEMO_XML)
    assert canonical_xml(once) == once
    assert once.startswith('<pathway id="magix-aigov"')


@pytest.mark.parametrize('xml, expected', [
    ('', 'The pathway XML is empty.'),
    ('<pathway id="x"><programme', 'The XML is not well formed'),
    ('<!DOCTYPE p [<!ENTITY e "boom">]><pathway id="x">&e;</pathway>', 'DOCTYPE declarations are not allowed'),
    ('<scenario/>', 'Expected a <pathway> element, found <scenario>.'),
])
def test_unreadable_xml_gives_a_clear_error(xml, expected):
    assert any(expected in message for message in problems_of(xml))


def test_unknown_attributes_and_elements_are_named():
    xml = small_xml().replace('min-score="0.7"', 'min-scroe="0.7"').replace(
        '<title xml:lang="en">Second</title>', '<title xml:lang="en">Second</title><badge/>')
    messages = problems_of(xml)
    assert any('<block> has an unknown attribute "min-scroe"' in message for message in messages)
    assert any('<micro-credential> cannot contain <badge>' in message for message in messages)
    assert all(message.startswith('Line ') for message in messages)


def test_invalid_keys_and_unknown_references_are_named():
    messages = problems_of(small_xml(problem='block-v1:not a key'))
    assert any('"block-v1:not a key" is not a valid block key' in message for message in messages)
    messages = problems_of(small_xml(extra='<credential ref="nowhere"/>'))
    assert any('Micro-credential "second" requires the credential "nowhere", which does not exist' in message
               for message in messages)
    unknown_org = small_xml().replace('awarded-by="uni-a uni-b"', 'awarded-by="uni-a uni-z"')
    assert any('awarded by "uni-z", which is not a declared organisation' in m for m in problems_of(unknown_org))


def test_keys_outside_the_known_course_are_reported():
    known = {block_key('magix_scenario', 'one'), 'course-v1:MAGIX+AIGOV201+2026'}
    messages = problems_of(small_xml(), known_keys=known)
    assert messages == [f'Line 15: Micro-credential "first" requires "{block_key("problem", "one-check")}", which is not in '
                        'this course or its pathway.']


def test_cycles_are_found_and_named():
    xml = small_xml(extra='<credential ref="first"/>').replace(
        '<block usage="%s" min-score="0.7"/>' % block_key('problem', 'one-check'),
        '<block usage="%s" min-score="0.7"/><credential ref="second"/>' % block_key('problem', 'one-check'))
    pathway = parse_pathway(xml)
    assert find_cycle(pathway) in (['first', 'second', 'first'], ['second', 'first', 'second'])
    assert any('contains itself through' in message and 'first → second' in message or 'second → first' in message
               for message in problems_of(xml))


def test_ects_must_add_up():
    assert problems_of(small_xml(total='3')) == []
    assert problems_of(small_xml(total='5')) == [
        'Line 6: The programme is worth 5 ECTS but its micro-credentials add up to 3 ECTS.']
    too_small = DEMO_XML.replace('<micro-credential id="rights-and-data" ects="4">',
                                 '<micro-credential id="rights-and-data" ects="3">')
    messages = problems_of(too_small)
    assert any('"rights-and-data" is worth 3 ECTS but stacks credentials worth 4 ECTS' in m for m in messages)


@pytest.mark.parametrize('change, expected', [
    (('min-score="0.7"', 'min-score="1.5"'), 'min-score="1.5" on a requirement must be above 0 and at most 1'),
    (('<course key="course-v1:MAGIX+AIGOV201+2026" min-score="0.5"/>',
      '<course key="course-v1:MAGIX+AIGOV201+2026" completion="1"/>'), 'can only be required with min-score'),
    (('type@problem+block@one-check', 'type@html+block@one-check'), 'is a html block, which has no score'),
    (('ects="1"', 'ects="-1"'), 'ects="-1" must be a positive number'),
    (('eqf="7"', 'eqf="9"'), 'eqf="9" must be a whole number from 1 to 8'),
    (('participation="online"', 'participation="carrier-pigeon"'), 'participation="carrier-pigeon" must be one of'),
    (('<quality-assurance xml:lang="en">Internal QA</quality-assurance>', ''), 'does not state its quality assurance'),
    (('country="LU"', 'country="Luxembourg"'), 'must be a two-letter ISO 3166 code'),
])
def test_requirements_and_annex_elements_nobody_could_meet_are_reported(change, expected):
    messages = problems_of(small_xml().replace(*change))
    assert any(expected in message for message in messages), messages


def test_a_credential_without_requirements_or_outcomes_is_reported():
    xml = small_xml().replace('<learning-outcomes xml:lang="en"><outcome>Do another thing.</outcome></learning-outcomes>',
                              '')
    xml = xml.replace('<course key="course-v1:MAGIX+AIGOV201+2026" min-score="0.5"/>', '')
    messages = problems_of(xml)
    assert any('"second" has no requirements: it would be awarded to everyone' in m for m in messages)
    assert any('"second" has no learning outcomes' in m for m in messages)


def test_outcomes_must_match_across_languages():
    xml = small_xml().replace(
        '<learning-outcomes xml:lang="en"><outcome>Do one thing.</outcome></learning-outcomes>',
        '<learning-outcomes xml:lang="en"><outcome>Do one thing.</outcome><outcome>Two.</outcome></learning-outcomes>'
        '<learning-outcomes xml:lang="fr"><outcome>Une chose.</outcome></learning-outcomes>')
    assert any('not listed in the same number in every language' in m for m in problems_of(xml))


def test_duplicate_ids_are_reported():
    xml = small_xml().replace('id="second"', 'id="first"')
    assert any('The micro-credential id "first" is used more than once' in m for m in problems_of(xml))
