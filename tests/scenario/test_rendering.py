"""Reused renderings (``xblocks.rendering.render_reused``): the HTML one learner was shown, given to
the next in the same state, and never to a learner in another state or language."""
import gettext

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from xblocks import rendering
from xblocks.i18n import translations_dir

from .support import ScenarioTestRuntime, call, load, same_block_for, small_scenario

SHARES = 'templates/_shares.html'


def shares(count=3, caption='Who chose what'):
    return {'shares': [{'text': 'Ask', 'percent': 100, 'count': count}], 'caption': caption, 'total': count}


@pytest.fixture
def renders(monkeypatch):
    """The templates actually rendered (not given from what was kept)."""
    rendering.forget_reused()
    rendered = []
    original = rendering.render_template

    def counting(package, path, context, i18n_service):
        rendered.append(path)
        return original(package, path, context, i18n_service)
    monkeypatch.setattr(rendering, 'render_template', counting)
    yield rendered
    rendering.forget_reused()


def test_the_same_template_and_context_is_rendered_once(renders):
    first = rendering.render_reused('xblocks.scenario', SHARES, shares(), None)
    again = rendering.render_reused('xblocks.scenario', SHARES, shares(), None)
    assert first == again == rendering.render_template('xblocks.scenario', SHARES, shares(), None)
    assert renders.count(SHARES) == 2   # once kept, once by the direct call above


def test_values_that_compare_equal_but_render_differently_are_kept_apart(renders):
    as_int = rendering.render_reused('xblocks.scenario', SHARES, shares(count=1), None)
    as_bool = rendering.render_reused('xblocks.scenario', SHARES, shares(count=True), None)
    assert '(1 learner)' in as_int and 'True' in as_bool
    plain = rendering.render_reused('xblocks.scenario', SHARES, shares(caption='<b>x</b>'), None)
    safe = rendering.render_reused('xblocks.scenario', SHARES, shares(caption=mark_safe('<b>x</b>')), None)
    assert '&lt;b&gt;' in plain and '<b>x</b>' in safe
    assert len(renders) == 4


def test_a_block_or_service_is_never_part_of_a_kept_rendering(renders, block):
    with pytest.raises(TypeError, match='cannot be reused'):
        rendering.render_reused('xblocks.scenario', SHARES, {**shares(), 'block': block}, None)


def test_a_context_with_much_text_is_rendered_each_time(renders):
    long = shares(caption='x' * rendering.REUSED_CONTEXT_CHARS)
    assert rendering.render_reused('xblocks.scenario', SHARES, long, None) == \
        rendering.render_reused('xblocks.scenario', SHARES, long, None)
    assert renders.count(SHARES) == 2 and rendering._kept.cache_info().currsize == 0   # nothing kept


def test_each_catalogue_and_language_has_its_own_renderings(renders):
    french = gettext.translation('text', str(translations_dir('xblocks')), ['fr'])
    english = rendering.render_reused('xblocks.scenario', SHARES, shares(), None)
    with translation.override('fr'):
        in_french = rendering.render_reused('xblocks.scenario', SHARES, shares(), french)
    again = rendering.render_reused('xblocks.scenario', SHARES, shares(), None)
    assert '(3 learners)' in english and '(3 learners)' not in in_french and again == english
    assert renders.count(SHARES) == 2


def test_learners_in_the_same_state_share_a_page_and_nothing_of_their_own(renders):
    """Two learners at the first step get the same page; a draft reflection stays its writer's."""
    alice = load(ScenarioTestRuntime(user_id='alice'), small_scenario())
    bob = same_block_for(alice.runtime, alice, 'bob')
    assert alice.student_view().content == bob.student_view().content
    call(alice, 'choose', {'option': 'dpia', 'reflection': 'ALICE-PRIVATE-DRAFT'})
    back = call(alice, 'undo')
    assert 'ALICE-PRIVATE-DRAFT' in back['html']
    assert 'ALICE-PRIVATE-DRAFT' not in same_block_for(alice.runtime, alice, 'bob').student_view().content
    assert 'ALICE-PRIVATE-DRAFT' in same_block_for(alice.runtime, alice, 'alice').student_view().content


def test_english_and_french_learners_of_one_block_each_read_their_language(renders):
    english = load(ScenarioTestRuntime(locale='en'), small_scenario())
    french = same_block_for(ScenarioTestRuntime(english.runtime.store, 'marie', locale='fr',
                                                id_manager=english.runtime.id_manager), english, 'marie')
    before = english.student_view().content
    with translation.override('fr'):
        in_french = french.student_view().content
    assert 'Your role' in before and 'Votre rôle' in in_french and 'Your role' not in in_french
    assert english.student_view().content == before
