"""Heading IDs the way Hugo makes them (goldmark's headings, Hugo's `github` IDs).

Hugo (checked against 0.168, see tests/test_links_hugo.py) takes a heading's ID from the plain
text of its inline nodes (`TextPlain`): text as written (named entities resolved, numeric ones
not; the typographer's dashes), code spans' content, and of every other node -- emphasis, link,
image -- only its FIRST child, so `[a *b*](x)` gives "a " and `*snake_case*` gives "snake_"
(goldmark cuts text at every delimiter run). Autolinks, bare URLs Hugo links, raw HTML and
footnote references give nothing; a multi-line (setext) heading uses its last line; a heading
with no text at all gets no ID. An explicit `{#id}` at the end of the heading's last line wins.
"""

from __future__ import annotations

import html
import re
import unicodedata

from markdown_it.token import Token

from pipeline.inline_linkify import linkified
from pipeline.site.markdown import body_start, markdown, parse_body

_LETTERS = ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd")
_TEXTUAL = ("text", "text_special", "softbreak", "hardbreak")
_TYPOGRAPHER = {"---": "\u2014", "--": "\u2013", "...": "\u2026", "<<": "\u00ab", ">>": "\u00bb"}
_ESCAPED_OR_DASH = re.compile(r"\\[\s\S]|---|--")
_NAMED_ENTITY = re.compile(r"&[A-Za-z][A-Za-z0-9]*;")
_ATTR_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:.-]*")
_ATTR_VALUE = re.compile(r""""[^"]*"|'[^']*'|[^\s},]+""")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

Node = tuple[Token, list]


def github_id(heading: str) -> str:
    """Hugo's `github` ID of a heading's plain text: trimmed; ' ' and '-' become '-'; letters,
    digits and '_' (any script) are kept, lowercased; everything else, tabs, ideographic spaces,
    punctuation, symbols and combining marks included, is dropped."""
    out = []
    for ch in heading.strip():
        if ch in " -":
            out.append("-")
        elif ch == "_" or unicodedata.category(ch) in _LETTERS:
            lower = ch.lower()
            out.append(lower if len(lower) == 1 else ch)
    return "".join(out)


def _body(text: str) -> str:
    """The text after the front matter (a BOM aside, all of it when the front matter cannot be
    read)."""
    return text[body_start(text) :]


def heading_ids(text: str) -> list[tuple[str, bool]]:
    """IDs Hugo gives the headings of a post, in order; True where the author set the ID.
    A heading without text gets no ID and is left out."""
    body = parse_body(text)
    md = markdown()
    ids: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for heading in body.headings:
        source, explicit = heading.inline, None
        if heading.attributes:
            source, explicit = split_attributes(source)
        if explicit is not None:
            seen.add(explicit)
            ids.append((explicit, True))
            continue
        plain = heading_text(md.parseInline(source, body.inline_env())[0].children or [])
        if "\n" in source:
            plain = plain.split("\n")[-1]
        if plain:
            ids.append((_unique(github_id(plain) or "heading", seen), False))
    return ids


def _unique(base: str, seen: set[str]) -> str:
    """goldmark's ID factory: the first duplicate gets "-1", then "-2", ..."""
    anchor, count = base, 1
    while anchor in seen:
        anchor = f"{base}-{count}"
        count += 1
    seen.add(anchor)
    return anchor


def heading_text(tokens: list[Token]) -> str:
    """Hugo's plain text of a heading's inline tokens (see the module docstring)."""
    text = _text(_tree(tokens), first_only=False, linkify=True)
    return _NAMED_ENTITY.sub(lambda m: html.unescape(m.group()), text)


def _tree(tokens: list[Token]) -> list[Node]:
    root: list[Node] = []
    stack = [root]
    for token in tokens:
        if token.nesting == 1:
            node: Node = (token, [])
            stack[-1].append(node)
            stack.append(node[1])
        elif token.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].append((token, _tree(token.children or [])))
    return root


def _text(nodes: list[Node], *, first_only: bool, linkify: bool) -> str:
    """All nodes' text, or (inside emphasis, links, images) only the first goldmark node's."""
    out: list[str] = []
    index = 0
    while index < len(nodes):
        end = index
        while end < len(nodes) and nodes[end][0].type in _TEXTUAL:
            end += 1
        if end > index:
            raw = "".join(_raw(token) for token, _ in nodes[index:end])
            if first_only:
                return _first_text_node(raw, linkify=linkify)
            out.append(_typographer_dashes(_without_links(raw) if linkify else raw))
            index = end
            continue
        piece = _node_text(nodes[index], linkify=linkify)
        if first_only:
            return piece
        out.append(piece)
        index += 1
    return "".join(out)


def _raw(token: Token) -> str:
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    # goldmark keeps text as written: an escape or entity's source, resolved (named only) later
    return token.markup if token.type == "text_special" else token.content


def _node_text(node: Node, *, linkify: bool) -> str:
    token, children = node
    if token.type == "code_inline":
        return token.content
    if token.type == "link_open" and token.markup in ("autolink", "linkify"):
        return ""
    if token.type in ("image", "link_open"):
        # goldmark does not linkify inside a link's or an image's label
        return _text(children, first_only=True, linkify=False)
    if token.nesting == 1:
        return _text(children, first_only=True, linkify=linkify)
    return ""  # raw HTML (Hugo strips the tag), footnote references


def _typographer_dashes(raw: str) -> str:
    return _ESCAPED_OR_DASH.sub(lambda m: _TYPOGRAPHER.get(m.group(), m.group()), raw)


def _without_links(raw: str) -> str:
    for start, end in reversed(linkified(raw)):
        raw = raw[:start] + raw[end:]
    return raw


def _first_text_node(raw: str, *, linkify: bool) -> str:
    """The first text node goldmark makes of `raw`: it ends at a line break (kept), after a
    delimiter run (`*`, `_`, `~`, kept), or before a typographer replacement or a bare URL."""
    links = {start for start, _ in linkified(raw)} if linkify else set()
    index = 0
    while index < len(raw):
        ch = raw[index]
        if index in links:
            return raw[:index]
        if ch == "\\":
            index += 2
            continue
        if ch == "\n":
            return raw[: index + 1]
        if ch in "*_~":
            end = index
            while end < len(raw) and raw[end] == ch:
                end += 1
            if ch != "~" or end - index <= 2:
                return raw[:end]
        for mark, replacement in _TYPOGRAPHER.items():
            if raw.startswith(mark, index):
                return raw[:index] or replacement
        if ch in "'\"" and _smart_quote(raw, index):
            return raw[:index] or ch
        index += 1
    return raw


def _smart_quote(raw: str, index: int) -> bool:
    """Does goldmark's typographer replace this quote (an apostrophe inside a word, or a quote
    that only opens or only closes)?"""
    before = raw[index - 1] if index else " "
    after = raw[index + 1] if index + 1 < len(raw) else " "
    if raw[index] == "'" and before.isalnum() and after.isalpha():
        return True
    left = not after.isspace() and (after not in _PUNCT or before.isspace() or before in _PUNCT)
    right = not before.isspace() and (before not in _PUNCT or after.isspace() or after in _PUNCT)
    return left != right


def split_attributes(source: str) -> tuple[str, str | None]:
    """Cut a trailing `{#id .class key=value}` off a heading's last line the way goldmark does:
    the first `{` that opens a valid attribute list ending the line. Returns the rest and the ID
    (None when the list sets none)."""
    line_start = source.rfind("\n") + 1
    index = line_start
    while index < len(source):
        if source[index] == "\\":
            index += 2 if source[index + 1 : index + 2] in _PUNCT else 1
            continue
        if source[index] == "{":
            parsed = _attributes(source, index)
            if parsed is not None and not source[parsed[0] :].strip():
                return source[:index].rstrip(), parsed[1]
        index += 1
    return source, None


def _attributes(text: str, pos: int) -> tuple[int, str | None] | None:
    """Parse `{...}` at `pos`: (end, id), or None when it is not an attribute list."""
    ident = None
    pos += 1
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text):
            return None
        if text[pos] == "}":
            return pos + 1, ident
        if text[pos] in "#.":
            end = pos + 1
            while end < len(text) and not text[end].isspace() and _id_char(text[end]):
                end += 1
            if text[pos] == "#":
                ident = text[pos + 1 : end]
            pos = end
        else:
            name = _ATTR_NAME.match(text, pos)
            if not name:
                return None
            pos = _skip_space(text, name.end())
            value = _ATTR_VALUE.match(text, _skip_space(text, pos + 1))
            if text[pos : pos + 1] != "=" or not value:
                return None
            if name.group() == "id":
                ident = value.group().strip("\"'")
            pos = value.end()
        pos = _skip_space(text, pos)
        if text[pos : pos + 1] == ",":
            pos += 1


def _id_char(ch: str) -> bool:
    return ch not in _PUNCT or ch in "_-:."


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos
