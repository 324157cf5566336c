"""Translation for MAGIX blocks through the runtime's ``i18n`` service.

Where the catalogues live is the platform's rule, not ours: edx-platform's ``XBlockI18nService``
(``xmodule/modulestore/django.py``) loads ``<root package>/translations/<locale>/LC_MESSAGES/text.mo``,
the root package being the first component of the module of the block's *unmixed* class
(``xmodule/modulestore/api.py``, ``get_xblock_root_module_name``). For both our blocks that is
``xblocks``: one catalogue, ``xblocks/translations/``, serves them (and our hosts read the same
files). A language without a catalogue falls back to English. The ``.po`` sources live in the
repository's top-level ``translations/xblocks/``; ``magix ui-strings compile`` writes the ``.mo``.
"""
from __future__ import annotations

import functools
import gettext
import importlib.resources
import logging
from pathlib import Path

log = logging.getLogger(__name__)

TEXT_DOMAIN = 'text'  # the gettext domain of pre-OEP-58 XBlock catalogues bundled with the package
# The modules of our block classes, as registered in setup.py's ``xblock.v1`` entry points (a test
# checks both agree): the platform derives the catalogue folder from them.
BLOCK_MODULES = ('xblocks.scenario.block', 'xblocks.credentials.block')


def _(text):
    """Mark a string for extraction; it is translated where it is shown (field labels, etc.)."""
    return text


def root_package(module_name: str) -> str:
    """The first component of a module name (edx-platform's ``get_root_module_name``)."""
    return module_name.split('.')[0]


def block_root_package(block_or_class) -> str:
    """The root package of a block's *unmixed* class (runtimes mix classes defined in ``xblock.runtime``)."""
    cls = block_or_class if isinstance(block_or_class, type) else type(block_or_class)
    return root_package(getattr(cls, 'unmixed_class', cls).__module__)


def translations_dir(package: str) -> Path:
    """``<package>/translations``: where the platform looks for a root package's catalogues."""
    return Path(str(importlib.resources.files(package).joinpath('translations')))


BLOCK_PACKAGES = tuple(sorted({root_package(module) for module in BLOCK_MODULES}))


def available_languages() -> list[str]:
    """Language codes with a compiled UI catalogue, plus the source language (for hosts' LANGUAGES).

    Importable from Django settings: it touches no XBlock or Django model code.
    """
    from django.utils.translation import to_language
    found = {'en'}
    for directory in map(translations_dir, BLOCK_PACKAGES):
        if directory.is_dir():
            found.update(to_language(entry.name) for entry in directory.iterdir()
                         if (entry / 'LC_MESSAGES' / f'{TEXT_DOMAIN}.mo').is_file())
    return sorted(found)


_missing_logged: set[tuple[str, str]] = set()


def catalogue(package: str, locale: str) -> gettext.NullTranslations:
    """The compiled catalogue of one root package for one locale; English when there is none.

    A missing catalogue for any language other than English is logged once per package and locale
    (learners then read English: that must be visible to operators, not silent).
    """
    try:
        return gettext.translation(TEXT_DOMAIN, str(translations_dir(package)), [locale])
    except OSError:
        if not locale.lower().startswith('en') and (package, locale) not in _missing_logged:
            _missing_logged.add((package, locale))
            log.warning('No %s UI catalogue for %r in %s: showing English', package, locale,
                        translations_dir(package))
        return gettext.NullTranslations()


class I18nMixin:
    """``self.gettext`` / ``self.ngettext`` from the runtime (blocks declare ``XBlock.needs('i18n')``)."""

    @functools.cached_property
    def i18n_service(self):
        """Asked of the runtime once per block instance (one request): the LMS builds a new
        ``XBlockI18nService``, which looks its catalogue up again, on every ``service()`` call."""
        return self.runtime.service(self, 'i18n')

    def gettext(self, text):
        return self.i18n_service.gettext(text)

    def ngettext(self, singular, plural, count):
        return self.i18n_service.ngettext(singular, plural, count)
