"""The front-matter value types, its one error, and small helpers every format shares."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["yaml", "toml", "json"]
Path = tuple[str | int, ...]

BOM = "\ufeff"
NAMES: dict[Kind, str] = {"yaml": "YAML", "toml": "TOML", "json": "JSON"}


class FrontMatterError(ValueError):
    """Front matter that cannot be read or edited; the message is one line."""


@dataclass(frozen=True)
class FrontMatter:
    kind: Kind | None
    prefix: str  # the BOM, if any: it belongs to the file, not to the front matter
    raw: str  # the whole block with its delimiters and the line ending after the closing one
    data: dict  # parsed, for reading only


@dataclass(frozen=True)
class Field:
    path: Path
    value: str
    start: int  # offsets of the value's raw text (quotes included) inside FrontMatter.raw
    end: int


@dataclass(frozen=True)
class Scalar:
    """A located scalar value; internal, richer than Field."""

    path: Path
    value: Any  # the decoded value
    is_str: bool
    start: int
    end: int
    style: str  # yaml: "", "'", '"', "|", ">"; toml: '"', "'", '"""', "'''", ""; json: '"', ""
    flow: bool = False  # yaml: inside a flow collection, where ",[]{}" end a plain scalar
    # Span of the key that owns the value: None for list items; TOML locates only its end.
    key_start: int | None = None
    key_end: int | None = None
    block_indent: str = ""  # yaml block scalars: indentation of the content lines


def is_control(ch: str) -> bool:
    """Whether a new TOML or JSON string value writes ``ch`` escaped rather than raw.

    C1 controls, line and paragraph separators and the BOM are legal in TOML and JSON strings,
    but editors and line-based tools treat some as line breaks: they count as controls too."""
    o = ord(ch)
    return o < 0x20 or 0x7F <= o <= 0x9F or ch in "\u2028\u2029\ufeff"


def one_line(message: str) -> str:
    return " ".join(message.split())


def line_ending(raw: str) -> str:
    """The line ending the front matter uses (that of its first line)."""
    nl = raw.find("\n")
    return "\r\n" if nl > 0 and raw[nl - 1] == "\r" else "\n"


def format_path(path: Path) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")


def fold(path: Path) -> Path:
    """``path`` with its keys case-folded: Hugo reads front-matter keys case-insensitively."""
    return tuple(p.casefold() if isinstance(p, str) else p for p in path)


def lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each line from ``start``, the end after its "\\n" (only "\\n" ends a line)."""
    pos = start
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        yield pos, end
        pos = end


def line_after(raw: str, pos: int) -> int:
    """Start of the line after the one holding ``pos``."""
    nl = raw.find("\n", pos)
    return len(raw) if nl < 0 else nl + 1


def inner(raw: str) -> tuple[int, str]:
    """Offset and text of a YAML/TOML block between its delimiter lines."""
    first_end = raw.find("\n") + 1
    body = raw.rstrip("\n").rstrip("\r")  # raw ends with the closing delimiter line
    closing_start = body.rfind("\n") + 1
    if closing_start < first_end:  # only the two delimiter lines... or one line: nothing inside
        closing_start = first_end
    return first_end, raw[first_end:closing_start]
