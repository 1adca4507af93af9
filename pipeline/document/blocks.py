"""The walk over markdown-it-py's block tokens: which blocks are prose, which stay verbatim.

Each prose block's content lines are located in the raw body (markdown-it strips `> `, list
indentation and heading marks from inline content, and gives no offsets) and handed to `units`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline import chars
from pipeline.document.attributes import attributes
from pipeline.document.delimiters import delimiter_roles
from pipeline.document.lines import Line
from pipeline.document.masking import Masked
from pipeline.document.model import CodeBlock, Kept, Prose
from pipeline.document.units import DocumentText, attribute_unit, emit
from pipeline.inline import escaped

_RAW_TEXT_TAGS = ("script", "style", "pre", "code", "textarea")
# An HTML block is read by the browser, not by Markdown: its tags as a browser reads them (a quote
# opens a value only after `=`, any other character may sit in a tag), comments, and the `<!…>`
# and `<?…>` forms, which end at the first `>`.
_HTML_TAG = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"|<(/?)([A-Za-z][^\s/>]*)(?:[^>\"'=]|=\s*\"[^\"]*\"|=\s*'[^']*'|=)*>",
    re.DOTALL,
)
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# In HTML text a `<` before a letter, `/`, `!` or `?` opens markup: one that `_HTML_TAG` did
# not read as a whole tag is markup this walk cannot read (a value whose quote never closes).
_OPENS_MARKUP = re.compile(r"<[A-Za-z/!?]")
# A fence line in an HTML block's text: code the author wrote as Markdown, which the block shows
# as text (posts imported from other blogs have them).
_FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})", re.MULTILINE)
_CODE_LIKE = re.compile(r"[{};<>=$|\\#`'\"]|[A-Za-z_]\(|^\s*(//|--|>>>)")
_CONTAINERS = {
    "blockquote_open": "quote",
    "list_item_open": "list",
    "footnote_open": "footnote",
    "th_open": "table",
    "td_open": "table",
}


@dataclass
class Plan:
    """What the block walk decided: prose units, verbatim-only ranges, code blocks."""

    units: list[Prose] = field(default_factory=list)
    nested: list[Prose] = field(default_factory=list)  # link titles inside the units' atoms
    forced_verbatim: list[tuple[int, int]] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    code_lines: set[int] = field(default_factory=set)
    table_rows: set[int] = field(default_factory=set)  # rows whose cells were handled
    kept: list[Kept] = field(default_factory=list)  # Japanese left as written, to report


@dataclass
class Context:
    doc: DocumentText
    lines: list[Line]
    masked: Masked
    plan: Plan
    prose_fences: bool = False
    md: MarkdownIt | None = None  # the parser, for delimiter roles of text it did not see
    env: dict[str, Any] = field(default_factory=dict)  # the document parse's environment

    @property
    def body(self) -> str:
        return self.doc.body

    def line_span(self, index: int) -> tuple[int, int]:
        line = self.lines[index]
        return line.start, line.end

    def emit(
        self,
        spans: list[tuple[int, int]],
        kind: str,
        *,
        heading: bool,
        line_start: bool,
        markdown: bool = True,
    ) -> None:
        """`markdown`: the text is parsed as Markdown (not so in an HTML block)."""
        delimiters = self._delimiters(spans) if markdown and self.md is not None else None
        units, nested, kept = emit(
            spans, kind, self.doc, heading=heading, line_start=line_start, delimiters=delimiters
        )
        self.plan.units.extend(units)
        self.plan.nested.extend(nested)
        self.plan.kept.extend(kept)

    def _delimiters(self, spans: list[tuple[int, int]]) -> dict[int, str]:
        """The parser's delimiter roles over the block's text as markdown-it reads it
        (shortcodes masked), in the positions of the block's logical text."""
        assert self.md is not None
        parts = []
        for lo, hi in spans:
            index = self.masked.line_of(lo)
            start = self.lines[index].start
            parts.append(self.masked.texts[index][lo - start : hi - start])
        text = "\n".join(parts)
        return delimiter_roles(self.md, text, self.env, self.env.get("references", {}))


def walk(tokens: list[Token], ctx: Context) -> None:
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
                first_in_item = index > 1 and tokens[index - 2].type == "list_item_open"
                _block_units(token, "list" if kind == "list" else kind, ctx, task=first_in_item)
            elif parent in ("th_open", "td_open"):
                _table_row(token, ctx)


def _verbatim_block(token: Token, ctx: Context) -> None:
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


def _fence_units(token: Token, ctx: Context) -> None:
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


def _fence_unit(spans: list[tuple[int, int]], ctx: Context) -> None:
    if not spans:
        return
    parts = [ctx.body[lo:hi] for lo, hi in spans]
    breaks = tuple(ctx.body[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1))
    text = "\n".join(parts)
    if any(chars.is_atom(c) for c in text):
        return  # a Private Use character in the source: leave the block as written
    ctx.plan.units.append(Prose(spans[0][0], spans[-1][1], text, (), breaks, "fence", False))


def _block_units(
    token: Token, block: str, ctx: Context, *, heading: bool = False, task: bool = False
) -> None:
    """`task`: the first paragraph of a list item, where `[ ]`/`[x]` makes a task list item."""
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
    if task and spans:
        spans[0] = _after_task_marker(ctx.body, spans[0])
    ctx.emit(spans, block, heading=heading, line_start=True)


# Hugo's task list items (goldmark, as GitHub): the item's text opens with `[ ]`, `[x]` or `[X]`
# and a space. The box is syntax, not prose: it stays where it is.
_TASK_MARKER = re.compile(r"\[[ xX]\][ \t]+(?=\S)")


def _after_task_marker(body: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    match = _TASK_MARKER.match(body, start, end)
    return (match.end(), end) if match else span


def _locate(ctx: Context, index: int, content: str, heading: bool) -> tuple[int, int] | None:
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


def _table_row(token: Token, ctx: Context) -> None:
    assert token.map is not None
    row = token.map[0]
    if row in ctx.plan.table_rows:
        return  # the row was handled with its first cell
    ctx.plan.table_rows.add(row)
    cells = _split_row(ctx.masked.texts[row])
    start = ctx.lines[row].start
    for lo, hi in cells:
        ctx.emit([(start + lo, start + hi)], "table", heading=False, line_start=False)


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


def _html_units(token: Token, ctx: Context) -> None:
    """Text between the tags of an HTML block is prose; the tags, comments and the contents of
    script/style/pre/code/textarea are not. Japanese where changing it is not safe (inside
    those elements, in a tag's attributes, in text holding markup the tag grammar cannot read)
    is kept as written and recorded, so the orchestrator reports it."""
    assert token.map is not None
    first, last = token.map[0], min(token.map[1], len(ctx.lines)) - 1
    # The block as markdown-it saw it: offsets differ from the body only by line endings.
    block = _HtmlBlock("\n".join(ctx.masked.texts[first : last + 1]), first, ctx)
    if block.text.lstrip().startswith("<!--"):
        return  # a comment shows nothing on the page (and the skip marker is one)
    pos = 0
    raw_text: tuple[str, int] | None = None  # the element whose content stays, where it starts
    for match in _HTML_TAG.finditer(block.text):
        tag = match.group()
        name = _TAG_NAME.match(tag)
        closing, element = (name.group(1), name.group(2).lower()) if name else ("", "")
        if raw_text is None:
            block.text_between(pos, match.start())
            if not tag.startswith("<!--"):  # a comment shows nothing on the page
                block.tag_attributes(match.start(), tag)
            if not closing and element in _RAW_TEXT_TAGS:
                raw_text = (element, match.end())
        elif closing and element == raw_text[0]:
            block.keep(raw_text[1], match.start(), f"inside <{element}>")
            raw_text = None
        pos = match.end()
    if raw_text is None:
        block.text_between(pos, len(block.text))
    else:
        block.keep(raw_text[1], len(block.text), f"inside <{raw_text[0]}>")


@dataclass(frozen=True)
class _HtmlBlock:
    """An HTML block's text, and the positions of its first line in the body."""

    text: str
    first_line: int
    ctx: Context

    def body_offset(self, pos: int) -> int:
        line = self.first_line + self.text.count("\n", 0, pos)
        column = pos - (self.text.rfind("\n", 0, pos) + 1)
        return self.ctx.lines[line].start + column

    def keep(self, lo: int, hi: int, why: str) -> None:
        """Record the Japanese in [lo, hi) as kept (nothing when there is none)."""
        segment = self.text[lo:hi]
        if not chars.has_japanese(segment):
            return
        lo += len(segment) - len(segment.lstrip())
        hi -= len(segment) - len(segment.rstrip())
        self.ctx.plan.kept.append(Kept(self.body_offset(lo), self.body_offset(hi), why))

    def tag_attributes(self, at: int, tag: str) -> None:
        """The tag at `at`'s reader attributes with Japanese (an `alt`, a `title`) are units;
        its other attributes with Japanese are recorded as kept."""
        for attribute in attributes(tag):
            lo, hi = at + attribute.start, at + attribute.end
            if attribute.reader and attribute.value is not None:
                value = (at + attribute.value[0], at + attribute.value[1])
                unit = attribute_unit(
                    self.ctx.body, self.text, value, self.body_offset, attribute.quote
                )
                if unit is not None:
                    self.ctx.plan.units.append(unit)
                    continue
            self.keep(lo, hi, "in a tag's attributes")

    def text_between(self, lo: int, hi: int) -> None:
        segment = self.text[lo:hi]
        if not segment.strip():
            return
        if _OPENS_MARKUP.search(segment):
            self.keep(lo, hi, "text with a `<` that opens no complete tag")
            return
        if _FENCE_LINE.search(segment):
            self.keep(lo, hi, "a code fence, which an HTML block shows as text")
            return
        spans: list[tuple[int, int]] = []
        line = self.first_line + self.text.count("\n", 0, lo)
        column = lo - (self.text.rfind("\n", 0, lo) + 1)
        for piece in segment.split("\n"):
            stripped = piece.strip()
            if stripped:
                offset = column + (len(piece) - len(piece.lstrip()))
                begin = self.ctx.lines[line].start + offset
                spans.append((begin, begin + len(stripped)))
            line += 1
            column = 0
        if not spans:
            return
        before = len(self.ctx.plan.units)
        self.ctx.emit(spans, "html", heading=False, line_start=False, markdown=False)
        # The scan protects Markdown syntax (a code span, a link) although an HTML block shows
        # it as text: Japanese inside such an atom stays as written, and is reported.
        for unit in self.ctx.plan.units[before:]:
            for atom in unit.atoms:
                if chars.has_japanese(atom.raw):
                    end = atom.start + len(atom.raw)
                    self.ctx.plan.kept.append(Kept(atom.start, end, "in Markdown syntax"))
