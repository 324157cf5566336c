"""The course player's pages: a thin Django shell over ``course.py`` (outline) and ``runtime.py`` (blocks).

Who may call what: every page and handler acts for the learner kept in the session (the demo's
"who am I" picker sets it; a newcomer gets a fresh id, never a shared one); the course-team
switch only changes what the demo shows (a real LMS reads the role from the course team).
Statistics are for the course team. Bad content shows a notice in its place, never a 500.
"""
from __future__ import annotations

import logging
import mimetypes
import re
import secrets

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey
from web_fragments.fragment import Fragment
from xblock.exceptions import NoSuchUsage

from course_export.olx import CourseError, parse_xml
from course_export.slots import parse_srt
from course_export.units import video_transcripts
from lti_tools.handler_calls import call_handler
from lti_tools.results import api as results

from . import course
from .runtime import EXTRACTED, ContentProblem, CourseRuntime, CourseStaticUrls, block_class

log = logging.getLogger(__name__)
LEARNER_ID = re.compile(r'^[A-Za-z0-9_.@-]{1,64}$')
NOT_COUNTED = {'magix_credential_progress'}  # shows progress; never completes a unit (completion EXCLUDED)
VIEWED = {'html', 'video'}                    # complete once seen, as the LMS marks them on view
# The extracted blocks' stylesheets import a web font from a third party: nothing is fetched from outside.
REMOTE_IMPORT = re.compile(r'@import\s+url\(\s*["\']?(?:https?:)?//[^)]*\)\s*;?')


# ---------------------------------------------------------------- who, which language

def learner_of(request) -> str:
    """The learner this browser plays as: kept in the session; a newcomer gets an id of their own."""
    learner = request.session.get('learner')
    if not learner:
        learner = request.session['learner'] = f'learner-{secrets.token_hex(3)}'
    return learner


def is_staff(request) -> bool:
    return bool(request.session.get('staff'))


def language_name(code: str) -> str:
    return LANG_INFO.get(code, {}).get('name_local', code)


def current_edition(request) -> course.Edition:
    return course.edition(translation.get_language() or settings.LANGUAGE_CODE)


def edition_notice(edition: course.Edition) -> str:
    if not edition.notice:
        return ''
    return _('The course is not available in {language} yet: you are reading the English edition.').format(
        language=language_name(edition.requested))


def page_context(request, edition, **extra):
    return {'edition': edition, 'outline': edition.outline, 'learner': learner_of(request), 'staff': is_staff(request),
            'notice': edition_notice(edition), 'content_language': edition.language,
            'languages': settings.LANGUAGES, **extra}


# ---------------------------------------------------------------- progress

def completion_state(learner: str, outline: course.Outline) -> dict[str, bool]:
    """``{unit url_name: complete}``: every counted block has completion 1 or a grade (one query)."""
    found = results.results_for(learner, [block.usage_key for block in outline.blocks()])
    done = {}
    for unit in outline.units:
        counted = [block for block in unit.children if block.block_type not in NOT_COUNTED]
        done[unit.url_name] = bool(counted) and all(
            (found.get(block.usage_key) is not None
             and ((found[block.usage_key].completion or 0) >= 1 or found[block.usage_key].score is not None))
            for block in counted)
    return done


def progress_percent(done: dict[str, bool]) -> int:
    return round(100 * sum(done.values()) / len(done)) if done else 0


# ---------------------------------------------------------------- pages

@ensure_csrf_cookie
def outline(request):
    edition = current_edition(request)
    done = completion_state(learner_of(request), edition.outline)
    resume = next((unit for unit in edition.outline.units if not done[unit.url_name]), None)
    return render(request, 'course_player/outline.html', page_context(
        request, edition, done=done, percent=progress_percent(done), resume=resume))


@ensure_csrf_cookie
def unit(request, url_name):
    edition = current_edition(request)
    node = edition.outline.unit(url_name)
    if node is None:
        raise Http404
    learner = learner_of(request)
    runtime = CourseRuntime(edition, learner, is_staff(request))
    page = Fragment()
    blocks = []
    for ref in node.children:
        shown = render_block(runtime, edition, ref, is_staff(request), heading=node.title)
        if shown.get('fragment') is not None:
            page.add_fragment_resources(shown['fragment'])
        for view in shown.get('staff_views', []):
            page.add_fragment_resources(view['fragment'])
        blocks.append(shown)
        if ref.block_type in VIEWED and 'problem' not in shown:
            results.record_result(learner, ref.usage_key, completion=1.0)
    done = completion_state(learner, edition.outline)
    previous, following = edition.outline.neighbours(node)
    sequence = node.parent
    return render(request, 'course_player/unit.html', page_context(
        request, edition, unit=node, sequence=sequence, chapter=sequence.parent if sequence else None,
        blocks=blocks, previous=previous, next=following, done=done, percent=progress_percent(done),
        head_html=REMOTE_IMPORT.sub('', page.head_html()), foot_html=page.foot_html(), handler_base=handler_base(),
        position=edition.outline.units.index(node) + 1))


def handler_base() -> str:
    """Where the blocks' ``runtime.handlerUrl`` (the SDK's runtime/1.js: base + usage + handler) points:
    ``/course-handler/``, as ``CourseRuntime.handler_url`` answers on the server."""
    probe = reverse('course_player:handler', args=['block-v1:_', '_', ''])
    return probe[:-len('block-v1:_/_/')]


def render_block(runtime, edition, ref, staff, heading: str = '') -> dict:
    """``{'ref', 'html', 'fragment', 'staff_views'}`` or ``{'ref', 'problem': message}``.

    ``heading`` is the unit's title, the page's <h1>: a block titled the same is told so
    (``page_title``, as the demo's workbench page does) and does not repeat it.
    """
    shown = {'ref': ref, 'type': ref.block_type}
    if ref.block_type == 'video':
        try:
            shown['video'] = video_stand_in(edition, ref)
        except CourseError as error:
            shown['problem'] = _('This video cannot be shown: {reason}').format(reason=error)
        return shown
    urls = CourseStaticUrls()
    try:
        block = runtime.block_for(ref)
        title = getattr(block, 'display_name', '') or ''
        fragment = block.render('student_view', {'page_title': heading} if heading and title == heading else {})
    except ContentProblem as error:
        shown['problem'] = str(error)
        return shown
    except Exception:  # a block's own bug must not take the course page down
        log.exception('course player: %s failed to render', ref.usage_key)
        shown['problem'] = _('This part of the course could not be shown.')
        return shown
    shown.update(fragment=fragment, html=urls.replace_urls(fragment.body_html()),
                 title=title,
                 # the LMS's wrapper classes, which the extracted blocks' stylesheets are scoped to
                 wrapper=f'xmodule_display xmodule_{block.unmixed_class.__name__}' if ref.block_type in EXTRACTED else '')
    if staff:
        shown['staff_views'] = staff_views(block, ref)
    return shown


def staff_views(block, ref) -> list[dict]:
    """The block's Studio views for the course team: author view (preview) and editor, where it has them."""
    found = []
    for view_name, label in (('author_view', _('Author view')), ('studio_view', _('Studio editor'))):
        if not hasattr(block, view_name):
            continue
        try:
            fragment = block.render(view_name, {})
        except Exception:  # the extracted blocks' editors need Studio's own JavaScript
            log.info('course player: %s has no usable %s here', ref.usage_key, view_name, exc_info=True)
            continue
        found.append({'name': view_name, 'label': label, 'fragment': fragment,
                      'html': CourseStaticUrls().replace_urls(fragment.body_html())})
    return found


def video_stand_in(edition, ref) -> dict:
    """The demo's HTML5 stand-in for Open edX's video player: sources, captions and the transcript as text."""
    path = f'video/{ref.url_name}.xml'
    if path not in edition.tree:
        raise CourseError(_('its file {path} is missing from the course.').format(path=path))
    root = parse_xml(edition.tree[path], path)
    transcripts = video_transcripts(root)
    name = transcripts.get(edition.language) or transcripts.get('en')
    cues = []
    if name and f'static/{name}' in edition.tree:
        cues = parse_srt(edition.tree[f'static/{name}'].decode('utf-8'), f'static/{name}')
    sources = [element.get('src') for element in root.iterfind('source') if element.get('src')]
    return {'title': root.get('display_name') or ref.url_name, 'sources': sources, 'cues': cues,
            'transcript_language': edition.language if transcripts.get(edition.language) else 'en'}


def handler(request, usage_id, handler_name, suffix=''):
    """An XBlock handler call for the session's learner, on a block of the course outline.

    Like the other hosts' handler views it goes through ``call_handler``: one locked transaction
    per call, and JSON 4xx answers for anything unusable (unknown handler, body too large...).
    """
    edition = current_edition(request)
    try:
        usage = UsageKey.from_string(usage_id)
    except InvalidKeyError as error:
        raise Http404 from error
    if edition.outline.unit_of(str(usage)) is None:
        raise Http404
    runtime = CourseRuntime(edition, learner_of(request), is_staff(request))
    try:
        runtime.get_block(usage)
    except NoSuchUsage as error:
        raise Http404 from error
    except ContentProblem as error:
        return JsonResponse({'error': str(error)}, status=400)
    return call_handler(runtime, usage, handler_name, request, suffix or '')


def resource(request, block_type, uri):
    """A block's packaged asset (its ``public/`` files)."""
    try:
        cls = block_class(block_type)
        handle = cls.open_local_resource(uri)
    except Exception as error:  # unknown type, path outside the block's public files, missing file
        raise Http404 from error
    content_type = mimetypes.guess_type(uri)[0] or 'application/octet-stream'
    data = handle.read()
    if uri.endswith('.css'):
        data = REMOTE_IMPORT.sub('', data.decode('utf-8')).encode('utf-8')
    return HttpResponse(data, content_type=content_type)


def static_file(request, path):
    """A course file from ``static/`` of the learner's edition (localised images, transcripts)."""
    data = current_edition(request).tree.get(f'static/{path}')
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=mimetypes.guess_type(path)[0] or 'application/octet-stream')
    response['X-Content-Type-Options'] = 'nosniff'
    return response


def back(request, fallback='course_player:outline'):
    target = request.POST.get('next', '')
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
def choose_learner(request):
    """The demo's "who am I": play as another learner id (letters, digits, . _ @ -)."""
    wanted = request.POST.get('learner', '').strip()
    if not LEARNER_ID.match(wanted):
        edition = current_edition(request)
        return render(request, 'course_player/message.html', page_context(
            request, edition, heading=_('Learner id not changed'),
            message=_('A learner id is 1 to 64 letters, digits or . _ @ - characters.')), status=400)
    request.session['learner'] = wanted
    return back(request)


@require_POST
def switch_staff(request):
    """The demo's course-team switch (a real LMS reads the role from the course's team)."""
    request.session['staff'] = request.POST.get('staff') == 'on'
    return back(request)


def statistics(request):
    """Course statistics for the course team: learners per unit and block, completion and mean score."""
    edition = current_edition(request)
    if not is_staff(request):
        return HttpResponseForbidden(render(request, 'course_player/message.html', page_context(
            request, edition, heading=_('Course statistics'),
            message=_('Only the course team sees the statistics. Use the course-team switch.'))).content)
    blocks = edition.outline.blocks()
    by_learner = results.results_by_learner([block.usage_key for block in blocks])
    rows = []
    for unit_node in edition.outline.units:
        for block in unit_node.children:
            found = [learner[block.usage_key] for learner in by_learner.values() if block.usage_key in learner]
            scores = [result.score for result in found if result.score is not None]
            rows.append({'unit': unit_node, 'block': block, 'learners': len(found),
                         'completed': sum(1 for result in found if (result.completion or 0) >= 1 or result.score is not None),
                         'mean': round(100 * sum(scores) / len(scores)) if scores else None})
    return render(request, 'course_player/statistics.html', page_context(
        request, edition, rows=rows, learners=len(by_learner)))
