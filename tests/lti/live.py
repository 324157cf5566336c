"""Driving the LTI tool service under gunicorn over HTTP, as the platform and the browser would.

``LiveClient`` speaks to the real server through a TLS-terminating proxy's headers
(``X-Forwarded-Proto: https``), with the Django test client's small interface, so the
``Tool`` helpers of ``conftest.py`` drive a real server unchanged.
"""
from __future__ import annotations

import json

import requests

from tests.scenario.support import small_scenario

PROXY = {'X-Forwarded-Proto': 'https'}


class LiveResponse:
    def __init__(self, response: requests.Response):
        self.raw, self.status_code, self.content = response, response.status_code, response.content

    def __getitem__(self, header):
        return self.raw.headers[header]

    def json(self):
        return self.raw.json()


class LiveClient:
    """A browser: keeps the cookies the service sets (secure ones too: the proxy speaks TLS for it)."""

    def __init__(self, base: str):
        self.base, self.http, self.cookies = base, requests.Session(), {}

    def _send(self, method, path, **kwargs) -> LiveResponse:
        response = self.http.request(method, self.base + path, headers={**PROXY, **kwargs.pop('headers', {})},
                                     cookies=self.cookies, allow_redirects=False, timeout=120, **kwargs)
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        return LiveResponse(response)

    def get(self, path, params=None, **kwargs):
        return self._send('GET', path, params=params, **kwargs)

    def post(self, path, data=None, content_type=None, **kwargs):
        if content_type == 'application/json':
            return self._send('POST', path, data=json.dumps(data), headers={'Content-Type': content_type}, **kwargs)
        return self._send('POST', path, data=data, **kwargs)


def write_content(folder):
    """The two small exercises of the LTI tests (``benefits`` graded, ``practice-round`` not)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / '01-benefits.xml').write_text(small_scenario('path'), encoding='utf-8')
    (folder / '02-practice-round.xml').write_text(
        small_scenario('practice').replace('Benefits pre-screening', 'Practice round'), encoding='utf-8')
    return folder
