"""Rendering a block's Django templates the way Open edX blocks do, compiled once per process.

``xblock.utils``' ``ResourceLoader.render_django_template`` reads and compiles the template on
every call, and its ``{% trans %}`` tags merge the block's catalogue into Django's and
re-activate the language around every tag they meet (and, while they do, change Django's
process-wide catalogue): most of a handler's time. Here each template is compiled once, as
Django's cached loader does, with Django's own translation tags; the block's catalogue (the
runtime's ``i18n`` service, as in the LMS) is activated once per render, for this thread only,
with the same precedence xblock-utils gives it: the block's catalogue first, Django's for the rest.
Static files (CSS, JavaScript) are read once per process too.

``render_reused`` goes one step further for the renderings many requests repeat (every learner
at the same step, in the same state, is shown the same HTML): the HTML rendered for one request
is kept and given to the next with the same template, translation and context.
"""
from __future__ import annotations

import dataclasses
import functools
from contextlib import contextmanager

from django.conf import settings
from django.template import Context, Engine, Template
from django.template.backends.django import get_installed_libraries
from django.utils.translation import get_language, trans_real
from xblock.utils.resources import ResourceLoader


@functools.lru_cache(maxsize=None)
def _engine() -> Engine:
    return Engine(libraries=get_installed_libraries())  # {% load i18n %}: Django's own tags


@functools.lru_cache(maxsize=256)
def compiled(package: str, path: str) -> Template:
    return Template(ResourceLoader(package).load_unicode(path), engine=_engine())


@functools.lru_cache(maxsize=64)
def static_text(package: str, path: str) -> str:
    """A packaged static file (CSS, JavaScript), read once per process: it changes only with the package."""
    return ResourceLoader(package).load_unicode(path)


class BlockTranslation:
    """What Django's translation functions call on the active translation, answered by the block's
    catalogue where it has the message and by Django's active translation otherwise.

    That is the lookup order xblock-utils' ``{% trans %}`` gets by merging the service's catalogue
    (``_catalog``) into Django's; a service without a catalogue (the platform's fallback to Django's
    own translator) leaves Django's alone, there as here.
    """

    def __init__(self, i18n_service, django_translation):
        self._service = i18n_service
        self._catalog = getattr(i18n_service, '_catalog', None) or {}
        self._django = django_translation

    def gettext(self, message):
        if message in self._catalog:
            return self._service.gettext(message)
        return self._django.gettext(message)

    def ngettext(self, singular, plural, number):
        if (singular, 0) in self._catalog:
            return self._service.ngettext(singular, plural, number)
        return self._django.ngettext(singular, plural, number)

    def __getattr__(self, name):  # to_language(), language(), ... as Django's active translation says
        return getattr(self._django, name)


@contextmanager
def block_translation(i18n_service):
    """Django's translation functions answer from the block's catalogue while the block renders."""
    active = trans_real._active
    had_value = hasattr(active, 'value')
    previous = getattr(active, 'value', None)
    django_translation = previous if had_value else trans_real.translation(settings.LANGUAGE_CODE)
    active.value = BlockTranslation(i18n_service, django_translation)
    try:
        yield
    finally:
        if had_value:
            active.value = previous
        else:
            del active.value


def render_template(package: str, path: str, context: dict, i18n_service) -> str:
    """Render ``path`` of ``package`` with ``context``, translated through ``i18n_service``."""
    template = compiled(package, path)
    if i18n_service is None:
        return template.render(Context(context))
    with block_translation(i18n_service):
        return template.render(Context(context))


# The renderings kept (least recently used dropped first), and the most text a kept rendering's
# context may hold: a finished learner's recap or a staff chart of every step is rendered afresh.
RENDERINGS_KEPT = 512
REUSED_CONTEXT_CHARS = 16_000
_catalogues: dict[int, dict] = {}   # held, so that the id keying a rendering is never another catalogue's


class NotReusable(Exception):
    """A context value that could render differently while comparing equal, or too much text."""


_SCALARS = frozenset({int, float, bool, type(None)})


def _frozen(value, budget: list[int]):
    """A hashable stand-in for a context value, equal only to values that render the same.

    The type is part of it (``1`` and ``True``, ``str`` and Django's ``SafeString`` render
    differently); frozen dataclasses (the scenario's steps and options) compare by their fields.
    """
    kind = type(value)
    if kind in _SCALARS:
        return kind, value
    if isinstance(value, str):
        budget[0] -= len(value)
        if budget[0] < 0:
            raise NotReusable('too much text')
        return kind, value
    if kind is dict:
        return kind, tuple([(key, _frozen(item, budget)) for key, item in value.items()])
    if kind is list or kind is tuple:
        return kind, tuple([_frozen(item, budget) for item in value])
    if dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen:
        return kind, value
    raise NotReusable(f'a {kind.__name__} in the context')


def _translation_key(i18n_service):
    """What the translated text of a rendering depends on: the block's catalogue and Django's language."""
    catalogue = getattr(i18n_service, '_catalog', None) if i18n_service is not None else None
    if not catalogue:
        return None, get_language()
    _catalogues.setdefault(id(catalogue), catalogue)
    return id(catalogue), get_language()


class _Rendering:
    """One render request as a cache key: equal to another for the same template, translation and context."""
    __slots__ = ('key', 'hash', 'context', 'i18n_service')

    def __init__(self, key, context, i18n_service):
        self.key, self.hash = key, hash(key)
        self.context, self.i18n_service = context, i18n_service

    def __hash__(self):
        return self.hash

    def __eq__(self, other):
        return self.key == other.key


@functools.lru_cache(maxsize=RENDERINGS_KEPT)
def _kept(rendering: _Rendering) -> str:
    package, path = rendering.key[:2]
    try:
        return render_template(package, path, rendering.context, rendering.i18n_service)
    finally:   # the cache keeps the key, not the request's objects (nor its i18n service)
        rendering.context = rendering.i18n_service = None


def render_reused(package: str, path: str, context: dict, i18n_service) -> str:
    """``render_template``, the HTML kept for the next request with the same template, translation and context.

    Context values must be plain data: strings, numbers, booleans, None, lists, tuples and dicts
    of them, frozen dataclasses; never a block or a service (a ``TypeError`` otherwise). A context
    with more than ``REUSED_CONTEXT_CHARS`` characters of text is rendered without being kept.
    """
    budget = [REUSED_CONTEXT_CHARS]
    try:
        frozen = tuple([(name, _frozen(value, budget)) for name, value in context.items()])
    except NotReusable as reason:
        if budget[0] >= 0:
            raise TypeError(f'{path} cannot be reused: {reason}') from None
        return render_template(package, path, context, i18n_service)
    return _kept(_Rendering((package, path, _translation_key(i18n_service), frozen), context, i18n_service))


def forget_reused() -> None:
    """Drop every kept rendering: the next request in any state is rendered afresh."""
    _kept.cache_clear()
