"""Course-team views of the credential widget: the Studio editor, the author summary, OLX."""
from __future__ import annotations

import logging

from web_fragments.fragment import Fragment

from ..handlers import STAFF, authored_xml, json_api
from ..olx_content import ChildContentOlxMixin
from ..studio_editor import add_editor_assets, check_failed, editor_strings
from .loading import load_pathway, loader, shipped_pathways
from .pathway_xml import canonical_xml
from .problems import PathwayError

log = logging.getLogger(__name__)


class CredentialStudioMixin(ChildContentOlxMixin):
    """The pathway as readable XML validated on save, and a summary a course team checks it with."""

    content_tag, content_field = 'pathway', 'pathway_xml'

    def describe(self, xml_text: str) -> dict:
        """Problems and summary figures of some pathway XML (saved or being edited)."""
        pathway, problems = load_pathway(xml_text)
        summary = {'problems': [problem.render(self.gettext) for problem in problems], 'credentials': [],
                   'programme': '', 'ects': '', 'bodies': []}
        if pathway is not None:
            language = self.learner_language(pathway)
            summary.update(
                programme=pathway.programme.title.get(language), ects=pathway.programme.ects,
                eqf=pathway.programme.eqf_level,
                bodies=[body.name.get(language) for body in pathway.awarding_bodies(pathway.programme)],
                credentials=[{'title': credential.title.get(language), 'id': credential.id, 'ects': credential.ects,
                              'requirements': len(credential.requirements) + len(credential.children),
                              'languages': ', '.join(credential.title.languages)}
                             for credential in pathway.credentials])
        return summary

    def author_view(self, context=None):
        fragment = Fragment(self.render_template('author.html', block=self, summary=self.describe(self.pathway_xml)))
        fragment.add_css(loader.load_unicode('static/css/credentials.css'))
        return fragment

    def studio_view(self, context=None):
        summary = self.describe(self.pathway_xml)
        fragment = Fragment(self.render_template(
            'studio.html', block=self, summary=summary, shipped=[title for title, _ in shipped_pathways()],
            display_name_label=self.gettext(self.fields['display_name'].display_name)))
        fragment.add_css(loader.load_unicode('static/css/credentials.css'))
        add_editor_assets(fragment)
        fragment.add_javascript(loader.load_unicode('static/js/studio.js'))
        fragment.initialize_js('MagixCredentialStudio', {'pathways': [xml for _, xml in shipped_pathways()], 'strings': {
            **editor_strings(self.gettext, 'pathway'),
            'replace': self.gettext('Replace the pathway in the editor? Nothing is saved until you click Save.'),
        }})
        return fragment

    @json_api({'pathway_xml': str, 'display_name': str}, audience=STAFF)
    def studio_submit(self, data, suffix=''):
        """Save the title and pathway together, or nothing at all if the pathway has problems."""
        xml_text = authored_xml(data.get('pathway_xml', self.pathway_xml))
        display_name = data.get('display_name', self.display_name).strip()
        report = self.describe(xml_text)
        errors = list(report['problems'])
        if not display_name:
            errors.append(self.gettext('The title cannot be empty.'))
        if errors:
            return {'result': 'error', 'errors': errors}
        try:
            self.pathway_xml = canonical_xml(xml_text)
        except PathwayError as error:  # cannot happen after describe(), but never store bad XML
            return {'result': 'error', 'errors': error.render(self.gettext)}
        self.display_name = display_name
        return {'result': 'success'}

    @json_api({'pathway_xml': str}, audience=STAFF)
    def check_pathway(self, data, suffix=''):
        """Validate XML being edited in Studio, without saving anything (course staff only). Answers
        only what the editor shows (the problems), so nothing unserialisable (ECTS are ``Decimal``)
        reaches JSON; never fails: whatever goes wrong comes back as a problem the course team can read."""
        pathway_xml = authored_xml(data.get('pathway_xml', ''))   # too large: a 413, before any work
        try:
            return {'problems': self.describe(pathway_xml)['problems']}
        except Exception as error:  # noqa: BLE001 (a live check answers; the log keeps the trace)
            log.exception('Pathway live check failed')
            return {'problems': [check_failed(self.gettext, error)]}

