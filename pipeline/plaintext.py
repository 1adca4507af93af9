"""From a translation to plain English sentences that a summary can hold (for the summarizer).

A translation is Markdown-flavoured English: it may carry links, code, emphasis, HTML, shortcodes,
URLs and the odd placeholder a model mangled. A summary is plain text in a front-matter field
that themes print on list pages, so all of that goes. The Markdown is read with markdown-it-py
and only the reading text of its tokens is kept; a few rules handle what is not Markdown (Hugo
shortcodes, bare URLs, placeholders) and what a parser leaves as literal text but a theme would
still show as markup (unpaired `*`, `` ` ``, `_`, `<`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline import chars

# Plain text wants straight quotes, and ・ between words reads as a space here. NFKC has already
# turned the full-width forms (！？（）…) into ASCII before this table applies.
_STRAIGHT = {"“": '"', "”": '"', "‘": "'", "’": "'"}
_JA_PUNCT = str.maketrans(
    {
        **{
            ja: _STRAIGHT.get(en, en + " " if en in {",", "."} else en)
            for ja, en in chars.ENGLISH_PUNCTUATION.items()
        },
        **_STRAIGHT,
        "・": " ",
    }
)
# Hugo expands shortcodes before Markdown is read: to markdown-it they are text.
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
# An unclosed `<a` left by a model must not start a tag where the theme renders the summary.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# Link and image syntax that CommonMark leaves as text (a reference with no definition, as in
# "[注意][Chrome]" from 【注意】【Chrome】, or a target with a space) still reads as markup.
_LEFTOVER_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LEFTOVER_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
# Bare URLs are text to CommonMark (no linkify). Stops at brackets and quotes, so that
# "(https://x.io)." loses the URL, not the bracket.
_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>()\[\]{}\"'`]+", re.I)
# Placeholders a translation stage may leave behind when the model mangles them.
_PLACEHOLDER = re.compile(
    r"[\ue000-\uf8ff]|⟦[^⟧]*⟧|\[\[\s*\d+\s*\]\]|«\s*\d+\s*»|<\s*/?\s*[A-Za-z]*\d+\s*/?\s*>"
    r"|\b__[A-Z]+_?\d+__\b|\bATOM_?\d+\b"
)
# Delimiters the parser left as text because nothing pairs them; snake_case keeps its inner
# underscores.
_STRAY_MARK = re.compile(r"[*`]+|(?<!\w)_+|_+(?!\w)")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;:]?\s*\)|\[\s*\]|\"\s*\"")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")
_REPEATED_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")
_LEADING_JUNK = re.compile(r"^[\s,.;:!?)\]\-–—]+")


@cache
def _markdown() -> MarkdownIt:
    # Hugo's Markdown (goldmark) strikes through `~~text~~`, so its delimiters are markup too.
    # Without text_join, entities stay apart from text and can be kept as they were written.
    return MarkdownIt("commonmark").enable("strikethrough").disable("text_join")


def markdown_text(text: str) -> str:
    """The reading text of Markdown: text and inline code kept; link text kept and targets
    dropped; images, HTML, autolinks and every delimiter dropped; blocks on lines of their own."""
    md = _markdown()
    out: list[str] = []
    for token in md.parse(text):
        if token.type == "inline":
            out.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            out.append(f"{token.info}\n{token.content}")
        elif token.type == "html_block":
            # The text between the tags of an HTML block still reads as text.
            out.append(_inline_text(md.parseInline(token.content)[0].children or []))
        out.append("\n")
    return "".join(out)


def _inline_text(children: Sequence[Token]) -> str:
    out: list[str] = []
    in_autolink = False
    for child in children:
        kind = child.type
        if kind == "link_open" and child.markup == "autolink":
            in_autolink = True
        elif kind == "link_close" and in_autolink:
            in_autolink = False
            out.append(" ")
        elif in_autolink:
            continue
        elif kind == "text_special" and child.info == "entity":
            out.append(child.markup)
        elif kind in ("text", "text_special"):
            out.append(child.content)
        elif kind == "code_inline":
            out.append(child.content.strip())
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind in ("image", "html_inline"):
            out.append(" ")
    return "".join(out)


def clean_english(text: str) -> str:
    """Plain text: no Markdown, HTML, shortcodes, URLs or placeholders; whitespace normalised."""
    text = unicodedata.normalize("NFKC", text).translate(_JA_PUNCT)
    text = markdown_text(_SHORTCODE.sub(" ", text))
    text = _TAG_START.sub("", text)
    text = _LEFTOVER_IMAGE.sub(" ", text)
    text = _LEFTOVER_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = _STRAY_MARK.sub("", text)
    text = " ".join(text.split())
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = " ".join(text.split())
    return _LEADING_JUNK.sub("", text)


_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "cf.",
    "Mr.",
    "Ms.",
    "Dr.",
    "Fig.",
    "No.",
    "approx.",
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")


def english_sentences(text: str) -> list[str]:
    """Split clean English text at sentence ends (not after common abbreviations)."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        head = text[start : match.start()].rstrip("\"')]")
        if head.endswith(_ABBREVIATIONS):
            continue
        pieces.append(text[start : match.start()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


_ENDED = re.compile(r"[.!?][\"'”’)\]›»]*$")


def _close(sentence: str) -> str:
    """End with a full stop unless it already ends a sentence (a closing quote or bracket may
    follow the stop: `He said "yes."`)."""
    sentence = sentence.rstrip(" ,;:-–—")
    return sentence if _ENDED.search(sentence) else sentence + "."


def usable_english(text: str) -> list[str] | None:
    """The translation as clean English sentences, or None when it cannot stand in a summary."""
    cleaned = clean_english(text)
    if not cleaned or chars.has_japanese_letters(cleaned):
        return None
    sentences = [_close(s) for s in english_sentences(cleaned)]
    sentences = [s for s in sentences if sum(ch.isalpha() for ch in s) >= 3]
    return sentences or None


def shorten_at_clause(sentence: str, max_chars: int) -> str | None:
    """Cut at the last ", " or "; " that leaves a sentence within max_chars; None if none does."""
    best = None
    for match in re.finditer(r"[,;] ", sentence):
        head = sentence[: match.start()]
        if len(head) + 1 > max_chars:
            break
        best = head
    # A head of one or two words is not a sentence ("However.").
    if best is None or len(best.split()) < 4:
        return None
    return _close(best)
