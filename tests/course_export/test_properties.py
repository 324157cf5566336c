"""Property-based: whatever the text (entities, quotes, no-break spaces), writing it back is exact."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from course_export import catalogue
from course_export.build import build
from course_export.olx import escape_text
from course_export.units import extract

COURSE = {
    'course.xml': b'<course url_name="R" org="O" course="C"/>\n',
    'course/R.xml': b'<course>\n  <chapter url_name="c"/>\n</course>\n',
    'chapter/c.xml': b'<chapter display_name="Chapter">\n  <html url_name="h"/>\n</chapter>\n',
    'html/h.xml': b'<html filename="h" display_name="Page"/>\n',
}
# Runs of ASCII spaces are collapsed in msgids by design (normalise): texts have single inner spaces.
words = st.text(alphabet=st.sampled_from(list('abcXYZ &<>"\'\u00a0\u202fé€—')), min_size=1, max_size=30) \
    .map(lambda text: re.sub(' +', ' ', text).strip(' ')).filter(bool)


def page(first, second, title):
    return (f'<h3>{escape_text(title)}</h3>\n<p>{escape_text(first)} <em>{escape_text(second)}</em></p>\n'
            f'<ul>\n<li>{escape_text(second)}</li>\n</ul>\n').encode('utf-8')


@settings(max_examples=60, deadline=None)
@given(words, words, words)
def test_identity_and_translation_round_trips(first, second, title):
    tree = dict(COURSE, **{'html/h.html': page(first, second, title)})
    units = extract(tree)
    assert [unit.key for unit in units] == ['chapter/c@display_name', 'html/h@display_name', 'html/h@body[1]',
                                            'html/h@body[2]', 'html/h@body[3]']
    po = catalogue.merge(catalogue.template(units), catalogue.new_catalogue('en'))
    for entry in po:
        entry.msgstr = entry.msgid
    assert build(tree, 'en', po).tree == tree
    for entry in po:
        entry.msgstr = 'T ' + entry.msgid
    translated = extract(build(tree, 'en', po).tree)
    assert [unit.source for unit in translated] == ['T ' + unit.source for unit in units]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1_'-\u2019 .,<>é\t\n!?\u00a0")), max_size=40))
def test_words_are_counted_as_the_word_pattern_finds_them(text):
    # ``words`` splits ASCII text in C; the count is the pattern's (``catalogue.WORD``) on any text
    cleaned = catalogue.TAG.sub(' ', text) if '<' in text else text
    assert catalogue.words(text) == len(catalogue.WORD.findall(cleaned))


@settings(max_examples=60, deadline=None)
@given(words, words, st.text(alphabet=st.sampled_from(list('ab "\\\t\n\r\v\u2028')), min_size=1, max_size=10))
def test_a_document_part_is_its_units_template_entries(first, second, odd):
    from course_export.units import iter_documents, slot_unit
    tree = dict(COURSE, **{'html/h.html': page(first, second, odd.strip() or 'x')})
    for document in iter_documents(tree):
        units = [slot_unit(slot) for slot in document.slots]
        text, keys, count = catalogue.template_part(document)
        assert text == ''.join(catalogue.template_entry(unit) for unit in units)
        assert keys == [unit.key for unit in units]
        assert count == sum(catalogue.words(unit.source) for unit in units)


spaces = st.text(alphabet=st.sampled_from(list(' \t\n\u00a0')), max_size=3)
inline = st.sampled_from(['<em>x</em>', '<a href="/l">a</a>', '<!-- note -->', '<br/>', '&amp;'])


@settings(max_examples=200, deadline=None)
@given(spaces, st.one_of(st.just(''), words), st.lists(st.tuples(inline, spaces, st.one_of(st.just(''), words)),
                                                         min_size=1, max_size=3), spaces)
def test_the_space_kept_around_a_translation_is_read_without_serialising(lead, text, children, trail):
    # ``MarkupSlot.edges`` is what splitting the serialised English gave (``_split_space(raw())``)
    from lxml import etree

    from course_export.slots import MarkupSlot, _split_space
    body = ''.join(markup + space + escape_text(more) for markup, space, more in children)
    element = etree.fromstring(f'<p>{lead}{escape_text(text)}{body}{trail}</p>')
    slot = MarkupSlot(element, 'k', 'p.xml')
    if slot.children:
        assert slot.edges() == _split_space(slot.raw())
