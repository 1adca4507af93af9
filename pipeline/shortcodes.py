"""Hugo shortcodes, lexed on the raw text before any Markdown parsing.

Hugo expands shortcodes before Markdown, so a shortcode may span lines or even blank lines; a
Markdown parser would break it apart. Only some paired shortcodes hold prose; the others hold code
or data and pass through untouched, as do unknown ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROSE_PAIRED = frozenset(
    {
        "callout", "alert", "details", "note", "notice", "warning", "tip", "info", "hint",
        "admonition", "spoiler", "toggle", "expand", "collapse", "staticref", "tab", "tabs",
        "columns", "center", "cite",
    }
)  # fmt: skip
# Named parameters whose values readers see (figure titles and captions, alt texts, details
# summaries). Other parameters are names, paths and options.
PROSE_PARAMS = frozenset({"title", "caption", "alt", "summary"})

_OPEN = re.compile(r"\{\{([<%])")
_NAME = re.compile(r"[\w./-]+")


@dataclass(frozen=True)
class Param:
    name: str
    start: int  # of the value's text, inside its quotes
    end: int
    quote: str  # '"', '`' or '' for a bare value


@dataclass(frozen=True)
class Shortcode:
    start: int
    end: int
    name: str
    closing: bool = False
    self_closing: bool = False
    escaped: bool = False  # {{</* … */>}}: shown literally by Hugo
    params: tuple[Param, ...] = ()

    @property
    def prose_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.name.lower() in PROSE_PARAMS and p.quote)


@dataclass(frozen=True)
class Pair:
    open: Shortcode
    close: Shortcode

    def holds_prose(self, also: frozenset[str] = frozenset()) -> bool:
        """Whether the pair's inner text is Markdown prose: a known prose shortcode, or one of
        `also` (for the site stage: the site's own whose template renders it as Markdown)."""
        name = self.open.name.lower()
        return name in PROSE_PAIRED or name in also


def lex_shortcodes(text: str) -> list[Shortcode]:
    """Every shortcode tag in `text`, in order. Unterminated `{{<` is left as text."""
    found: list[Shortcode] = []
    pos = 0
    while True:
        match = _OPEN.search(text, pos)
        if not match:
            return found
        tag = _lex_tag(text, match.start(), match.group(1))
        if tag is None:
            pos = match.end()
            continue
        found.append(tag)
        pos = tag.end


def _lex_tag(text: str, start: int, delim: str) -> Shortcode | None:
    closer = ">}}" if delim == "<" else "%}}"
    i = start + 3
    i = _skip_space(text, i)
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        if end < 0:
            return None
        tail = _skip_space(text, end + 2)
        if not text.startswith(closer, tail):
            return None
        return Shortcode(start, tail + 3, "", escaped=True)
    closing = text.startswith("/", i)
    if closing:
        i = _skip_space(text, i + 1)
    name_match = _NAME.match(text, i)
    if not name_match:
        return None
    name = name_match.group()
    i = name_match.end()
    params: list[Param] = []
    while i < len(text):
        i = _skip_space(text, i)
        if text.startswith(closer, i):
            return Shortcode(start, i + 3, name, closing, False, False, tuple(params))
        if text.startswith("/" + closer, i):
            return Shortcode(start, i + 4, name, closing, True, False, tuple(params))
        parsed = _lex_param(text, i, closer)
        if parsed is None:
            return None
        param, i = parsed
        if param is not None:
            params.append(param)
    return None


def _lex_param(text: str, i: int, closer: str) -> tuple[Param | None, int] | None:
    key = ""
    key_match = re.compile(r"([\w-]+)\s*=\s*").match(text, i)
    if key_match:
        key = key_match.group(1)
        i = key_match.end()
    if i >= len(text):
        return None
    quote = text[i]
    if quote in '"`':
        end = i + 1
        while end < len(text) and text[end] != quote:
            end += 2 if (text[end] == "\\" and quote == '"') else 1
        if end >= len(text):
            return None
        return (Param(key, i + 1, end, quote) if key else None), end + 1
    end = i
    while end < len(text) and not text[end].isspace() and not text.startswith(closer, end):
        if text.startswith("/" + closer, end):
            break
        end += 1
    if end == i:
        return None
    return (Param(key, i, end, "") if key else None), end


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def pair_shortcodes(tags: list[Shortcode]) -> tuple[list[Pair], list[Shortcode]]:
    """Match opening and closing tags by name, innermost first; the rest stand alone."""
    pairs: list[Pair] = []
    stack: list[Shortcode] = []
    alone: list[Shortcode] = []
    for tag in tags:
        if tag.escaped or tag.self_closing:
            alone.append(tag)
        elif not tag.closing:
            stack.append(tag)
        else:
            match_index = next(
                (k for k in range(len(stack) - 1, -1, -1) if stack[k].name == tag.name), None
            )
            if match_index is None:
                alone.append(tag)
                continue
            alone.extend(stack[match_index + 1 :])
            pairs.append(Pair(stack[match_index], tag))
            del stack[match_index:]
    alone.extend(stack)
    alone.sort(key=lambda t: t.start)
    return pairs, alone
