"""OLX for blocks whose content is one readable child element (``<scenario>``, ``<pathway>``).

The element is kept as XML text in a ``Scope.content`` field and written back as a child
element, never as a JSON blob or an attribute, so Studio, the export tools and translators all
read the same structure. Stored text is always canonical lxml output, hence byte-stable
export → import → export.
"""
from __future__ import annotations

from lxml import etree

from . import xml_safety


def element_xml(element: etree._Element) -> str:
    """An element as lxml writes it (its tail left out): the canonical stored form."""
    return etree.tostring(element, encoding='unicode', with_tail=False)


class ChildContentOlxMixin:
    """``parse_xml`` / ``add_xml_to_node`` for a block holding its content as one child element.

    A block sets ``content_tag`` (the child element's tag) and ``content_field`` (the String
    field holding it as XML text); every other attribute is read by XBlock's own OLX code.
    """
    content_tag: str
    content_field: str

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        child = node.find(cls.content_tag)
        if child is not None:
            node.remove(child)  # content, not a child block
        block = super().parse_xml(node, runtime, keys)
        if child is not None:
            setattr(block, cls.content_field, element_xml(child))
        return block

    def add_xml_to_node(self, node):
        super().add_xml_to_node(node)
        node.attrib.pop(self.content_field, None)
        stored = xml_safety.parse_untrusted_xml(getattr(self, self.content_field))
        node.append(stored if stored.tag == self.content_tag else stored.find(self.content_tag))
