"""The checks themselves catch what they are for (else every other browser test could pass on nothing)."""
import pytest

from .axe import BROWSER_MARKS, assert_accessible, assert_no_horizontal_scroll, tab_through

pytestmark = BROWSER_MARKS


def test_axe_reports_wcag_violations(open_page):
    page = open_page()
    page.set_content('<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input></body></html>')
    with pytest.raises(AssertionError, match='html-has-lang'):
        assert_accessible(page, 'a bad page')


def test_sideways_scrolling_is_caught(open_page):
    page = open_page(width=320)
    page.set_content('<html lang="en"><body><div style="width: 500px">wide</div></body></html>')
    with pytest.raises(AssertionError, match='scrolls sideways'):
        assert_no_horizontal_scroll(page, 'a wide page')


def test_an_invisible_focus_is_caught(open_page):
    page = open_page()
    page.set_content('<html lang="en"><body><a href="#a" style="outline: none">a</a></body></html>')
    with pytest.raises(AssertionError, match='no visible focus indicator'):
        tab_through(page, 'outline removed')


def test_a_focus_trap_is_caught(open_page):
    page = open_page()
    page.set_content('<html lang="en"><body><button>a</button><button id="b">b</button><button>c</button><script>'
                     'document.getElementById("b").addEventListener("keydown", e => { if (e.key === "Tab") {'
                     ' e.preventDefault(); document.querySelector("button").focus(); } });</script></body></html>')
    with pytest.raises(AssertionError, match='trapped'):
        tab_through(page, 'a trap')


def test_a_trap_in_one_element_is_caught_and_a_videos_own_controls_are_not_one(open_page):
    page = open_page()
    page.set_content('<html lang="en"><body><button>a</button><textarea id="t"></textarea><script>'
                     'document.getElementById("t").addEventListener("keydown", e => { if (e.key === "Tab") {'
                     ' e.preventDefault(); } });</script></body></html>')
    with pytest.raises(AssertionError, match='trapped in textarea'):
        tab_through(page, 'a trap in one element')
    page.set_content('<html lang="en"><body><button>a</button><video controls style="width: 300px; height: 150px">'
                     '</video><button>b</button></body></html>')
    assert tab_through(page, 'a video between two buttons') == ['button "a"', 'video', 'button "b"']
