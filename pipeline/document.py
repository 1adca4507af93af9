"""Document stage: a post cut into front matter, verbatim spans and prose units.

The body's spans concatenate back to the body byte for byte. Block structure comes from
markdown-it-py (CommonMark, like Hugo's goldmark) run on a copy with line endings normalized and
shortcodes masked; its block source maps are mapped back to the raw text through a line table, and
each block's atoms are found by re-scanning its raw text (see `inline`).

A prose unit's `text` is what later stages work on: each atom is replaced by one Private Use Area
character (U+E000 + its index) and each line break inside the block by "\\n", whose raw form (hard
break spaces, the next line's `> ` or list indentation) is kept in `breaks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from pipeline import chars
from pipeline.frontmatter import FrontMatter, split_front_matter
from pipeline.inline import CLOSE, OPEN, SOLO, Found, escaped, scan_atoms
from pipeline.shortcodes import Shortcode, lex_shortcodes, pair_shortcodes

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_RAW_TEXT_TAGS = ("script", "style", "pre", "code", "textarea")


@dataclass(frozen=True)
class Atom:
    kind: str
    raw: str
    role: str = SOLO


@dataclass(frozen=True)
class Prose:
    start: int
    end: int
    text: str
    atoms: tuple[Atom, ...]
    breaks: tuple[str, ...]
    block: str  # heading | paragraph | list | quote | table | caption | html | footnote
    line_start: bool  # the unit starts where Markdown block syntax would be recognised
    quote: str = ""  # a shortcode parameter's quote character, escaped in the output


@dataclass(frozen=True)
class Verbatim:
    start: int
    end: int


Span = Prose | Verbatim


@dataclass(frozen=True)
class CodeBlock:
    start: int
    end: int
    info: str
    translated: bool = False  # an unlabelled fence of prose, translated on request


@dataclass(frozen=True)
class Document:
    front_matter: FrontMatter
    body: str
    spans: tuple[Span, ...]
    code_blocks: tuple[CodeBlock, ...] = field(default=())

    @property
    def prose(self) -> tuple[Prose, ...]:
        return tuple(s for s in self.spans if isinstance(s, Prose))


def parse_document(text: str, *, prose_fences: bool = False) -> Document:
    """Raises FrontMatterError for unreadable front matter. With `prose_fences`, unlabelled
    fences that hold only Japanese prose (some authors quote text that way) are prose too."""
    front_matter, body = split_front_matter(text)
    spans, code_blocks = parse_body(body, prose_fences=prose_fences)
    return Document(front_matter, body, spans, code_blocks)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(dollarmath_plugin, allow_space=False, allow_digits=False)
    return md


@dataclass(frozen=True)
class _Line:
    start: int  # body offset of the line's first character
    text: str  # without its line ending
    eol: str


def _line_table(body: str) -> list[_Line]:
    lines: list[_Line] = []
    for match in _LINE.finditer(body):
        if match.start() == len(body) and lines and not match.group(0):
            break
        lines.append(_Line(match.start(), match.group(1), match.group(2)))
        if not match.group(2):
            break
    return lines


class _Masked:
    """Normalized line texts for markdown-it, with shortcodes hidden the way Hugo hides them."""

    def __init__(self, lines: list[_Line]) -> None:
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
            hi = min(end, line.start + len(line.text)) - line.start
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


@dataclass
class _Plan:
    """What the block walk decided: prose units, verbatim-only ranges, code blocks."""

    units: list[Prose] = field(default_factory=list)
    forced_verbatim: list[tuple[int, int]] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    code_lines: set[int] = field(default_factory=set)


def parse_body(
    body: str, *, prose_fences: bool = False
) -> tuple[tuple[Span, ...], tuple[CodeBlock, ...]]:
    lines = _line_table(body)
    masked = _Masked(lines)
    plan = _Plan()
    atoms, cuts = _mask_shortcodes(body, masked, plan)
    env: dict = {}
    tokens = _markdown().parse(masked.source(), env)
    references = frozenset(env.get("references", {}).keys())
    context = _Context(body, lines, masked, atoms, cuts, references, plan, prose_fences)
    _walk(tokens, context)
    _add_param_units(cuts, context)
    units = _drop_overlaps(plan.units, plan.forced_verbatim)
    return _assemble(body, units), tuple(sorted(plan.code_blocks, key=lambda c: c.start))


def _mask_shortcodes(
    body: str, masked: _Masked, plan: _Plan
) -> tuple[list[Found], list[Shortcode]]:
    """Hide shortcodes from markdown-it; return the inline atoms and the tags to cut prose at."""
    tags = lex_shortcodes(body)
    pairs, alone = pair_shortcodes(tags)
    atoms: list[Found] = []
    cuts: list[Shortcode] = []
    inside_data: list[tuple[int, int]] = []
    for pair in pairs:
        if pair.holds_prose:
            continue
        start, end = pair.open.start, pair.close.end
        inside_data.append((start, end))
        plan.forced_verbatim.append((start, end))
        masked.fill(start, end, blank=masked.whole_lines(start, end))
    for pair in pairs:
        if pair.holds_prose and not _within(pair.open.start, inside_data):
            for tag, role in ((pair.open, OPEN), (pair.close, CLOSE)):
                _mask_tag(tag, role, masked, atoms, cuts)
    for tag in alone:
        if not _within(tag.start, inside_data):
            _mask_tag(tag, SOLO, masked, atoms, cuts)
    return atoms, cuts


def _mask_tag(
    tag: Shortcode, role: str, masked: _Masked, atoms: list[Found], cuts: list[Shortcode]
) -> None:
    whole = masked.whole_lines(tag.start, tag.end)
    if tag.prose_params:
        cuts.append(tag)
    if whole and role != SOLO:
        masked.fill(tag.start, tag.end, blank=True)
    else:
        masked.fill(tag.start, tag.end, blank=False)
        atoms.append(Found(tag.start, tag.end, "shortcode", role))


def _within(offset: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in ranges)


@dataclass
class _Context:
    body: str
    lines: list[_Line]
    masked: _Masked
    shortcode_atoms: list[Found]
    cuts: list[Shortcode]
    references: frozenset[str]
    plan: _Plan
    prose_fences: bool = False

    def line_span(self, index: int) -> tuple[int, int]:
        line = self.lines[index]
        return line.start, line.start + len(line.text)


_CONTAINERS = {
    "blockquote_open": "quote",
    "list_item_open": "list",
    "footnote_open": "footnote",
    "th_open": "table",
    "td_open": "table",
}


def _walk(tokens: list[Token], ctx: _Context) -> None:
    stack: list[str] = []
    for index, token in enumerate(tokens):
        if token.type in _CONTAINERS:
            stack.append(_CONTAINERS[token.type])
        elif token.nesting == -1 and token.type.replace("_close", "_open") in _CONTAINERS:
            stack.pop()
        if token.type == "fence" and ctx.prose_fences and _prose_fence(token):
            _fence_units(token, ctx)
        elif token.type in ("fence", "code_block", "math_block", "math_block_label", "html_block"):
            _verbatim_block(token, ctx)
            if token.type == "html_block" and token.map:
                _html_units(token, ctx)
        elif token.type == "inline" and token.map:
            parent = tokens[index - 1].type if index else ""
            if parent == "heading_open":
                _block_units(token, "heading", ctx, heading=True)
            elif parent == "paragraph_open":
                kind = stack[-1] if stack else "paragraph"
                _block_units(token, "list" if kind == "list" else kind, ctx)
            elif parent in ("th_open", "td_open"):
                _table_row(token, ctx)


def _verbatim_block(token: Token, ctx: _Context) -> None:
    assert token.map is not None
    first, last = token.map[0], token.map[1] - 1
    start = ctx.lines[first].start
    end = ctx.line_span(min(last, len(ctx.lines) - 1))[1]
    if token.type in ("fence", "code_block"):
        ctx.plan.code_blocks.append(CodeBlock(start, end, token.info.strip()))
        ctx.plan.code_lines.update(range(first, last + 1))
    if token.type != "html_block":
        ctx.plan.forced_verbatim.append((start, end))
        ctx.plan.code_lines.update(range(first, last + 1))


_CODE_LIKE = re.compile(r"[{};<>=$|\\#`'\"]|[A-Za-z_]\(|^\s*(//|--|>>>)")


def _prose_fence(token: Token) -> bool:
    """An unlabelled fence whose every line is mostly Japanese text and nothing like code."""
    if token.info.strip() or not token.map:
        return False
    lines = [line for line in token.content.split("\n") if line.strip()]
    return bool(lines) and all(
        len(chars.JAPANESE_LETTER.findall(line)) >= 0.3 * len("".join(line.split()))
        and not _CODE_LIKE.search(line)
        for line in lines
    )


def _fence_units(token: Token, ctx: _Context) -> None:
    """The fence lines stay; each run of text lines between blank lines becomes one unit (a
    sentence may wrap over lines). Markdown is not parsed inside a fence: no atoms."""
    assert token.map is not None
    first, last = token.map[0], min(token.map[1], len(ctx.lines)) - 1
    closed = last > first and ctx.masked.texts[last].strip().startswith(token.markup)
    start, end = ctx.lines[first].start, ctx.line_span(last)[1]
    ctx.plan.code_blocks.append(CodeBlock(start, end, "", translated=True))
    run: list[tuple[int, int]] = []
    for index in range(first + 1, last + (0 if closed else 1)):
        lo, hi = ctx.line_span(index)
        text = ctx.body[lo:hi]
        if not text.strip():
            _fence_unit(run, ctx)
            run = []
            continue
        run.append((lo + len(text) - len(text.lstrip()), lo + len(text.rstrip())))
    _fence_unit(run, ctx)


def _fence_unit(spans: list[tuple[int, int]], ctx: _Context) -> None:
    if not spans:
        return
    parts = [ctx.body[lo:hi] for lo, hi in spans]
    breaks = tuple(ctx.body[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1))
    text = "\n".join(parts)
    if any(chars.is_atom(c) for c in text):
        return  # a Private Use character in the source: leave the block as written
    ctx.plan.units.append(Prose(spans[0][0], spans[-1][1], text, (), breaks, "fence", False))


def _block_units(token: Token, block: str, ctx: _Context, *, heading: bool = False) -> None:
    assert token.map is not None
    content_lines = token.content.split("\n")
    first = token.map[0]
    spans: list[tuple[int, int]] = []
    for offset, content in enumerate(content_lines):
        index = first + offset
        if index >= len(ctx.lines):
            return
        located = _locate(ctx, index, content.strip(" \t"), heading)
        if located is None:
            return  # could not map the block back to the raw text: it stays verbatim
        spans.append(located)
    _trim_hard_breaks(ctx.body, spans)
    _emit(spans, block, ctx, heading=heading, line_start=True)


def _locate(ctx: _Context, index: int, content: str, heading: bool) -> tuple[int, int] | None:
    text = ctx.masked.texts[index]
    line_start = ctx.lines[index].start
    if not content:
        return None
    if heading:
        pos = text.find(content)
    else:
        stripped = text.rstrip(" \t")
        pos = len(stripped) - len(content)
        if pos < 0 or stripped[pos:] != content:
            pos = text.rfind(content)
    if pos < 0 or text[pos : pos + len(content)] != content:
        return None
    return line_start + pos, line_start + pos + len(content)


def _trim_hard_breaks(body: str, spans: list[tuple[int, int]]) -> None:
    """A backslash at the end of a line is a hard break: it belongs to the break, not the text."""
    for i in range(len(spans) - 1):
        start, end = spans[i]
        run = len(body[start:end]) - len(body[start:end].rstrip("\\"))
        if run % 2 == 1 and end - 1 > start:
            spans[i] = (start, end - 1)


def _table_row(token: Token, ctx: _Context) -> None:
    assert token.map is not None
    row = token.map[0]
    if any(u.block == "table" and ctx.masked.line_of(u.start) == row for u in ctx.plan.units):
        return  # the row was handled with its first cell
    cells = _split_row(ctx.masked.texts[row])
    start = ctx.lines[row].start
    for lo, hi in cells:
        _emit([(start + lo, start + hi)], "table", ctx, heading=False, line_start=False)


def _split_row(text: str) -> list[tuple[int, int]]:
    """Cell ranges (stripped) of a table row; only unescaped pipes separate cells, as in GFM."""
    bounds = [i for i, ch in enumerate(text) if ch == "|" and not escaped(text, i)]
    stripped_start = len(text) - len(text.lstrip())
    stripped_end = len(text.rstrip())
    edges = [stripped_start - 1, *bounds, stripped_end]
    if bounds and bounds[0] == stripped_start:
        edges = edges[1:]
    if bounds and bounds[-1] == stripped_end - 1:
        edges = edges[:-1]
    cells = []
    for left, right in zip(edges, edges[1:], strict=False):
        segment = text[left + 1 : right]
        lo = left + 1 + (len(segment) - len(segment.lstrip()))
        hi = left + 1 + len(segment.rstrip())
        if hi > lo:
            cells.append((lo, hi))
    return cells


def _html_units(token: Token, ctx: _Context) -> None:
    """Text between the tags of an HTML block is prose; the tags, comments and the contents of
    script/style/pre/code are not."""
    assert token.map is not None
    first, last = token.map[0], min(token.map[1], len(ctx.lines)) - 1
    start, end = ctx.lines[first].start, ctx.line_span(last)[1]
    raw = ctx.masked.source()  # offsets differ from the body only by line endings
    norm_start = sum(len(t) + 1 for t in ctx.masked.texts[:first])
    norm_end = norm_start + sum(len(t) + 1 for t in ctx.masked.texts[first : last + 1]) - 1
    block = raw[norm_start:norm_end]
    if block.lstrip().startswith("<!--"):
        return
    tag = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>", re.DOTALL)
    pos = 0
    skip_until: str | None = None
    for match in tag.finditer(block):
        if skip_until is None:
            _html_text(block, pos, match.start(), first, ctx)
        name = (match.group(2) or "").lower()
        if skip_until is None and not match.group(1) and name in _RAW_TEXT_TAGS:
            skip_until = name
        elif skip_until == name and match.group(1):
            skip_until = None
        pos = match.end()
    if skip_until is None:
        _html_text(block, pos, len(block), first, ctx)
    del start, end


def _html_text(block: str, lo: int, hi: int, first_line: int, ctx: _Context) -> None:
    segment = block[lo:hi]
    if not segment.strip() or "<" in segment or ">" in segment:
        return
    spans: list[tuple[int, int]] = []
    line = first_line + block.count("\n", 0, lo)
    column = lo - (block.rfind("\n", 0, lo) + 1)
    for piece in segment.split("\n"):
        stripped = piece.strip()
        if stripped:
            offset = column + (len(piece) - len(piece.lstrip()))
            begin = ctx.lines[line].start + offset
            spans.append((begin, begin + len(stripped)))
        line += 1
        column = 0
    if spans:
        _emit(spans, "html", ctx, heading=False, line_start=False)


def _emit(
    spans: list[tuple[int, int]], block: str, ctx: _Context, *, heading: bool, line_start: bool
) -> None:
    """Turn a block's per-line content ranges into prose units, cut around shortcodes whose
    parameters are prose themselves."""
    logical, offsets = _logical(ctx.body, spans)
    fixed = tuple(
        (_to_logical(offsets, f.start), _to_logical(offsets, f.end), f.kind)
        for f in ctx.shortcode_atoms
        if spans[0][0] <= f.start and f.end <= spans[-1][1]
    )
    roles = {
        (_to_logical(offsets, f.start), _to_logical(offsets, f.end)): f.role
        for f in ctx.shortcode_atoms
    }
    found = scan_atoms(logical, references=ctx.references, fixed=fixed, heading=heading)
    found = [
        Found(f.start, f.end, f.kind, roles.get((f.start, f.end), f.role))
        if f.kind == "shortcode"
        else f
        for f in found
    ]
    cut_ranges = {(_to_logical(offsets, c.start), _to_logical(offsets, c.end)) for c in ctx.cuts}
    piece_start = 0
    first_piece = True
    for atom in [*found, Found(len(logical), len(logical), "end")]:
        if atom.kind != "end" and (atom.start, atom.end) not in cut_ranges:
            continue
        inner = [f for f in found if piece_start <= f.start and f.end <= atom.start]
        _unit(
            ctx, logical, offsets, piece_start, atom.start, inner, block, line_start and first_piece
        )
        first_piece = False
        piece_start = atom.end


def _logical(body: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int, int]]]:
    """Join a block's line contents with "\\n"; keep (logical start, body start, length) per line."""
    parts: list[str] = []
    offsets: list[tuple[int, int, int]] = []
    cursor = 0
    for start, end in spans:
        offsets.append((cursor, start, end - start))
        parts.append(body[start:end])
        cursor += end - start + 1
    return "\n".join(parts), offsets


def _to_logical(offsets: list[tuple[int, int, int]], body_pos: int) -> int:
    for logical, start, length in offsets:
        if start <= body_pos <= start + length:
            return logical + (body_pos - start)
    return -1


def _to_body(offsets: list[tuple[int, int, int]], logical_pos: int) -> int:
    """A logical position at a line's "\\n" maps to the end of that line's text."""
    for logical, start, length in offsets:
        if logical <= logical_pos <= logical + length:
            return start + (logical_pos - logical)
    raise ValueError(f"logical position {logical_pos} outside the block")


def _unit(
    ctx: _Context,
    logical: str,
    offsets: list[tuple[int, int, int]],
    lo: int,
    hi: int,
    found: list[Found],
    block: str,
    line_start: bool,
) -> None:
    while lo < hi and logical[lo] in " \t\n":
        lo += 1
        line_start = False
    while hi > lo and logical[hi - 1] in " \t\n":
        hi -= 1
    if hi <= lo:
        return
    found = _merge_adjacent([f for f in found if lo <= f.start and f.end <= hi])
    if len(found) > chars.ATOM_LIMIT:
        return
    text: list[str] = []
    atoms: list[Atom] = []
    breaks: list[str] = []
    pos = lo
    for atom in [*found, Found(hi, hi, "end")]:
        for i in range(pos, atom.start):
            if logical[i] == "\n":
                text.append("\n")
                breaks.append(ctx.body[_to_body(offsets, i) : _to_body(offsets, i + 1)])
            else:
                text.append(logical[i])
        if atom.kind == "end":
            break
        raw = ctx.body[_to_body(offsets, atom.start) : _to_body(offsets, atom.end)]
        text.append(chars.atom_char(len(atoms)))
        atoms.append(Atom(atom.kind, raw, atom.role))
        pos = atom.end
    start, end = _to_body(offsets, lo), _to_body(offsets, hi)
    ctx.plan.units.append(
        Prose(start, end, "".join(text), tuple(atoms), tuple(breaks), block, line_start)
    )


def _merge_adjacent(found: list[Found]) -> list[Found]:
    """Atoms with nothing between them are one atom: fewer placeholders for the model."""
    merged: list[Found] = []
    for atom in found:
        if merged and merged[-1].end == atom.start:
            previous = merged[-1]
            role = _merged_role(previous.role, atom.role)
            merged[-1] = Found(previous.start, atom.end, previous.kind + "+" + atom.kind, role)
        else:
            merged.append(atom)
    return merged


def _merged_role(left: str, right: str) -> str:
    if left == right:
        return left
    if left == CLOSE and right == OPEN:
        return SOLO
    if left == OPEN or right == OPEN:
        return OPEN if left != CLOSE else SOLO
    return CLOSE if CLOSE in (left, right) else SOLO


def _add_param_units(cuts: list[Shortcode], ctx: _Context) -> None:
    for tag in cuts:
        line = ctx.masked.line_of(tag.start)
        if line in ctx.plan.code_lines or _within(tag.start, ctx.plan.forced_verbatim):
            continue
        for param in tag.prose_params:
            value = ctx.body[param.start : param.end]
            if not value.strip() or "\n" in value or "\r" in value:
                continue
            ctx.plan.units.append(
                Prose(param.start, param.end, value, (), (), "caption", False, param.quote)
            )


def _drop_overlaps(units: list[Prose], verbatim: list[tuple[int, int]]) -> list[Prose]:
    kept: list[Prose] = []
    for unit in sorted(units, key=lambda u: (u.start, -u.end)):
        if any(start < unit.end and unit.start < end for start, end in verbatim):
            continue
        if kept and unit.start < kept[-1].end:
            continue
        kept.append(unit)
    return kept


def _assemble(body: str, units: list[Prose]) -> tuple[Span, ...]:
    spans: list[Span] = []
    cursor = 0
    for unit in units:
        if unit.start > cursor:
            spans.append(Verbatim(cursor, unit.start))
        spans.append(unit)
        cursor = unit.end
    if cursor < len(body):
        spans.append(Verbatim(cursor, len(body)))
    return tuple(spans)
