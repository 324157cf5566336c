"""Course-team views of the scenario block: the Studio editor, the author summary and diagram."""
from __future__ import annotations

import logging

from web_fragments.fragment import Fragment

from ..handlers import STAFF, authored_xml, json_api
from ..json_input import WRONG_TYPE, BadInput
from ..olx_content import ChildContentOlxMixin
from ..rendering import static_text
from ..studio_editor import add_editor_assets, check_failed, editor_strings
from . import diagram
from .engine import best_score_description
from .loading import canonical_xml, load_scenario
from .problems import ScenarioError

log = logging.getLogger(__name__)


class ScenarioStudioMixin(ChildContentOlxMixin):
    """Settings as a form, the scenario as readable XML validated on save, and an SVG diagram."""

    content_tag, content_field = 'scenario', 'scenario_xml'
    has_author_view = True  # Studio previews author_view (the diagram) only for blocks that say so

    def diagram_labels(self):
        return {
            'title': self.gettext('Scenario diagram'),
            'summary': self.gettext('{steps} steps, {endings} endings.'),
            'start': self.gettext('start'),
            'ending': self.gettext('ending'),
            'unreachable': self.gettext('unreachable'),
            'dead_end': self.gettext('no ending reachable'),
            'missing': self.gettext('missing: {id}'),
            'too_large': self.gettext('Too many steps and endings to draw ({count}; at most {limit}).'),
        }

    def describe(self, xml_text: str, scoring_mode: str, prefix: str = 'magix-author') -> dict:
        """Problems, summary figures and the diagram of some scenario XML (saved or being edited)."""
        scenario, problems = load_scenario(xml_text, scoring_mode)
        result = {'problems': [problem.render(self.gettext) for problem in problems], 'svg': '',
                  'steps': 0, 'endings': 0, 'best': None, 'outline': []}
        if scenario is not None:
            result.update(steps=len(scenario.steps), endings=len(scenario.endings),
                          best=best_score_description(scenario, scoring_mode) if scoring_mode != 'practice' else None,
                          svg=diagram.render_svg(scenario, self.diagram_labels(), prefix),
                          outline=diagram.outline(scenario, self.diagram_labels()))
        return result

    def author_view(self, context=None):
        """Studio's preview: the summary and the diagram a course team checks a design with."""
        summary = self.describe(self.scenario_xml, self.scoring_mode)
        fragment = Fragment(self.render_template('author.html', block=self, summary=summary))
        fragment.add_css(self.static('css/scenario.css'))
        return fragment

    def studio_view(self, context=None):
        fields = [(name, self.fields[name]) for name in self.editable_fields]
        summary = self.describe(self.scenario_xml, self.scoring_mode, 'magix-studio')
        fragment = Fragment(self.render_template('studio.html', block=self, fields=[
            {'name': name, 'label': self.gettext(field.display_name), 'help': self.gettext(field.help) if field.help else '',
             'value': getattr(self, name), 'type': type(field).__name__,
             'choices': [(choice['value'], self.gettext(choice['display_name']))
                         for choice in (field.values if isinstance(field.values, list) else [])]}
            for name, field in fields], summary=summary))
        fragment.add_css(self.static('css/scenario.css'))
        add_editor_assets(fragment)
        fragment.add_javascript(self.static('js/studio.js'))
        fragment.initialize_js('MagixScenarioStudio', {'strings': editor_strings(self.gettext, 'scenario')})
        return fragment

    def static(self, path):
        return static_text(__package__, f'static/{path}')

    def clean_settings(self, data: dict) -> tuple[dict, list[str]]:
        """Convert and check the form's settings; returns (values, error messages)."""
        values, errors = {}, []
        for name in self.editable_fields:
            if name not in data:
                continue
            field = self.fields[name]
            try:
                value = field.from_json(data[name])
            except (TypeError, ValueError):
                errors.append(self.gettext('{field}: "{value}" is not valid.').format(
                    field=self.gettext(field.display_name), value=data[name]))
                continue
            if isinstance(field.values, dict) and value is not None and value < field.values.get('min', value):
                errors.append(self.gettext('{field} cannot be negative.').format(field=self.gettext(field.display_name)))
            elif isinstance(field.values, list) and value not in [choice['value'] for choice in field.values]:
                errors.append(self.gettext('{field}: "{value}" is not valid.').format(
                    field=self.gettext(field.display_name), value=value))
            else:
                values[name] = value
        return values, errors

    @json_api({'settings': dict, 'scenario_xml': str}, audience=STAFF)
    def studio_submit(self, data, suffix=''):
        """Save settings and scenario together, or nothing at all if anything is invalid."""
        xml_text = authored_xml(data.get('scenario_xml', self.scenario_xml))
        values, errors = self.clean_settings(data.get('settings', {}))
        scoring_mode = values.get('scoring_mode', self.scoring_mode)
        report = self.describe(xml_text, scoring_mode, 'magix-studio')
        errors.extend(report['problems'])
        if errors:
            return {'result': 'error', 'errors': errors, 'svg': report['svg']}
        for name, value in values.items():
            setattr(self, name, value)
        try:
            self.scenario_xml = canonical_xml(xml_text)
        except ScenarioError as error:  # cannot happen after describe(), but never store bad XML
            return {'result': 'error', 'errors': error.render(self.gettext), 'svg': ''}
        return {'result': 'success', 'svg': report['svg']}

    @json_api({'scenario_xml': str, 'scoring_mode': str}, audience=STAFF)
    def preview_diagram(self, data, suffix=''):
        """Check XML being edited in Studio and draw it, without saving anything (course staff only).
        Never fails: whatever goes wrong comes back as a problem the course team can read (the
        editor keeps their text); only a body we refuse (too large, unknown mode) is a 4xx."""
        scoring_mode = data.get('scoring_mode', self.scoring_mode)
        if scoring_mode not in [choice['value'] for choice in self.fields['scoring_mode'].values]:
            raise BadInput(WRONG_TYPE, field='scoring_mode')
        scenario_xml = authored_xml(data.get('scenario_xml', ''))
        try:
            return self.describe(scenario_xml, scoring_mode, 'magix-studio')
        except Exception as error:  # noqa: BLE001 (a live check answers; the log keeps the trace)
            log.exception('Scenario live check failed')
            return {'problems': [check_failed(self.gettext, error)], 'svg': '', 'steps': 0, 'endings': 0, 'best': None}
