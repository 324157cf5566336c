"""The workbench demo pages, served with ``MagixRuntime`` so grades and completion are recorded.

Same URLs, templates and behaviour as ``workbench.views.show_scenario`` and ``handler``;
only the runtime differs (the SDK's views construct ``WorkbenchRuntime`` themselves).
The reset replaces the SDK's: a POST with CSRF and a confirmation, never a redirect to the Referer.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_http_methods
from workbench import views as workbench
from workbench.scenarios import get_scenarios

from lti_tools.handler_calls import call_handler
from lti_tools.runtime import MagixRuntime

from . import reset


@ensure_csrf_cookie
def show_scenario(request, scenario_id, view_name='student_view', template='workbench/block.html'):
    student_id = workbench.get_student_id(request)
    try:
        scenario = get_scenarios()[scenario_id]
    except KeyError as error:
        raise Http404 from error
    block = MagixRuntime(student_id).get_block(scenario.usage_id)
    # page_title: the page's <h1> already shows it, so a block titled the same does not repeat it.
    fragment = block.render(view_name, {'activate_block_id': request.GET.get('activate_block_id'),
                                        'page_title': scenario.description})
    return render(request, template, {
        'scenario_id': scenario_id, 'scenario': scenario, 'block': block, 'body': fragment.body_html(),
        'head_html': fragment.head_html(), 'foot_html': fragment.foot_html(), 'student_id': student_id,
        'view_name': view_name, 'other_views': sorted(workbench.get_block_views(block) - {view_name}),
    })


def handler(request, usage_id, handler_slug, suffix='', authenticated=True):
    """A block's handler, in one locked transaction; unknown blocks and handlers are a JSON 404.

    The workbench knows its blocks' usage ids once it has loaded its scenarios, which it does
    lazily on a first page view: a process whose first request is a handler call loads them here.
    """
    student_id = workbench.get_student_id(request) if authenticated else 'none'
    get_scenarios()
    return call_handler(MagixRuntime(student_id), usage_id, handler_slug, request, suffix or '', pop_path=2)


@csrf_protect
@ensure_csrf_cookie
@require_http_methods(['GET', 'POST'])
def reset_state(request):
    """Confirm, then forget the current demo learner's work or every demo learner's.

    GET (and a POST without the confirmation, like the SDK's own "Reset State" button) shows the
    confirmation form; the reset happens only on a POST carrying the CSRF token and ``confirm``.
    Afterwards the demo's own home page, never an address taken from the request.
    """
    student_id = workbench.get_student_id(request) if request.method == 'GET' else \
        request.POST.get('student', '') or 'student_1'
    scope = request.POST.get('scope')
    if request.method == 'POST' and request.POST.get('confirm') == 'yes' and scope in ('learner', 'everyone'):
        if scope == 'everyone':
            reset.reset_everyone()
        else:
            reset.reset_learner(student_id)
        return HttpResponseRedirect(f'{reverse("workbench_index")}?{urlencode({"student": student_id, "reset": scope})}')
    return render(request, 'demo/reset.html', {'student_id': student_id})
