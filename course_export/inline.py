"""A unit's inline markup as protected codes, for CAT tools (XLIFF 1.2, TMX 1.4), and back byte for byte.

A unit of a course page keeps its inline markup (``<strong>``, ``<a href=…>``, ``<img/>``) inside
the text. Translators must move those tags around the words they mark but never retype them, so
each tag travels as an inline code holding the original markup (XLIFF ``<bpt>``/``<ept>`` for a
pair, ``<ph>`` for an empty element, an entity or a placeholder): CAT tools show them as
protected tags, and the import rebuilds exactly the markup of the source. Text between codes is
shown unescaped (``R&D``, not ``R&amp;D``) and escaped again on the way back.

One place knows this mapping; the XLIFF and TMX modules only name their elements.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .slots import looks_like_markup

# A tag, a comment or an entity in a markup unit; placeholders in any unit.
MARKUP_TOKEN = re.compile(r'<!--.*?-->|<[^<>]+>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]\w*);', re.S)
PLACEHOLDER = re.compile(r'\{[A-Za-z_][A-Za-z0-9_]*\}|%\([A-Za-z_]+\)[sd]')
TAG_NAME = re.compile(r'</?\s*([A-Za-z][\w:.-]*)')
# The five entities XML serialisers write for text: shown as characters, written back canonically.
TEXT_ENTITIES = {'&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'"}
OPEN, CLOSE, EMPTY = 'open', 'close', 'empty'
# XLIFF 1.2 ``ctype`` of the tags course texts use (others get an ``x-`` name).
PAIRED_CTYPES = {'b': 'bold', 'strong': 'bold', 'i': 'italic', 'em': 'italic', 'u': 'underlined', 'a': 'link'}
EMPTY_CTYPES = {'img': 'image', 'br': 'lb'}


class InlineError(ValueError):
    """A translation whose inline codes do not match its source (the message says which)."""


@dataclass(frozen=True)
class Code:
    """One inline code: ``kind`` open/close (a pair shares ``id``) or empty; ``native`` the original markup."""
    kind: str
    id: str
    native: str
    name: str = ''

    @property
    def ctype(self) -> str:
        if self.kind == EMPTY:
            if self.native.startswith('&'):
                return 'x-entity'
            if not self.native.startswith('<'):
                return 'x-placeholder'
            return EMPTY_CTYPES.get(self.name, f'x-{self.name}' if self.name else 'x-code')
        return PAIRED_CTYPES.get(self.name, f'x-{self.name}')


Piece = str | Code


def is_markup(source: str) -> bool:
    """Whether a unit's English holds markup (then its text is escaped markup, not plain text)."""
    return looks_like_markup(source)


def split(text: str, markup: bool) -> list[Piece]:
    """``text`` as text pieces and codes; ids number the codes in reading order (pairs share one)."""
    pieces: list[Piece] = []
    counter = 0
    stack: list[Code] = []

    def new_id():
        nonlocal counter
        counter += 1
        return str(counter)

    position = 0
    tokens = MARKUP_TOKEN if markup else PLACEHOLDER
    for match in tokens.finditer(text):
        _add_plain(pieces, text[position:match.start()], markup, new_id)
        token = match.group()
        position = match.end()
        if not markup or token.startswith('&') and token not in TEXT_ENTITIES:
            pieces.append(Code(EMPTY, new_id(), token))
        elif token.startswith('&'):
            _append_text(pieces, TEXT_ENTITIES[token])
        elif token.startswith('<!--'):
            pieces.append(Code(EMPTY, new_id(), token))
        else:
            name = (TAG_NAME.match(token) or [None, ''])[1].lower()
            if token.startswith('</'):
                if not stack or stack[-1].name != name:
                    raise InlineError(f'</{name}> closes no open <{name}>')
                pieces.append(Code(CLOSE, stack.pop().id, token, name))
            elif token.endswith('/>'):
                pieces.append(Code(EMPTY, new_id(), token, name))
            else:
                code = Code(OPEN, new_id(), token, name)
                stack.append(code)
                pieces.append(code)
    _add_plain(pieces, text[position:], markup, new_id)
    if stack:
        raise InlineError(f'<{stack[-1].name}> is never closed')
    return pieces


def _add_plain(pieces, value, markup, new_id):
    """Text between tags: placeholders become codes, the rest is text (markup units: already unescaped)."""
    if not value:
        return
    if not markup:
        _append_text(pieces, value)
        return
    position = 0
    for match in PLACEHOLDER.finditer(value):
        _append_text(pieces, value[position:match.start()])
        pieces.append(Code(EMPTY, new_id(), match.group()))
        position = match.end()
    _append_text(pieces, value[position:])


def _append_text(pieces, value):
    if not value:
        return
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] += value
    else:
        pieces.append(value)


def join(pieces: list[Piece], markup: bool) -> str:
    """The unit text again: codes as their original markup, text escaped in markup units."""
    out = []
    for piece in pieces:
        if isinstance(piece, Code):
            out.append(piece.native)
        elif markup:
            out.append(piece.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'))
        else:
            out.append(piece)
    return ''.join(out)


def codes(pieces: list[Piece]) -> list[Code]:
    return [piece for piece in pieces if isinstance(piece, Code)]


def plain_text(pieces: list[Piece]) -> str:
    """The words only (codes left out): what translators read and what fuzzy matching compares."""
    return ''.join(piece for piece in pieces if isinstance(piece, str))


def check_codes(source: list[Code], target: list[Code]) -> None:
    """A target must use every code of its source once, pairs in order and properly nested."""
    expected = {(code.kind, code.id): code for code in source}
    seen = set()
    stack = []
    for code in target:
        key = (code.kind, code.id)
        original = expected.get(key)
        if original is None:
            raise InlineError(f'inline code {code.kind} id="{code.id}" is not in the source')
        if code.native and code.native != original.native:
            raise InlineError(f'inline code id="{code.id}" was changed ({code.native!r}, '
                              f'the source has {original.native!r})')
        if key in seen:
            raise InlineError(f'inline code id="{code.id}" is used twice')
        seen.add(key)
        if code.kind == OPEN:
            stack.append(code.id)
        elif code.kind == CLOSE:
            if not stack or stack[-1] != code.id:
                raise InlineError(f'inline code id="{code.id}" closes out of order (tags must nest)')
            stack.pop()
    missing = [f'id="{code.id}" {code.native!r}' for key, code in expected.items() if key not in seen]
    if missing:
        raise InlineError(f'inline codes missing from the translation: {", ".join(missing)}')


def restore(source_pieces: list[Piece], target_pieces: list[Piece]) -> list[Piece]:
    """Target pieces whose codes carry the source's markup (a CAT tool may drop it from ``<g>``/``<x/>``)."""
    by_key = {(code.kind, code.id): code for code in codes(source_pieces)}
    check_codes(codes(source_pieces), codes(target_pieces))
    return [by_key[(piece.kind, piece.id)] if isinstance(piece, Code) else piece for piece in target_pieces]
