"""Inline atoms: the parts of a prose block that are not prose (code, URLs, link targets, tags…).

markdown-it-py's inline tokens carry no source offsets and fold escapes and entities into text,
so atoms are found by re-scanning each block's raw text with CommonMark's inline rules for the
constructs that matter here. Over-protecting is harmless (an atom is put back byte for byte);
under-protecting is not, so the scanner errs on the side of atoms.

Where markdown-it-py has the rule as data (reference-label normalization, ASCII punctuation, the
autolink, entity and HTML tag patterns) it is used; the scans themselves are this module's,
because markdown-it-py's rule functions advance a parser state without telling where a construct
started and ended, and they are stricter than the deliberately generous scans here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping

from markdown_it.common import html_re
from markdown_it.common.utils import isMdAsciiPunct, normalizeReference
from markdown_it.rules_inline.autolink import AUTOLINK_RE, EMAIL_RE
from markdown_it.rules_inline.entity import DIGITAL_RE, NAMED_RE

from pipeline import chars
from pipeline.inline_base import CLOSE, OPEN, SOLO, Found, Taken, escaped
from pipeline.inline_emphasis import scan_emphasis, split_delimiter_runs
from pipeline.inline_linkify import linkify_end

__all__ = ["CLOSE", "OPEN", "SOLO", "Found", "escaped", "scan_atoms", "scan_entities"]


_CODE_RUN = re.compile(r"`+")


def _unanchored(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """markdown-it-py 3 anchors its patterns with `^`, 4 matches them at a position instead."""
    return re.compile(pattern.pattern.removeprefix("^"), pattern.flags)


_ENTITIES = (_unanchored(DIGITAL_RE), _unanchored(NAMED_RE))
# markdown-it-py's HTML tag pattern, except comments: its comment pattern refuses `<!-- a --->`,
# which CommonMark (and so Hugo) reads as a comment, and a comment must never become prose.
_HTML_TAG = re.compile(
    "(?:"
    + "|".join(
        (
            html_re.open_tag,
            html_re.close_tag,
            r"<!--[\s\S]*?-->",
            html_re.processing,
            html_re.declaration,
            html_re.cdata,
        )
    )
    + ")"
)
_URL_START = re.compile(r"(?:https?|ftp)://|www\.")
# A URL Hugo does not link (`http://localhost/…`, no dot in the host) is still no prose: its
# ASCII URL characters are an atom, up to the first character that is not one.
_URL_CHAR = r"[!-;=?-Z\\^_a-z|~]"
_BARE_URL = re.compile(rf"(?:https?://|ftp://|www\.){_URL_CHAR}+")
_URL_TRAIL = ".,:;!?*_~'\""
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_HEADING_ATTR = re.compile(r"\s*\{[#.][^{}]*\}\s*$")
_MATH_CHARS = re.compile(r"[A-Za-z0-9\\^_=+\-*/(){}\[\]<>|,.]")


def scan_atoms(
    text: str,
    *,
    references: Collection[str] = (),
    fixed: tuple[tuple[int, int, str], ...] = (),
    heading: bool = False,
    delimiters: Mapping[int, str] | None = None,
) -> list[Found]:
    """Atoms of one block's inline text, sorted and non-overlapping.

    `fixed` are ranges already known to be atoms (shortcodes lexed on the raw text). `references`
    are the normalized labels of link reference definitions, so `[text][label]` is recognised.
    `delimiters` are the parser's roles of `*`, `_` and `~` by position (open, close, literal);
    without them (text Markdown does not parse, such as an HTML block) runs are paired by scan.
    """
    found: list[Found] = [Found(s, e, kind) for s, e, kind in fixed]
    taken = Taken(found)
    _scan_code_spans(text, taken)
    _scan_from(text, "<", _autolink_end, "url", taken)
    _scan_from(text, "<", _html_tag_end, "html", taken)
    _scan_links(text, taken, references)
    _scan_regex(text, _FOOTNOTE_REF, "footnote", taken)
    _scan_math(text, taken)
    _scan_bare_urls(text, taken)
    _scan_from(text, "&", _entity_end, "entity", taken)
    _scan_escapes(text, taken)
    if delimiters is None:
        scan_emphasis(text, taken)
    else:
        split_delimiter_runs(text, taken, delimiters)
    if heading:
        match = _HEADING_ATTR.search(text)
        if match and match.group().strip():
            start = match.start() + (len(match.group()) - len(match.group().lstrip()))
            taken.add(Found(start, len(text.rstrip()), "attribute"))
    return sorted(taken.items, key=lambda f: f.start)


def scan_entities(text: str) -> list[Found]:
    """The character references of text that is HTML, not Markdown (an attribute's value):
    each stays as the source wrote it."""
    found: list[Found] = []
    pos = text.find("&")
    while pos >= 0:  # no backslash escapes a reference in HTML
        end = _entity_end(text, pos)
        if end is not None:
            found.append(Found(pos, end, "entity"))
        pos = text.find("&", end or pos + 1)
    return found


def _scan_regex(text: str, pattern: re.Pattern[str], kind: str, taken: Taken) -> None:
    for match in pattern.finditer(text):
        if not escaped(text, match.start()):
            taken.add(Found(match.start(), match.end(), kind))


def _scan_from(
    text: str, opener: str, end_at: Callable[[str, int], int | None], kind: str, taken: Taken
) -> None:
    """Atoms starting at `opener` characters, left to right, each scan going on after the end
    of the last construct found (as a regex's `finditer` would)."""
    pos = text.find(opener)
    while pos >= 0:
        end = end_at(text, pos)
        if end is None:
            pos = text.find(opener, pos + 1)
            continue
        if not escaped(text, pos):
            taken.add(Found(pos, end, kind))
        pos = text.find(opener, end)


def _autolink_end(text: str, pos: int) -> int | None:
    """`<scheme:…>` or `<address@host>`, as markdown-it-py's autolink rule reads it: up to the
    first `>`, no `<` inside."""
    close = text.find(">", pos + 1)
    if close < 0:
        return None
    inner = text[pos + 1 : close]
    if "<" in inner or not (AUTOLINK_RE.fullmatch(inner) or EMAIL_RE.fullmatch(inner)):
        return None
    return close + 1


def _html_tag_end(text: str, pos: int) -> int | None:
    match = _HTML_TAG.match(text, pos)
    return match.end() if match else None


def _entity_end(text: str, pos: int) -> int | None:
    for pattern in _ENTITIES:
        match = pattern.match(text, pos)
        if match:
            return match.end()
    return None


def _scan_code_spans(text: str, taken: Taken) -> None:
    pos = 0
    while True:
        match = _CODE_RUN.search(text, pos)
        if not match:
            return
        if escaped(text, match.start()) or taken.inside(match.start()):
            pos = match.end()
            continue
        run = match.group()
        closer = re.compile(r"(?<!`)" + re.escape(run) + r"(?!`)")
        close = closer.search(text, match.end())
        if close is None:
            pos = match.end()
            continue
        taken.absorb(Found(match.start(), close.end(), "code"))
        pos = close.end()


def _scan_links(text: str, taken: Taken, references: Collection[str]) -> None:
    """Links and images: `[` or `![` opens, `](dest "title")` or `][label]` closes.

    The text between stays prose (it is read), the destination and title syntax do not.
    """
    pos = 0
    while pos < len(text):
        start = text.find("[", pos)
        if start < 0:
            return
        pos = start + 1
        if escaped(text, start) or taken.inside(start) or text.startswith("[^", start):
            continue
        is_image = start > 0 and text[start - 1] == "!" and not escaped(text, start - 1)
        open_start = start - 1 if is_image else start
        close_bracket = _matching_bracket(text, start, taken)
        if close_bracket is None:
            continue
        tail_end = _link_tail(text, close_bracket, references)
        if tail_end is None:
            continue
        kind = "image" if is_image else "link"
        if not taken.free(open_start, start + 1) or not taken.free(close_bracket, tail_end):
            continue
        tail = text[close_bracket:tail_end]
        # A shortcut or collapsed reference is its own label: the English needs it spelled out.
        label = text[start + 1 : close_bracket] if tail in ("]", "][]") else ""
        title = _title(text, close_bracket, tail_end) if tail.startswith("](") else None
        taken.add(Found(open_start, start + 1, kind, OPEN))
        taken.add(Found(close_bracket, tail_end, kind, CLOSE, label=label, title=title))
        pos = start + 1


_TITLE = re.compile(r"\]\(\s*(?:<[^>\n]*>|[^\s<]\S*)\s+([\"'(])(.*)([\"')])\s*\)", re.DOTALL)
_TITLE_CLOSE = {'"': '"', "'": "'", "(": ")"}


def _title(text: str, close: int, end: int) -> tuple[int, int, str] | None:
    """A link or image title with Japanese in it (reader text: a tooltip), as a range of `text`
    and its quote character."""
    match = _TITLE.fullmatch(text, close, end)
    if not match or _TITLE_CLOSE[match.group(1)] != match.group(3):
        return None
    title = match.group(2)
    if "\n" in title or not chars.has_japanese(title):
        return None
    return match.start(2), match.end(2), match.group(1)


def _matching_bracket(text: str, start: int, taken: Taken) -> int | None:
    depth = 0
    for i in range(start, len(text)):
        if taken.inside(i) and i != start:
            continue
        ch = text[i]
        if ch == "\\":
            continue
        if escaped(text, i):
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
    return None


def _link_tail(text: str, close: int, references: Collection[str]) -> int | None:
    """End of `](...)`, `][label]`, `][]`, or of a shortcut reference `]` (label defined)."""
    after = close + 1
    if after < len(text) and text[after] == "(":
        return _inline_destination_end(text, after)
    if after < len(text) and text[after] == "[":
        end = text.find("]", after)
        if end < 0:
            return None
        label = text[after + 1 : end]
        if label == "" or normalizeReference(label) in references:
            return end + 1
        return None
    label_start = text.rfind("[", 0, close)
    if label_start >= 0 and normalizeReference(text[label_start + 1 : close]) in references:
        return close + 1
    return None


def _inline_destination_end(text: str, paren: int) -> int | None:
    depth = 0
    i = paren
    in_angle = False
    quote: str | None = None
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = None
        elif in_angle:
            if ch == ">":
                in_angle = False
            elif ch == "\n":
                return None
        elif ch == "<" and text[i - 1] in "( \t\n":
            in_angle = True
        elif ch in "\"'" and text[i - 1] in " \t\n":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _scan_math(text: str, taken: Taken) -> None:
    """Inline `$…$` and `$$…$$`, strict rules: no space inside the delimiters, the closing `$`
    not followed by a digit, no Japanese inside, and something math-like inside — `$5から$10` is
    prose, not math."""
    pos = 0
    while True:
        start = text.find("$", pos)
        if start < 0:
            return
        pos = start + 1
        if escaped(text, start) or taken.inside(start):
            continue
        double = text.startswith("$$", start)
        width = 2 if double else 1
        inner_start = start + width
        if inner_start >= len(text) or text[inner_start].isspace():
            continue
        close = _math_close(text, inner_start, width)
        if close is None:
            continue
        inner = text[inner_start:close]
        end = close + width
        if (
            inner
            and not inner[-1].isspace()
            and not (end < len(text) and text[end].isdigit())
            and not chars.has_japanese(inner)
            and _MATH_CHARS.search(inner)
            and taken.add(Found(start, end, "math"))
        ):
            pos = end


def _math_close(text: str, pos: int, width: int) -> int | None:
    delim = "$" * width
    while True:
        close = text.find(delim, pos)
        if close < 0:
            return None
        if not escaped(text, close):
            return close
        pos = close + 1


def _scan_bare_urls(text: str, taken: Taken) -> None:
    """Bare URLs, each ending where Hugo's autolink ends (`inline_linkify`): the Japanese glued
    after one is prose. One Hugo does not link ends at the first non-ASCII character."""
    pos = 0
    while match := _URL_START.search(text, pos):
        start = match.start()
        pos = match.end()
        if start > 0 and (text[start - 1].isalnum() and text[start - 1].isascii()):
            continue
        end = linkify_end(text, start)
        if end is None:
            end = start + len(_unlinked_url(_BARE_URL.match(text, start)))
        # A URL never runs into an atom found earlier (a link's closing `](...)`).
        end = min([end, *(f.start for f in taken.items if start < f.start < end)])
        if end > start and taken.add(Found(start, end, "url")):
            pos = end


def _unlinked_url(match: re.Match[str] | None) -> str:
    url = _unbalanced_cut(match.group()) if match else ""
    # Balanced parentheses stay; an unmatched closing one belongs to the prose.
    while url and (url[-1] in _URL_TRAIL or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _unbalanced_cut(url: str) -> str:
    """A URL ends before a closing bracket it did not open (`(https://…/日本)ただ…`)."""
    depth = 0
    for i, char in enumerate(url):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return url[:i]
    return url


def _scan_escapes(text: str, taken: Taken) -> None:
    i = 0
    while i < len(text) - 1:
        if text[i] == "\\" and isMdAsciiPunct(ord(text[i + 1])) and not taken.inside(i):
            taken.add(Found(i, i + 2, "escape"))
            i += 2
            continue
        i += 1
