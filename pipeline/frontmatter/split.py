"""Cutting the front matter off the body, and parsing it, with one-line errors.

Hugo front matter is YAML between ``---`` lines, TOML between ``+++`` lines, or a JSON object at
the very start of the file. The block is cut here, not by markdown-it-py (which never sees it).
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from pipeline.frontmatter.model import (
    BOM,
    NAMES,
    FrontMatter,
    FrontMatterError,
    Kind,
    inner,
    lines,
    one_line,
)

_DELIMS: dict[str, Kind] = {"---": "yaml", "+++": "toml"}
_JSON = json.JSONDecoder()


def safe_yaml() -> YAML:
    return YAML(typ="safe", pure=True)


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """Cut ``text`` into front matter and body; ``fm.prefix + fm.raw + body == text``."""
    prefix = BOM if text.startswith(BOM) else ""
    rest = text[len(prefix) :]
    # "{{" opens a shortcode, not a JSON object.
    if rest.startswith("{") and not rest.startswith("{{"):
        raw, data = _cut_json(rest)
        return FrontMatter("json", prefix, raw, data), rest[len(raw) :]
    first_end = rest.find("\n")
    first = rest if first_end < 0 else rest[: first_end + 1]
    delim = first.rstrip("\r\n").rstrip(" \t")
    kind = _DELIMS.get(delim)
    if kind is None:
        return FrontMatter(None, prefix, "", {}), rest
    raw = _cut_delimited(rest, len(first), delim, kind)
    return FrontMatter(kind, prefix, raw, _parse(kind, raw)), rest[len(raw) :]


def _cut_delimited(rest: str, body_start: int, delim: str, kind: Kind) -> str:
    for start, end in lines(rest, body_start):
        if rest[start:end].rstrip("\r\n").rstrip(" \t") == delim:
            return rest[:end]
    raise FrontMatterError(f"unclosed {NAMES[kind]} front matter (no closing '{delim}')")


def _cut_json(rest: str) -> tuple[str, dict]:
    """The JSON object at the start of ``rest`` with the line break after it, and its data."""
    try:
        data, end = _JSON.raw_decode(rest)
    except json.JSONDecodeError:
        raise _json_error(rest) from None
    for ch in "\r\n":
        if rest.startswith(ch, end):
            end += 1
    return rest[:end], data


def _json_error(rest: str) -> FrontMatterError:
    # Hugo's page lexer ends the object at the brace that balances the first one (outside
    # quotes); where there is none the front matter is unclosed, otherwise it is malformed.
    level = 0
    in_quote = False
    i = 0
    while i < len(rest):
        ch = rest[i]
        if ch == "\\":
            i += 1
        elif ch == '"':
            in_quote = not in_quote
        elif ch in "{}" and not in_quote:
            level += 1 if ch == "{" else -1
        i += 1
        if level == 0:
            break
    else:
        return FrontMatterError("unclosed JSON front matter (no matching '}')")
    try:
        json.loads(rest[:i])
    except json.JSONDecodeError as e:
        return FrontMatterError(f"malformed JSON front matter: line {e.lineno}: {one_line(e.msg)}")
    return FrontMatterError("malformed JSON front matter")


def _parse(kind: Kind, raw: str) -> dict:
    offset, text = inner(raw)
    first_line = raw[:offset].count("\n") + 1  # 1-based file line where `text` starts
    data = _parse_yaml(text, first_line) if kind == "yaml" else _parse_toml(text, first_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(f"{NAMES[kind]} front matter is not a mapping")
    return data


def _parse_yaml(text: str, first_line: int) -> Any:
    try:
        return safe_yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + first_line}: " if mark is not None else ""
        problem = e.problem or e.context or "invalid YAML"
        raise FrontMatterError(f"malformed YAML front matter: {where}{one_line(problem)}") from None
    except YAMLError as e:
        reason = getattr(e, "reason", None) or str(e).splitlines()[0]
        raise FrontMatterError(f"malformed YAML front matter: {one_line(reason)}") from None


def _parse_toml(text: str, first_line: int) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        m = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
        if m:
            where = f"line {int(m.group(1)) + first_line - 1}: "
            message = message[: m.start()]
        else:
            where = ""
        raise FrontMatterError(f"malformed TOML front matter: {where}{one_line(message)}") from None
