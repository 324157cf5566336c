"""Calling an XBlock handler from a host's view: one locked transaction, JSON refusals.

Both hosts (the demo's workbench pages and the LTI tool) pass through here, so a handler
name the block does not have, a block that does not exist, a body larger than Django accepts,
or a handler the caller may not use is a 4xx JSON ``{"error": ...}``, never a 500 or an HTML page.
"""
from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException
from django.http import JsonResponse
from django.utils.translation import gettext
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import NoSuchHandlerError, NoSuchUsage

from xblocks.handlers import handler_audience
from xblocks.i18n import _

NOT_AVAILABLE = _('This action is not available here.')
TOO_LARGE = _('The request is too large.')


def refusal(status: int, message: str) -> JsonResponse:
    return JsonResponse({'error': gettext(message)}, status=status)


def call_handler(runtime, usage_id: str, handler_name: str, request, suffix: str = '', pop_path: int = 0,
                 audiences: frozenset | None = None):
    """The Django response of ``handler_name`` on ``usage_id``, run by ``runtime.handle_atomically``.

    ``audiences``: serve only MAGIX handlers meant for these callers (``xblocks.handlers``);
    anything else, including any other XBlock handler, is answered as not available.
    """
    try:
        request.body  # noqa: B018  (Django refuses a body above DATA_UPLOAD_MAX_MEMORY_SIZE here)
    except RequestDataTooBig:
        return refusal(413, TOO_LARGE)
    except RawPostDataException:
        pass  # a form body Django has already parsed (the CSRF check read it), within the same limits
    webob_request = django_to_webob_request(request)
    for _segment in range(pop_path):
        webob_request.path_info_pop()
    if audiences is not None:
        try:
            block = runtime.get_block(usage_id)
        except NoSuchUsage:
            return refusal(404, NOT_AVAILABLE)
        if handler_audience(block, handler_name) not in audiences:
            return refusal(404, NOT_AVAILABLE)
    try:
        response = runtime.handle_atomically(usage_id, handler_name, webob_request, suffix)
    except (NoSuchHandlerError, NoSuchUsage):
        return refusal(404, NOT_AVAILABLE)
    return webob_to_django_response(response)
