"""Delimiter roles as markdown-it-py's parse decides them: which `*`, `_` and `~` open, close,
or are literal text.

A scan cannot tell (`**a*` is a literal `*` and an emphasis; `ふう__ばあ__` is no emphasis at all;
`***a** b*` nests). The parser can, but its tokens carry no offsets, so the emphasis and
strikethrough rules are wrapped to note where each delimiter token starts, and a rule placed
after delimiter pairing (before text fragments are joined) records each one's final role by
position in the inline source. Single `~` pairs strike through, as in Hugo (goldmark) and GitHub.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.inline import CLOSE, OPEN

LITERAL = "literal"
_KEY = "honyaku_delimiter_roles"
_POS = "honyaku_pos"
_DELIMITERS = frozenset("*_~")


def markdown() -> MarkdownIt:
    """The Markdown dialect honyaku reads posts with: CommonMark, tables, strikethrough (single
    tilde too), footnotes, `$$` math blocks; delimiter roles recorded."""
    md = MarkdownIt("commonmark", {"strikethrough_single_tilde": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(dollarmath_plugin, allow_space=False, allow_digits=False)
    # Hugo (goldmark) sees no inline math unless a site configures a passthrough, so `*` and `_`
    # between two `$` are delimiters as usual; what looks like math to honyaku is an atom
    # (`inline._scan_math`: no Japanese inside), kept as written whatever the roles say.
    md.inline.ruler.disable("math_inline")
    for name in ("emphasis", "strikethrough"):
        rules = md.inline.ruler.__rules__
        original = rules[md.inline.ruler.__find__(name)].fn
        md.inline.ruler.at(name, _noting_positions(original))
    md.inline.ruler2.before("fragments_join", "honyaku_roles", _record_roles)
    return md


def _noting_positions(original: Callable[[StateInline, bool], bool]) -> Any:
    def rule(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not original(state, silent):
            return False
        pos = state.pos
        # The rule pushed one text token per delimiter (after any pending text it flushed);
        # walk back from where it stopped.
        for token in reversed(state.tokens[count:]):
            width = len(token.content)
            if not width or pos - width < start or set(token.content) - _DELIMITERS:
                break
            pos -= width
            token.meta = {**(token.meta or {}), _POS: (pos, width)}
        return True

    return rule


def _record_roles(state: StateInline) -> None:
    roles: dict[int, str] = {}
    for token in state.tokens:
        noted = (token.meta or {}).get(_POS)
        if noted is None or (token.nesting == 0 and token.content == ""):
            continue  # the emptied second `*` of a `**`: its strong token claims it below
        pos, width = noted
        if token.nesting == 0:
            roles.update(dict.fromkeys(range(pos, pos + width), LITERAL))
            continue
        role = OPEN if token.nesting == 1 else CLOSE
        span = range(pos, pos + width)
        if token.tag == "strong":
            # A strong opener's token is its inner `*` (the other is before it); a strong
            # closer's is its first (the other is after it).
            span = range(pos - 1, pos + 1) if role == OPEN else range(pos, pos + 2)
        roles.update(dict.fromkeys(span, role))
    state.env.setdefault(_KEY, {}).setdefault(state.src, roles)


def delimiter_roles(
    md: MarkdownIt, text: str, env: Mapping[str, Any], references: Mapping[str, Any]
) -> dict[int, str]:
    """Role of each delimiter character of `text` (a block's inline source): from the document's
    parse when markdown-it saw exactly this text, else from parsing it on its own."""
    if not any(c in text for c in _DELIMITERS):
        return {}
    known = env.get(_KEY, {}).get(text)
    if known is not None:
        return known
    local: dict[str, Any] = {"references": dict(references)}
    md.parseInline(text, local)
    return local.get(_KEY, {}).get(text, {})
