"""What the platform reads from the credential widget without rendering it.

* ``student_view_data`` (Course Blocks API, mobile apps and headless clients; called with no
  learner bound, ``lms/djangoapps/course_api/blocks/transformers/student_view.py``): the pathway
  as any learner sees it before progress: programme and micro-credentials, titles and ECTS in the
  request's language. Learner progress stays behind the authenticated views.
* ``index_dictionary`` (course search): the programme's and credentials' titles and descriptions,
  never requirements, thresholds or scores.
"""
from __future__ import annotations

from .loading import load_pathway


class CredentialHeadlessMixin:
    """``student_view_data`` and ``index_dictionary`` of the credential widget."""

    def student_view_data(self, context=None):
        pathway, problems = load_pathway(self.pathway_xml)
        if pathway is None or problems:
            return {'display_name': self.display_name, 'status': 'unavailable'}
        language = self.learner_language(pathway)

        def credential(item):
            return {'id': item.id, 'title': item.title.get(language), 'ects': str(item.ects),
                    'eqf': item.eqf_level, 'credentials': [credential(child) for child in item.children]}
        programme = pathway.programme
        return {'display_name': self.display_name, 'status': 'available', 'language': language,
                'programme': {'id': programme.id, 'title': programme.title.get(language),
                              'ects': str(programme.ects), 'eqf': programme.eqf_level,
                              'credentials': [credential(item) for item in programme.credentials]}}

    def index_dictionary(self):
        base = getattr(super(), 'index_dictionary', None)
        body = base() if base is not None else {}
        content = body.setdefault('content', {})
        content['display_name'] = self.display_name
        pathway, problems = load_pathway(self.pathway_xml)
        if pathway is None or problems:
            return body
        texts = []
        for item in (pathway.programme, *pathway.credentials):
            texts += [text for _, text in item.title.values] + [text for _, text in item.description.values]
        content['pathway_content'] = ' '.join(texts)
        return body
