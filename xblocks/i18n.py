"""Translation for MAGIX blocks through the runtime's ``i18n`` service.

In Open edX the service reads ``<block module>/translations/<locale>/LC_MESSAGES/text.mo``;
our demo and LTI hosts provide a service that reads the same files. The ``.po`` sources
live in the repository's top-level ``translations/xblocks/``.
"""


def _(text):
    """Mark a string for extraction; it is translated where it is shown (field labels, etc.)."""
    return text


class I18nMixin:
    """``self.gettext`` / ``self.ngettext`` from the runtime (blocks declare ``XBlock.needs('i18n')``)."""

    @property
    def i18n_service(self):
        return self.runtime.service(self, 'i18n')

    def gettext(self, text):
        return self.i18n_service.gettext(text)

    def ngettext(self, singular, plural, count):
        return self.i18n_service.ngettext(singular, plural, count)
