"""Cleaning course-team HTML before it reaches a learner's browser.

Scenario XHTML comes from course teams and imported archives; nh3 (ammonia) keeps only the
markup a case text needs and drops scripts, event handlers, styles and ``javascript:`` URLs.
"""
import functools
from html import unescape

import nh3

ALLOWED_TAGS = {
    'p', 'br', 'strong', 'em', 'b', 'i', 'u', 'a', 'ul', 'ol', 'li', 'blockquote', 'h3', 'h4',
    'h5', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'abbr', 'code', 'span', 'caption',
}
ALLOWED_ATTRIBUTES = {'a': {'href', 'title'}, 'abbr': {'title'}, 'th': {'scope'}, 'span': {'lang'},
                      'p': {'lang'}}


@functools.lru_cache(maxsize=2048)
def clean_html(html: str) -> str:
    """Markup safe to insert into a page: allowed tags only, links with safe schemes.

    Cached: the same step texts are cleaned for every learner's page and decision.
    """
    return nh3.clean(html or '', tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={'http', 'https', 'mailto'}, link_rel='noopener noreferrer')


def plain_text(html: str) -> str:
    """The text of course-team markup, tags (and script/style content) dropped, whitespace collapsed."""
    return ' '.join(unescape(nh3.clean(html or '', tags=set())).split())
