"""No secret in a log line: launch sessions (bearer tokens in handler and summary URLs),
registration tokens and one-time registration links are masked before a record is written.
"""
from __future__ import annotations

import logging
import re

SECRETS_IN_TEXT = [
    (re.compile(r'(/lti/(?:handler|summary)/)[^/\s?"\']+'), r'\1[redacted]'),
    (re.compile(r'(/lti/register/)[^/\s?"\']+'), r'\1[redacted]'),
    (re.compile(r'((?:registration_token|token|session|id_token|client_assertion|access_token)=)[^&\s"\']+'),
     r'\1[redacted]'),
    (re.compile(r'(Bearer\s+)[A-Za-z0-9._~+/=-]+'), r'\1[redacted]'),
]


def redact(text: str) -> str:
    for pattern, replacement in SECRETS_IN_TEXT:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """A handler filter: the formatted message, with every secret-bearing part masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
