"""Moving through a page the way a keyboard (and screen-reader) user does: Tab, Space, Enter only."""
from __future__ import annotations


def active(page, selector: str) -> bool:
    """Whether the focused element (in the page or any of its frames) matches ``selector``."""
    for frame in page.frames:
        try:
            if frame.evaluate('([s]) => document.hasFocus() && document.activeElement.matches(s)', [selector]):
                return True
        except Exception:  # a frame navigating away
            continue
    return False


def tab_to(page, selector: str, limit: int = 40, backwards: bool = False) -> None:
    """Press Tab until the focused element matches ``selector`` (fails if it never does)."""
    for _ in range(limit):
        page.keyboard.press('Shift+Tab' if backwards else 'Tab')
        if active(page, selector):
            return
    raise AssertionError(f'{selector} is not reachable with the keyboard in {limit} Tab presses')


def focus_top(page) -> None:
    """Start the next Tab from the top of the page (Chromium goes on from the last focused element)."""
    page.evaluate("""() => { const body = document.body; body.tabIndex = -1; body.focus();
                             body.removeAttribute('tabindex'); }""")


def count_tabs_to(page, selector: str, limit: int = 40) -> int:
    """How many Tab presses from the top of the page reach ``selector``."""
    focus_top(page)
    for presses in range(1, limit + 1):
        page.keyboard.press('Tab')
        if active(page, selector):
            return presses
    raise AssertionError(f'{selector} is not reachable with the keyboard in {limit} Tab presses')
