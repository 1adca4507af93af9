"""TOML front matter: where each value lies in the raw text, its new quoted text, adding a key.

tomlkit parses the values and renders each of them as it was written, but it does not render a
whole document byte for byte: it respells table headers from their parents' names
(``[ gallery ]`` then ``[[gallery.items]]`` comes back as ``[[ gallery .items]]``) and moves an
array of tables split by another table (``[[a]]``, ``[b]``, ``[[a]]``) together. So the text is
cut at its header lines (tomllib reads each header's path), and tomlkit reads the key/value lines
of each part, which have no headers and come back exactly. Each value is then swapped for a
marker and the part rendered once: where the markers land are the values' offsets.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass

import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, InlineTable, Integer, Item, Key, String, Table, Trivia

from pipeline.frontmatter.model import (
    FrontMatterError,
    Path,
    Scalar,
    inner,
    is_control,
    line_after,
    lines,
)

_MARKER = re.compile("\x00([0-9]+)\x00")  # valid TOML never holds a raw NUL


@dataclass(frozen=True)
class TomlLayout:
    scalars: list[Scalar]  # in source order
    first_table: int | None  # offset of the first table header's "[" in the raw front matter


@dataclass(frozen=True)
class _Part:
    """A run of key/value lines: before the first header, or after one header line."""

    table: Path  # the table the header opens (AoT elements get their index); () at the top
    header: int | None  # offset of the header's "[" in the TOML text
    start: int  # the key/value lines: text[start:end]
    end: int


@dataclass(frozen=True)
class _Leaf:
    path: Path  # inside the part's table
    holder: Container | Array
    slot: Key | int
    item: Item


def toml_layout(raw: str) -> TomlLayout:
    """Every scalar value with its span in ``raw``, and where the first table begins."""
    offset, text = inner(raw)
    try:
        parts = _parts(text)
        scalars = [sc for part in parts for sc in _part_scalars(raw, offset, text, part)]
    except (TOMLKitError, tomllib.TOMLDecodeError, ValueError) as e:
        raise FrontMatterError(f"could not locate values in TOML front matter: {e}") from None
    first = next((p.header for p in parts if p.header is not None), None)
    return TomlLayout(scalars, None if first is None else offset + first)


def _complete(fragment: str) -> bool:
    try:
        tomllib.loads(fragment)
    except tomllib.TOMLDecodeError:
        return False
    return True


def _parts(text: str) -> list[_Part]:
    """``text`` cut at its table headers: a line starting with "[" where what comes before it
    since the last header is complete TOML (otherwise the "[" is inside a multi-line value)."""
    parts: list[_Part] = []
    aot_counts: dict[Path, int] = {}
    table: Path = ()
    header: int | None = None
    start = 0
    for line_start, line_end in lines(text):
        line = text[line_start:line_end]
        if not line.lstrip(" \t").startswith("[") or not _complete(text[start:line_start]):
            continue
        parts.append(_Part(table, header, start, line_start))
        table = _table_path(line, aot_counts)
        header = line_start + len(line) - len(line.lstrip(" \t"))
        start = line_end
    parts.append(_Part(table, header, start, len(text)))
    return parts


def _table_path(header_line: str, aot_counts: dict[Path, int]) -> Path:
    """The path a header opens; an array of tables' elements are numbered in source order."""
    node = tomllib.loads(header_line)
    keys: list[str] = []
    is_aot = False
    while isinstance(node, dict) and len(node) == 1:
        key, node = next(iter(node.items()))
        keys.append(key)
        is_aot = isinstance(node, list)
    path: Path = ()
    for i, key in enumerate(keys):
        path = (*path, key)
        if is_aot and i == len(keys) - 1:
            aot_counts[path] = aot_counts.get(path, 0) + 1
        if path in aot_counts:
            path = (*path, aot_counts[path] - 1)
    return path


def _leaves(container: Container, path: Path) -> Iterator[_Leaf]:
    for key, item in container.body:
        if key is not None:
            yield from _leaves_of(item, (*path, key.key), container, key)


def _leaves_of(
    item: Item, path: Path, holder: Container | Array, slot: Key | int
) -> Iterator[_Leaf]:
    if isinstance(item, Table | InlineTable):  # a table from a dotted key (a.b = 1), or {…}
        yield from _leaves(item.value, path)
    elif isinstance(item, Array):
        for i, element in enumerate(item):
            yield from _leaves_of(element, (*path, i), item, i)
    elif isinstance(item, AoT):
        raise ValueError("an array of tables among the key/value lines")
    else:
        yield _Leaf(path, holder, slot, item)


def _part_scalars(raw: str, offset: int, text: str, part: _Part) -> list[Scalar]:
    fragment = text[part.start : part.end]
    doc = tomlkit.parse(fragment)
    leaves = list(_leaves(doc, ()))
    for n, leaf in enumerate(leaves):
        leaf.holder[leaf.slot] = Integer(n, Trivia(), f"\x00{n}\x00")  # type: ignore[index]
    rendered = doc.as_string()
    # Put the values back one by one, noting where each lands: that is where it was read.
    pieces: list[str] = []
    starts: dict[int, int] = {}
    length = pos = 0
    for m in _MARKER.finditer(rendered):
        n = int(m.group(1))
        between = rendered[pos : m.start()]
        starts[n] = length + len(between)
        pieces += [between, leaves[n].item.as_string()]
        length = starts[n] + len(pieces[-1])
        pos = m.end()
    pieces.append(rendered[pos:])
    if "".join(pieces) != fragment or len(starts) != len(leaves):
        raise ValueError("tomlkit does not reproduce it")
    base = offset + part.start
    located = [_scalar(raw, part.table, leaf, base + starts[n]) for n, leaf in enumerate(leaves)]
    return sorted(located, key=lambda sc: sc.start)


def _scalar(raw: str, table: Path, leaf: _Leaf, start: int) -> Scalar:
    item = leaf.item
    end = start + len(item.as_string())
    key_end = None
    if isinstance(leaf.slot, Key):
        # tomlkit keeps the spaces after a bare or quoted key with the key, the rest in `sep`.
        key_text = leaf.slot.as_string()
        sep = key_text[len(key_text.rstrip(" \t")) :] + leaf.slot.sep
        if raw[start - len(sep) : start] == sep:
            key_end = start - len(sep)
    return Scalar(
        path=(*table, *leaf.path),
        # tomllib, like the reading of the whole file: tomlkit keeps a CRLF in a multi-line string.
        value=tomllib.loads(f"x = {raw[start:end]}")["x"],
        is_str=isinstance(item, String),
        start=start,
        end=end,
        style=item.type.value if isinstance(item, String) else "",
        key_end=key_end,
    )


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_basic(value: str, keep: str = "") -> str:
    """The body of a basic string holding ``value``; characters in ``keep`` stay raw."""
    out = []
    for ch in value:
        if ch in keep:
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif is_control(ch):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def render_toml(sc: Scalar, value: str, raw: str, nl: str, safe: bool) -> str:
    """``value`` as a TOML string in the old value's quote style where that can hold it."""
    if safe or sc.style in ('"', ""):
        return '"' + toml_basic(value) + '"'
    if sc.style == "'":
        if not any(is_control(ch) and ch != "\t" for ch in value) and "'" not in value:
            return "'" + value + "'"
        return '"' + toml_basic(value) + '"'
    quote = sc.style
    # A line break right after the opening delimiter is not part of the value.
    lead = (
        nl
        if raw.startswith(quote + "\n", sc.start) or raw.startswith(quote + "\r\n", sc.start)
        else ""
    )
    if value.startswith("\n"):
        lead = nl
    if quote == "'''":
        literal_ok = (
            "'''" not in value
            and not value.endswith("'")
            and not any(is_control(ch) and ch not in "\t\n" for ch in value)
            and (nl == "\n" or "\n" not in value)
        )
        if literal_ok:
            return quote + lead + value + quote
    # tomllib reads a CRLF inside a multi-line string as "\n", so the file's line ending is fine.
    body = toml_basic(value, keep="\n").replace("\n", nl)
    return '"""' + lead + body + '"""'


def add_toml(raw: str, key: str, value: str, nl: str) -> str:
    """``raw`` with ``key = "value"`` on a new line after ``title`` (else before the first table,
    else at the end), written with the same separator as ``title``."""
    layout = toml_layout(raw)
    offset, text = inner(raw)
    at = offset + len(text) if layout.first_table is None else layout.first_table
    sep = " = "
    title = next(
        (
            sc
            for sc in layout.scalars
            if len(sc.path) == 1 and str(sc.path[0]).casefold() == "title"
        ),
        None,
    )
    if title is not None and title.key_end is not None:
        at = line_after(raw, title.end)
        sep = raw[title.key_end : title.start]
    key_text = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{toml_basic(key)}"'
    line = f'{key_text}{sep}"{toml_basic(value)}"{nl}'
    if at > 0 and raw[at - 1] != "\n":
        line = nl + line
    return raw[:at] + line + raw[at:]
