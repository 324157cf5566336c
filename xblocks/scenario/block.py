"""The ``magix_scenario`` XBlock: a thin shell over the plain-Python scenario modules.

The browser only ever receives the step the learner is on (rendered here, on the server):
options not chosen, their scores and the steps not yet reached never leave the server.
"""
from __future__ import annotations

import hashlib
import importlib.resources
import re

from web_fragments.fragment import Fragment
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, String

from ..handlers import is_course_staff, json_api
from ..i18n import I18nMixin, _
from ..json_input import MISSING, BadInput
from ..olx_content import XmlText
from ..rendering import render_reused, render_template, static_text
from ..sanitize import clean_html
from . import engine
from .headless import ScenarioHeadlessMixin
from .loading import load_scenario, loader
from .olx import parse_xml_text
from .problems import ScenarioError
from .scoring import ScenarioScoringMixin
from .studio import ScenarioStudioMixin

PREFIX_PATTERN = re.compile(r'^magix-[a-f0-9]{12}$')
# What a learner's action may carry: the option and reflection, and the state the page answers.
PLAY_FIELDS = {'option': str, 'reflection': str, 'prefix': str, 'attempt': int, 'position': int, 'step': str}


class StoredPart:
    """A part of a learner's ``Playthrough``, read from its block field when the engine first uses it.

    Copied as read (``copy``): the engine changes lists and dicts in place, and the block's
    fields are written back only on save. Once read or set, the part lives on the instance.
    """

    def __init__(self, field_name: str, copy=None):
        self.field_name, self.copy = field_name, copy

    def __set_name__(self, owner, name):
        self.part = name

    def __get__(self, play, owner=None):
        if play is None:
            return self
        value = getattr(play.block, self.field_name)
        value = self.copy(value) if self.copy is not None else value
        play.__dict__[self.part] = value
        return value


class StoredPlaythrough(engine.Playthrough):
    """A learner's ``Playthrough`` over the block's ``Scope.user_state`` fields.

    Every field read goes through the runtime's field store (in the LMS, the learner's state in
    the database): a page reads only the parts it shows, a decision only those it uses, and
    ``save`` writes back only what was read or set.
    """
    current = StoredPart('current_node')
    history = StoredPart('history', list)
    reflections = StoredPart('reflections', dict)
    attempts_used = StoredPart('attempts_used')
    past_attempts = StoredPart('past_attempts', list)
    last_outcome = StoredPart('last_outcome')
    counted = StoredPart('counted', dict)
    counted_ending = StoredPart('counted_ending')

    def __init__(self, block):  # pylint: disable=super-init-not-called
        self.block = block

    def save(self):
        for part, value in vars(self).items():
            stored = getattr(type(self), part, None)
            if isinstance(stored, StoredPart):
                setattr(self.block, stored.field_name, value)


@XBlock.needs('i18n')
@XBlock.wants('user', 'studio_user_permissions')
class ScenarioBlock(ScenarioStudioMixin, ScenarioHeadlessMixin, ScenarioScoringMixin, CompletableXBlockMixin,
                    I18nMixin, XBlock):
    """A branching public-sector case: the learner decides, consequences unfold, an ending is debriefed."""

    icon_class = 'problem'  # Studio's unit outline and the LMS sequence bar show it as an exercise

    display_name = String(display_name=_('Title'), default=_('Scenario exercise'), scope=Scope.settings,
                          help=_('The title learners see above the exercise.'))
    scoring_mode = String(display_name=_('Scoring'), default='path', scope=Scope.settings,
                          values=[{'value': 'path', 'display_name': _('Points along the path, against the best path')},
                                  {'value': 'ending', 'display_name': _('Fixed score per ending')},
                                  {'value': 'practice', 'display_name': _('Practice (ungraded)')}],
                          help=_('How a finished attempt is graded.'))
    weight = Float(display_name=_('Problem weight'), default=1.0, scope=Scope.settings, values={'min': 0},
                   help=_('How many points this exercise is worth in the course grade.'))
    max_attempts = Integer(display_name=_('Maximum attempts'), default=0, scope=Scope.settings, values={'min': 0},
                           help=_('How many times a learner may play to an ending; 0 means no limit.'))
    allow_undo = Boolean(display_name=_('Allow stepping back'), default=True, scope=Scope.settings,
                         help=_('Learners may take back a decision before they reach an ending.'))
    show_statistics = Boolean(display_name=_('Show how others chose'), default=True, scope=Scope.settings,
                              help=_('After each decision, show anonymous figures of how other participants chose.'))
    statistics_minimum = Integer(display_name=_('Minimum answers before figures are shown'), default=5,
                                 scope=Scope.settings, values={'min': 0},
                                 help=_('Learners see how others chose at a decision only once this many '
                                        'learners have answered it, so a small group cannot tell what one '
                                        'person chose. Course staff always see the figures.'))
    scenario_xml = XmlText(default=loader.load_unicode('templates/new_scenario.xml').strip(), scope=Scope.content,
                          help=_('The scenario as XML; stored as the <scenario> child of the block in OLX.'))

    current_node = String(default=None, scope=Scope.user_state, help='The step or ending the learner is on.')
    history = List(default=[], scope=Scope.user_state, help='Decisions of the current attempt, with snapshots.')
    reflections = Dict(default={}, scope=Scope.user_state, help='Free-text reflections by step id.')
    attempts_used = Integer(default=0, scope=Scope.user_state, help='Attempts that reached an ending.')
    past_attempts = List(default=[], scope=Scope.user_state, help='Earlier attempts, kept for the learner.')
    best_score = Float(default=None, scope=Scope.user_state, help='Best published grade, 0-1.')
    last_outcome = Dict(default=None, scope=Scope.user_state,
                        help='The choice whose consequence was shown last ({step, option}), shown again on reload.')
    counted = Dict(default={}, scope=Scope.user_state,
                   help='What this learner is counted for in the statistics: {step id: option id}.')
    counted_ending = String(default=None, scope=Scope.user_state,
                            help='The ending this learner is counted for in the statistics (latest reached).')

    tallies = Dict(default={}, scope=Scope.user_state_summary,
                   help='Learners per option: {step id: {option id: learners}}, one per learner per step.')
    ending_tallies = Dict(default={}, scope=Scope.user_state_summary,
                          help='Learners per ending: {ending id: learners}, each counted for their latest ending.')

    editable_fields = ('display_name', 'scoring_mode', 'weight', 'max_attempts', 'allow_undo', 'show_statistics',
                       'statistics_minimum')

    def __repr__(self):
        # XBlock's repr lists every field, the whole scenario and the learner's path included;
        # hosts that print it (the workbench does) must not hand the best path to the page.
        return f'<{type(self).__name__} {self.scope_ids.usage_id}>'

    # --- the scenario and the learner's state -------------------------------------------------

    def scenario(self):
        """The validated scenario; content with any problem is never played (it could strand a learner)."""
        scenario, problems = load_scenario(self.scenario_xml, self.scoring_mode)
        if scenario is None or problems:
            raise ScenarioError(list(problems))
        return scenario

    def playthrough(self) -> 'StoredPlaythrough':
        return StoredPlaythrough(self)

    def is_course_staff(self) -> bool:
        return is_course_staff(self)

    # --- rendering ------------------------------------------------------------------------------

    def render_template(self, template, **context):
        return render_template(__package__, f'templates/{template}', context, self.i18n_service)

    def render_shown(self, template, **context):
        """What learners are shown: every learner in the same state sees the same HTML, rendered once
        and kept for the next (``render_reused``); the context is plain data, never the block."""
        return render_reused(__package__, f'templates/{template}', context, self.i18n_service)

    def element_prefix(self) -> str:
        """The prefix of this block's element ids: its own on a page, the same on every render (so the
        HTML of a step is the same for every learner at it)."""
        return f'magix-{hashlib.blake2b(str(self.scope_ids.usage_id).encode(), digest_size=6).hexdigest()}'

    def panel_html(self, scenario, play, prefix):
        """The learner's current step, ending, or a notice; the only content sent to the browser."""
        status = play.status(scenario)
        context = {'prefix': prefix, 'status': status,
                   'can_undo': play.can_undo(scenario) and self.allow_undo,
                   'can_restart': play.can_restart(scenario, lambda: self.max_attempts),
                   'decision_number': len(play.history) + 1, 'answering': play.answering(scenario)}
        if status in (engine.IN_PROGRESS, engine.NOT_STARTED):
            step = scenario.node(play.current or scenario.start)
            context.update(step=step, situation=clean_html(step.situation),   # no prompt, no reflection shown
                           reflection=play.reflections.get(step.id, '') if step.reflection else '')
        elif status == engine.FINISHED:
            ending = play.ending(scenario)
            fraction = play.score(scenario, self.scoring_mode)
            context.update(
                ending=ending, debrief=clean_html(ending.debrief), recap_html=self.recap_html(play),
                score_percent=None if fraction is None else round(fraction * 100),
                best_percent=None if self.best_score is None else round(self.best_score * 100),
                dimensions=play.dimension_results(scenario),
                attempts_left=(self.max_attempts - play.attempts_used) if self.max_attempts else None,
            )
        else:
            context.update(recap_html=self.recap_html(play))
        return self.render_shown('panel.html', **context)

    def outcome_html(self, scenario, step, option_id, prefix):
        """The consequence and feedback of the option just chosen, and how others chose.

        Learners see the figures only once ``statistics_minimum`` learners are counted at the
        step (course staff always, in their own view); until then a one-line notice, part of
        this template: no second template is rendered for it.
        """
        option = step.option(option_id)
        shares_html, shares_pending = '', None
        if self.show_statistics:
            shares = engine.choice_shares(self.tallies, step)
            if sum(share['count'] for share in shares) < self.statistics_minimum:
                shares_pending = self.statistics_minimum
            else:
                shares_html = self.shares_html(shares, step.question)
        return self.render_shown('outcome.html', prefix=prefix, step=step, option=option,
                                 consequence=clean_html(option.consequence), feedback=clean_html(option.feedback),
                                 shares_html=shares_html, shares_pending=shares_pending)

    def last_outcome_html(self, scenario, play, prefix):
        """After a reload, the consequence the learner was last shown (if the step still offers it)."""
        if not play.last_outcome or play.status(scenario) not in (engine.IN_PROGRESS, engine.FINISHED):
            return ''
        step = scenario.node(play.last_outcome.get('step'))
        if step is None or step.is_ending or step.option(play.last_outcome.get('option')) is None:
            return ''
        return self.outcome_html(scenario, step, play.last_outcome['option'], prefix)

    def shares_html(self, shares, caption, render=None):
        """An accessible bar chart (a table with text figures) of learners per option or ending."""
        total = sum(share['count'] for share in shares)
        return (render or self.render_shown)('_shares.html', shares=shares, caption=caption, total=total)

    def recap_html(self, play):
        recap = [{'title': entry['title'], 'question': entry['question'], 'choice': entry['text'],
                  'reflection': play.reflections.get(entry['step'], '')} for entry in play.history]
        return self.render_shown('_recap.html', recap=recap)

    @XBlock.supports('multi_device')  # server-rendered HTML, small script: works in the mobile apps' web view
    def student_view(self, context=None):
        prefix = self.element_prefix()
        try:
            scenario = self.scenario()
        except ScenarioError as error:
            return self.problem_fragment(error)
        play = self.playthrough()
        staff_stats = self.staff_statistics(scenario) if self.is_course_staff() else None
        html = self.render_shown(
            'student.html', prefix=prefix, display_name=self.display_name, role=scenario.role,
            image_src=scenario.image_src, image_alt=scenario.image_alt, introduction=clean_html(scenario.introduction),
            panel_html=self.panel_html(scenario, play, prefix), staff_stats=staff_stats,
            outcome_html=self.last_outcome_html(scenario, play, prefix),
            show_title=(context or {}).get('page_title') != self.display_name)
        fragment = Fragment(html)
        fragment.add_css(static_text(__package__, 'static/css/scenario.css'))
        fragment.add_javascript(static_text(__package__, 'static/js/scenario.js'))
        fragment.initialize_js('MagixScenarioBlock', {'prefix': prefix, 'strings': {
            'error': self.gettext('Something went wrong. Please try again.'),
            'choose': self.gettext('Please choose one of the options.'),
            'confirmRestart': self.gettext('Start the exercise again? Your current path is kept in your record.'),
        }})
        return fragment

    def problem_fragment(self, error: ScenarioError):
        """What a learner sees when the content itself is broken (course staff must fix it)."""
        return Fragment(self.render_template('broken.html', block=self, problems=error.render(self.gettext)))

    def staff_statistics(self, scenario):
        """Learners per option at every step, and learners per ending (latest ending reached)."""
        endings = engine.shares(self.ending_tallies, scenario.endings)
        render = self.render_template   # afresh: a chart per step would crowd out what learners' pages reuse
        return {'steps': [self.shares_html(engine.choice_shares(self.tallies, step), step.title, render)
                          for step in scenario.steps],
                'endings': self.shares_html(endings, self.gettext('Endings reached'), render)}

    # --- learner handlers -------------------------------------------------------------------------

    def respond(self, scenario, play, prefix, outcome=''):
        return {'html': self.panel_html(scenario, play, prefix), 'outcome': outcome,
                'status': play.status(scenario)}

    def handle_play(self, data, action):
        """Run one learner action on the state the page answers (``Playthrough.expect``).

        A replay of a decision already taken is answered with the current state (and, for a
        repeated choice, its consequence again) and changes nothing; other errors come back
        as a translated message, state untouched. The host runs this in one locked transaction.
        """
        prefix = data.get('prefix') if PREFIX_PATTERN.match(str(data.get('prefix', ''))) else self.element_prefix()
        if not isinstance(data.get('attempt'), int) or not isinstance(data.get('position'), int):
            raise BadInput(MISSING)
        try:
            scenario = self.scenario()
            play = self.playthrough()
            play.expect(scenario, attempt=data['attempt'], position=data['position'], step=data.get('step'),
                        option=data.get('option'))
            outcome = action(scenario, play, prefix) or ''
        except engine.OutOfDate as replay:
            outcome = ''
            if replay.decision is not None:
                step = scenario.node(replay.decision['step'])
                if step is not None and not step.is_ending and step.option(replay.decision['option']) is not None:
                    outcome = self.outcome_html(scenario, step, replay.decision['option'], prefix)
            return {**self.respond(scenario, play, prefix, outcome), 'replayed': True,
                    'notice': '' if replay.decision is not None else ' '.join(replay.render(self.gettext))}
        except ScenarioError as error:
            return {'error': ' '.join(error.render(self.gettext))}
        play.save()
        return self.respond(scenario, play, prefix, outcome)

    @json_api(PLAY_FIELDS)
    def choose(self, data, suffix=''):
        """The learner picks an option: record it, unfold its consequence, grade an ending."""
        def action(scenario, play, prefix):
            play.begin(scenario)
            option_id = data.get('option', '')
            step = play.choose(scenario, option_id, data.get('reflection', '')[:5000])
            self.tallies, play.counted = engine.count_choice(self.tallies, play.counted, step.id, option_id)
            if play.status(scenario) == engine.FINISHED:
                self.ending_tallies, play.counted_ending = engine.count_ending(
                    self.ending_tallies, play.counted_ending, play.current)
                self.record_finished_attempt(play.score(scenario, self.scoring_mode))
                self.emit_completion(1.0)
            self.runtime.publish(self, 'magix.scenario.choice', {'step': step.id, 'option': option_id})
            return self.outcome_html(scenario, step, option_id, prefix)
        return self.handle_play(data, action)

    @json_api(PLAY_FIELDS)
    def undo(self, data, suffix=''):
        """Take back the last decision (when the course team allows it)."""
        def action(scenario, play, prefix):
            if not self.allow_undo:
                raise engine.PlayError(_('Stepping back is not allowed in this exercise.'))
            entry = play.undo(scenario)
            self.tallies, play.counted = engine.count_choice(self.tallies, play.counted, entry['step'], None)
        return self.handle_play(data, action)

    @json_api(PLAY_FIELDS)
    def restart(self, data, suffix=''):
        """Start again from the first step; the earlier path and reflections are kept."""
        def action(scenario, play, prefix):
            play.restart(scenario, self.max_attempts)
        return self.handle_play(data, action)

    @staticmethod
    def workbench_scenarios():
        """The shipped scenarios, one per file, plus two blocks on one page."""
        scenarios = []
        for name in sorted(importlib.resources.files(__package__).joinpath('content').iterdir(), key=str):
            if name.name.endswith('.xml'):
                xml = name.read_text(encoding='utf-8')
                scenarios.append((parse_xml_text(xml).get('display_name', name.name), xml))
        if len(scenarios) > 1:
            scenarios.append(('Two scenarios on one page',
                              f'<vertical_demo>{scenarios[0][1]}{scenarios[1][1]}</vertical_demo>'))
        return scenarios
