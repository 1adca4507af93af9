"""Render stage: spans joined back into a post, atoms and line breaks restored byte for byte."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache

from markdown_it import MarkdownIt

from pipeline import chars
from pipeline.document import Document, Prose, markdown_parser
from pipeline.inline import CLOSE, OPEN, escaped


class RenderError(RuntimeError):
    """A translated unit does not fit its source unit (a bug upstream, never user input)."""


def render_unit(unit: Prose, text: str) -> str:
    """Turn a unit's (translated) working text back into raw Markdown.

    Every atom must appear exactly once and every line break exactly as often as in the source;
    the translation stage guarantees it, and this check keeps a broken guarantee from writing a
    post with a lost link or a doubled code span. Where the text changed, the rules of Markdown
    structure apply here and nowhere else: delimiters hug the text they open or close, a
    shortcut reference gets its label spelled out, and text that was literal in the source is
    escaped where the English would read it as markup.
    """
    changed = text != unit.text
    if changed:
        text = place_dropped_breaks(unit, hug_delimiters(unit, text))
    pieces = _pieces(unit, text, changed)
    if changed and unit.block in _HTML_KINDS:
        # Text of an HTML block or an attribute's value: the English's own `&` and `<` escaped
        # as HTML needs them, and in a value its quote (an atom, such as an entity the source
        # wrote, stays as it is).
        return "".join(p.raw if p.atom else _html_text(p.raw, unit.quote) for p in pieces)
    if not changed or unit.block not in _MARKDOWN_BLOCKS:
        return "".join(p.raw for p in pieces)
    source = _pieces(unit, unit.text, False)
    pieces = _escape_atom_line_starts(unit, source, pieces)
    raw = "".join(p.raw for p in pieces)
    if any(p.literal for p in pieces):
        raw = escape_new_markup(source, pieces) or raw
    return raw


@dataclass(frozen=True)
class _Piece:
    raw: str  # what goes into the post
    logical: str  # the same as the block's inline text reads it (line prefixes left out)
    literal: tuple[int, ...] = ()  # offsets of characters that must stay literal text
    atom: bool = False


_MARKUP_CHARS = frozenset("*_`<[~")
_MARKDOWN_BLOCKS = frozenset({"paragraph", "heading", "list", "quote", "table", "footnote"})
_HTML_KINDS = frozenset({"html", "attribute"})  # HTML, not Markdown: escaped with entities
_HTML_QUOTES = {'"': "&quot;", "'": "&#39;"}


def _pieces(unit: Prose, text: str, changed: bool) -> list[_Piece]:
    out: list[_Piece] = []
    seen = [0] * len(unit.atoms)
    breaks = iter(unit.breaks)
    used_breaks = 0
    for index, char in enumerate(text):
        code = chars.atom_index(char)
        if code is not None and code < len(unit.atoms):
            seen[code] += 1
            atom = unit.atoms[code]
            raw = _full_reference(unit, text, code) if changed and atom.label else atom.raw
            out.append(_Piece(raw, raw, atom.literal, atom=True))
        elif char in ("\n", chars.DROPPED_BREAK):
            line_break = next(breaks, None)
            if line_break is None:
                raise RenderError("more line breaks than the source unit has")
            used_breaks += 1
            if char == "\n":
                out.append(_Piece(line_break, "\n"))
            else:  # no place for it in the translation: the lines join with a space
                joined = 0 < index < len(text) - 1 and not text[index - 1].isspace()
                out.append(_Piece(" " if joined else "", " " if joined else ""))
        else:
            quoted = char if unit.block in _HTML_KINDS else _quoted(unit.quote, char, out)
            out.append(_Piece(quoted, quoted, (0,) if char in _MARKUP_CHARS else ()))
    if any(count != 1 for count in seen):
        raise RenderError("an atom is missing or repeated")
    if used_breaks != len(unit.breaks):
        raise RenderError("a line break of the source unit is missing")
    return out


def _html_text(raw: str, quote: str = "") -> str:
    text = raw.replace("&", "&amp;").replace("<", "&lt;")
    if quote not in _HTML_QUOTES:
        return text
    # An attribute's value: its quote, and a `|` (in a table row, before any HTML is read, it
    # would end the cell).
    return text.replace(quote, _HTML_QUOTES[quote]).replace("|", "&#124;")


def _escape_atom_line_starts(
    unit: Prose, source: list[_Piece], pieces: list[_Piece]
) -> list[_Piece]:
    """An atom that now starts a line (a literal `*` the translation moved after a break) must
    not start block syntax the source line did not have (`* word` would be a list item)."""
    source_lines = "".join(p.logical for p in source).split("\n")
    out = list(pieces)
    line = 0
    at_start = unit.line_start
    for k, piece in enumerate(out):
        if piece.logical == "\n":
            line, at_start = line + 1, True
            continue
        if not at_start or not piece.logical.strip():
            continue
        at_start = False
        if not piece.atom:
            continue
        rest = "".join(p.logical for p in out[k:]).split("\n", 1)[0]
        match = _BLOCK_START.match(rest)
        before = source_lines[line].lstrip() if line < len(source_lines) else ""
        if match and not _had_syntax(before, match.group(1)):
            out[k] = replace(piece, raw=_escape(piece.raw, match.group(1)), literal=())
    return out


def _quoted(quote: str, char: str, out: list[_Piece]) -> str:
    """A character inside a quoted value (a shortcode parameter, a link title)."""
    if quote == "`" and char == "`":
        return "'"  # a raw-string parameter cannot hold its own quote
    if (quote == char and char in "\"'") or (quote == "(" and char in "()"):
        # Escape the quote unless the source's escape (`\\"`) is already in front of it.
        return char if out and out[-1].raw.endswith("\\") else "\\" + char
    return char


def _full_reference(unit: Prose, text: str, code: int) -> str:
    """A shortcut (`[ラベル]`) or collapsed (`[ラベル][]`) reference whose text was translated
    no longer matches its definition: `[English][ラベル]` does."""
    atom = unit.atoms[code]
    if 0 <= atom.partner < len(unit.atoms):
        opener, closer = chars.atom_char(atom.partner), chars.atom_char(code)
        source = unit.text[unit.text.find(opener) + 1 : unit.text.find(closer)]
        english = text[text.find(opener) + 1 : text.find(closer)]
        if source == english:
            return atom.raw
    at = atom.label_at
    rest = atom.raw[at + 2 :] if atom.raw.startswith("[]", at) else atom.raw[at:]
    return atom.raw[:at] + "[" + atom.label + "]" + rest


def hug_delimiters(unit: Prose, text: str) -> str:
    """An opening delimiter hugs the text after it, a closing one the text before it, whatever
    spaces the translation put there (`** bold**` is no emphasis). A space moved out lands on
    the outer side, unless a space or punctuation is already there. Spaces the source had on
    the inner side stay."""
    letters = list(text)
    for index, atom in enumerate(unit.atoms):
        char = chars.atom_char(index)
        at = unit.text.find(char)
        if atom.role == OPEN and not unit.text[at + 1 : at + 2].isspace():
            _hug(letters, char, after=True)
        elif atom.role == CLOSE and not unit.text[at - 1 : at].isspace():
            _hug(letters, char, after=False)
    return "".join(letters)


def _hug(letters: list[str], char: str, *, after: bool) -> None:
    if char not in letters:
        return
    at = letters.index(char)
    step = 1 if after else -1
    end = at + step
    while 0 <= end < len(letters) and letters[end] in " \t":
        end += step
    if end == at + step:
        return
    lo, hi = (at + 1, end) if after else (end + 1, at)
    del letters[lo:hi]
    at = letters.index(char)
    outer = at - 1 if after else at + 1
    neighbour = letters[outer] if 0 <= outer < len(letters) else ""
    if _spaced(neighbour, after=after):
        letters.insert(at if after else at + 1, " ")


def _spaced(neighbour: str, *, after: bool) -> bool:
    """Does the space moved out of a delimiter go on its outer side? After or before a word,
    yes; next to punctuation, a bracket, another atom (the translation stage spaced those) or
    the text's edge, no."""
    if not neighbour:
        return False
    if neighbour.isascii() and neighbour.isalnum():
        return True
    return neighbour in (".,;:!?" if after else "([")


_HARD_BREAK = re.compile(r"^(?:\\| {2,}|\t)")


def place_dropped_breaks(unit: Prose, text: str) -> str:
    """A hard break the translation had no place for goes to the nearest sentence end of the
    unit (when no other break lies between); otherwise it stays dropped, and its lines join
    with a space."""
    letters = list(text)
    order = [k for k, c in enumerate(letters) if c in ("\n", chars.DROPPED_BREAK)]
    for number, at in enumerate(order):
        if letters[at] != chars.DROPPED_BREAK or not _HARD_BREAK.search(unit.breaks[number]):
            continue
        lo = order[number - 1] + 1 if number else 0
        hi = order[number + 1] if number + 1 < len(order) else len(letters)
        ends = [
            k + 1
            for k in range(lo, hi - 2)
            if letters[k] in ".!?" and letters[k + 1] == " " and not letters[k + 2].isspace()
        ]
        if ends:
            spot = min(ends, key=lambda k: abs(k - at))
            letters[spot] = "\n"
            letters[at] = ""
    return "".join(letters)


def joined_hard_breaks(document: Document, texts: Mapping[int, str]) -> int:
    """How many hard line breaks of the translated units had no place in the English (no
    sentence end to move them to), so their lines join: the orchestrator reports them."""
    joined = 0
    for index, unit in enumerate(document.prose):
        text = texts.get(index)
        if text is None or text == unit.text:
            continue
        placed = place_dropped_breaks(unit, hug_delimiters(unit, text))
        order = [c for c in placed if c in ("\n", chars.DROPPED_BREAK)]
        joined += sum(
            c == chars.DROPPED_BREAK and bool(_HARD_BREAK.search(unit.breaks[n]))
            for n, c in enumerate(order)
        )
    return joined


def escape_new_markup(source: list[_Piece], pieces: list[_Piece]) -> str | None:
    """The raw text with literal characters escaped, when the English reads some of them as
    markup the source did not have (its structure differs from the source's and escaping brings
    it back); else None. All of them first; else one kind of character at a time (a `<` that
    became a tag next to a `*` the source itself used both ways)."""
    wanted = _structure("".join(p.logical for p in source))
    if _structure("".join(p.logical for p in pieces)) == wanted:
        return None
    present = {p.logical[k] for p in pieces for k in p.literal if k < len(p.logical)}
    kinds = [_MARKUP_CHARS, *(frozenset(c) for c in sorted(present & _MARKUP_CHARS))]
    for kind in kinds:
        escaped_text = "".join(_escape_piece(p.logical, p.literal, kind) for p in pieces)
        if _structure(escaped_text) == wanted:
            return "".join(_escape_piece(p.raw, p.literal, kind) for p in pieces)
    return None


def _escape_piece(text: str, literal: tuple[int, ...], kind: frozenset[str]) -> str:
    if not literal:
        return text
    marks = set(literal)
    return "".join(
        "\\" + c if k in marks and c in kind and not escaped(text, k) else c
        for k, c in enumerate(text)
    )


def _structure(text: str) -> list[tuple[str, ...]]:
    """What Markdown makes of inline text: token types, tags, link targets and code."""
    out: list[tuple[str, ...]] = []
    stack = list(reversed(_parser().parseInline(text)))
    while stack:
        token = stack.pop()
        if token.type not in ("text", "inline", "softbreak"):
            target = str(token.attrs.get("href", token.attrs.get("src", "")))
            code = token.content if token.type in ("code_inline", "html_inline") else ""
            out.append((token.type, token.tag, target, code))
        stack.extend(reversed(token.children or []))
    return out


@cache
def _parser() -> MarkdownIt:
    return markdown_parser()


def render_body(document: Document, texts: Mapping[int, str]) -> str:
    """`texts` maps a prose unit's index (in `document.prose`) to its new working text; units
    without an entry are rendered from their source. Nested units (link titles) are rendered
    into the atom that holds them."""
    spans = [s for s in document.spans if isinstance(s, Prose)]
    nested = {
        (unit.start, unit.end): render_unit(unit, texts[len(spans) + k])
        for k, unit in enumerate(document.nested)
        if len(spans) + k in texts
    }
    out: list[str] = []
    prose_index = 0
    for span in document.spans:
        if isinstance(span, Prose):
            inner = [r for r in nested if span.start <= r[0] and r[1] <= span.end]
            if prose_index in texts or inner:
                unit = _with_nested(span, {r: nested[r] for r in inner})
                out.append(render_unit(unit, texts.get(prose_index, span.text)))
            else:
                out.append(document.body[span.start : span.end])
            prose_index += 1
        else:
            out.append(document.body[span.start : span.end])
    return "".join(out)


def _with_nested(unit: Prose, nested: Mapping[tuple[int, int], str]) -> Prose:
    """The unit with each nested unit's rendering spliced into the atom that holds it."""
    if not nested:
        return unit
    atoms = []
    for atom in unit.atoms:
        raw = atom.raw
        for (start, end), text in sorted(nested.items(), reverse=True):
            lo, hi = start - atom.start, end - atom.start
            if atom.start >= 0 and lo >= 0 and hi <= len(atom.raw):
                raw = raw[:lo] + text + raw[hi:]
        atoms.append(replace(atom, raw=raw))
    return replace(unit, atoms=tuple(atoms))


_BLOCK_START = re.compile(
    r"(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$)|\||`{3,}|~{3,}|=+\s*$|-{2,}\s*$)"
)


def escape_line_starts(source: str, text: str, line_start: bool, block: str = "") -> str:
    """Translated text must not create block syntax (a heading, list item, quote, table row,
    fence or setext underline) at the start of a line where the source had none. Inside an
    HTML block no line starts block syntax (and a backslash would show on the page)."""
    if block in _HTML_KINDS:
        return text
    source_lines = source.split("\n")
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if k == 0 and not line_start:
            continue
        match = _BLOCK_START.match(line)
        if not match:
            continue
        before = source_lines[k] if k < len(source_lines) else ""
        if _had_syntax(before, match.group(1)):
            continue
        lines[k] = _escape(line, match.group(1))
    return "\n".join(lines)


def _had_syntax(source_line: str, syntax: str) -> bool:
    """Did the source line start with the same block syntax (`-会場` starts with `-` but is no
    list item: `- Venue` would be one)?"""
    match = _BLOCK_START.match(source_line)
    return match is not None and match.group(1) == syntax


def _escape(line: str, syntax: str) -> str:
    if syntax[0].isdigit():
        digits = len(syntax) - 1
        return line[:digits] + "\\" + line[digits:]
    return "\\" + line


def _latin_start(char: str) -> bool:
    return (char.isascii() and (char.isalnum() or char in "([\"'")) or chars.is_atom(char)


def join_pieces(sources: list[str], outputs: list[str], translated: list[bool]) -> str:
    """Join a unit's sentences. Japanese needs no space after `。`; English does — unless the
    source already glued two ASCII pieces together. Untranslated neighbours stay as they were."""
    out: list[str] = []
    for k, piece in enumerate(outputs):
        if k and out and piece and (translated[k] or translated[k - 1]):
            left, right = out[-1], piece
            src_left, src_right = sources[k - 1], sources[k]
            glued_in_source = (
                bool(src_left)
                and bool(src_right)
                and (src_left[-1].isascii() or chars.is_atom(src_left[-1]))
                and (src_right[0].isascii() or chars.is_atom(src_right[0]))
            )
            if (
                chars.ends_latin(left[-1:] or " ")
                and _latin_start(right[0])
                and not glued_in_source
            ):
                out.append(" ")
        out.append(piece)
    return "".join(out)
