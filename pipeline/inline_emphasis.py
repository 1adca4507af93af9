"""Emphasis and strikethrough delimiter runs as inline atoms: cut by the parser's roles, or (in
text Markdown does not parse) paired by scan."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.inline_base import CLOSE, OPEN, SOLO, Found, Taken, escaped


def scan_emphasis(text: str, taken: Taken) -> None:
    """Delimiter runs of `*`, `_` (not inside a word) and `~~`, paired in order of appearance."""
    runs: list[tuple[int, int, str]] = []
    for match in re.finditer(r"\*+|_+|~~+", text):
        start, end = match.start(), match.end()
        if not taken.free(start, end) or escaped(text, start):
            continue
        ch = match.group()[0]
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if (
            ch == "_"
            and before.isascii()
            and before.isalnum()
            and after.isascii()
            and after.isalnum()
        ):
            continue
        if before.isspace() and after.isspace():
            continue
        runs.append((start, end, match.group()))
    open_runs: dict[str, int] = {}
    roles: dict[int, str] = {}
    for index, (start, end, run) in enumerate(runs):
        after = text[end] if end < len(text) else " "
        before = text[start - 1] if start else " "
        if run in open_runs and not before.isspace():
            roles[open_runs.pop(run)] = OPEN
            roles[index] = CLOSE
        elif not after.isspace():
            open_runs[run] = index
    for index, (start, end, _run) in enumerate(runs):
        taken.add(Found(start, end, "emphasis", roles.get(index, SOLO)))


_DELIMITER_RUN = re.compile(r"\*+|_+|~+")


def split_delimiter_runs(text: str, taken: Taken, roles: Mapping[int, str]) -> None:
    """Delimiter runs cut where the parser's roles change: `**a*` is a literal `*` and an
    opening one. Literal characters become atoms marked literal (render escapes them where the
    English would make them markup); a literal `~` stays text."""
    for match in _DELIMITER_RUN.finditer(text):
        start, end = match.start(), match.end()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if before.isspace() and after.isspace():
            continue
        if match.group()[0] == "_" and _ascii_word(before) and _ascii_word(after):
            continue
        groups: list[list[int]] = []
        for i in range(start, end):
            if taken.inside(i) or (i == start and escaped(text, i)):
                continue
            if groups and groups[-1][1] == i and roles.get(groups[-1][0]) == roles.get(i):
                groups[-1][1] = i + 1
            else:
                groups.append([i, i + 1])
        for lo, hi in groups:
            role = roles.get(lo)
            if role == "literal" and match.group()[0] == "~":
                continue
            paired = role if role in (OPEN, CLOSE) else SOLO
            taken.add(Found(lo, hi, "emphasis", paired, literal=role == "literal"))


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()
