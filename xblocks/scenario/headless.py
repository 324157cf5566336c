"""What the platform reads from the scenario block without rendering it.

* ``student_view_data``: the JSON the mobile apps and headless clients get from the Course Blocks
  API (``lms/djangoapps/course_api/blocks/transformers/student_view.py`` calls it with no
  arguments, once per publish, on a block bound to no learner). It holds what the learner sees
  now, and only that: the step they are on (the first step for the platform's learner-less call),
  its options' ids and texts, or the ending they reached. Never an option's score, consequence,
  feedback or target, nor any other step.
* ``index_dictionary``: what course search indexes (titles and situations, never consequences,
  endings, debriefs or scores), in XBlock's ``{"content": {...}, "content_type": ...}`` form.
"""
from __future__ import annotations

from ..sanitize import clean_html, plain_text
from . import engine
from .problems import ScenarioError


class ScenarioHeadlessMixin:
    """``student_view_data`` and ``index_dictionary`` of the scenario block."""

    def student_view_data(self, context=None):
        try:
            scenario = self.scenario()
        except ScenarioError:
            return {'display_name': self.display_name, 'status': 'unavailable'}
        play = self.playthrough()  # the platform's learner-less block reads defaults: the first step
        status = play.status(scenario)
        data = {'display_name': self.display_name, 'status': status, 'role': scenario.role,
                'introduction': clean_html(scenario.introduction), 'allow_undo': self.allow_undo}
        if status in (engine.NOT_STARTED, engine.IN_PROGRESS):
            step = scenario.node(play.current or scenario.start)
            data['step'] = {'id': step.id, 'title': step.title, 'situation': clean_html(step.situation),
                            'question': step.question, 'reflection': step.reflection,
                            'options': [{'id': option.id, 'text': option.text} for option in step.options]}
        elif status == engine.FINISHED:
            ending = play.ending(scenario)
            data['ending'] = {'id': ending.id, 'title': ending.title, 'debrief': clean_html(ending.debrief)}
        return data

    def index_dictionary(self):
        base = getattr(super(), 'index_dictionary', None)
        body = base() if base is not None else {}
        content = body.setdefault('content', {})
        content['display_name'] = self.display_name
        try:
            scenario = self.scenario()
        except ScenarioError:
            return body
        texts = [plain_text(scenario.introduction), scenario.role]
        for step in scenario.steps:
            texts += [step.title, plain_text(step.situation), step.question]
        content['scenario_content'] = ' '.join(text for text in texts if text)
        return body
