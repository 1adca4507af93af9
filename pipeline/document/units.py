"""Prose units of one block: its per-line content ranges joined, its atoms found, placeholders in.

A block's content lines are joined with "\\n" into one logical text, which `pipeline.inline` scans
for atoms; positions map back to the raw body through each line's offset. Shortcodes whose
parameters are prose themselves cut the block into several units.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from pipeline import chars
from pipeline.document.attributes import attributes, translatable
from pipeline.document.model import Atom, Kept, Prose
from pipeline.inline import CLOSE, OPEN, SOLO, Found, scan_atoms, scan_entities
from pipeline.shortcodes import Shortcode


@dataclass(frozen=True)
class DocumentText:
    """What unit building needs of the whole document."""

    body: str
    shortcode_atoms: tuple[Found, ...]  # in the order they were masked
    cuts: tuple[Shortcode, ...]
    references: frozenset[str]  # normalized labels of link reference definitions
    # The same atoms and cuts sorted by start, for finding a block's own in logarithmic time
    # (tags never overlap, so the ends are sorted too).
    sorted_atoms: tuple[Found, ...] = ()
    sorted_cuts: tuple[Shortcode, ...] = ()

    @classmethod
    def of(
        cls,
        body: str,
        atoms: tuple[Found, ...],
        cuts: tuple[Shortcode, ...],
        references: frozenset[str],
    ) -> DocumentText:
        by_start = sorted(atoms, key=lambda f: f.start)
        cuts_by_start = sorted(cuts, key=lambda c: c.start)
        return cls(body, atoms, cuts, references, tuple(by_start), tuple(cuts_by_start))

    def shortcodes_within(self, lo: int, hi: int) -> tuple[list[Found], list[Shortcode]]:
        """The atoms and cuts lying wholly inside [lo, hi]."""
        atoms = self.sorted_atoms
        first = bisect_left(atoms, lo, key=lambda f: f.start)
        last = bisect_right(atoms, hi, key=lambda f: f.end)
        cuts = self.sorted_cuts
        first_cut = bisect_left(cuts, lo, key=lambda c: c.start)
        last_cut = bisect_right(cuts, hi, key=lambda c: c.end)
        return list(atoms[first:last]), list(cuts[first_cut:last_cut])


@dataclass(frozen=True)
class _Block:
    """A block's content lines joined with "\\n", and where each line sits in the body."""

    body: str
    logical: str
    offsets: tuple[tuple[int, int, int], ...]  # (logical start, body start, length) per line

    @classmethod
    def of(cls, body: str, spans: list[tuple[int, int]]) -> _Block:
        parts: list[str] = []
        offsets: list[tuple[int, int, int]] = []
        cursor = 0
        for start, end in spans:
            offsets.append((cursor, start, end - start))
            parts.append(body[start:end])
            cursor += end - start + 1
        return cls(body, "\n".join(parts), tuple(offsets))

    def to_logical(self, body_pos: int) -> int:
        for logical, start, length in self.offsets:
            if start <= body_pos <= start + length:
                return logical + (body_pos - start)
        return -1

    def to_body(self, logical_pos: int) -> int:
        """A logical position at a line's "\\n" maps to the end of that line's text."""
        for logical, start, length in self.offsets:
            if logical <= logical_pos <= logical + length:
                return start + (logical_pos - logical)
        raise ValueError(f"logical position {logical_pos} outside the block")

    def raw(self, lo: int, hi: int) -> str:
        """The body text of a logical range."""
        return self.body[self.to_body(lo) : self.to_body(hi)]


def emit(
    spans: list[tuple[int, int]],
    kind: str,
    doc: DocumentText,
    *,
    heading: bool,
    line_start: bool,
    delimiters: Mapping[int, str] | None = None,
) -> tuple[list[Prose], list[Prose], list[Kept]]:
    """Turn a block's per-line content ranges into prose units, cut around shortcodes whose
    parameters are prose themselves; the units nested in their atoms (link titles, reader
    attributes of inline HTML); and the Japanese in those atoms left as written (an inline
    tag's other attributes). `delimiters` are the parser's roles of the block's `*`, `_` and
    `~` by logical position."""
    block = _Block.of(doc.body, spans)
    fixed, roles, cut_ranges = _shortcodes(block, doc, spans[0][0], spans[-1][1])
    found = scan_atoms(
        block.logical,
        references=doc.references,
        fixed=fixed,
        heading=heading,
        delimiters=delimiters,
    )
    found = [
        Found(f.start, f.end, f.kind, roles.get((f.start, f.end), f.role))
        if f.kind == "shortcode"
        else f
        for f in found
    ]
    units: list[Prose] = []
    nested: list[Prose] = []
    kept: list[Kept] = []
    piece_start = 0
    first_piece = True
    end = len(block.logical)
    for atom in [*found, Found(end, end, "end")]:
        if atom.kind != "end" and (atom.start, atom.end) not in cut_ranges:
            continue
        inner = [f for f in found if piece_start <= f.start and f.end <= atom.start]
        unit = _unit(block, piece_start, atom.start, inner, kind, line_start and first_piece)
        if unit is not None:
            units.append(unit)
            nested.extend(_titles(block, unit, inner))
            for f in inner:
                if f.kind == "html":
                    _tag_attributes(block, f, nested, kept)
        first_piece = False
        piece_start = atom.end
    return units, nested, kept


def _titles(block: _Block, unit: Prose, found: list[Found]) -> list[Prose]:
    """A link's or image's title is reader text (a tooltip): a unit of its own inside the
    link's closing atom."""
    out: list[Prose] = []
    for f in found:
        if f.title is None:
            continue
        lo, hi, quote = f.title
        start, end = block.to_body(lo), block.to_body(hi)
        if unit.start <= start and end <= unit.end:
            text = block.logical[lo:hi]
            out.append(Prose(start, end, text, (), (), "caption", False, quote))
    return out


def _tag_attributes(block: _Block, tag: Found, nested: list[Prose], kept: list[Kept]) -> None:
    """An inline HTML tag's reader attributes with Japanese are units nested in its atom; its
    other attributes with Japanese are kept as written."""
    for attribute in attributes(block.logical[tag.start : tag.end]):
        lo, hi = tag.start + attribute.start, tag.start + attribute.end
        if not chars.has_japanese(block.logical[lo:hi]):
            continue
        unit = None
        if attribute.reader and attribute.value is not None:
            value = (tag.start + attribute.value[0], tag.start + attribute.value[1])
            unit = attribute_unit(block.body, block.logical, value, block.to_body, attribute.quote)
        if unit is not None:
            nested.append(unit)
        else:
            kept.append(Kept(block.to_body(lo), block.to_body(hi), "in a tag's attributes"))


def attribute_unit(
    body: str, text: str, value: tuple[int, int], to_body: Callable[[int], int], quote: str
) -> Prose | None:
    """The value of a reader attribute (`alt="構成図"`) as a unit, or None where it is not plain
    text to translate. `text` is the caller's text of the tag (lines joined with "\\n"),
    `value` the range inside its quotes, `to_body` maps a position of `text` to the body.

    The value is HTML text: its character references are atoms, its English is escaped for
    the attribute's quote, and a value over several lines keeps each line break as written."""
    lo, hi = value
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[lo:hi]):
        piece = line.group()
        start = lo + line.start() + len(piece) - len(piece.lstrip(" \t"))
        end = lo + line.start() + len(piece.rstrip(" \t"))
        if end > start:
            spans.append((to_body(start), to_body(end)))
    if not spans or not translatable(body[spans[0][0] : spans[-1][1]]):
        return None
    block = _Block.of(body, spans)
    found = scan_entities(block.logical)
    unit = _unit(block, 0, len(block.logical), found, "attribute", False)
    return None if unit is None else replace(unit, quote=quote)


def _shortcodes(
    block: _Block, doc: DocumentText, lo: int, hi: int
) -> tuple[tuple[tuple[int, int, str], ...], dict[tuple[int, int], str], set[tuple[int, int]]]:
    """The block's shortcode atoms in logical positions (for the atom scan), their roles, and
    the logical ranges of the tags the block is cut at.

    A tag not wholly inside [lo, hi] has an edge outside every line of the block, so its
    logical range holds a -1 and can never equal an atom's: only the block's own tags count."""
    atoms, cuts = doc.shortcodes_within(lo, hi)
    fixed = _logical_atoms(block, atoms)
    if any(start < 0 or end < 0 for start, end, _ in fixed):
        # An atom's edge falls between the block's lines: its -1 could meet a tag from
        # anywhere, so look all of them up, as the whole-document lists have them.
        atoms = [f for f in doc.shortcode_atoms if lo <= f.start and f.end <= hi]
        fixed = _logical_atoms(block, atoms)
        atoms, cuts = list(doc.shortcode_atoms), list(doc.cuts)
    roles = {(block.to_logical(f.start), block.to_logical(f.end)): f.role for f in atoms}
    cut_ranges = {(block.to_logical(c.start), block.to_logical(c.end)) for c in cuts}
    return fixed, roles, cut_ranges


def _logical_atoms(block: _Block, atoms: list[Found]) -> tuple[tuple[int, int, str], ...]:
    return tuple((block.to_logical(f.start), block.to_logical(f.end), f.kind) for f in atoms)


def _unit(
    block: _Block, lo: int, hi: int, found: list[Found], kind: str, line_start: bool
) -> Prose | None:
    logical = block.logical
    while lo < hi and logical[lo] in " \t\n":
        lo += 1
        line_start = False
    while hi > lo and logical[hi - 1] in " \t\n":
        hi -= 1
    if hi <= lo:
        return None
    groups = _merge_adjacent([f for f in found if lo <= f.start and f.end <= hi])
    if len(groups) > chars.ATOM_LIMIT:
        return None
    text: list[str] = []
    breaks: list[str] = []
    pos = lo
    for index, group in enumerate([*groups, [Found(hi, hi, "end")]]):
        for i in range(pos, group[0].start):
            if logical[i] == "\n":
                text.append("\n")
                breaks.append(block.raw(i, i + 1))
            else:
                text.append(logical[i])
        if group[0].kind == "end":
            break
        text.append(chars.atom_char(index))
        pos = group[-1].end
    atoms = tuple(_atom(block, group, groups) for group in groups)
    start, end = block.to_body(lo), block.to_body(hi)
    return Prose(start, end, "".join(text), atoms, tuple(breaks), kind, line_start)


def _atom(block: _Block, group: list[Found], groups: list[list[Found]]) -> Atom:
    """One atom from adjacent found items: its raw text, role, literal characters, and for a
    shortcut or collapsed reference the label and the atom that opens the link."""
    lo, hi = group[0].start, group[-1].end
    body_start = block.to_body(lo)
    literal: list[int] = []
    label, label_at, partner = "", -1, -1
    for f in group:
        offset = block.to_body(f.start) - body_start
        if f.literal:
            literal.extend(range(offset, offset + f.end - f.start))
        if f.label:
            label, label_at = " ".join(f.label.split()), offset + 1
            opener = f.start - len(f.label) - 1
            partner = next(
                (k for k, g in enumerate(groups) if g[0].start <= opener < g[-1].end), -1
            )
    return Atom(
        "+".join(f.kind for f in group),
        block.raw(lo, hi),
        _group_role(group) or SOLO,
        tuple(literal),
        label,
        label_at,
        partner,
        body_start,
    )


def _merge_adjacent(found: list[Found]) -> list[list[Found]]:
    """Atoms with nothing between them are one atom (fewer placeholders for the model), as long
    as the merged atom still has one role: `*__` (a close, then an open) stays two atoms."""
    groups: list[list[Found]] = []
    for atom in found:
        if groups and groups[-1][-1].end == atom.start:
            candidate = [*groups[-1], atom]
            if _group_role(candidate) is not None:
                groups[-1] = candidate
                continue
        groups.append([atom])
    return groups


def _group_role(group: list[Found]) -> str | None:
    """Open when it leaves something open, close when it closes something from before, solo
    when balanced; None when it would do both (it cannot hug both sides)."""
    closes = opens = 0
    for f in group:
        if f.role == OPEN:
            opens += 1
        elif f.role == CLOSE:
            if opens:
                opens -= 1
            else:
                closes += 1
    if closes and opens:
        return None
    return CLOSE if closes else OPEN if opens else SOLO
