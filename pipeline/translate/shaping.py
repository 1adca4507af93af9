"""Putting a decoded model output back into the shape of its source: English punctuation,
atoms spaced and hugged the way English Markdown needs, and the source's line breaks restored.

The translation stage's last step for each accepted output; `_Prepared` (the stage's view of a
sentence: flat text, slots, breaks) is read, never built, here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from pipeline import chars

if TYPE_CHECKING:
    from pipeline.translate import _Prepared

OPEN, CLOSE = "open", "close"  # the roles of paired atoms (a link's `[`, `**`, `~~`)


def wide(char: str) -> bool:
    return not chars.is_atom(char) and unicodedata.east_asian_width(char) in "WF"


# --- putting the English back into shape ------------------------------------------------------

# English puts a space after , . ! ? : ; ) and before (. Brackets whose English forms are Markdown
# link or HTML syntax ([ ] < >) stay as the model wrote them; 《》 and ‥ were never converted here.
_JA_PUNCT = {
    ja: " (" if en == "(" else en + " " if en in {",", ".", "!", "?", ":", ";", ")"} else en
    for ja, en in chars.ENGLISH_PUNCTUATION.items()
    if ja not in "【】〈〉《》‥"
}


def finish(prep: _Prepared, decoded: str) -> str:
    text = decoded
    if not chars.has_japanese_letters(text) and chars.has_japanese_letters(prep.flat):
        text = _english_punctuation(text)
    roles = {slot.char: slot.role for slot in prep.slots if slot.char}
    text = _space_atoms(prep.flat, text, roles)
    return _restore_breaks(prep, text)


def _english_punctuation(text: str) -> str:
    out = "".join(_JA_PUNCT.get(c, c) for c in text)
    out = re.sub(r" {2,}", " ", out)
    out = re.sub(r" +([,.!?;:)])", r"\1", out)
    return out.strip()


def _space_atoms(flat: str, text: str, roles: dict[str, str]) -> str:
    """An atom between English words gets the spaces English expects — unless the source glued
    it to the very same character (then the author meant it, e.g. `foo`s). Two atoms the model
    pushed together get a space, or two code spans would read as one."""
    neighbours = _neighbours(flat)
    out: list[str] = []
    for i, char in enumerate(text):
        if chars.is_atom(char) and out and roles.get(char) != CLOSE:
            left = out[-1]
            kept = neighbours.get((char, "left")) == left
            # `]` too: a bracketed phrase is followed by a space (a URL glued to it is no link).
            ends = (chars.ends_latin(left) or left == "]") and not _opening_quote(out)
            if (ends or chars.is_atom(left)) and left != "(" and not kept:
                out.append(" ")
        out.append(char)
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if not chars.is_atom(char) or not nxt or roles.get(char) == OPEN:
            continue
        kept = neighbours.get((char, "right")) == nxt
        if not kept and nxt.isascii() and nxt.isalnum():
            out.append(" ")
    return "".join(out)


def _opening_quote(out: list[str]) -> bool:
    """The last character is a straight quote that opens (at the start, or after a space or an
    opening bracket): what follows it is glued to it in English (`"foo"`)."""
    if not out or out[-1] not in "\"'":
        return False
    return len(out) < 2 or out[-2].isspace() or out[-2] in "([“‘"


def _neighbours(flat: str) -> dict[tuple[str, str], str]:
    """For each atom in the source: the character glued to it on its left / right, if any."""
    found: dict[tuple[str, str], str] = {}
    for i, char in enumerate(flat):
        if chars.is_atom(char):
            left = flat[i - 1] if i else " "
            right = flat[i + 1] if i + 1 < len(flat) else " "
            if not left.isspace():
                found[(char, "left")] = left
            if not right.isspace():
                found[(char, "right")] = right
    return found


def _restore_breaks(prep: _Prepared, text: str) -> str:
    """Put each source line break back: where the text around it survived translation, exactly
    there; otherwise at the word boundary nearest its relative place. A break never goes at the
    start or end of the text, next to another break, or on the inner side of a delimiter (that
    would change the block or the emphasis); where there is no such place (a one-word answer),
    it travels as `chars.DROPPED_BREAK` and render joins the lines."""
    if not prep.breaks:
        return text
    roles = {slot.char: slot.role for slot in prep.slots if slot.char}
    letters = list(text)
    scale = len(letters) / max(1, len(prep.flat))
    floor = 0
    previous = 0  # where the previous break's context ends in the flat text
    for position, sep in prep.breaks:
        current = "".join(letters)
        target = max(floor, min(len(letters), round(position * scale)))
        spot = _anchored(prep.flat, position, sep, current, target, floor, previous)
        # Between the same atoms as in the source if possible (a hard break stays on its side
        # of a link), else anywhere it fits.
        between = sum(map(chars.is_atom, prep.flat[:position]))
        if spot is None or not _fits(letters, spot, {}, between):
            spot = _snap(letters, target, floor, roles, between) or _snap(
                letters, target, floor, roles
            )
        previous = position + len(sep)
        if spot is None:
            letters.append(chars.DROPPED_BREAK)
            floor = len(letters)
        elif spot[1]:
            letters[spot[0]] = "\n"
            floor = spot[0] + 1
        else:
            letters.insert(spot[0], "\n")
            floor = spot[0] + 1
        scale = len(letters) / max(1, len(prep.flat))
    return "".join(letters)


def _fits(
    letters: list[str], spot: tuple[int, bool], roles: dict[str, str], between: int = -1
) -> bool:
    """Text on both sides of the break, within its line, and no delimiter's inner side; with
    `between`, that many atoms before it."""
    index, replacing = spot
    if between >= 0 and sum(map(chars.is_atom, letters[:index])) != between:
        return False
    before = letters[:index]
    after = letters[index + 1 if replacing else index :]
    line = "".join(before).rsplit("\n", 1)[-1]
    rest = "".join(after).split("\n", 1)[0]
    if not line.strip(" \t") or not rest.strip(" \t"):
        return False
    left = line.rstrip(" \t")[-1]
    right = rest.lstrip(" \t")[0]
    return roles.get(left) != OPEN and roles.get(right) != CLOSE


def _anchored(
    flat: str, position: int, sep: str, text: str, target: int, floor: int, previous: int
) -> tuple[int, bool] | None:
    """The break's place found by the characters around it (never reaching back over the
    previous break, which is already back in `text`), nearest to `target`."""
    left = flat[max(previous, position - 4) : position]
    right = flat[position + len(sep) : position + len(sep) + 4]
    if not left or not right:
        return None
    needle = left + sep + right
    best: int | None = None
    start = text.find(needle)
    while start >= 0:
        spot = start + len(left)
        if spot >= floor and (best is None or abs(spot - target) < abs(best - target)):
            best = spot
        start = text.find(needle, start + 1)
    return None if best is None else (best, bool(sep))


def _snap(
    letters: list[str], target: int, floor: int, roles: dict[str, str], between: int = -1
) -> tuple[int, bool] | None:
    """(index, replace?) for a break near `target`: a space to replace, or a place between two
    Japanese characters to insert at."""
    if (
        floor <= target < len(letters)
        and letters[target] == " "
        and _fits(letters, (target, True), roles, between)
    ):
        return target, True
    if (
        floor < target < len(letters)
        and wide(letters[target - 1])
        and wide(letters[target])
        and _fits(letters, (target, False), roles, between)
    ):
        return target, False
    for distance in range(1, len(letters) + 1):
        for index in (target - distance, target + distance):
            if (
                floor <= index < len(letters)
                and letters[index] == " "
                and _fits(letters, (index, True), roles, between)
            ):
                return index, True
    return None
