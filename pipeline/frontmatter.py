"""Lossless front matter: cut it off the body, read the reader-text fields, splice in new values.

Hugo front matter is YAML between ``---`` lines, TOML between ``+++`` lines, or a JSON object at
the very start of the file. Re-dumping any of them loses what the author wrote (ruamel.yaml
re-indents and re-wraps, json loses layout, tomlkit loses string styles), so this module never
re-serialises: it finds each value's span in the raw text, replaces just that span with the new
value quoted for its format, and re-parses the result to check that exactly the edited values
changed and nothing else.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "Field",
    "FrontMatter",
    "FrontMatterError",
    "add_key",
    "has_key",
    "prefix_urls",
    "reader_fields",
    "splice",
    "split_front_matter",
    "string_value",
]

Kind = Literal["yaml", "toml", "json"]
Path = tuple[str | int, ...]

BOM = "\ufeff"
_DELIMS: dict[str, Kind] = {"---": "yaml", "+++": "toml"}
_NAMES = {"yaml": "YAML", "toml": "TOML", "json": "JSON"}

# Keys whose string values are read by people (DESIGN.md, "Front matter, key by key").
_READER_TOP = frozenset({"title", "subtitle", "summary", "description", "linktitle"})
_GALLERY_TEXT = frozenset({"caption", "alt", "alt_text"})
_TAXONOMIES = frozenset({"tags", "categories"})


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
class _Scalar:
    """A located scalar value; internal, richer than Field."""

    path: Path
    value: Any  # the decoded value
    is_str: bool
    start: int
    end: int
    style: str  # yaml: "", "'", '"', "|", ">"; toml: '"', "'", '"""', "'''", ""; json: '"', ""
    flow: bool = False  # yaml: inside a flow collection, where ",[]{}" end a plain scalar
    key_start: int | None = None  # span of the key that owns the value (None for list items)
    key_end: int | None = None
    block_indent: str = ""  # yaml block scalars: indentation of the content lines


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _newline(raw: str) -> str:
    nl = raw.find("\n")
    return "\r\n" if nl > 0 and raw[nl - 1] == "\r" else "\n"


# --------------------------------------------------------------------------- splitting


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """Cut ``text`` into front matter and body; ``fm.prefix + fm.raw + body == text``."""
    prefix = BOM if text.startswith(BOM) else ""
    rest = text[len(prefix) :]
    # "{{" opens a shortcode, not a JSON object.
    if rest.startswith("{") and not rest.startswith("{{"):
        raw = _cut_json(rest)
        return FrontMatter("json", prefix, raw, _parse("json", raw)), rest[len(raw) :]
    first_end = rest.find("\n")
    first = rest if first_end < 0 else rest[: first_end + 1]
    delim = first.rstrip("\r\n").rstrip(" \t")
    kind = _DELIMS.get(delim)
    if kind is None:
        return FrontMatter(None, prefix, "", {}), rest
    raw = _cut_delimited(rest, len(first), delim, kind)
    return FrontMatter(kind, prefix, raw, _parse(kind, raw)), rest[len(raw) :]


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each line from ``start``, the end after its "\\n" (only "\\n" ends a line)."""
    pos = start
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        yield pos, end
        pos = end


def _cut_delimited(rest: str, body_start: int, delim: str, kind: Kind) -> str:
    for start, end in _lines(rest, body_start):
        if rest[start:end].rstrip("\r\n").rstrip(" \t") == delim:
            return rest[:end]
    raise FrontMatterError(f"unclosed {_NAMES[kind]} front matter (no closing '{delim}')")


def _cut_json(rest: str) -> str:
    # The same brace matching as Hugo's page lexer, so both agree on where the object ends.
    level = 0
    in_quote = False
    i = 0
    while i < len(rest):
        ch = rest[i]
        if ch == "\\":
            i += 1
        elif ch == '"':
            in_quote = not in_quote
        elif ch == "{" and not in_quote:
            level += 1
        elif ch == "}" and not in_quote:
            level -= 1
        i += 1
        if level == 0:
            break
    else:
        raise FrontMatterError("unclosed JSON front matter (no matching '}')")
    for ch in "\r\n":
        if rest.startswith(ch, i):
            i += 1
    return rest[:i]


def _inner(raw: str) -> tuple[int, str]:
    """Offset and text of a YAML/TOML block between its delimiter lines."""
    first_end = raw.find("\n") + 1
    body = raw.rstrip("\n").rstrip("\r")  # raw ends with the closing delimiter line
    closing_start = body.rfind("\n") + 1
    if closing_start < first_end:  # only the two delimiter lines... or one line: nothing inside
        closing_start = first_end
    return first_end, raw[first_end:closing_start]


def _safe_yaml() -> YAML:
    return YAML(typ="safe", pure=True)


def _parse(kind: Kind, raw: str) -> dict:
    name = _NAMES[kind]
    if kind == "json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as e:
            raise FrontMatterError(
                f"malformed JSON front matter: line {e.lineno}: {_one_line(e.msg)}"
            ) from None
    else:
        offset, inner = _inner(raw)
        first_line = raw[:offset].count("\n") + 1  # 1-based file line where `inner` starts
        data = _parse_yaml(inner, first_line) if kind == "yaml" else _parse_toml(inner, first_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(f"{name} front matter is not a mapping")
    return data


def _parse_yaml(inner: str, first_line: int) -> Any:
    try:
        return _safe_yaml().load(inner)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + first_line}: " if mark is not None else ""
        problem = e.problem or e.context or "invalid YAML"
        raise FrontMatterError(
            f"malformed YAML front matter: {where}{_one_line(problem)}"
        ) from None
    except YAMLError as e:
        reason = getattr(e, "reason", None) or str(e).splitlines()[0]
        raise FrontMatterError(f"malformed YAML front matter: {_one_line(reason)}") from None


def _parse_toml(inner: str, first_line: int) -> Any:
    try:
        return tomllib.loads(inner)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        m = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
        if m:
            where = f"line {int(m.group(1)) + first_line - 1}: "
            message = message[: m.start()]
        else:
            where = ""
        raise FrontMatterError(
            f"malformed TOML front matter: {where}{_one_line(message)}"
        ) from None


# --------------------------------------------------------------------------- locating values


def _scalars(fm: FrontMatter) -> list[_Scalar]:
    """Every scalar value of the front matter with its span in ``fm.raw``, in source order."""
    if fm.kind == "yaml":
        return _yaml_scalars(fm.raw)
    if fm.kind == "toml":
        offset, inner = _inner(fm.raw)
        return _TomlScanner(fm.raw, offset, offset + len(inner)).scan()
    if fm.kind == "json":
        return _JsonScanner(fm.raw).scan()
    return []


def _yaml_root(raw: str) -> tuple[int, Node | None]:
    offset, inner = _inner(raw)
    return offset, _safe_yaml().compose(inner)


def _yaml_scalars(raw: str) -> list[_Scalar]:
    offset, root = _yaml_root(raw)
    if root is None:
        return []
    seen: dict[int, int] = {}
    _count_nodes(root, seen)
    out: list[_Scalar] = []
    _walk_yaml(raw, offset, root, (), False, None, seen, out)
    return out


def _count_nodes(node: Node, seen: dict[int, int]) -> None:
    seen[id(node)] = seen.get(id(node), 0) + 1
    if seen[id(node)] > 1:
        return
    if isinstance(node, MappingNode):
        for k, v in node.value:
            _count_nodes(k, seen)
            _count_nodes(v, seen)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _count_nodes(item, seen)


def _walk_yaml(
    raw: str,
    offset: int,
    node: Node,
    path: Path,
    flow: bool,
    key: ScalarNode | None,
    seen: dict[int, int],
    out: list[_Scalar],
) -> None:
    if seen.get(id(node), 0) > 1:
        return  # an anchored node used again through an alias: editing it would edit both
    if isinstance(node, MappingNode):
        inner_flow = flow or bool(node.flow_style)
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                _walk_yaml(raw, offset, v, (*path, k.value), inner_flow, k, seen, out)
        return
    if isinstance(node, SequenceNode):
        inner_flow = flow or bool(node.flow_style)
        for i, item in enumerate(node.value):
            _walk_yaml(raw, offset, item, (*path, i), inner_flow, None, seen, out)
        return
    if not isinstance(node, ScalarNode):
        return
    start = node.start_mark.index + offset
    end = node.end_mark.index + offset
    style = node.style or ""
    indent = ""
    if style in ("|", ">"):
        end, indent = _block_extent(raw, start, end)
    out.append(
        _Scalar(
            path=path,
            value=node.value,
            is_str=node.tag.endswith(":str"),
            start=start,
            end=end,
            style=style,
            flow=flow,
            key_start=None if key is None else key.start_mark.index + offset,
            key_end=None if key is None else key.end_mark.index + offset,
            block_indent=indent,
        )
    )


def _line_indent(raw: str, pos: int) -> str:
    line_start = raw.rfind("\n", 0, pos) + 1
    line = raw[line_start:pos]
    return line[: len(line) - len(line.lstrip(" "))]


def _block_extent(raw: str, start: int, end: int) -> tuple[int, str]:
    """End of a block scalar's last content line (before its line break), and its indentation.

    ruamel's end mark lies after the trailing blank lines, which belong to the layout."""
    header_end = raw.find("\n", start, end)
    if header_end < 0:
        return end, _line_indent(raw, start) + "  "
    last = header_end
    indent = None
    for s, e in _lines(raw[:end], header_end + 1):
        text = raw[s:e].rstrip("\r\n")
        if text.strip(" "):
            last = s + len(text)
            if indent is None:
                indent = text[: len(text) - len(text.lstrip(" "))]
    if last == header_end and raw[header_end - 1] == "\r":
        last -= 1
    return last, indent if indent is not None else _line_indent(raw, start) + "  "


class _ScanError(Exception):
    pass


class _TomlScanner:
    """Finds the span of every value in TOML text; tomllib has already checked it is valid."""

    def __init__(self, raw: str, start: int, end: int) -> None:
        self.s = raw[:end]
        self.pos = start
        self.out: list[_Scalar] = []
        self.aot_counts: dict[Path, int] = {}
        self.first_table: int | None = None

    def scan(self) -> list[_Scalar]:
        table: Path = ()
        try:
            while True:
                self._skip_blank(newlines=True)
                if self.pos >= len(self.s):
                    return self.out
                if self.s[self.pos] == "[":
                    if self.first_table is None:
                        self.first_table = self.pos
                    table = self._header()
                else:
                    self._keyval(table)
                    self._skip_blank(newlines=False)
                    if self.pos < len(self.s) and self.s[self.pos] not in "\r\n":
                        raise _ScanError("expected the end of a line")
        except (_ScanError, tomllib.TOMLDecodeError, IndexError) as e:
            raise FrontMatterError(
                f"could not locate values in TOML front matter near offset {self.pos}: {e}"
            ) from None

    def _skip_blank(self, newlines: bool) -> None:
        s = self.s
        while self.pos < len(s):
            ch = s[self.pos]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.pos += 1
            elif ch == "#":
                nl = s.find("\n", self.pos)
                self.pos = len(s) if nl < 0 else (nl if not newlines else nl + 1)
                if not newlines:
                    if self.pos > 0 and s[self.pos - 1] == "\r":
                        self.pos -= 1
                    return
            else:
                return

    def _header(self) -> Path:
        is_aot = self.s.startswith("[[", self.pos)
        self.pos += 2 if is_aot else 1
        keys = self._key()
        closing = "]]" if is_aot else "]"
        if not self.s.startswith(closing, self.pos):
            raise _ScanError("expected the end of a table header")
        self.pos += len(closing)
        path: Path = ()
        for i, k in enumerate(keys):
            path = (*path, k)
            if is_aot and i == len(keys) - 1:
                self.aot_counts[path] = self.aot_counts.get(path, 0) + 1
            if path in self.aot_counts:
                path = (*path, self.aot_counts[path] - 1)
        return path

    def _key(self) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            s = self.s
            ch = s[self.pos]
            if ch in "\"'":
                end = s.index(ch, self.pos + 1)
                while ch == '"' and _escaped(s, end):
                    end = s.index(ch, end + 1)
                keys.append(_toml_string(s[self.pos : end + 1]))
                self.pos = end + 1
            else:
                m = re.compile(r"[A-Za-z0-9_-]+").match(s, self.pos)
                if not m:
                    raise _ScanError("expected a key")
                keys.append(m.group())
                self.pos = m.end()
            self._skip_blank(newlines=False)
            if self.pos < len(s) and s[self.pos] == ".":
                self.pos += 1
                continue
            return keys

    def _keyval(self, table: Path) -> None:
        key_start = self.pos
        keys = self._key()
        key_end = self.pos
        while self.s[key_end - 1] in " \t":
            key_end -= 1
        if self.s[self.pos] != "=":
            raise _ScanError("expected '='")
        self.pos += 1
        self._skip_blank(newlines=False)
        self._value((*table, *keys), key_start, key_end)

    def _value(self, path: Path, key_start: int | None, key_end: int | None) -> None:
        s = self.s
        start = self.pos
        for quote in ('"""', "'''"):
            if s.startswith(quote, start):
                end = s.index(quote, start + 3)
                while quote == '"""' and _escaped(s, end):
                    end = s.index(quote, end + 1)
                end += 3
                # Up to two quotes may sit right before the closing delimiter.
                for _ in range(2):
                    if end < len(s) and s[end] == quote[0]:
                        end += 1
                self._emit(path, start, end, quote, key_start, key_end)
                return
        ch = s[start]
        if ch in "\"'":
            end = s.index(ch, start + 1)
            while ch == '"' and _escaped(s, end):
                end = s.index(ch, end + 1)
            self._emit(path, start, end + 1, ch, key_start, key_end)
        elif ch == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip_blank(newlines=True)
                if s[self.pos] == "]":
                    self.pos += 1
                    return
                self._value((*path, index), None, None)
                index += 1
                self._skip_blank(newlines=True)
                if s[self.pos] == ",":
                    self.pos += 1
                elif s[self.pos] != "]":
                    raise _ScanError("expected ',' or ']'")
        elif ch == "{":
            self.pos += 1
            while True:
                self._skip_blank(newlines=False)
                if s[self.pos] == "}":
                    self.pos += 1
                    return
                self._keyval(path)
                self._skip_blank(newlines=False)
                if s[self.pos] == ",":
                    self.pos += 1
                elif s[self.pos] != "}":
                    raise _ScanError("expected ',' or '}'")
        else:
            m = re.compile(r"[^,\]}#\r\n]+").match(s, start)
            if not m:
                raise _ScanError("expected a value")
            end = start + len(m.group().rstrip(" \t"))
            self._emit(path, start, end, "", key_start, key_end)

    def _emit(
        self,
        path: Path,
        start: int,
        end: int,
        style: str,
        key_start: int | None,
        key_end: int | None,
    ) -> None:
        text = self.s[start:end]
        value = tomllib.loads(f"x = {text}")["x"]
        self.out.append(
            _Scalar(path, value, bool(style), start, end, style, False, key_start, key_end)
        )
        self.pos = end


def _escaped(s: str, quote_pos: int) -> bool:
    """Whether the quote at ``quote_pos`` is escaped (an odd run of backslashes before it)."""
    n = 0
    while s[quote_pos - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def _toml_string(text: str) -> str:
    return tomllib.loads(f"x = {text}")["x"]


class _JsonScanner:
    """Finds the span of every value in a JSON object that json has already accepted."""

    _WS = " \t\r\n"

    def __init__(self, raw: str) -> None:
        self.s = raw
        self.pos = 0
        self.out: list[_Scalar] = []
        self.members: list[tuple[int, int, int, int]] = []  # top level: key span, value span

    def scan(self) -> list[_Scalar]:
        try:
            self._skip()
            self._value((), None, None, depth=0)
        except (_ScanError, ValueError, IndexError) as e:
            raise FrontMatterError(
                f"could not locate values in JSON front matter near offset {self.pos}: {e}"
            ) from None
        return self.out

    def _skip(self) -> None:
        while self.pos < len(self.s) and self.s[self.pos] in self._WS:
            self.pos += 1

    def _string_end(self, start: int) -> int:
        end = self.s.index('"', start + 1)
        while _escaped(self.s, end):
            end = self.s.index('"', end + 1)
        return end + 1

    def _value(self, path: Path, key_start: int | None, key_end: int | None, depth: int) -> None:
        s = self.s
        start = self.pos
        ch = s[start]
        if ch == "{":
            self.pos += 1
            while True:
                self._skip()
                if s[self.pos] == "}":
                    self.pos += 1
                    return
                k_start = self.pos
                k_end = self._string_end(k_start)
                key = json.loads(s[k_start:k_end])
                self.pos = k_end
                self._skip()
                if s[self.pos] != ":":
                    raise _ScanError("expected ':'")
                self.pos += 1
                self._skip()
                v_start = self.pos
                self._value((*path, key), k_start, k_end, depth + 1)
                if depth == 0:
                    self.members.append((k_start, k_end, v_start, self.pos))
                self._skip()
                if s[self.pos] == ",":
                    self.pos += 1
        elif ch == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip()
                if s[self.pos] == "]":
                    self.pos += 1
                    return
                self._value((*path, index), None, None, depth + 1)
                index += 1
                self._skip()
                if s[self.pos] == ",":
                    self.pos += 1
        elif ch == '"':
            end = self._string_end(start)
            self.out.append(
                _Scalar(
                    path, json.loads(s[start:end]), True, start, end, '"', False, key_start, key_end
                )
            )
            self.pos = end
        else:
            m = re.compile(r"[^,\]}\s]+").match(s, start)
            if not m:
                raise _ScanError("expected a value")
            end = m.end()
            self.out.append(
                _Scalar(
                    path, json.loads(s[start:end]), False, start, end, "", False, key_start, key_end
                )
            )
            self.pos = end


# --------------------------------------------------------------------------- reading

_MISSING = object()


def _lookup(data: Any, path: Path, exact: bool = False) -> Any:
    """The value at ``path``; string keys match case-insensitively (Hugo's keys are)."""
    node = data
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return _MISSING
            node = node[part]
        elif isinstance(node, dict):
            if part in node:
                node = node[part]
                continue
            if exact:
                return _MISSING
            folded = str(part).casefold()
            match = next(
                (k for k in node if isinstance(k, str) and k.casefold() == folded), _MISSING
            )
            if match is _MISSING:
                return _MISSING
            node = node[match]
        else:
            return _MISSING
    return node


def string_value(fm: FrontMatter, path: Path) -> str | None:
    """The string at ``path`` (keys case-insensitive), or None if missing or not a string."""
    value = _lookup(fm.data, path)
    return value if isinstance(value, str) else None


def has_key(fm: FrontMatter, path: Path) -> bool:
    """Whether ``path`` exists (keys case-insensitive), whatever its value, null included."""
    return _lookup(fm.data, path) is not _MISSING


def _is_reader_path(path: Path, include_taxonomies: bool) -> bool:
    folded = tuple(p.casefold() if isinstance(p, str) else p for p in path)
    if len(folded) == 1 and folded[0] in _READER_TOP:
        return True
    if folded == ("image", "caption"):
        return True
    if (
        len(folded) == 3
        and folded[0] == "gallery_item"
        and isinstance(folded[1], int)
        and folded[2] in _GALLERY_TEXT
    ):
        return True
    return (
        include_taxonomies
        and len(folded) == 2
        and folded[0] in _TAXONOMIES
        and isinstance(folded[1], int)
    )


def reader_fields(fm: FrontMatter, *, include_taxonomies: bool = False) -> list[Field]:
    """The non-empty string values people read (title, summary, captions…), in source order."""
    fields = []
    for sc in _scalars(fm):
        if not (sc.is_str and isinstance(sc.value, str) and sc.value.strip()):
            continue
        if not _is_reader_path(sc.path, include_taxonomies):
            continue
        # Cross-check the located span against the parser's own reading of the file.
        if _lookup(fm.data, sc.path, exact=True) != sc.value:
            continue
        fields.append(Field(sc.path, sc.value, sc.start, sc.end))
    return fields


def prefix_urls(fm: FrontMatter, prefix: str) -> dict[Path, str]:
    """Edits giving ``url`` and each ``aliases`` entry the English site prefix (e.g. "/en").

    Only site-absolute paths ("/x") are changed: absolute URLs point elsewhere, already
    prefixed ones are done, and Hugo already puts the language prefix before relative ones."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    if not prefix:
        return {}
    edits: dict[Path, str] = {}
    for sc in _scalars(fm):
        folded = tuple(p.casefold() if isinstance(p, str) else p for p in sc.path)
        is_url = folded == ("url",) or folded == ("aliases",)
        is_alias = len(folded) == 2 and folded[0] == "aliases" and isinstance(folded[1], int)
        if not (is_url or is_alias) or not sc.is_str or not isinstance(sc.value, str):
            continue
        value = sc.value
        if not value.startswith("/") or value.startswith("//"):
            continue
        if value == prefix or value.startswith(prefix + "/"):
            continue
        edits[sc.path] = prefix + value
    return edits


# --------------------------------------------------------------------------- quoting

_YAML_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_YAML_LINE_BREAKS = set("\r\n\x85\u2028\u2029")


def _yaml_printable(ch: str) -> bool:
    o = ord(ch)
    if ch in _YAML_LINE_BREAKS or ch == "\ufeff":
        return False
    return (
        ch == "\t"
        or 0x20 <= o <= 0x7E
        or 0xA0 <= o <= 0xD7FF
        or 0xE000 <= o <= 0xFFFD
        or o >= 0x10000
    )


def _yaml_double(value: str) -> str:
    out = []
    for ch in value:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not _yaml_printable(ch):
            o = ord(ch)
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _yaml_single_ok(value: str) -> bool:
    return all(_yaml_printable(ch) and ch != "\t" for ch in value)


def _yaml_plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip(" ") or value[0] in _YAML_INDICATORS:
        return False
    if not _yaml_single_ok(value) or ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and any(ch in value for ch in ",[]{}"):
        return False
    if value.startswith(("---", "...")):
        return False
    # The resolver would read "true", "2020-01-01", "1e3" or "null" as something else.
    try:
        loaded = _safe_yaml().load(f"k: [{value}]" if flow else f"k: {value}")
    except YAMLError:
        return False
    return loaded == {"k": [value] if flow else value}


def _yaml_block(sc: _Scalar, value: str, raw: str, nl: str) -> str | None:
    """``value`` in the scalar's block style (``|`` or ``>``), or None where it cannot be."""
    if not value or not all(_yaml_printable(ch) or ch == "\n" for ch in value):
        return None
    if value.endswith("\n\n"):
        return None
    chomp = "" if value.endswith("\n") else "-"
    text = value[:-1] if value.endswith("\n") else value
    header_end = raw.find("\n", sc.start, sc.end)
    header = raw[sc.start : sc.end if header_end < 0 else header_end].rstrip("\r")
    m = re.match(r"[|>][0-9+-]*", header)
    rest = header[m.end() :] if m else ""
    lines = text.split("\n")
    if not lines[0] or lines[0][0] in " \t":
        return None
    style = sc.style
    if style == ">":
        if len(lines) > 1 or text != text.strip(" ") or "\t" in text:
            style = "|"
        else:
            lines = _wrap(text, max(40, 80 - len(sc.block_indent)))
    body = nl.join(sc.block_indent + line if line else "" for line in lines)
    return f"{style}{chomp}{rest}{nl}{body}"


def _wrap(text: str, width: int) -> list[str]:
    # Break only at single spaces between words: folding turns each such break back into one space.
    words = re.split(r"(?<=\S) (?=\S)", text)
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _render_yaml(sc: _Scalar, value: str, raw: str, nl: str, safe: bool) -> str:
    if safe or sc.start == sc.end:
        return _yaml_double(value)
    if sc.style == "'" and _yaml_single_ok(value):
        return "'" + value.replace("'", "''") + "'"
    if sc.style == "" and _yaml_plain_ok(value, sc.flow):
        return value
    if sc.style in ("|", ">"):
        block = _yaml_block(sc, value, raw, nl)
        if block is not None:
            return block
    return _yaml_double(value)


_TOML_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _toml_control(ch: str) -> bool:
    # C1 controls, line and paragraph separators and the BOM are legal in TOML and JSON strings,
    # but editors and line-based tools treat some as line breaks: they are always escaped.
    o = ord(ch)
    return o < 0x20 or 0x7F <= o <= 0x9F or ch in "\u2028\u2029\ufeff"


def _json_string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(ch):04x}" if _toml_control(ch) else ch for ch in text)


def _toml_basic(value: str, keep: str = "") -> str:
    out = []
    for ch in value:
        if ch in keep:
            out.append(ch)
        elif ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif _toml_control(ch):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _render_toml(sc: _Scalar, value: str, raw: str, nl: str, safe: bool) -> str:
    if safe or sc.style in ('"', ""):
        return '"' + _toml_basic(value) + '"'
    if sc.style == "'":
        if not any(_toml_control(ch) and ch != "\t" for ch in value) and "'" not in value:
            return "'" + value + "'"
        return '"' + _toml_basic(value) + '"'
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
            and not any(_toml_control(ch) and ch not in "\t\n" for ch in value)
            and (nl == "\n" or "\n" not in value)
        )
        if literal_ok:
            return quote + lead + value + quote
    # tomllib reads a CRLF inside a multi-line string as "\n", so the file's line ending is fine.
    body = _toml_basic(value, keep="\n").replace("\n", nl)
    return '"""' + lead + body + '"""'


def _render(kind: Kind, sc: _Scalar, value: str, raw: str, nl: str, safe: bool) -> str:
    if kind == "yaml":
        return _render_yaml(sc, value, raw, nl, safe)
    if kind == "toml":
        return _render_toml(sc, value, raw, nl, safe)
    return _json_string(value)


# --------------------------------------------------------------------------- editing


def _format_path(path: Path) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")


def _resolve(scalars: list[_Scalar], path: Path) -> _Scalar:
    for sc in scalars:
        if sc.path == path:
            return sc
    folded = tuple(p.casefold() if isinstance(p, str) else p for p in path)
    for sc in scalars:
        if tuple(p.casefold() if isinstance(p, str) else p for p in sc.path) == folded:
            return sc
    raise FrontMatterError(f"no value at '{_format_path(path)}' in the front matter")


def _set(data: Any, path: Path, value: str) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _empty_insertion(raw: str, sc: _Scalar) -> tuple[int, str, str]:
    """Where an empty YAML value (``key:``) goes: just after the colon and one space."""
    if sc.key_end is None:
        raise FrontMatterError(f"cannot fill the empty value at '{_format_path(sc.path)}'")
    colon = raw.find(":", sc.key_end)
    if colon < 0:
        raise FrontMatterError(f"cannot fill the empty value at '{_format_path(sc.path)}'")
    pos = colon + 1
    before = " "
    if raw.startswith(" ", pos):
        pos += 1
        before = ""
    after = " " if raw.startswith("#", pos) else ""
    return pos, before, after


def _apply(fm: FrontMatter, targets: list[tuple[_Scalar, str]], safe: bool) -> str:
    nl = _newline(fm.raw)
    pieces = []
    for sc, value in targets:
        text = _render(fm.kind, sc, value, fm.raw, nl, safe)  # type: ignore[arg-type]
        start, end = sc.start, sc.end
        if fm.kind == "yaml" and sc.start == sc.end:
            start, before, after = _empty_insertion(fm.raw, sc)
            end = start
            text = before + text + after
        pieces.append((start, end, text))
    pieces.sort()
    out = []
    pos = 0
    for start, end, text in pieces:
        if start < pos:
            raise FrontMatterError("overlapping edits in the front matter")
        out.append(fm.raw[pos:start])
        out.append(text)
        pos = end
    out.append(fm.raw[pos:])
    return "".join(out)


def _reparses_to(fm: FrontMatter, new_raw: str, expected: dict) -> bool:
    try:
        new_fm, body = split_front_matter(new_raw)
    except FrontMatterError:
        return False
    return new_fm.kind == fm.kind and new_fm.raw == new_raw and not body and new_fm.data == expected


def splice(fm: FrontMatter, edits: Mapping[Path, str]) -> str:
    """New raw front matter with each edited value replaced; every other byte kept.

    Each value keeps its quoting style where the new text can be written in it. The result is
    re-parsed: if anything but the edited values changed, a plainer quoting is tried, then
    FrontMatterError is raised."""
    if not edits:
        return fm.raw
    if fm.kind is None:
        raise FrontMatterError("there is no front matter to edit")
    scalars = _scalars(fm)
    targets: list[tuple[_Scalar, str]] = []
    expected = copy.deepcopy(fm.data)
    seen: set[Path] = set()
    for path, value in edits.items():
        if not isinstance(value, str):
            raise FrontMatterError(f"new value for '{_format_path(path)}' is not a string")
        sc = _resolve(scalars, path)
        if sc.path in seen:
            raise FrontMatterError(f"'{_format_path(path)}' is edited twice")
        seen.add(sc.path)
        if _lookup(fm.data, sc.path, exact=True) is _MISSING:
            raise FrontMatterError(f"cannot edit '{_format_path(path)}' safely")
        _set(expected, sc.path, value)
        targets.append((sc, value))
    for safe in (False, True):
        new_raw = _apply(fm, targets, safe)
        if _reparses_to(fm, new_raw, expected):
            return new_raw
    names = ", ".join(_format_path(sc.path) for sc, _ in targets)
    raise FrontMatterError(f"editing {names} would change the front matter in other ways")


def add_key(fm: FrontMatter, path: Path, value: str, *, newline: str | None = None) -> str:
    """New raw front matter with a missing top-level string key added after ``title``.

    Without ``title`` the key goes at the end (TOML: before the first table). Without any front
    matter a YAML block is created, with ``newline`` (default "\\n") as its line ending."""
    if len(path) != 1 or not isinstance(path[0], str):
        raise FrontMatterError(f"can only add a top-level key, not '{_format_path(path)}'")
    key = path[0]
    if fm.kind is None:
        nl = newline or "\n"
        return f"---{nl}{_yaml_key(key)}: {_yaml_double(value)}{nl}---{nl}"
    if has_key(fm, path):
        raise FrontMatterError(f"key '{key}' already exists in the front matter")
    nl = newline or _newline(fm.raw)
    if fm.kind == "yaml":
        new_raw = _add_yaml(fm.raw, key, value, nl)
    elif fm.kind == "toml":
        new_raw = _add_toml(fm.raw, key, value, nl)
    else:
        new_raw = _add_json(fm.raw, key, value, nl)
    expected = copy.deepcopy(fm.data)
    expected[key] = value
    if not _reparses_to(fm, new_raw, expected):
        raise FrontMatterError(f"could not add '{key}' to the front matter")
    return new_raw


def _yaml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else _yaml_double(key)


def _line_after(raw: str, pos: int) -> int:
    nl = raw.find("\n", pos)
    return len(raw) if nl < 0 else nl + 1


def _add_yaml(raw: str, key: str, value: str, nl: str) -> str:
    offset, root = _yaml_root(raw)
    _, inner = _inner(raw)
    at = offset + len(inner)
    indent = ""
    if root is not None:
        if not isinstance(root, MappingNode) or root.flow_style:
            raise FrontMatterError("cannot add a key to this YAML front matter")
        if root.value:
            indent = " " * root.value[0][0].start_mark.column
        for k, v in root.value:
            if isinstance(k, ScalarNode) and str(k.value).casefold() == "title":
                title = next((sc for sc in _yaml_scalars(raw) if sc.path == (k.value,)), None)
                if title is not None:
                    at = _line_after(raw, title.end)
                else:  # a collection: its end mark is already at the start of a line
                    end = v.end_mark.index + offset
                    at = end if raw[end - 1] == "\n" else _line_after(raw, end)
                indent = " " * k.start_mark.column
                break
    line = f"{indent}{_yaml_key(key)}: {_yaml_double(value)}{nl}"
    if at > 0 and raw[at - 1] != "\n":
        line = nl + line
    return raw[:at] + line + raw[at:]


def _add_toml(raw: str, key: str, value: str, nl: str) -> str:
    offset, inner = _inner(raw)
    scanner = _TomlScanner(raw, offset, offset + len(inner))
    scalars = scanner.scan()
    at = offset + len(inner) if scanner.first_table is None else scanner.first_table
    sep = " = "
    title = next(
        (sc for sc in scalars if len(sc.path) == 1 and str(sc.path[0]).casefold() == "title"),
        None,
    )
    if title is not None and title.key_end is not None:
        at = _line_after(raw, title.end)
        sep = raw[title.key_end : title.start]
    key_text = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{_toml_basic(key)}"'
    line = f'{key_text}{sep}"{_toml_basic(value)}"{nl}'
    if at > 0 and raw[at - 1] != "\n":
        line = nl + line
    return raw[:at] + line + raw[at:]


def _add_json(raw: str, key: str, value: str, nl: str) -> str:
    scanner = _JsonScanner(raw)
    scanner.scan()
    member = _json_string(key)
    text = _json_string(value)
    if not scanner.members:
        at = raw.index("{") + 1
        return f"{raw[:at]}{member}: {text}{raw[at:]}"
    chosen = scanner.members[-1]
    for m in scanner.members:
        if json.loads(raw[m[0] : m[1]]).casefold() == "title":
            chosen = m
            break
    k_start, k_end, v_start, v_end = chosen
    line_start = raw.rfind("\n", 0, k_start) + 1
    lead = raw[line_start:k_start]
    sep = f",{nl}{lead}" if line_start > 0 and not lead.strip() else ", "
    colon = raw[k_end:v_start]
    return f"{raw[:v_end]}{sep}{member}{colon}{text}{raw[v_end:]}"
