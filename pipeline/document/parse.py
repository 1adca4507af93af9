"""Parsing a post into the document model: front matter cut, shortcodes masked, blocks walked."""

from __future__ import annotations

from pipeline import chars
from pipeline.document.blocks import Context, Plan, walk
from pipeline.document.definitions import definition_titles
from pipeline.document.delimiters import markdown
from pipeline.document.lines import Ranges, line_table
from pipeline.document.masking import Masked, mask_shortcodes
from pipeline.document.model import CodeBlock, Document, Kept, Prose, Span, Verbatim
from pipeline.document.units import DocumentText
from pipeline.frontmatter import split_front_matter
from pipeline.shortcodes import Pair, Shortcode


def parse_document(
    text: str, *, prose_fences: bool = False, markdown_shortcodes: frozenset[str] = frozenset()
) -> Document:
    """Raises FrontMatterError for unreadable front matter. With `prose_fences`, unlabelled
    fences that hold only Japanese prose (some authors quote text that way) are prose too.
    `markdown_shortcodes`: the site's paired shortcodes that render their body as Markdown;
    Japanese in such a body, kept as written, is reported (`Document.kept`)."""
    front_matter, body = split_front_matter(text)
    spans, code_blocks, nested, kept = parse_body(
        body, prose_fences=prose_fences, markdown_shortcodes=markdown_shortcodes
    )
    return Document(front_matter, body, spans, code_blocks, nested, kept)


def parse_body(
    body: str, *, prose_fences: bool = False, markdown_shortcodes: frozenset[str] = frozenset()
) -> tuple[tuple[Span, ...], tuple[CodeBlock, ...], tuple[Prose, ...], tuple[Kept, ...]]:
    """The body's spans, its code blocks, the prose nested in atoms (link titles), and the
    Japanese left as written where changing it is not safe."""
    lines = line_table(body)
    masked = Masked(lines)
    shortcodes = mask_shortcodes(body, masked)
    env: dict = {}
    md = markdown()
    tokens = md.parse(masked.source(), env)
    references = frozenset(env.get("references", {}).keys())
    doc = DocumentText.of(body, shortcodes.atoms, shortcodes.cuts, references)
    plan = Plan(forced_verbatim=list(shortcodes.data))
    context = Context(doc, lines, masked, plan, prose_fences, md, env)
    walk(tokens, context)
    verbatim = Ranges.of(plan.forced_verbatim)
    units = plan.units + _param_units(shortcodes.cuts, context, verbatim)
    units += definition_titles(masked, plan.code_lines, env.get("references", {}))
    units = _drop_overlaps(units, verbatim)
    nested = tuple(
        n for n in plan.nested if any(u.start <= n.start and n.end <= u.end for u in units)
    )
    code_blocks = tuple(sorted(plan.code_blocks, key=lambda c: c.start))
    kept = tuple(
        sorted(
            [*plan.kept, *_shortcode_bodies(body, shortcodes.data_pairs, markdown_shortcodes)],
            key=lambda k: k.start,
        )
    )
    return _assemble(body, units), code_blocks, nested, kept


def _param_units(cuts: tuple[Shortcode, ...], ctx: Context, verbatim: Ranges) -> list[Prose]:
    """A shortcode's prose parameters (a figure's caption, a details summary) are units too."""
    units: list[Prose] = []
    for tag in cuts:
        line = ctx.masked.line_of(tag.start)
        if line in ctx.plan.code_lines or verbatim.covers(tag.start):
            continue
        for param in tag.prose_params:
            value = ctx.body[param.start : param.end]
            if not value.strip() or "\n" in value or "\r" in value:
                continue
            units.append(
                Prose(param.start, param.end, value, (), (), "caption", False, param.quote)
            )
    return units


def _drop_overlaps(units: list[Prose], verbatim: Ranges) -> list[Prose]:
    kept: list[Prose] = []
    for unit in sorted(units, key=lambda u: (u.start, -u.end)):
        if verbatim.overlaps(unit.start, unit.end):
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


def _shortcode_bodies(body: str, pairs: tuple[Pair, ...], names: frozenset[str]) -> list[Kept]:
    """The bodies with Japanese of the site's shortcodes that render Markdown but stay as
    written (honyaku cannot parse them the way Hugo's goldmark does, a table with a stray
    column, say): what a reader sees in Japanese, reported as kept."""
    return [
        Kept(
            pair.open.end,
            pair.close.start,
            "Markdown the site's shortcode renders, not translated",
            f"the body of {{{{< {pair.open.name} >}}}}",
        )
        for pair in pairs
        if pair.open.name.lower() in names
        and chars.has_japanese_letters(body[pair.open.end : pair.close.start])
    ]
