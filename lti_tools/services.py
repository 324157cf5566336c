"""XBlock runtime services of the MAGIX host, matching what the Open edX LMS provides.

``BlockI18nService`` reads the same compiled catalogues as edx-platform's XBlock i18n service
(``<block package>/translations/<locale>/LC_MESSAGES/text.mo``) for the request's language.
The workbench builds one service instance per runtime, not per block, so this one serves the
catalogues of all MAGIX blocks, merged into one.
"""
from __future__ import annotations

import copy
import functools
import gettext

from django.conf import settings
from django.utils import translation
from xblock.reference.user_service import UserService, XBlockUser

from .languages import BLOCK_PACKAGES, TEXT_DOMAIN, available_languages, locale_dirs  # noqa: F401 (re-exported)


@functools.lru_cache(maxsize=64)
def block_translations(locale: str) -> gettext.NullTranslations:
    """The MAGIX blocks' catalogues for one locale as ONE catalogue; English falls through unchanged.

    Merged, not chained with ``add_fallback``: block templates' ``{% trans %}`` tags merge the
    service into Django's catalogue on every render (``DjangoTranslation.merge``), which also
    appends the service's fallback each time, until the chain loops on itself.
    """
    found = None
    for directory in locale_dirs():
        try:
            catalogue = gettext.translation(TEXT_DOMAIN, directory, [locale])
        except OSError:
            continue
        if found is None:
            found = copy.copy(catalogue)  # gettext caches catalogues: leave its copy untouched
            found._catalog = dict(catalogue._catalog)
        else:
            found._catalog.update({key: value for key, value in catalogue._catalog.items()
                                   if key not in found._catalog})
    return found or gettext.NullTranslations()


class BlockI18nService:
    """The ``i18n`` service: gettext and friends in the active request language."""

    def __getattr__(self, name):
        language = translation.get_language() or settings.LANGUAGE_CODE
        return getattr(block_translations(translation.to_locale(language)), name)


class DemoUserService(UserService):
    """The ``user`` service for the demo: any ``?student=staff...`` id is course staff.

    The LMS sets the same ``opt_attrs`` keys, so blocks read staff status one way everywhere.
    """

    def __init__(self):
        super().__init__()
        self.runtime = None  # set by the workbench when it loads the service

    def get_current_user(self):
        user_id = str(getattr(self.runtime, 'user_id', None) or 'anonymous')
        user = XBlockUser(is_current_user=True, full_name=user_id)
        user.opt_attrs.update({
            'edx-platform.user_id': user_id,
            'edx-platform.username': user_id,
            'edx-platform.user_is_staff': user_id.startswith('staff'),
            'edx-platform.is_authenticated': True,
        })
        return user
