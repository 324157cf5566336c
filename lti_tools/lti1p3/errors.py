"""Why an LTI message or exchange was refused, in words a teacher or platform admin can act on.

``message`` is marked for translation (the Django shell translates it when it renders the
error page); ``detail`` is the untranslated technical fact, for logs and administrators.
"""
from __future__ import annotations

from xblocks.i18n import _


class LtiError(Exception):
    """A refused LTI request; ``status`` is the HTTP status the shell answers with."""

    status = 400
    message = _('The learning platform sent a request this tool cannot accept.')
    public_detail = True   # may the error page show ``detail``? (never when it reveals our network)

    def __init__(self, detail: str = '', message: str | None = None):
        super().__init__(detail or self.message)
        self.detail = detail
        if message is not None:
            self.message = message


class InvalidLaunch(LtiError):
    """The id_token or its claims break the LTI 1.3 / IMS Security Framework rules."""

    message = _('The launch from your learning platform is not valid, so it was refused.')


class UnknownPlatform(LtiError):
    status = 403
    message = _('This learning platform (or this deployment of it) is not registered with the tool. '
                'Ask your platform administrator to register it.')


class ReplayedLaunch(LtiError):
    status = 403
    message = _('This launch has already been used. Please start the activity again from your course.')


class StateMismatch(LtiError):
    status = 403
    message = _('This launch does not belong to this browser session. Please start the activity again '
                'from your course.')


class PlatformUnavailable(LtiError):
    """A platform service (keys, token, grades, roster) could not be reached or said no."""

    status = 502
    message = _('The learning platform could not be reached. Please try again in a moment.')


class RegistrationError(LtiError):
    """Dynamic registration failed; ``detail`` goes to the log only (what our server could reach
    is nobody else's business: no port-scanning through our error messages)."""

    message = _('The tool could not be registered with the learning platform.')
    public_detail = False


class RegistrationLinkInvalid(RegistrationError):
    status = 403
    message = _('This registration link is not valid: it was already used, has expired or never existed. '
                'Ask the tool\'s administrator for a new one.')
