"""The workbench demo pages, served with ``MagixRuntime`` so grades and completion are recorded.

Same URLs, templates and behaviour as ``workbench.views.show_scenario`` and ``handler``;
only the runtime differs (the SDK's views construct ``WorkbenchRuntime`` themselves).
"""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from workbench import views as workbench
from workbench.scenarios import get_scenarios

from .handler_calls import call_handler
from .runtime import MagixRuntime


@ensure_csrf_cookie
def show_scenario(request, scenario_id, view_name='student_view', template='workbench/block.html'):
    student_id = workbench.get_student_id(request)
    try:
        scenario = get_scenarios()[scenario_id]
    except KeyError as error:
        raise Http404 from error
    block = MagixRuntime(student_id).get_block(scenario.usage_id)
    fragment = block.render(view_name, {'activate_block_id': request.GET.get('activate_block_id')})
    return render(request, template, {
        'scenario_id': scenario_id, 'scenario': scenario, 'block': block, 'body': fragment.body_html(),
        'head_html': fragment.head_html(), 'foot_html': fragment.foot_html(), 'student_id': student_id,
        'view_name': view_name, 'other_views': sorted(workbench.get_block_views(block) - {view_name}),
    })


def handler(request, usage_id, handler_slug, suffix='', authenticated=True):
    """A block's handler, in one locked transaction; unknown blocks and handlers are a JSON 404."""
    student_id = workbench.get_student_id(request) if authenticated else 'none'
    return call_handler(MagixRuntime(student_id), usage_id, handler_slug, request, suffix or '', pop_path=2)
