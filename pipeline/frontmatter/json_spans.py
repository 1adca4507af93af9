"""JSON front matter: where each value lies in the raw text, quoting, adding a key.

``json.JSONDecoder.raw_decode`` reads one value from a given offset and says where it ends, but a
container comes back whole. So the walk below steps through objects and arrays itself (the JSON
is known to be valid: only whitespace, ``:`` and ``,`` lie between values) and leaves every key
and scalar to ``raw_decode``: no string or number is lexed by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pipeline.frontmatter.model import FrontMatterError, Path, Scalar, is_control

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n]*")


@dataclass(frozen=True)
class JsonMember:
    """A top-level member: the spans of its key and of its value."""

    key_start: int
    key_end: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class JsonLayout:
    raw: str
    scalars: list[Scalar] = field(default_factory=list)
    members: list[JsonMember] = field(default_factory=list)


def json_layout(raw: str) -> JsonLayout:
    layout = JsonLayout(raw)
    try:
        _value(layout, _skip(raw, 0), (), None)
    except (ValueError, IndexError) as e:
        raise FrontMatterError(f"could not locate values in JSON front matter: {e}") from None
    return layout


def _skip(raw: str, pos: int) -> int:
    return _SPACE.match(raw, pos).end()  # type: ignore[union-attr]


def _value(layout: JsonLayout, start: int, path: Path, key: tuple[int, int] | None) -> int:
    """Locate the value at ``start`` and everything in it; returns where it ends."""
    raw = layout.raw
    if raw[start] == "{":
        return _object(layout, start, path)
    if raw[start] == "[":
        pos = _skip(raw, start + 1)
        index = 0
        while raw[pos] != "]":
            pos = _skip(raw, _value(layout, pos, (*path, index), None))
            pos = _skip(raw, pos + 1) if raw[pos] == "," else pos
            index += 1
        return pos + 1
    value, end = _DECODER.raw_decode(raw, start)
    is_str = isinstance(value, str)
    layout.scalars.append(
        Scalar(
            path=path,
            value=value,
            is_str=is_str,
            start=start,
            end=end,
            style='"' if is_str else "",
            key_start=None if key is None else key[0],
            key_end=None if key is None else key[1],
        )
    )
    return end


def _object(layout: JsonLayout, start: int, path: Path) -> int:
    raw = layout.raw
    pos = _skip(raw, start + 1)
    while raw[pos] != "}":
        name, key_end = _DECODER.raw_decode(raw, pos)
        value_start = _skip(raw, _skip(raw, key_end) + 1)  # past the ":"
        end = _value(layout, value_start, (*path, name), (pos, key_end))
        if not path:
            layout.members.append(JsonMember(pos, key_end, value_start, end))
        pos = _skip(raw, end)
        pos = _skip(raw, pos + 1) if raw[pos] == "," else pos
    return pos + 1


def json_string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(ch):04x}" if is_control(ch) else ch for ch in text)


def add_json(raw: str, key: str, value: str, nl: str) -> str:
    """``raw`` with ``"key": "value"`` after the ``title`` member (else after the last one),
    on a line of its own where the members are on lines of their own."""
    members = json_layout(raw).members
    member = json_string(key)
    text = json_string(value)
    if not members:
        at = raw.index("{") + 1
        return f"{raw[:at]}{member}: {text}{raw[at:]}"
    chosen = members[-1]
    for m in members:
        if json.loads(raw[m.key_start : m.key_end]).casefold() == "title":
            chosen = m
            break
    line_start = raw.rfind("\n", 0, chosen.key_start) + 1
    lead = raw[line_start : chosen.key_start]
    sep = f",{nl}{lead}" if line_start > 0 and not lead.strip() else ", "
    colon = raw[chosen.key_end : chosen.value_start]
    return f"{raw[: chosen.value_end]}{sep}{member}{colon}{text}{raw[chosen.value_end :]}"
