"""What every browser test checks in every state it reaches: axe-core's WCAG 2.0/2.1 A and AA
rules on the whole page (each frame, cross-site ones included), no horizontal scrolling, and a
keyboard user's focus visible at every stop and never trapped.

axe-core comes from the npm registry through ``package-lock.json`` (``make test`` runs ``npm ci``);
nothing is fetched while the tests run. Where it is absent the browser tests skip, saying why.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'
WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
SKIP_NO_CHROMIUM = pytest.mark.skipif(
    CHROMIUM is None, reason='BROWSER TESTS SKIPPED: needs the system Chromium (apt-get install chromium); '
                             '.ci/run installs it')
SKIP_NO_AXE = pytest.mark.skipif(
    not AXE_JS.exists(), reason='BROWSER TESTS SKIPPED: axe-core not installed (run `npm ci`; `make test` does)')
BROWSER_MARKS = [pytest.mark.browser, SKIP_NO_CHROMIUM, SKIP_NO_AXE]
SCREENSHOTS = Path(os.environ.get('MAGIX_SCREENSHOTS', ROOT / 'var' / 'screenshots'))


def _run_axe(frame) -> list[dict]:
    if not frame.evaluate('typeof window.axe !== "undefined"'):
        frame.add_script_tag(path=str(AXE_JS))
    return frame.evaluate(
        """async (tags) => {
             const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                     resultTypes: ['violations'], iframes: false});
             return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
           }""", WCAG_TAGS)


def assert_accessible(page, state: str, screenshot: str | None = None):
    """axe finds no WCAG 2.0/2.1 A or AA violation in any frame of ``page`` (``state`` names the moment)."""
    page.wait_for_load_state('load')
    found = {}
    for frame in page.frames:
        if frame is not page.main_frame and frame.url in ('', 'about:blank'):
            continue
        violations = _run_axe(frame)
        if violations:
            found[frame.url] = violations
    if screenshot:
        save_screenshot(page, screenshot)
    assert not found, f'axe found WCAG A/AA violations in state "{state}":\n' + json.dumps(found, indent=1)


def assert_no_horizontal_scroll(page, state: str):
    """The page is no wider than the window (WCAG 1.4.10 Reflow: 320 CSS px without sideways scrolling)."""
    width, window = page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')
    assert width <= window, f'{state}: the page scrolls sideways ({width} px in a {window} px window)'


def save_screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f'{name}.png'), full_page=True)


_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.tagName === 'IFRAME') return {frame: true};
  const style = getComputedStyle(el), rect = el.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
  return {frame: false, name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (text ? ' "' + text + '"' : ''),
          key: el.tagName + '|' + el.id + '|' + el.name + '|' + text + '|' + Math.round(rect.left + scrollX) + ',' + Math.round(rect.top + scrollY),
          visible: rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden',
          indicated: outline || shadow};
}"""


_TABBABLE_COUNT = """() => {
  const radios = new Set(); let count = 0;
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
    if (el.disabled || el.tabIndex < 0 || el.type === 'hidden' || el.tagName === 'IFRAME') continue;
    if (!el.checkVisibility({visibilityProperty: true}) || !el.getClientRects().length) continue;
    if (el.type === 'radio') { if (radios.has(el.name)) continue; radios.add(el.name); }
    count++;
  }
  return count;
}"""


def _tabbable_count(page) -> int:
    """How many Tab stops the page and its frames offer (a radio group is one stop)."""
    total = 0
    for frame in page.frames:
        try:
            total += frame.evaluate(_TABBABLE_COUNT)
        except Exception:  # a frame navigating away
            continue
    return total


def _focused(page):
    """The element with keyboard focus, looking inside (cross-site) frames."""
    for frame in page.frames:
        try:
            if not frame.evaluate('document.hasFocus()'):
                continue
            found = frame.evaluate(_FOCUSED)
        except Exception:  # a frame navigating away
            continue
        if found and not found['frame']:
            found['key'] = frame.url + '|' + found['key']
            return found
    return None


OWN_CONTROLS = 15  # Tab stops inside one element's own controls (Chromium's <video controls> has about 6)


def tab_through(page, state: str, limit: int = 80) -> list[str]:
    """Press Tab from the top of the page until focus leaves the document: every stop shows where
    focus is (WCAG 2.4.7) and focus is never trapped (2.1.2). Returns the stops' names in order."""
    from .keyboard import focus_top
    focus_top(page)
    stops, seen, first, last, repeats, expected = [], set(), None, None, 0, _tabbable_count(page)
    for _ in range(limit):
        page.keyboard.press('Tab')
        found = _focused(page)
        if found is None:  # focus left the document: the whole page was reachable and nothing trapped it
            assert len(stops) >= expected, f'{state}: focus left after {len(stops)} of {expected} stops: {stops}'
            return stops
        assert found['visible'], f'{state}: focus went to an invisible element {found["name"]} after {stops}'
        assert found['indicated'], f'{state}: no visible focus indicator on {found["name"]}'
        if stops and found['key'] == first:  # wrapped round: fine once every stop was reached
            assert len(stops) >= expected, f'{state}: focus is trapped: it came back to the start after ' \
                                           f'{len(stops)} of {expected} stops: {stops}'
            return stops
        if stops and found['key'] == last:  # moving among an element's own controls (a <video>'s, in its
            repeats += 1                      # shadow tree): one stop, unless Tab never gets out of it
            if repeats > OWN_CONTROLS:
                raise AssertionError(f'{state}: focus is trapped in {found["name"]} after {stops}')
            continue
        repeats = 0
        if found['key'] in seen:
            raise AssertionError(f'{state}: focus is trapped: {found["name"]} came round again after {stops}')
        first, last = first or found['key'], found['key']
        seen.add(found['key'])
        stops.append(found['name'])
    raise AssertionError(f'{state}: focus never left the page in {limit} Tab presses: {stops}')
