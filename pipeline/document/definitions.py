"""Titles of link reference definitions (`[label]: /url "タイトル"`): reader text (a tooltip).

markdown-it-py takes definitions out of the token stream (they are only in `env`), so their lines
stay verbatim; a definition on one line whose label the parser registered, with a title holding
Japanese, gets that title as a prose unit. Label and URL stay as written. A title on the line
after its URL is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from markdown_it.common.utils import normalizeReference

from pipeline import chars
from pipeline.document.masking import Masked
from pipeline.document.model import Prose

_DEFINITION = re.compile(
    r"(?:[ \t]*>)*[ \t]*\[((?:[^\[\]\\]|\\.)+)\]:[ \t]*(?:<[^<>\n]*>|\S+)[ \t]+"
    r"(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)'|\((?P<paren>[^()]*)\))[ \t]*"
)
_QUOTES = {"double": '"', "single": "'", "paren": "("}


def definition_titles(
    masked: Masked, code_lines: Collection[int], references: Mapping[str, Any]
) -> list[Prose]:
    units: list[Prose] = []
    for index, text in enumerate(masked.texts):
        if index in code_lines or "]:" not in text:
            continue
        match = _DEFINITION.fullmatch(text)
        if not match or not references.get(normalizeReference(match.group(1)), {}).get("title"):
            continue
        group = next(name for name in _QUOTES if match.group(name) is not None)
        line = masked.lines[index]
        lo, hi = match.span(group)
        title = line.text[lo:hi]
        if chars.has_japanese(title):
            units.append(
                Prose(
                    line.start + lo,
                    line.start + hi,
                    title,
                    (),
                    (),
                    "caption",
                    False,
                    _QUOTES[group],
                )
            )
    return units
