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
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import NoSuchUsage

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
    student_id = workbench.get_student_id(request) if authenticated else 'none'
    runtime = MagixRuntime(student_id)
    try:
        block = runtime.get_block(usage_id)
    except NoSuchUsage as error:
        raise Http404 from error
    webob_request = django_to_webob_request(request)
    webob_request.path_info_pop()
    webob_request.path_info_pop()
    return webob_to_django_response(runtime.handle(block, handler_slug, webob_request, suffix))


def init_scenarios():
    """The workbench's scenario list: the scenarios of the blocks it shows (ours), each loaded on its own.

    The SDK's ``init_scenarios`` loads every installed block's samples and stops at the first
    that fails; Open edX's extracted blocks (``xblocks-contrib``) fail there, because their
    samples need the LMS runtime (``get_policy``, pointer files). Installed by ``apps.py``.
    """
    from django.conf import settings
    from workbench import scenarios
    from workbench.runtime import WORKBENCH_KVS
    from xblock.core import XBlock

    scenarios.SCENARIOS.clear()
    if settings.WORKBENCH['reset_state_on_restart']:
        WORKBENCH_KVS.clear()
    else:
        WORKBENCH_KVS.prep_for_scenario_loading()
    excluded = getattr(settings, 'EXCLUDED_XBLOCKS', set())
    for class_name, cls in sorted(XBlock.load_classes(fail_silently=True)):
        if class_name not in excluded:
            scenarios.add_class_scenarios(class_name, cls, fail_silently=True)
