"""The LTI tool's pages: thin Django views over ``lti_tools.lti1p3`` and the scenario XBlock."""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import asdict
from http.cookies import Morsel
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lti_tools.lti1p3 import claims, deep_linking, oidc, registration, safe_http
from lti_tools.lti1p3.errors import (InvalidLaunch, LtiError, RegistrationError, RegistrationLinkInvalid,
                                     StateMismatch)
from lti_tools.lti1p3.launch import Launch, validate_id_token
from lti_tools.lti1p3.roles import Roles
from lti_tools.handler_calls import NOT_AVAILABLE, call_handler, refusal
from xblocks.handlers import LEARNER
from xblocks.i18n import _

from . import catalogue, store
from .models import Learner, LoginState, Participation, Platform, RegistrationLink, ResourceLink
from .runtime import LtiRuntime, usage_id
from .session import LaunchSession

log = logging.getLogger(__name__)
LOGIN_LIFETIME = store.LOGIN_LIFETIME
DEEP_LINK_SALT = 'magix.lti.deep-link'
LEARNER_HANDLERS = frozenset({LEARNER})
EXERCISE_IN_URL = re.compile(r'/lti/launch/(?P<slug>[a-z0-9][a-z0-9-]*)/?$')


class ExerciseNotFound(LtiError):
    status = 404
    message = _('This exercise is not offered by the tool (any more). Ask your instructor to choose another one.')


class NotTeaching(LtiError):
    status = 403
    message = _('Only instructors can see this page.')


# --- helpers -------------------------------------------------------------------------------------

def error_page(request, error: LtiError) -> HttpResponse:
    log.info('LTI request refused (%s): %s', type(error).__name__, error.detail)
    return render(request, 'lti_tool/error.html', {
        'message': gettext(error.message), 'detail': error.detail if error.public_detail else ''},
        status=error.status)


def frame_ancestors(platform: Platform | None) -> str:
    """``frame-ancestors`` for a page: ourselves and the launching platform, once approved."""
    return ' '.join(["'self'", *(platform.frame_origins() if platform is not None else [])])


def launching_platform(request, kwargs) -> Platform | None:
    """The platform this page belongs to: set by the view, or named by the launch session."""
    if getattr(request, 'lti_platform', None) is not None:
        return request.lti_platform
    token = kwargs.get('token') or (request.POST.get('session') if request.method == 'POST' else None)
    if not token:
        return None
    try:
        session = LaunchSession.from_token(token)
    except signing.BadSignature:
        return None
    link = ResourceLink.objects.filter(pk=session.link).select_related('platform').first()
    return link.platform if link else None


def lti_page(view):
    """LTI views: refusals become a clear error page; only the launching platform may frame them."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except LtiError as error:
            response = error_page(request, error)
        response['Content-Security-Policy'] = f'frame-ancestors {frame_ancestors(launching_platform(request, kwargs))}'
        response.xframe_options_exempt = True   # browsers obey frame-ancestors over X-Frame-Options
        return response
    return wrapped


def activate_language(locale: str) -> str:
    """Use the launch's locale (``fr-CA``, ``fr_FR``, ``de``...) when we have that language."""
    wanted = locale.replace('_', '-').lower()
    for candidate in (wanted, wanted.split('-')[0]):
        if not candidate:
            continue
        try:
            language = translation.get_supported_language_variant(candidate)
        except LookupError:
            continue
        translation.activate(language)
        return language
    translation.activate(settings.LANGUAGE_CODE)
    return settings.LANGUAGE_CODE


def state_cookie(state: str) -> str:
    return f'lti1p3-state-{state}'


class PartitionedMorsel(Morsel):
    """A cookie with the ``Partitioned`` attribute (CHIPS), which Python 3.12's cookies lack.

    Browsers that block third-party cookies still keep a partitioned one for the tool inside
    this platform's page, which is all the OIDC state needs.
    """

    def OutputString(self, attrs=None):
        return super().OutputString(attrs) + '; Partitioned'


def partition(response: HttpResponse, name: str) -> HttpResponse:
    plain = response.cookies[name]
    cookie = PartitionedMorsel()
    cookie.set(plain.key, plain.value, plain.coded_value)
    cookie.update(plain)
    response.cookies[name] = cookie
    return response


def launch_path() -> str:
    """Our redirect URI's path (also the state cookie's), reversed once per script prefix."""
    return _launch_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=32)
def _launch_path(prefix: str, urlconf) -> str:
    return reverse('lti_tool:launch')


def absolute(request, name, *args) -> str:
    return request.build_absolute_uri(reverse(f'lti_tool:{name}', args=args))


def tool_urls(request) -> registration.ToolUrls:
    return registration.ToolUrls(getattr(settings, 'LTI_BASE_URL', '') or request.build_absolute_uri('/'))


def session_from(token: str) -> LaunchSession:
    try:
        return LaunchSession.from_token(token)
    except signing.BadSignature as error:
        raise StateMismatch(f'the launch session is forged or expired: {error}') from error


# --- OIDC login and launch --------------------------------------------------------------------------

@csrf_exempt
@lti_page
def login(request):
    """Third-party initiated login (GET or POST): remember state and nonce, go to the platform."""
    params = request.POST if request.method == 'POST' else request.GET
    registrations = store.Registrations()
    started = oidc.start_login(params, registrations=registrations, redirect_uri=request.build_absolute_uri(launch_path()))
    platform = registrations.platform(started.registration)
    store.remember_login(started.state, started.nonce, platform, started.params)
    response = HttpResponse(status=302)
    response['Location'] = started.redirect_url
    response.set_cookie(state_cookie(started.state), started.state, max_age=int(LOGIN_LIFETIME.total_seconds()),
                        secure=True, httponly=True, samesite='None', path=launch_path())
    return partition(response, state_cookie(started.state))


def consume_login(request) -> LoginState:
    """The login this launch answers; single use, and only in the browser that started it."""
    state = request.POST.get('state', '')
    if not state or not request.POST.get('id_token'):
        raise InvalidLaunch('the launch has no state or no id_token')
    login_state = store.consume_login_state(state)
    if login_state is None:
        raise StateMismatch('the state is unknown or was already used')
    if login_state.created_at < timezone.now() - LOGIN_LIFETIME:
        raise StateMismatch('the login has expired')
    return login_state


@csrf_exempt
@require_POST
@lti_page
def launch(request, slug=None):
    """The platform posts the id_token here (our redirect URI)."""
    login_state = consume_login(request)
    registrations = store.Registrations()
    request.lti_platform = registrations.of_platform(login_state.platform_id)
    if request.lti_platform is None:
        raise StateMismatch('the platform of this login is no longer registered')
    cookie = request.COOKIES.get(state_cookie(login_state.state))
    if cookie is None:
        return cookies_blocked(request, login_state)
    if not constant_time_compare(cookie, login_state.state):
        raise StateMismatch('the state cookie does not match the state')
    message = validate_id_token(request.POST['id_token'], registrations=registrations,
                                keys=store.platform_keys(), expected_nonce=login_state.nonce,
                                use_nonce=store.use_nonce,
                                login_target_link_uri=login_state.params.get('target_link_uri', ''))
    if (message.registration.issuer, message.registration.client_id) != \
            (request.lti_platform.issuer, request.lti_platform.client_id):
        raise StateMismatch('the id_token comes from another platform than the login')
    language = activate_language(message.locale)
    if message.message_type == claims.DEEP_LINKING_REQUEST:
        response = deep_link_picker(request, message)
    else:
        response = exercise_launch(request, message, language, slug)
    response.delete_cookie(state_cookie(login_state.state), path=launch_path(), samesite='None')
    return partition(response, state_cookie(login_state.state))


def cookies_blocked(request, login_state: LoginState) -> HttpResponse:
    """The browser dropped our state cookie (third-party cookies blocked in the iframe)."""
    restart = f'{absolute(request, "login")}?{urlencode(login_state.params)}'
    return render(request, 'lti_tool/cookies_blocked.html', {'restart_url': restart}, status=403)


def chosen_exercise(message: Launch, slug: str | None, link: ResourceLink | None) -> catalogue.Exercise:
    """From the link's custom parameter, the target link URI, the URL, or the link's earlier choice."""
    match = EXERCISE_IN_URL.search(urlsplit(message.target_link_uri).path)
    wanted = message.custom.get('magix_scenario') or (match and match['slug']) or slug or (link and link.scenario)
    exercise = catalogue.exercises().get(str(wanted or ''))
    if exercise is None:
        raise ExerciseNotFound(f'no exercise {wanted!r} (target_link_uri {message.target_link_uri!r})')
    return exercise


def record_launch(message: Launch, exercise: catalogue.Exercise | None, platform: Platform,
                  link: ResourceLink | None) -> tuple[Learner, ResourceLink]:
    """Remember the learner, the link (``link``: as already read, or None) and who launched it;
    the learner returned carries its key and anonymous id (all a launch session needs).

    Each write is an upsert on its own unique key (one ``INSERT ... ON CONFLICT`` statement where
    the database has it), so concurrent launches of the same learner or link converge without
    one transaction around them all; an unchanged link is not rewritten.
    """
    now = timezone.now()
    person = message.person
    name = person.get('name') or ' '.join(filter(None, [person.get('given_name'), person.get('family_name')]))
    identity = {'issuer': message.issuer, 'deployment_id': message.deployment_id, 'subject': message.subject}
    upserted = store.upsert_learner(**identity, name=name, email=person.get('email'), now=now)
    if upserted is not None:
        learner, new_learner = Learner(pk=upserted[0], anonymous_id=upserted[1], **identity), False
    else:
        learner, new_learner = store.get_or_insert(
            Learner, lookup=identity, defaults={'name': name, 'email': person.get('email', ''), 'last_seen': now})
        if not new_learner:
            learner.name, learner.email, learner.last_seen = name or learner.name, person.get('email', learner.email), now
            learner.save(update_fields=['name', 'email', 'last_seen'])
    scopes = message.ags.get('scope')
    wanted = {
        'title': str(message.resource_link.get('title') or '')[:255],
        'context_id': str(message.context.get('id') or '')[:255],
        'context_title': str(message.context.get('title') or '')[:255],
        **({'scenario': exercise.slug} if exercise is not None else {}),
        **({'lineitem_url': str(message.ags['lineitem'])} if message.ags.get('lineitem') else {}),
        **({'lineitems_url': str(message.ags['lineitems'])} if message.ags.get('lineitems') else {}),
        **({'ags_scopes': [str(scope) for scope in scopes]} if isinstance(scopes, list) else {}),
        **({'memberships_url': message.nrps_url} if message.nrps_url else {}),
    }
    created = False
    if link is None:
        link, created = store.get_or_insert(
            ResourceLink, lookup={'platform': platform, 'deployment_id': message.deployment_id,
                                  'resource_link_id': message.resource_link['id']}, defaults=wanted, look_first=False)
        link.platform = platform
    changed = [field for field, value in wanted.items() if getattr(link, field) != value]
    if changed and not created:
        for field in changed:
            setattr(link, field, wanted[field])
        link.save(update_fields=changed)
    launched = {'teaching': message.roles.is_teaching, 'last_launch': now}
    if store.upsert_participation(learner.pk, link.pk, message.roles.is_teaching, now):
        return learner, link
    # A new learner has no participation yet (another launch may create it first: then we update).
    if new_learner or not Participation.objects.filter(learner=learner, resource_link=link).update(**launched):
        _participation, inserted = store.get_or_insert(Participation, {'learner': learner, 'resource_link': link},
                                                       launched, look_first=False)
        if not inserted:
            Participation.objects.filter(learner=learner, resource_link=link).update(**launched)
    return learner, link


def discover_lineitem(link: ResourceLink, exercise: catalogue.Exercise):
    """A graded link launched without a ``lineitem``: find (or create) it once, through AGS.

    A failure only logs: the launch goes on, and the next launch tries again.
    """
    if link.lineitem_url or not link.lineitems_url or not exercise.graded:
        return
    try:
        link.lineitem_url = store.service_client(link.platform).find_or_create_lineitem(
            link.lineitems_url, link.ags_scopes, resource_link_id=link.resource_link_id, resource_id=exercise.slug,
            label=link.title or exercise.title, score_maximum=1.0)
    except LtiError as error:
        log.warning('no line item for %s: %s', link, error.detail)
        return
    link.save(update_fields=['lineitem_url'])


def exercise_launch(request, message: Launch, language: str, slug: str | None) -> HttpResponse:
    """Render the exercise with the scenario XBlock, as this learner (state resumes).

    A link with no (or no longer offered) exercise: instructors choose one, learners are told.
    """
    platform = request.lti_platform   # the login's, which issued this id_token (checked in ``launch``)
    existing = store.resource_link(platform, message.deployment_id, message.resource_link['id'])
    try:
        exercise = chosen_exercise(message, slug, existing)
    except ExerciseNotFound:
        if not message.roles.is_teaching:
            raise
        exercise = None
    learner, link = record_launch(message, exercise, platform, existing)
    session = LaunchSession(learner=learner.pk, user_id=learner.anonymous_id, link=link.pk,
                            exercise=exercise.slug if exercise else '', teaching=message.roles.is_teaching,
                            language=language)
    if exercise is None:
        return exercise_picker(request, [('session', session.token())], reverse('lti_tool:choose'), multiple=False,
                               status=200)
    return open_exercise(request, session, link, exercise)


def open_exercise(request, session: LaunchSession, link: ResourceLink, exercise: catalogue.Exercise) -> HttpResponse:
    discover_lineitem(link, exercise)
    return render_exercise(request, session, exercise)


def exercise_picker(request, hidden: list[tuple[str, str]], action: str, multiple: bool, status=200) -> HttpResponse:
    """The catalogue as a form (titles in the current language), for deep linking or a bare link."""
    language = translation.get_language() or ''
    return render(request, 'lti_tool/pick_exercises.html', {
        'exercises': [{'slug': exercise.slug, 'title': catalogue.localized_title(exercise, language),
                       'graded': exercise.graded} for exercise in catalogue.exercises().values()],
        'hidden': hidden, 'multiple': multiple, 'action': action,
    }, status=status)


@csrf_exempt
@require_POST
@lti_page
def choose(request):
    """An instructor binds a link that named no exercise to the one they chose."""
    session = session_from(request.POST.get('session', ''))
    if not session.teaching:
        raise NotTeaching('only instructors choose the exercise of a link')
    exercise = catalogue.exercises().get(request.POST.get('exercise', ''))
    if exercise is None:
        raise ExerciseNotFound(f'no exercise {request.POST.get("exercise")!r}')
    translation.activate(session.language)
    link = ResourceLink.objects.select_related('platform').get(pk=session.link)
    link.scenario = exercise.slug
    link.save(update_fields=['scenario'])
    chosen = LaunchSession(**{**asdict(session), 'exercise': exercise.slug})
    return open_exercise(request, chosen, link, exercise)


def render_exercise(request, session: LaunchSession, exercise: catalogue.Exercise) -> HttpResponse:
    runtime = LtiRuntime(session)
    block = runtime.get_block(usage_id(exercise))
    fragment = block.render('student_view', {})
    token = session.token()
    # The page reads nothing of the request: rendered without the context processors (a user, the
    # time zone, messages...), which cost as much as the page itself.
    return HttpResponse(get_template('lti_tool/exercise.html').render({
        'title': block.display_name, 'body': fragment.body_html(), 'head_html': fragment.head_html(),
        'foot_html': fragment.foot_html(), 'teaching': session.teaching,
        'handler_base': reverse('lti_tool:handler_base', args=[token]),
        'summary_url': reverse('lti_tool:summary', args=[token]) if session.teaching else '',
    }))


# --- the XBlock's handlers -------------------------------------------------------------------------

@csrf_exempt
@lti_page
def handler(request, token, usage, handler_name, suffix=''):
    """A learner handler of the launched exercise; the signed session says who is calling.

    Only the exercise this session launched, and only its learner handlers (``choose``, ``undo``,
    ``restart``: ``xblocks.handlers.LEARNER``); authoring handlers are never served here.
    """
    try:
        session = session_from(token)
    except StateMismatch as error:
        log.info('LTI handler call refused: %s', error.detail)
        return refusal(403, error.message)
    exercise = catalogue.exercises().get(session.exercise)
    if exercise is None or usage != usage_id(exercise):
        return refusal(404, NOT_AVAILABLE)
    translation.activate(session.language)
    # A new grade is only queued here; the grade worker (magix lti process-grades) delivers it.
    return call_handler(LtiRuntime(session), usage, handler_name, request, suffix, audiences=LEARNER_HANDLERS)


# --- instructors -------------------------------------------------------------------------------------

@require_GET
@lti_page
def summary(request, token):
    """The instructor's view of this resource link: who played, how far, best score; the roster."""
    session = session_from(token)
    if not session.teaching:
        raise NotTeaching('the launch session is not an instructor\'s')
    translation.activate(session.language)
    link = ResourceLink.objects.select_related('platform').get(pk=session.link)
    exercise = catalogue.exercises().get(link.scenario)
    if exercise is None:
        raise ExerciseNotFound(f'no exercise {link.scenario!r}')
    rows = learner_rows(link, exercise)
    roster, roster_error = [], ''
    if link.memberships_url:
        try:
            roster = roster_rows(link, rows)
        except LtiError as error:
            roster_error = gettext(error.message)
            log.warning('roster of %s not loaded: %s', link, error.detail)
    return render(request, 'lti_tool/summary.html', {
        'link': link, 'exercise': exercise, 'rows': rows, 'roster': roster, 'roster_error': roster_error,
        'has_roster': bool(link.memberships_url),
    })


def learner_rows(link: ResourceLink, exercise: catalogue.Exercise) -> list[dict]:
    rows = []
    participations = link.participations.filter(teaching=False).select_related('learner').order_by('learner__name')
    usage = usage_id(exercise)
    for participation in participations:
        learner = participation.learner
        block = LtiRuntime(LaunchSession(learner=learner.pk, user_id=learner.anonymous_id, link=link.pk,
                                         exercise=exercise.slug, teaching=False, language='')).get_block(usage)
        rows.append({'learner': learner, 'last_launch': participation.last_launch, 'attempts': block.attempts_used,
                     'best_percent': None if block.best_score is None else round(block.best_score * 100),
                     'in_progress': bool(block.current_node) and not block.attempts_used})
    return rows


def roster_rows(link: ResourceLink, rows: list[dict]) -> list[dict]:
    """The course's learners (NRPS), each with their progress here or "not started"."""
    by_subject = {row['learner'].subject: row for row in rows}
    members = store.service_client(link.platform).members(link.memberships_url)
    roster = []
    for member in members:
        roles = member.get('roles') or []
        if Roles(roles).is_teaching or member.get('status', 'Active') != 'Active':
            continue
        row = by_subject.get(str(member.get('user_id')))
        roster.append({'name': member.get('name') or ' '.join(filter(None, [member.get('given_name'),
                                                                              member.get('family_name')])),
                       'email': member.get('email', ''), 'user_id': member.get('user_id'), 'row': row})
    return roster


# --- deep linking -------------------------------------------------------------------------------------

def deep_link_picker(request, message: Launch) -> HttpResponse:
    """The instructor picks exercises from the catalogue for the platform to place."""
    if not message.roles.is_teaching:
        raise NotTeaching('deep linking request from a non-instructor')
    essentials = signing.dumps(deep_linking.request_essentials(message), salt=DEEP_LINK_SALT, compress=True)
    return exercise_picker(request, [('request', essentials)], reverse('lti_tool:deep_link'),
                           multiple=message.deep_linking_settings.get('accept_multiple', True))


@csrf_exempt
@require_POST
@lti_page
def deep_link_response(request):
    """Sign the chosen exercises and post them back to the platform (auto-submitted form)."""
    try:
        essentials = signing.loads(request.POST.get('request', ''), salt=DEEP_LINK_SALT, max_age=3600)
    except signing.BadSignature as error:
        raise StateMismatch(f'the deep linking request is forged or expired: {error}') from error
    request.lti_platform = Platform.objects.filter(issuer=essentials['issuer'], client_id=essentials['client_id']).first()
    available = catalogue.exercises()
    urls = tool_urls(request)
    items = [deep_linking.LinkItem(url=urls.exercise(slug), title=available[slug].title, resource_id=slug,
                                   score_maximum=1.0 if available[slug].graded else None,
                                   custom=(('magix_scenario', slug),))
             for slug in request.POST.getlist('exercise') if slug in available]
    jwt_token = deep_linking.signed_response(essentials, items, store.signing_key())
    return render(request, 'lti_tool/deep_link_return.html', {
        'return_url': essentials['settings']['deep_link_return_url'], 'jwt': jwt_token, 'count': len(items)})


# --- keys and registration ---------------------------------------------------------------------------

@require_GET
def jwks(request):
    response = JsonResponse(store.public_jwks())
    response['Cache-Control'] = 'public, max-age=300'
    return response


@require_GET
def tool_configuration(request):
    urls = tool_urls(request)
    return JsonResponse(registration.tool_configuration(urls, gettext(registration.TOOL_NAME), gettext(registration.TOOL_DESCRIPTION)))


@require_GET
def canvas_configuration(request):
    urls = tool_urls(request)
    return JsonResponse(registration.canvas_configuration(urls, gettext(registration.TOOL_NAME), gettext(registration.TOOL_DESCRIPTION)))


@require_GET
@lti_page
def dynamic_registration(request, token=''):
    """LTI Dynamic Registration through a one-time link an administrator made
    (``magix lti registration-link``); the platform opens it with its configuration URL.

    The link is spent by the first attempt, whatever its outcome. The platform registered this
    way may launch at once, but frames our pages only once an administrator approves it.
    """
    configuration_url = request.GET.get('openid_configuration', '')
    link = RegistrationLink.claim(token)
    if link is None:
        raise RegistrationLinkInvalid('no registration link, or it was used or has expired')
    if not configuration_url:
        raise RegistrationError('no openid_configuration parameter')
    urls = tool_urls(request)
    policy = safe_http.Policy(allow_private=getattr(settings, 'LTI_REGISTRATION_ALLOW_INSECURE', False))
    registered = registration.register(configuration_url, request.GET.get('registration_token', ''),
                                       registration.tool_configuration(urls, gettext(registration.TOOL_NAME),
                                                                       gettext(registration.TOOL_DESCRIPTION)),
                                       policy=policy)
    platform = store.save_registration(registered.registration, registered.name, approved=False)
    RegistrationLink.objects.filter(pk=link.pk).update(platform=platform)
    log.info('platform %s registered through registration link %s; waiting for approval', platform.pk, link.pk)
    return render(request, 'lti_tool/registered.html', {'name': registered.name})
