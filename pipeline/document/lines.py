"""The line-to-offset table of the raw body, and range lookups on body offsets.

markdown-it-py maps blocks to line ranges only, and parses a copy whose line endings are
normalized; this table maps its line numbers back to offsets in the raw body.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

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


@dataclass(frozen=True)
class Ranges:
    """Half-open body ranges (they may overlap), asked about in logarithmic time: a post has
    as many code blocks and shortcodes as it likes, and every unit is checked against them."""

    starts: tuple[int, ...]  # sorted
    reach: tuple[int, ...]  # reach[k]: the largest end among the first k + 1 ranges

    @classmethod
    def of(cls, ranges: Iterable[tuple[int, int]]) -> Ranges:
        ordered = sorted(ranges)
        return cls(tuple(s for s, _ in ordered), tuple(accumulate((e for _, e in ordered), max)))

    def covers(self, pos: int) -> bool:
        """Some range holds `pos`."""
        k = bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos

    def overlaps(self, lo: int, hi: int) -> bool:
        """Some range shares a position with [lo, hi)."""
        k = bisect_left(self.starts, hi)
        return k > 0 and self.reach[k - 1] > lo
