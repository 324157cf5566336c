"""The ``magix_credential_progress`` XBlock: a thin shell over the plain-Python credential modules.

It shows a learner where they stand on a pathway of stackable micro-credentials, lets them
download each earned credential (Open Badges 3.0 VC-JWT, ELM v3 / Europass), and shows the
course team how many learners earned each one. It never affects unit completion.

Results come from the host: our demo and LTI host provide a ``magix_results`` service
(``lti_tools.runtime``); in Open edX the LMS models are read (``openedx.py``). On both,
completion of blocks in the current course is read through the ``completion`` service.
"""
from __future__ import annotations

import hashlib
import uuid

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String

from ..i18n import I18nMixin, _
from ..rendering import render_template
from . import openedx
from .award import Award
from .exports import FORMATS, signed_file
from .headless import CredentialHeadlessMixin
from .keys import IssuerKeyError, issuer_key_from_pem, load_issuer_key, load_or_create_issuer_key
from .loading import demo_block_xml, demo_course_page, load_pathway, loader
from .model import BLOCK, COURSE, CREDENTIAL, Pathway
from .pathway_xml import canonical_xml
from .progress import closure, compute_progress, earned_counts, progress_from_results
from .sources import learner_source
from .studio import CredentialStudioMixin

USER_ID, USER_IS_STAFF = 'edx-platform.user_id', 'edx-platform.user_is_staff'
IS_AUTHENTICATED, USERNAME = 'edx-platform.is_authenticated', 'edx-platform.username'
STATES = {'earned': _('Earned'), 'progress': _('In progress'), 'todo': _('Not started')}
PARTICIPATION = {'online': _('Online'), 'onsite': _('On site'), 'blended': _('Blended')}


@XBlock.needs('i18n')
@XBlock.wants('user', 'studio_user_permissions', 'completion', 'magix_results', 'settings')
class CredentialProgressBlock(CredentialStudioMixin, CredentialHeadlessMixin, I18nMixin, XBlock):
    """Progress towards stackable micro-credentials and the programme they build."""

    completion_mode = XBlockCompletionMode.EXCLUDED
    has_author_view = True
    icon_class = 'other'
    block_settings_key = 'magix_credential_progress'

    display_name = String(display_name=_('Title'), default=_('Your progress towards the programme'),
                          scope=Scope.settings, help=_('The title learners see above the widget.'))
    pathway_xml = String(default=canonical_xml(demo_block_xml()), scope=Scope.content,
                         help=_('The credential pathway as XML; stored as the <pathway> child of the block in OLX.'))

    # --- who, where, which language -----------------------------------------------------------

    def current_user(self):
        service = self.runtime.service(self, 'user')
        return service.get_current_user() if service is not None else None

    def user_id(self) -> str | None:
        """The signed-in learner's id, or None for an anonymous visitor."""
        user = self.current_user()
        if user is None or not user.opt_attrs.get(IS_AUTHENTICATED, False):
            return None
        found = user.opt_attrs.get(USER_ID)
        return None if found in (None, '', 'anonymous') else str(found)

    def is_course_staff(self) -> bool:
        user = self.current_user()
        return bool(user is not None and user.opt_attrs.get(USER_IS_STAFF))

    def learner_language(self, pathway: Pathway) -> str:
        """The UI language of the request (from the i18n service), else the pathway's default."""
        for getter in (lambda: self.i18n_service.get_language(), lambda: self.i18n_service.info().get('language')):
            try:
                found = getter()
            except (AttributeError, TypeError):
                continue
            if found:
                return str(found).replace('_', '-').lower()
        return pathway.default_language

    def course_key(self) -> str:
        host = self.runtime.service(self, 'magix_results')
        if host is not None:
            return host.course_key
        return str(getattr(self.scope_ids.usage_id, 'context_key', '') or getattr(self.runtime, 'course_id', ''))

    def backend(self):
        """Where learner results come from: our host's service, else the Open edX LMS models."""
        host = self.runtime.service(self, 'magix_results')
        if host is not None:
            return host
        return openedx.OpenEdxBackend(self.course_key()) if openedx.available() else None

    def progress(self, pathway: Pathway, user_id: str):
        backend = self.backend()
        if backend is None:
            return None
        source = learner_source(backend.source_for(user_id), self.runtime.service(self, 'completion'),
                                self.course_key())
        return compute_progress(pathway, source)

    def render_template(self, template, **context):
        return render_template(__package__, f'templates/{template}', context, self.i18n_service)

    # --- learner view ---------------------------------------------------------------------------

    def requirement_view(self, pathway, status, language, backend, prefix):
        requirement = status.requirement
        if requirement.kind == CREDENTIAL:
            target = pathway.credential(requirement.key)
            label = self.gettext('Micro-credential: {title}').format(
                title=target.title.get(language) if target else requirement.key)
            detail = self.gettext('earned') if status.met else self.gettext('not yet earned')
            url = f'#{prefix}-{requirement.key}'
        else:
            label = requirement.label.get(language) or requirement.key.split('@')[-1]
            parts = []
            if requirement.min_score is not None:
                if status.score is None:
                    parts.append(self.gettext('score needed: {needed}%').format(needed=round(requirement.min_score * 100)))
                else:
                    parts.append(self.gettext('score {score}% of {needed}% needed').format(
                        score=round(status.score * 100), needed=round(requirement.min_score * 100)))
            if requirement.completion is not None or requirement.min_score is None:
                parts.append(self.gettext('completed') if (status.completion or 0) >= (requirement.completion or 1.0)
                             else self.gettext('not completed yet'))
            detail = '; '.join(parts)
            url = backend.url_for(requirement.key) if backend is not None else None
        return {'label': label, 'detail': detail, 'met': status.met, 'url': url}

    def credential_html(self, pathway, credential, progress, language, backend, prefix, level):
        """One micro-credential's card (and, inside it, the cards of the credentials it stacks)."""
        item = progress.by_id[credential.id]
        state = 'earned' if item.earned else 'progress' if item.fraction > 0 else 'todo'
        context = {
            'anchor': f'{prefix}-{credential.id}', 'title': credential.title.get(language), 'level': min(level, 6),
            'state': state, 'state_label': self.gettext(STATES[state]),
            'ects': credential.ects, 'ects_earned': item.ects_earned, 'percent': round(item.fraction * 100),
            'met': sum(status.met for status in item.requirements), 'total': len(item.requirements),
            'outcomes': [outcome.get(language) for outcome in credential.learning_outcomes],
            'eqf': credential.eqf_level, 'hours': credential.hours,
            'assessment': credential.assessment.get(language),
            'participation': self.gettext(PARTICIPATION.get(credential.participation, credential.participation)),
            'quality_assurance': credential.quality_assurance.get(language),
            'prerequisites': credential.prerequisites.get(language) if credential.prerequisites else '',
            'bodies': [f'{body.name.get(language)} ({body.country})' for body in pathway.awarding_bodies(credential)],
            'requirements': [self.requirement_view(pathway, status, language, backend, prefix)
                             for status in item.requirements
                             if status.requirement.kind != CREDENTIAL or not any(
                                 child.id == status.requirement.key for child in credential.children)],
            'downloads': [{'url': self.runtime.handler_url(self, 'download', query=f'credential={credential.id}&format={kind}'),
                           'label': label} for kind, label in (('openbadge', self.gettext('Open Badge (VC-JWT)')),
                                                               ('europass', self.gettext('Europass credential (ELM)')))]
            if state == 'earned' else [],
            'children_html': [self.credential_html(pathway, child, progress, language, backend, prefix, level + 1)
                              for child in credential.children],
        }
        return self.render_template('_credential.html', c=context)

    @XBlock.supports('multi_device')  # plain HTML and links: works in the mobile apps' web view
    def student_view(self, context=None):
        prefix = f'magix-{uuid.uuid4().hex[:12]}'
        pathway, problems = load_pathway(self.pathway_xml)
        fragment = Fragment()
        fragment.add_css(loader.load_unicode('static/css/credentials.css'))
        if pathway is None or problems:
            fragment.add_content(self.render_template('broken.html', block=self,
                                                      problems=[problem.render(self.gettext) for problem in problems]))
            return fragment
        language = self.learner_language(pathway)
        user_id = self.user_id()
        backend = self.backend()
        progress = self.progress(pathway, user_id) if user_id and backend is not None else None
        next_step = None
        if progress is not None and progress.next_step:
            credential, status = progress.next_step
            next_step = {'credential': credential.title.get(language),
                         **self.requirement_view(pathway, status, language, backend, prefix)}
        programme = pathway.programme
        fragment.add_content(self.render_template(
            'student.html', prefix=prefix, block=self, language=language,
            programme={'title': programme.title.get(language), 'description': programme.description.get(language),
                       'ects': programme.ects, 'eqf': programme.eqf_level,
                       'bodies': [f'{body.name.get(language)} ({body.country})'
                                  for body in pathway.awarding_bodies(programme)]},
            progress=None if progress is None else {
                'ects_earned': progress.ects_earned, 'percent': round(progress.fraction * 100),
                'earned': progress.earned, 'credentials_earned': len(progress.earned_ids),
                'credentials_total': len(pathway.credentials)},
            signed_in=user_id is not None, available=backend is not None, next_step=next_step,
            credentials_html=[self.credential_html(pathway, credential, progress or progress_from_results(pathway, {}),
                                                   language, backend, prefix, 4)
                              for credential in programme.credentials],
            staff=self.staff_summary(pathway, language, backend) if self.is_course_staff() else None,
        ))
        return fragment

    def staff_summary(self, pathway, language, backend):
        """Course-team aggregates: how many learners earned each credential (counts only)."""
        if backend is None:
            return None
        counts = earned_counts(pathway, backend.results_by_learner(pathway.result_keys()).values())
        return {'learners': counts['learners'], 'programme': counts['programme'],
                'rows': [{'title': credential.title.get(language), 'count': counts['credentials'][credential.id]}
                         for credential in pathway.credentials]}

    # --- downloads ------------------------------------------------------------------------------

    def issuer_settings(self) -> dict:
        service = self.runtime.service(self, 'settings')
        return service.get_settings_bucket(self) if service is not None else {}

    def issuer_key(self):
        """The deployment's key: ``XBLOCK_SETTINGS['magix_credential_progress']``'s ``issuer_key_pem``
        (the PEM text, as the Tutor plugin sets it) or ``issuer_key`` (a PEM file's path)."""
        settings = self.issuer_settings()
        if settings.get('issuer_key_pem'):
            return issuer_key_from_pem(settings['issuer_key_pem'], "XBLOCK_SETTINGS's issuer_key_pem")
        path = settings.get('issuer_key')
        if not path:
            raise IssuerKeyError('no issuer key is configured')
        return load_or_create_issuer_key(path) if settings.get('create_demo_key') else load_issuer_key(path)

    def error_response(self, status, message):
        return Response(message, status=status, content_type='text/plain', charset='utf-8')

    @XBlock.handler
    def download(self, request, suffix=''):
        """The learner's earned credential, signed: ``?credential=<id>&format=openbadge|europass``."""
        kind = request.GET.get('format', 'openbadge')
        credential_id = request.GET.get('credential', '')
        pathway, problems = load_pathway(self.pathway_xml)
        user_id = self.user_id()
        if user_id is None:
            return self.error_response(403, self.gettext('Sign in to download your credentials.'))
        if kind not in FORMATS or pathway is None or problems or pathway.credential(credential_id) is None:
            return self.error_response(404, self.gettext('There is no such credential to download.'))
        progress = self.progress(pathway, user_id)
        if progress is None or not progress.by_id[credential_id].earned:
            return self.error_response(403, self.gettext('You have not earned this credential yet.'))
        try:
            key = self.issuer_key()
        except IssuerKeyError:
            return self.error_response(503, self.gettext('Credential downloads are not set up on this platform yet.'))
        award = self.award(pathway, credential_id, progress, user_id)
        name, content_type, body = signed_file(award, key, kind)
        return Response(body=body, content_type=content_type,
                        content_disposition=f'attachment; filename="{name}"')

    def award(self, pathway, credential_id, progress, user_id):
        credential = pathway.credential(credential_id)
        issuer = pathway.issuer()
        issuer_id = (self.issuer_settings().get('issuer_id')
                     or (issuer.homepage.rstrip('/') + '/magix/issuer' if issuer and issuer.homepage
                         else f'urn:magix:issuer:{issuer.id if issuer else pathway.id}'))
        scores = [status.score for cid in closure(pathway, credential)
                  for status in progress.by_id[cid].requirements
                  if status.requirement.kind in (BLOCK, COURSE) and status.score is not None]
        user = self.current_user()
        name = (user.full_name if user else '') or (user.opt_attrs.get(USERNAME) if user else '') or user_id
        pseudonym = hashlib.sha256(f'{issuer_id}|{user_id}'.encode()).hexdigest()[:32]
        return Award(pathway, credential, f'urn:magix:learner:{pseudonym}', name, issuer_id,
                     grade=sum(scores) / len(scores) if scores else None)

    @staticmethod
    def workbench_scenarios():
        """The demo pathway alone, and below the five shipped scenarios (played there, counted here)."""
        scenarios = [('Credential progress: AI, Data and Digital Governance', demo_block_xml())]
        page = demo_course_page()
        if page:
            scenarios.append(('Credential pathway: the five scenarios and your progress', page))
        return scenarios

