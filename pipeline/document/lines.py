"""The line-to-offset table of the raw body.

markdown-it-py maps blocks to line ranges only, and parses a copy whose line endings are
normalized; this table maps its line numbers back to offsets in the raw body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


@dataclass(frozen=True)
class Line:
    start: int  # body offset of the line's first character
    text: str  # without its line ending
    eol: str

    @property
    def end(self) -> int:
        """Body offset just after the line's text (before its line ending)."""
        return self.start + len(self.text)


def line_table(body: str) -> list[Line]:
    lines: list[Line] = []
    for match in _LINE.finditer(body):
        if match.start() == len(body) and lines and not match.group(0):
            break
        lines.append(Line(match.start(), match.group(1), match.group(2)))
        if not match.group(2):
            break
    return lines
