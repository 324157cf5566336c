"""``GET /health/``: 200 ``{"status": "ok"}`` when the database answers, 503 otherwise.

Served by a middleware placed first, so load balancers and Kubernetes probes (which use the
pod's address as Host, over plain http) get an answer without host validation or the https
redirect; the body never says why the database failed.
"""
from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse

log = logging.getLogger(__name__)
HEALTH_PATH = '/health/'


def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute('SELECT 1')
            cursor.fetchone()
    except DatabaseError as error:
        log.error('health check: the database does not answer (%s)', type(error).__name__)
        return JsonResponse({'status': 'unavailable', 'database': 'unavailable'}, status=503,
                            headers={'Cache-Control': 'no-store'})
    return JsonResponse({'status': 'ok', 'database': 'ok'}, headers={'Cache-Control': 'no-store'})


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ('GET', 'HEAD'):
            return health(request)
        return self.get_response(request)
