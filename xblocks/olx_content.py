"""OLX for blocks whose content is one readable child element (``<scenario>``, ``<pathway>``).

The element is kept as XML text in a ``Scope.content`` field and written back as a child
element, never as a JSON blob or an attribute, so Studio, the export tools and translators all
read the same structure. Stored text is always canonical lxml output, hence byte-stable
export → import → export.

Two OLX forms are read, as Open edX course archives hold them:

* inline: ``<magix_scenario url_name="x" display_name="..."><scenario>...</scenario></magix_scenario>``
  in the vertical: what Studio exports for blocks installed from outside edx-platform (XBlock's
  own ``add_xml_to_node`` under the platform's ``add_block_as_child_node``), and what we export;
* pointer: ``<magix_scenario url_name="x"/>`` in the vertical, the definition in
  ``magix_scenario/x.xml`` of the course folder: what edx-platform's ``XmlMixin`` writes for its
  built-in blocks, what hand-written courses and our course tools use. The platform resolves
  pointers only for blocks with ``XmlMixin``; pure XBlocks resolve their own (the decision record
  on pointer tags in openedx/xblocks-contrib), from the import runtime's ``resources_fs``.
"""
from __future__ import annotations

from lxml import etree
from xblock.fields import String

from . import xml_safety
from .problems import N_, ContentError, Problem

POINTER_MESSAGES = {
    'missing': N_('<{tag} url_name="{url_name}"/> points to {path}, which is not in the course.'),
    'unreadable': N_('{path} cannot be read: {error}'),
    'pointer': N_('<{tag} url_name="{url_name}"/> is a pointer: its content is in {path}.'),
}


def element_xml(element: etree._Element) -> str:
    """An element as lxml writes it (its tail left out): the canonical stored form."""
    return etree.tostring(element, encoding='unicode', with_tail=False)


def is_pointer_tag(node: etree._Element) -> bool:
    """No children, no text and ``url_name`` as its only attribute (edx-platform's ``is_pointer_tag``)."""
    has_text = node.text is not None and bool(node.text.strip())
    return len(node) == 0 and set(node.attrib) == {'url_name'} and not has_text


def pointer_path(node: etree._Element) -> str:
    """``<tag>/<url_name>.xml``, a ``:`` in the name standing for a folder (as edx-platform reads it)."""
    return f'{node.tag}/{node.get("url_name").replace(":", "/")}.xml'


def pointer_problem(node: etree._Element) -> Problem:
    """What to say when a pointer tag is given where its definition was expected."""
    return Problem(POINTER_MESSAGES['pointer'], {'tag': node.tag, 'url_name': node.get('url_name'),
                                                 'path': pointer_path(node)}, line=node.sourceline)


def load_pointed_definition(node: etree._Element, runtime) -> etree._Element:
    """The definition a pointer tag refers to, with the pointer's ``url_name``; errors name the file."""
    path = pointer_path(node)
    params = {'tag': node.tag, 'url_name': node.get('url_name'), 'path': path}
    resources = getattr(runtime, 'resources_fs', None)
    if resources is None or not resources.exists(path):
        raise ContentError([Problem(POINTER_MESSAGES['missing'], params)])
    try:
        with resources.open(path, 'rb') as definition_file:
            definition = xml_safety.parse_untrusted_xml(definition_file.read())
    except xml_safety.UnsafeXML as error:
        raise ContentError([Problem(POINTER_MESSAGES['unreadable'], {**params, 'error': str(error)},
                                    line=error.line)]) from None
    if definition.tag != node.tag:
        raise ContentError([Problem(POINTER_MESSAGES['unreadable'],
                                    {**params, 'error': f'<{definition.tag}> instead of <{node.tag}>'})])
    definition.set('url_name', node.get('url_name'))
    return definition


class XmlText(String):
    """The ``String`` field holding a block's content element as XML text, checked once per value.

    XBlock's ``String`` strips the characters XML forbids on *every* read, a regular expression
    over the whole text: for a large scenario most of a request. This keeps that rule, but
    remembers the values it has already checked, by identity (holding them, so no id is reused
    while remembered): the stored value a request reads again comes back unscanned.
    """
    _checked: dict[int, tuple[str, str]] = {}   # id(value) -> (value, sanitised value)
    CHECKED_MAX = 64

    def _sanitize(self, value):
        if not isinstance(value, str):
            return super()._sanitize(value)
        found = self._checked.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        clean = super()._sanitize(value)
        if len(self._checked) >= self.CHECKED_MAX:
            self._checked.clear()
        self._checked[id(value)] = (value, clean)
        self._checked[id(clean)] = (clean, clean)
        return clean


class ChildContentOlxMixin:
    """``parse_xml`` / ``add_xml_to_node`` for a block holding its content as one child element.

    A block sets ``content_tag`` (the child element's tag) and ``content_field`` (the String
    field holding it as XML text); every other attribute is read by XBlock's own OLX code.
    """
    content_tag: str
    content_field: str

    @classmethod
    def parse_xml(cls, node, runtime, keys, *args, **kwargs):
        if is_pointer_tag(node):
            node = load_pointed_definition(node, runtime)
        child = node.find(cls.content_tag)
        if child is not None:
            node.remove(child)  # content, not a child block
        block = super().parse_xml(node, runtime, keys, *args, **kwargs)
        if child is not None:
            setattr(block, cls.content_field, element_xml(child))
        return block

    def add_xml_to_node(self, node):
        """The inline form, as Studio exports blocks from outside edx-platform."""
        super().add_xml_to_node(node)
        node.attrib.pop(self.content_field, None)
        stored = xml_safety.parse_untrusted_xml(getattr(self, self.content_field))
        node.append(stored if stored.tag == self.content_tag else stored.find(self.content_tag))
