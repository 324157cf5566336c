"""Reading a handler's JSON body safely: size, nesting depth, an object, the types each field needs.

Plain Python, no XBlock or Django: ``xblocks.handlers`` turns ``BadInput`` into a 4xx answer.
Depth is checked before ``json.loads`` (which recurses: 100,000 nested brackets raise
``RecursionError`` deep inside the parser, a 500 rather than a refusal).
"""
from __future__ import annotations

import json
import re

from .problems import N_

MAX_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r'[\[\]{}]')

NOT_JSON = N_('The request body must be a JSON object.')
TOO_DEEP = N_('The request is nested too deeply.')
TOO_LARGE = N_('The request is too large (at most {limit} KB).')
WRONG_TYPE = N_('The field "{field}" has the wrong type.')
MISSING = N_('The request does not say which step it answers. Please reload the page.')


class BadInput(ValueError):
    """A body a handler cannot use; ``status`` and a translatable ``message`` with ``params``."""

    def __init__(self, message: str, status: int = 400, **params):
        super().__init__(message.format(**params))
        self.message, self.status, self.params = message, status, params


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting of some JSON text, ignoring brackets inside strings."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub('""', text)):
        depth = depth + 1 if bracket in '[{' else depth - 1
        deepest = max(deepest, depth)
    return deepest


def parse_object(body: bytes, max_bytes: int, max_depth: int = MAX_DEPTH) -> dict:
    """The body as a JSON object, or ``BadInput`` (413 too large, 400 otherwise)."""
    if len(body) > max_bytes:
        raise BadInput(TOO_LARGE, 413, limit=max_bytes // 1024)
    try:
        text = body.decode('utf-8')
    except UnicodeDecodeError:
        raise BadInput(NOT_JSON) from None
    if nesting_depth(text) > max_depth:
        raise BadInput(TOO_DEEP)
    try:
        data = json.loads(text) if text.strip() else {}
    except (ValueError, RecursionError):
        raise BadInput(NOT_JSON) from None
    if not isinstance(data, dict):
        raise BadInput(NOT_JSON)
    return data


def check_fields(data: dict, fields: dict[str, type | tuple[type, ...]]) -> dict:
    """Only the declared fields, each of its declared type(s) when present (booleans are not numbers)."""
    checked = {}
    for name, kinds in fields.items():
        if name not in data or data[name] is None:
            continue
        value = data[name]
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            raise BadInput(WRONG_TYPE, field=name)
        checked[name] = value
    return checked
