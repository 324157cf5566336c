"""What the scenario and pathway Studio editors share: Studio's own field and button classes
(as in ``xblock.utils``' ``studio_edit.html`` and Studio's ``metadata-*-entry`` templates), a
stylesheet giving them Studio's look where Studio's is absent (the demo host), and one script for
the live check, saving, and announcing and focusing the result. One place, so both behave alike.
"""
from __future__ import annotations

from xblock.utils.resources import ResourceLoader

loader = ResourceLoader(__name__)


def add_editor_assets(fragment) -> None:
    """The shared stylesheet and script; the block's own script (which calls ``MagixStudioEditor``) comes after."""
    fragment.add_css(loader.load_unicode('static/studio.css'))
    fragment.add_javascript(loader.load_unicode('static/studio_editor.js'))


def editor_strings(gettext, kind: str) -> dict:
    """The messages the editor shows; ``kind`` is 'scenario' or 'pathway'."""
    if kind == 'scenario':
        cannot_save = gettext('The scenario could not be saved:')
        to_fix = gettext('Problems to fix before learners can use this scenario:')
    else:
        cannot_save = gettext('The pathway could not be saved:')
        to_fix = gettext('Problems to fix before learners can use this pathway:')
    return {
        'saved': gettext('Saved.'),
        'saving': gettext('Saving…'),
        'checking': gettext('Checking…'),
        'valid': gettext('No problems found.'),
        'error': cannot_save,
        'problems': to_fix,
        'check_failed': _check_failed(gettext),
        'save_failed': gettext('Saving failed ({error}). Your changes are kept in the editor; try again.'),
    }


def _check_failed(gettext) -> str:
    return gettext('The check could not be run ({error}). Your text is kept; it is checked again as you type.')


def check_failed(gettext, error: Exception) -> str:
    """A live check that met an unexpected error still answers, with a message a course team can read."""
    return _check_failed(gettext).format(error=type(error).__name__)
