"""Rendering a block's Django templates the way Open edX blocks do, compiled once per process.

``xblock.utils``' ``ResourceLoader.render_django_template`` reads and compiles the template on
every call, and its ``{% trans %}`` tags merge the block's catalogue into Django's and
re-activate the language around every tag they meet (and, while they do, change Django's
process-wide catalogue): most of a handler's time. Here each template is compiled once, as
Django's cached loader does, with Django's own translation tags; the block's catalogue (the
runtime's ``i18n`` service, as in the LMS) is activated once per render, for this thread only,
with the same precedence xblock-utils gives it: the block's catalogue first, Django's for the rest.
Static files (CSS, JavaScript) are read once per process too.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager

from django.conf import settings
from django.template import Context, Engine, Template
from django.template.backends.django import get_installed_libraries
from django.utils.translation import trans_real
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
