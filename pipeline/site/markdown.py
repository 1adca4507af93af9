"""A post's body as Hugo's Markdown parser sees it, with offsets into the raw text.

Hugo expands shortcodes before Markdown, so they are lexed on the raw text first and hidden from
markdown-it-py behind filler of the same length (Hugo puts a one-line placeholder there). The
filler keeps every offset, and so does the line-ending normalisation done here (CRLF becomes
" \\n", a lone CR "\\n"), so markdown-it-py's line numbers index a line table of the raw text.

markdown-it-py maps blocks to lines only and its inline tokens carry no offsets, so link
destinations and inline HTML are found by running markdown-it-py's own inline rules again on each
block's raw lines (container prefixes such as `> ` blanked), with the link, image and HTML rules
wrapped to record where they matched. Reference definitions come with their lines in `env`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline, autolink, html_inline, image, link
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.frontmatter import FrontMatterError, split_front_matter
from pipeline.shortcodes import lex_shortcodes, pair_shortcodes

# A Private Use character: not blank (a masked line keeps its block role), not Markdown syntax,
# and dropped from heading IDs like the shortcode it stands for.
FILLER = "\ue000"
_FOUND = "site.found"  # env key of the ranges the wrapped rules record
_SPACE = " \t"

Range = tuple[int, int]
InlineRule = Callable[[StateInline, bool], bool]

# A bare URL as goldmark's linkify (Hugo's default) finds it: after a space, the line's start or
# one of `*_~(` only (not after Japanese text); its URL pattern is ASCII only, so Japanese right
# after a URL is text; the end trimmed as GFM says (final punctuation, unbalanced `)`, entity).
_BARE_URL = re.compile(
    r"(?:https?|ftp)://[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?::\d+)?"
    r"(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=();,'\">^{}\[\]`]*)?"
)
_SCHEME_BEFORE = re.compile(r"(?:https?|ftp)\Z")
_BEFORE_URL = " \t\n*_~("
_TRAILING = "?!.,:*_~"
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;\Z")


@dataclass(frozen=True)
class HeadingSource:
    inline: str  # the heading's inline source, shortcodes filled
    # goldmark reads a trailing `{#id}` before it drops an ATX closing `##`: after one there is none
    attributes: bool


@dataclass(frozen=True)
class Body:
    """Ranges are offsets into the whole text (front matter included)."""

    destinations: tuple[Range, ...]  # link, image and reference-definition destinations
    # URLs that are their link's text too: `<https://…>` autolinks and bare URLs (goldmark's
    # linkify), each with whether it is bare
    autolinks: tuple[tuple[Range, bool], ...]
    html: tuple[Range, ...]  # raw HTML blocks and inline tags
    shortcodes: tuple[Range, ...]  # shortcode tags Hugo expands (not `{{</* */>}}`)
    headings: tuple[HeadingSource, ...]
    references: frozenset[str]  # normalised labels of the reference definitions
    footnotes: frozenset[str]  # labels of the footnote definitions

    def inline_env(self) -> dict:
        """A fresh env for parsing a piece of this body's inline text (a heading) as it is
        parsed in place: reference links and footnote references resolve."""
        references = {label: {"href": "", "title": ""} for label in self.references}
        refs = {f":{label}": -1 for label in self.footnotes}
        return {"references": references, "footnotes": {"refs": refs, "list": {}}}


def body_start(text: str) -> int:
    """Offset of the body: after the front matter, or after a BOM when the front matter cannot
    be read (the translation step reports that file with a clear error)."""
    try:
        return len(text) - len(split_front_matter(text)[1])
    except FrontMatterError:
        return len(text) - len(text.lstrip("\ufeff"))


def markdown() -> MarkdownIt:
    """markdown-it-py set up like Hugo's goldmark defaults (tables, strikethrough, footnotes; no
    math). `text_join` stays off so entities and escapes keep their source in `markup`."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
    md.disable("text_join")
    md.inline.ruler.at("link", _recording(link, "link"))
    md.inline.ruler.at("image", _recording(image, "image"))
    md.inline.ruler.at("html_inline", _recording(html_inline, "html"))
    md.inline.ruler.at("autolink", _recording(autolink, "autolink"))
    md.inline.ruler.after("linkify", "site_bare_url", _bare_url)
    return md


def parse_body(text: str, prose: frozenset[str] = frozenset()) -> Body:
    """`prose`: the site's own paired shortcodes whose template renders the inner text as
    Markdown, so that links in it are links (the document stage keeps it as written)."""
    start = body_start(text)
    masked, shortcodes = _mask_shortcodes(text[start:], prose)
    lines = _line_starts(masked)
    md = markdown()
    env: dict = {}
    tokens = md.parse(masked, env)
    found = _Found(md, env.get("references", {}))
    for index, token in enumerate(tokens):
        if token.type == "inline" and token.map:
            table = index and tokens[index - 1].type in ("th_open", "td_open")
            _scan_inline(masked, lines, token, found, table=bool(table))
        elif token.type == "html_block" and token.map:
            found.html.add((lines[token.map[0]], _line_end(masked, lines, token.map[1] - 1)))
    for definition in _definitions(env):
        _scan_definition(masked, lines, definition["map"], found)
    headings = tuple(
        _heading(masked, lines, t, tokens[i + 1])
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    )

    def shift(ranges: set[Range]) -> tuple[Range, ...]:
        return tuple(sorted((s + start, e + start) for s, e in ranges))

    return Body(
        shift(found.destinations),
        tuple(sorted(((s + start, e + start), bare) for (s, e), bare in found.autolinks)),
        shift(found.html),
        shift(shortcodes),
        headings,
        frozenset(found.references),
        frozenset(key[1:] for key in env.get("footnotes", {}).get("refs", {})),
    )


def _heading(text: str, lines: list[int], opening: Token, inline: Token) -> HeadingSource:
    closed = False
    if opening.markup.startswith("#") and opening.map:
        line = text[lines[opening.map[0]] : _line_end(text, lines, opening.map[0])].rstrip()
        closed = line.endswith("#") and not inline.content.endswith("#")
    return HeadingSource(inline.content, not closed)


class _Found:
    """What one parse found so far."""

    def __init__(self, md: MarkdownIt, references: dict) -> None:
        self.md, self.references = md, references
        self.destinations: set[Range] = set()
        self.html: set[Range] = set()
        self.autolinks: set[tuple[Range, bool]] = set()
        self.scanned_rows: set[int] = set()


def _mask_shortcodes(body: str, prose: frozenset[str] = frozenset()) -> tuple[str, set[Range]]:
    """Normalise line endings (same length) and fill shortcodes: a pair that holds code or data
    whole, a pair that holds prose only its tags (the prose between is Markdown)."""
    text = body.replace("\r\n", " \n").replace("\r", "\n")
    tags = lex_shortcodes(body)
    pairs, _alone = pair_shortcodes(tags)
    fill = [(t.start, t.end) for t in tags]
    fill += [(p.open.start, p.close.end) for p in pairs if not p.holds_prose(prose)]
    chars = list(text)
    for lo, hi in fill:
        chars[lo:hi] = FILLER * (hi - lo)
    return "".join(chars), {(t.start, t.end) for t in tags if not t.escaped}


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _line_end(text: str, lines: list[int], index: int) -> int:
    index = min(index, len(lines) - 1)
    end = text.find("\n", lines[index])
    return len(text) if end < 0 else end


def _scan_inline(text: str, lines: list[int], token: Token, found: _Found, *, table: bool) -> None:
    """Run the inline rules again on the block's own lines, prefixes blanked, to find offsets."""
    assert token.map is not None
    first = token.map[0]
    if table:
        # A table row is scanned once, whole: its cells' text is not cut out of the line.
        if first in found.scanned_rows:
            return
        found.scanned_rows.add(first)
        source = text[lines[first] : _line_end(text, lines, first)]
    else:
        parts = []
        for offset, content in enumerate(token.content.split("\n")):
            line = text[lines[first + offset] : _line_end(text, lines, first + offset)]
            parts.append(_blank_prefix(line, content))
        source = "\n".join(parts)
    env: dict = {_FOUND: [], "references": found.references}
    found.md.inline.parse(source, found.md, env, [])
    base = lines[first]
    for kind, lo, hi in env[_FOUND]:
        if kind in ("autolink", "bare"):
            found.autolinks.add(((base + lo, base + hi), kind == "bare"))
        else:
            target = found.destinations if kind == "destination" else found.html
            target.add((base + lo, base + hi))


def _blank_prefix(line: str, content: str) -> str:
    """The line with what precedes the block's content (`> `, list indentation) made spaces."""
    pos = line.rfind(content) if content else -1
    return line if pos < 0 else " " * pos + line[pos:]


def _recording(rule: InlineRule, kind: str) -> InlineRule:
    """Wrap an inline rule to note, in env, the inline link's destination or the HTML it took."""

    def recorded(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        found = state.env.get(_FOUND)
        if silent or found is None:
            return True
        if kind == "html":
            found.append(("html", start, state.pos))
        elif kind == "autolink":
            found.append(("autolink", start + 1, state.pos - 1))  # inside `<` and `>`
        elif dest := _inline_destination(state, start, state.pos, image=kind == "image"):
            found.append(("destination", *dest))
        return True

    return recorded


def _bare_url(state: StateInline, silent: bool) -> bool:
    """At the `:` of a bare URL outside a link's text, note where goldmark's linkify would make
    it a link. It takes nothing: the other rules parse the text as they did without it."""
    found = state.env.get(_FOUND)
    if silent or found is None or state.linkLevel > 0 or state.src[state.pos] != ":":
        return False
    scheme = _SCHEME_BEFORE.search(state.pending)
    start = state.pos - len(scheme.group(0)) if scheme else -1
    if start < 0 or (start > 0 and state.src[start - 1] not in _BEFORE_URL):
        return False
    match = _BARE_URL.match(state.src, start)
    if match:
        found.append(("bare", match.start(), _url_end(state.src, match.start(), match.end())))
    return False


def _url_end(src: str, start: int, end: int) -> int:
    """The end of a linkified URL as GFM cuts it: final punctuation, a final `)` that closes
    nothing in the URL and a final entity (`&amp;`) are not the URL's, again until none is."""
    while end > start:
        url, last = src[start:end], src[end - 1]
        entity = _ENTITY_END.search(url) if last == ";" else None
        if last in _TRAILING or (last == ")" and url.count(")") > url.count("(")):
            end -= 1
        elif entity:
            end = start + entity.start()
        else:
            return end
    return end


def _inline_destination(state: StateInline, start: int, end: int, *, image: bool) -> Range | None:
    """The destination of `[text](dest "title")` that the link rule just took, if inline."""
    src = state.src
    # The same label parse the link and image rules do (links cannot nest, images can).
    label_end = state.md.helpers.parseLinkLabel(state, start + image, not image)
    pos = label_end + 1
    if label_end < 0 or src[pos : pos + 1] != "(" or src[end - 1] != ")" or end <= pos + 1:
        return None  # a reference link: its destination is in the definition
    pos += 1
    while pos < end and (src[pos] in _SPACE or src[pos] == "\n"):
        pos += 1
    result = state.md.helpers.parseLinkDestination(src, pos, end)
    return (pos, result.pos) if result.ok and result.pos > pos else None


def _definitions(env: dict) -> list[dict]:
    return [*env.get("references", {}).values(), *env.get("duplicate_refs", [])]


def _scan_definition(text: str, lines: list[int], span: list[int], found: _Found) -> None:
    """`[label]: dest "title"`: the destination follows the label's `]:` and at most one line
    break; a label holds no unescaped brackets."""
    start, end = lines[span[0]], _line_end(text, lines, span[1] - 1)
    source = text[start:end]
    open_at = source.find("[")
    if open_at < 0:
        return
    quoted = ">" in source[:open_at]
    parts = source.split("\n")
    blank = [parts[0]] + [_blank_container(p, quoted) for p in parts[1:]]
    source = "\n".join(blank)
    pos = open_at + 1
    while pos < len(source) and source[pos] != "]":
        pos += 2 if source[pos] == "\\" else 1
    if source[pos : pos + 2] != "]:":
        return
    pos += 2
    while pos < len(source) and source[pos] in _SPACE + "\n":
        pos += 1
    result = found.md.helpers.parseLinkDestination(source, pos, len(source))
    if result.ok and result.pos > pos:
        found.destinations.add((start + pos, start + result.pos))


def _blank_container(line: str, quoted: bool) -> str:
    """A continuation line with its block-quote markers and indentation made spaces."""
    prefix = re.match(r"[ \t]*(?:>[ \t]?)*" if quoted else r"[ \t]*", line)
    width = prefix.end() if prefix else 0
    return " " * width + line[width:]


def block_starts(text: str) -> list[int]:
    """Offsets (into the whole text) where each top-level block of the body starts, as Hugo's
    parser cuts it: a paragraph, heading, table, code block, HTML block, quote, rule, and each
    item of a top-level list (an item is the unit a person edits, as babeldown counts)."""
    start = body_start(text)
    masked, _shortcodes = _mask_shortcodes(text[start:])
    lines = _line_starts(masked)
    starts: list[int] = []
    for token in markdown().parse(masked, {}):
        if token.map is None or token.nesting == -1:
            continue
        top_list = token.level == 0 and token.type in ("bullet_list_open", "ordered_list_open")
        if (token.level == 0 and not top_list) or (
            token.level == 1 and token.type == "list_item_open"
        ):
            line = token.map[0]
            offset = start + (lines[line] if line < len(lines) else len(masked))
            if not starts or offset > starts[-1]:
                starts.append(offset)
    return starts
