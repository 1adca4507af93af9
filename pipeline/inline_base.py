"""The vocabulary of the inline scan: roles, found atoms, what is taken, escapes."""

from __future__ import annotations

from dataclasses import dataclass

# Roles decide English spacing: an opening atom hugs the text after it, a closing atom the text
# before it, a solo atom stands between words.
OPEN, CLOSE, SOLO = "open", "close", "solo"


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str
    role: str = SOLO
    literal: bool = False  # delimiter characters the parser read as text, not markup
    label: str = ""  # a shortcut or collapsed reference's closing `]`: the label it refers to
    title: tuple[int, int, str] | None = None  # a link title's range inside the atom, its quote


class Taken:
    """The atoms found so far; a later rule never claims characters an earlier one took."""

    def __init__(self, items: list[Found]) -> None:
        self.items = list(items)

    def free(self, start: int, end: int) -> bool:
        return all(end <= f.start or start >= f.end for f in self.items)

    def inside(self, pos: int) -> bool:
        return any(f.start <= pos < f.end for f in self.items)

    def absorb(self, item: Found) -> bool:
        """Add `item`, swallowing atoms wholly inside it (a shortcode inside a code span is
        part of the code); refuse it when it would cut one in half."""
        inner = [f for f in self.items if item.start <= f.start and f.end <= item.end]
        rest = [f for f in self.items if f not in inner]
        if any(not (item.end <= f.start or item.start >= f.end) for f in rest):
            return False
        self.items = [*rest, item]
        return True

    def add(self, item: Found) -> bool:
        if item.end > item.start and self.free(item.start, item.end):
            self.items.append(item)
            return True
        return False


def escaped(text: str, pos: int) -> bool:
    """Is the character at `pos` escaped by an odd run of backslashes before it?"""
    count = 0
    while pos - count - 1 >= 0 and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1
