"""Render stage: spans joined back into a post, atoms and line breaks restored byte for byte."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline import chars
from pipeline.document import Document, Prose


class RenderError(RuntimeError):
    """A translated unit does not fit its source unit (a bug upstream, never user input)."""


def render_unit(unit: Prose, text: str) -> str:
    """Turn a unit's (translated) working text back into raw Markdown.

    Every atom must appear exactly once and every line break exactly as often as in the source;
    the translation stage guarantees it, and this check keeps a broken guarantee from writing a
    post with a lost link or a doubled code span.
    """
    out: list[str] = []
    seen = [0] * len(unit.atoms)
    breaks = iter(unit.breaks)
    used_breaks = 0
    for char in text:
        code = chars.atom_index(char)
        if code is not None and code < len(unit.atoms):
            seen[code] += 1
            out.append(unit.atoms[code].raw)
        elif char == "\n":
            raw = next(breaks, None)
            if raw is None:
                raise RenderError("more line breaks than the source unit has")
            used_breaks += 1
            out.append(raw)
        elif unit.quote == "`" and char == "`":
            out.append("'")  # a raw-string parameter cannot hold its own quote
        elif unit.quote == '"' and char == '"':
            # Escape the quote unless the source's escape (`\\"`) is already in front of it.
            out.append(char if out and out[-1].endswith("\\") else '\\"')
        else:
            out.append(char)
    if any(count != 1 for count in seen):
        raise RenderError("an atom is missing or repeated")
    if used_breaks != len(unit.breaks):
        raise RenderError("a line break of the source unit is missing")
    return "".join(out)


def render_body(document: Document, texts: Mapping[int, str]) -> str:
    """`texts` maps a prose unit's index (in `document.prose`) to its new working text; units
    without an entry are rendered from their source."""
    out: list[str] = []
    prose_index = 0
    for span in document.spans:
        if isinstance(span, Prose):
            if prose_index in texts:
                out.append(render_unit(span, texts[prose_index]))
            else:
                out.append(document.body[span.start : span.end])
            prose_index += 1
        else:
            out.append(document.body[span.start : span.end])
    return "".join(out)


_BLOCK_START = re.compile(
    r"(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$)|\||`{3,}|~{3,}|=+\s*$|-{2,}\s*$)"
)


def escape_line_starts(source: str, text: str, line_start: bool) -> str:
    """Translated text must not create block syntax (a heading, list item, quote, table row,
    fence or setext underline) at the start of a line where the source had none."""
    source_lines = source.split("\n")
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if k == 0 and not line_start:
            continue
        match = _BLOCK_START.match(line)
        if not match:
            continue
        before = source_lines[k] if k < len(source_lines) else ""
        if before.startswith(match.group(1)):
            continue
        lines[k] = _escape(line, match.group(1))
    return "\n".join(lines)


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
