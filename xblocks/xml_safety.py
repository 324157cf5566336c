"""Parsing untrusted XML (course OLX, credential pathways, scenarios) with a hardened lxml parser.

One place for it: no DTDs, no entity expansion, no network, no processing instructions, and
a size limit. ``UnsafeXML.kind`` says what went wrong; callers turn it into their own
translatable message (``{limit}``, ``{error}`` come from ``params``).
"""
from __future__ import annotations

import threading

from lxml import etree

MAX_XML_BYTES = 5 * 1024 * 1024
TOO_LARGE, EMPTY, MALFORMED, DOCTYPE = 'too-large', 'empty', 'malformed', 'doctype'


class UnsafeXML(ValueError):
    """XML that cannot be read safely: too large, empty, malformed, or with a DOCTYPE."""

    def __init__(self, kind: str, params: dict | None = None, line: int | None = None):
        self.kind, self.params, self.line = kind, dict(params or {}), line
        super().__init__(f'{kind}: {self.params}' if self.params else kind)


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_pis=True)


_PARSERS = threading.local()


def shared_parser() -> etree.XMLParser:
    """This thread's ``safe_parser``, made once: making one costs more than parsing a small file."""
    parser = getattr(_PARSERS, 'parser', None)
    if parser is None:  # lxml parsers may not be shared between threads
        parser = _PARSERS.parser = safe_parser()
    return parser


def parse_untrusted_xml(xml_text: str | bytes, max_bytes: int = MAX_XML_BYTES,
                        allow_dtd_reference: bool = False) -> etree._Element:
    """Parse untrusted XML text into an element, refusing DTDs and oversized input.

    ``allow_dtd_reference``: accept a DOCTYPE that only names an external DTD
    (``<!DOCTYPE tmx SYSTEM "tmx14.dtd">``, as CAT tools write TMX) and declares nothing itself;
    the DTD is never loaded.
    """
    if isinstance(xml_text, str):
        xml_text = xml_text.encode('utf-8')
    if len(xml_text) > max_bytes:
        raise UnsafeXML(TOO_LARGE, {'limit': max_bytes // (1024 * 1024)})
    if not xml_text or xml_text.isspace():  # (no stripped copy of the file)
        raise UnsafeXML(EMPTY)
    try:
        root = etree.fromstring(xml_text, shared_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno and error.lineno > 0 else None
        raise UnsafeXML(MALFORMED, {'error': error.msg}, line) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype and not (allow_dtd_reference and _declares_nothing(docinfo.internalDTD)):
        raise UnsafeXML(DOCTYPE)
    return root


def _declares_nothing(dtd) -> bool:
    return dtd is None or not (list(dtd.iterentities()) or list(dtd.iterelements()))
