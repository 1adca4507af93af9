"""What markdown-it-py parses: the body's lines, normalized, with shortcodes hidden.

Hugo expands shortcodes before Markdown, so a shortcode spanning lines would break a Markdown
block parse. Shortcodes are lexed on the raw text first and masked: a paired shortcode holding code
or data becomes an opaque block, an inline one a run of letters (it stays inside its paragraph),
and a prose-holding pair's tags on lines of their own become blank lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document.lines import Line, Ranges
from pipeline.inline import CLOSE, OPEN, SOLO, Found
from pipeline.shortcodes import Pair, Shortcode, lex_shortcodes, pair_shortcodes


class Masked:
    """Normalized line texts for markdown-it, with shortcodes hidden the way Hugo hides them."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.texts = [line.text for line in lines]
        self.starts = [line.start for line in lines]

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def whole_lines(self, start: int, end: int) -> bool:
        first, last = self.line_of(start), self.line_of(max(start, end - 1))
        before = self.lines[first].text[: start - self.lines[first].start]
        after = self.lines[last].text[end - self.lines[last].start :]
        return not before.strip() and not after.strip()

    def fill(self, start: int, end: int, blank: bool) -> None:
        first, last = self.line_of(start), self.line_of(max(start, end - 1))
        for index in range(first, last + 1):
            line = self.lines[index]
            lo = max(start, line.start) - line.start
            hi = min(end, line.end) - line.start
            current = self.texts[index]
            if blank:
                self.texts[index] = current[:lo] + " " * max(0, hi - lo) + current[hi:]
                if not self.texts[index].strip():
                    self.texts[index] = ""
            else:
                filled = current[:lo] + "x" * max(0, hi - lo) + current[hi:]
                self.texts[index] = filled if filled.strip() else "x"

    def source(self) -> str:
        return "\n".join(self.texts)


@dataclass(frozen=True)
class Shortcodes:
    """The body's shortcode tags, sorted by what the block pass does with them."""

    atoms: tuple[Found, ...]  # inline tags: atoms of the prose around them
    cuts: tuple[Shortcode, ...]  # tags with prose parameters: prose units are cut at them
    data: tuple[tuple[int, int], ...]  # pairs holding code or data: verbatim as a whole
    data_pairs: tuple[Pair, ...] = ()  # those pairs


def mask_shortcodes(body: str, masked: Masked) -> Shortcodes:
    """Hide shortcodes from markdown-it; return what the block pass needs to know of them."""
    tags = lex_shortcodes(body)
    pairs, alone = pair_shortcodes(tags)
    atoms: list[Found] = []
    cuts: list[Shortcode] = []
    data: list[tuple[int, int]] = []
    for pair in pairs:
        if pair.holds_prose():
            continue
        start, end = pair.open.start, pair.close.end
        data.append((start, end))
        masked.fill(start, end, blank=masked.whole_lines(start, end))
    inside_data = Ranges.of(data)
    for pair in pairs:
        if pair.holds_prose() and not inside_data.covers(pair.open.start):
            for tag, role in ((pair.open, OPEN), (pair.close, CLOSE)):
                _mask_tag(tag, role, masked, atoms, cuts)
    for tag in alone:
        if not inside_data.covers(tag.start):
            _mask_tag(tag, SOLO, masked, atoms, cuts)
    outer = tuple(
        pair
        for pair in pairs
        if not pair.holds_prose()
        and not any(lo < pair.open.start < hi for lo, hi in data)  # not inside another
    )
    return Shortcodes(tuple(atoms), tuple(cuts), tuple(data), outer)


def _mask_tag(
    tag: Shortcode, role: str, masked: Masked, atoms: list[Found], cuts: list[Shortcode]
) -> None:
    whole = masked.whole_lines(tag.start, tag.end)
    if tag.prose_params:
        cuts.append(tag)
    if whole and role != SOLO:
        masked.fill(tag.start, tag.end, blank=True)
    else:
        masked.fill(tag.start, tag.end, blank=False)
        atoms.append(Found(tag.start, tag.end, "shortcode", role))
