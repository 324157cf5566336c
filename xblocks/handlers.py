"""One decorator for every MAGIX JSON handler: who may call it, and with what body.

``@json_api(fields)`` replaces ``XBlock.json_handler``. It answers what a handler cannot use
with a 4xx JSON ``{"error": ...}`` in the learner's language and calls nothing: a GET (405),
a body that is not a JSON object, nested too deeply or of a wrong field type (400), too large
(413), and, for ``audience=STAFF``, anyone who may not author the block (403), decided as the
platform decides it: in the LMS the ``user`` service's ``edx-platform.user_is_staff`` (course
staff or admin); in Studio, whose ``user`` service sets no staff flag, the
``studio_user_permissions`` service (write access to the course, ``has_studio_write_access``).
Blocks using ``STAFF`` handlers declare ``@XBlock.wants('user', 'studio_user_permissions')``.

Writes to content and settings by a learner are refused again below, by the hosts' field data
(as the LMS's ``LmsFieldData`` makes authored data read-only); the hosts answer that with a 403.
Hosts read ``magix_audience`` to serve only learner handlers (the LTI proxy does).
"""
from __future__ import annotations

import functools
import json

from webob import Response
from xblock.core import XBlock

from .json_input import NOT_JSON, TOO_LARGE, BadInput, check_fields, parse_object
from .problems import N_

USER_IS_STAFF = 'edx-platform.user_is_staff'
LEARNER, STAFF = 'learner', 'staff'
LEARNER_BODY_BYTES = 64 * 1024    # a decision with a 5,000-character reflection, escaped, is < 32 KB
STAFF_BODY_BYTES = 1024 * 1024    # the XML limit below, JSON-escaped, plus the settings
# Scenario and pathway XML a course team may save or preview. Checking and drawing grows with the
# steps: the shipped scenarios (25-30 KB) take about 65 ms, a 400-step 181 KB chain about 1 s, a
# 1.7 MB one 6.5 s of a worker (measured on a shared 2-core machine). 256 KB, eight times the
# largest real scenario, bounds what one author's preview can cost to a second or so.
AUTHORED_XML_BYTES = 256 * 1024
STAFF_ONLY = N_('Only the course team can change or check this exercise.')


def is_course_staff(block) -> bool:
    """Course staff as the LMS says it (``user_is_staff``); False without a user service."""
    service = block.runtime.service(block, 'user')
    if service is None:
        return False
    user = service.get_current_user()
    return bool(user is not None and user.opt_attrs.get(USER_IS_STAFF))


def authored_xml(text: str) -> str:
    """Scenario or pathway XML from Studio, refused (413) above ``AUTHORED_XML_BYTES``."""
    if len(text.encode('utf-8')) > AUTHORED_XML_BYTES:
        raise BadInput(TOO_LARGE, 413, limit=AUTHORED_XML_BYTES // 1024)
    return text


def may_author(block) -> bool:
    """Course staff in the LMS, or a course author in Studio (see the module docstring)."""
    if is_course_staff(block):
        return True
    permissions = block.runtime.service(block, 'studio_user_permissions')
    context_key = getattr(block.scope_ids.usage_id, 'context_key', None)
    if permissions is None or context_key is None:
        return False
    # Newer platforms name it can_edit_content; the pinned ones can_write.
    can_edit = getattr(permissions, 'can_edit_content', None) or getattr(permissions, 'can_write', None)
    return bool(can_edit is not None and can_edit(context_key))


def json_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type='application/json', charset='utf-8')


def error_response(block, error: BadInput) -> Response:
    return json_response({'error': block.gettext(error.message).format(**error.params)}, error.status)


def handler_audience(block, name: str) -> str | None:
    """``LEARNER`` or ``STAFF`` for a MAGIX JSON handler of the block, else None (not one of ours)."""
    found = getattr(block, name, None)
    return getattr(found, 'magix_audience', None) if getattr(found, '_is_xblock_handler', False) else None


def json_api(fields: dict, *, audience: str = LEARNER, max_bytes: int | None = None):
    """Decorate ``method(self, data, suffix)``; ``data`` holds only ``fields`` ({name: type(s)})."""
    limit = max_bytes or (STAFF_BODY_BYTES if audience == STAFF else LEARNER_BODY_BYTES)

    def decorator(method):
        @functools.wraps(method)
        def handler(self, request, suffix=''):
            try:
                if request.method != 'POST':
                    raise BadInput(NOT_JSON, 405)
                if audience == STAFF and not may_author(self):
                    raise BadInput(STAFF_ONLY, 403)
                if (request.content_length or 0) > limit:
                    raise BadInput(TOO_LARGE, 413, limit=limit // 1024)   # not even read
                data = check_fields(parse_object(request.body, limit), fields)
                return json_response(method(self, data, suffix))
            except BadInput as error:
                return error_response(self, error)

        handler.magix_audience = audience
        return XBlock.handler(handler)
    return decorator
