"""YAML front matter: a new string value written in the style the old one had, where it can be.

Plain, single-quoted and block (``|``, ``>``) values keep their style when the new text can be
written in it and reads back as the same string; everything else becomes double-quoted, which can
hold any string.
"""

from __future__ import annotations

import re

from ruamel.yaml.error import YAMLError

from pipeline.frontmatter.model import Scalar
from pipeline.frontmatter.split import safe_yaml

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


def yaml_double(value: str) -> str:
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
        loaded = safe_yaml().load(f"k: [{value}]" if flow else f"k: {value}")
    except YAMLError:
        return False
    return loaded == {"k": [value] if flow else value}


def _yaml_block(sc: Scalar, value: str, raw: str, nl: str) -> str | None:
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


def render_yaml(sc: Scalar, value: str, raw: str, nl: str, safe: bool) -> str:
    if safe or sc.start == sc.end:
        return yaml_double(value)
    if sc.style == "'" and _yaml_single_ok(value):
        return "'" + value.replace("'", "''") + "'"
    if sc.style == "" and _yaml_plain_ok(value, sc.flow):
        return value
    if sc.style in ("|", ">"):
        block = _yaml_block(sc, value, raw, nl)
        if block is not None:
            return block
    return yaml_double(value)
