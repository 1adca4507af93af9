"""Sentence splitting: pure rules over one block's prose, no tagger needed.

The translator works one sentence at a time (opus-mt drops sentences when given several, and loses
content in long inputs), so where prose is cut decides translation quality.
"""

from __future__ import annotations

import re

from pipeline import chars
from pipeline.segment.marks import (
    CLOSERS,
    ELLIPSIS,
    HSPACE,
    PAIRS,
    RUN_CHARS,
    TERMINATORS,
    WS,
    skip_ws,
)
from pipeline.segment.trailers import TRAILER_TAIL_RE, absorb_trailers, trailer_end

_HALF_WIDTH_RUN = frozenset("!?")
# Particles that attach to what comes before them; a sentence seldom starts with one on its own.
_PARTICLES = frozenset("はがをとにのもへやで")
_HIRAGANA = re.compile("[\u3041-\u309f]")
# A bracketed group up to this many characters is "of ordinary length": never split inside it.
# Longer ones (or unclosed ones) are ordinary text, so the sentences they hold can be cut.
_GROUP_MAX = 100

_URL_RE = re.compile(r"(?:https?|ftp)://[!-~]+")
_URL_TRAILING = ".,:;!?'\""

# A line that starts like an enumeration or bullet starts a new sentence even when the line
# before it does not end like one ("手順\n1. 準備\n2. 実行").
_ENUM_RE = re.compile(
    r"[ \t\u3000]*(?:"
    r"\d{1,3}[.．)）](?![0-9０-９])"
    r"|[(（]\d{1,3}[)）]"
    r"|[\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]"
    r"|[・※●■◆▶▸►★☆✓✔]"
    r"|[-*+•](?=[ \t])"
    r")"
)

_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "cf",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "approx",
        "al",
        "inc",
        "ltd",
        "co",
        "corp",
        "ph.d",
        "a.k.a",
        "esp",
        "viz",
        "resp",
        "incl",
        "dept",
        "est",
        "ex",
        "aka",
    ]
)
# Abbreviations that only count as such before a number ("No. 5", "Fig. 3", "p. 12").
_NUMBERED_ABBREVIATIONS = frozenset(
    ["no", "fig", "figs", "eq", "sec", "ch", "pp", "p", "vol", "ver", "art", "ref", "nos"]
)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-")


def _opaque_spans(text: str) -> dict[int, int]:
    """Start -> end of raw URLs and bracketed groups of ordinary length (never split inside)."""
    spans: dict[int, int] = {}
    url_ends: dict[int, int] = {}
    for m in _URL_RE.finditer(text):
        url = m.group()
        cut = len(url)
        while cut > 0 and (
            url[cut - 1] in _URL_TRAILING
            or (url[cut - 1] == ")" and url[:cut].count("(") < url[:cut].count(")"))
        ):
            cut -= 1
        if cut:
            url_ends[m.start()] = m.start() + cut
    spans.update(url_ends)
    n = len(text)
    i = 0
    while i < n:
        if i in url_ends:
            i = url_ends[i]
            continue
        closer = PAIRS.get(text[i])
        if closer is None:
            i += 1
            continue
        opener = text[i]
        depth = 0
        end = None
        for j in range(i, min(n, i + _GROUP_MAX + 2)):
            if text[j] == opener:
                depth += 1
            elif text[j] == closer:
                depth -= 1
                if depth == 0:
                    end = j + 1
                    break
        if end is None:
            i += 1
            continue
        spans[i] = end
        i = end
    return spans


def _word_before(text: str, i: int) -> str:
    s = i
    while s > 0 and text[s - 1] in _WORD_CHARS:
        s -= 1
    return text[s:i]


def _is_abbreviation(word: str, next_char: str) -> bool:
    low = word.lower()
    if low in _ABBREVIATIONS:
        return True
    if low in _NUMBERED_ABBREVIATIONS and next_char.isdigit():
        return True
    if len(word) == 1 and word.isalpha():
        return True  # initials ("J. Smith") and "Plan A."-style letters are rarer than initials
    parts = word.split(".")
    return len(parts) > 1 and all(len(p) == 1 and p.isalpha() for p in parts)


def _is_enumerator(text: str, word: str, i: int) -> bool:
    """A standalone small number before "." ("1. 準備") is an enumerator, not a sentence end."""
    s = i - len(word)
    return word.isdigit() and len(word) <= 3 and (s == 0 or text[s - 1] in WS)


def _period_cut(text: str, i: int) -> int | None:
    """Where the sentence ends if the half-width "." at ``i`` ends it, else None."""
    n = len(text)
    k = absorb_trailers(text, i + 1)
    if k >= n or text[k] not in WS:
        return None
    m = skip_ws(text, k)
    if m >= n:
        return None
    nxt = text[m]
    if "a" <= nxt <= "z":
        return None
    word = _word_before(text, i)
    if not word:
        return k
    if word.endswith(".") or _is_abbreviation(word, nxt) or _is_enumerator(text, word, i):
        return None
    return k


def _ellipsis_cut(text: str, j: int) -> int | None:
    """An ellipsis ends a sentence mid-line only before an English sentence ("Wait... Then")."""
    n = len(text)
    k = absorb_trailers(text, j)
    if k >= n or text[k] not in WS:
        return None
    m = skip_ws(text, k)
    if m < n and "A" <= text[m] <= "Z":
        return k
    return None


def _line_ends_sentence(text: str, line_start: int, end: int) -> bool:
    """Does the line text[line_start:end] end like a sentence (so its line break ends one)?"""
    p = end
    while p > line_start and text[p - 1] in HSPACE:
        p -= 1
    saw_trailer = False
    while p > line_start:
        m = TRAILER_TAIL_RE.search(text, max(line_start, p - 24), p)
        if (
            m is not None
            and m.start() < p
            and trailer_end(text, m.start(), after_terminator=True) == p
        ):
            saw_trailer = True
            p = m.start()
            continue
        if text[p - 1] in CLOSERS:
            p -= 1
            continue
        break
    if saw_trailer:
        return True
    if p <= line_start:
        return False
    c = text[p - 1]
    if c in RUN_CHARS or c in ":：":
        return True
    if c == ".":
        i = p - 1
        if i > 0 and text[i - 1] in ".…":
            return True
        word = _word_before(text, i)
        nxt_at = skip_ws(text, end)
        nxt = text[nxt_at] if nxt_at < len(text) else ""
        return not word or not (
            _is_abbreviation(word, nxt) or _is_enumerator(text, word, i) or word.endswith(".")
        )
    return False


def _parenthetical_sentence(text: str, start: int, end: int) -> bool:
    """A protected （…。） group that holds a whole sentence ends one, unless hiragana (a particle,
    most likely) or more punctuation follows it."""
    if text[start] not in "（(" or end >= len(text):
        return False
    inner = text[start + 1 : end - 1].rstrip("".join(CLOSERS))
    if not inner or inner[-1] not in TERMINATORS:
        return False
    nxt = text[end]
    return not ("\u3040" <= nxt <= "\u309f" or nxt in RUN_CHARS or nxt in CLOSERS or nxt == ".")


def split_sentences(text: str) -> list[str]:
    """Split one block's prose into sentences; the pieces concatenate back to ``text`` exactly.

    Whitespace between sentences ends the preceding piece; leading whitespace joins the first.
    """
    if not text:
        return []
    n = len(text)
    spans = _opaque_spans(text)
    pieces: list[str] = []
    start = 0
    content = False  # has the current sentence any non-whitespace yet?
    i = 0
    while i < n:
        if text[i] in WS:
            cut = i if content and _line_break_ends_sentence(text, i) else None
            if cut is None:
                i += 1
                continue
        else:
            cut, nxt = _mark_cut(text, i, spans, start if content else None)
        if cut is not None:
            end = skip_ws(text, cut)
            pieces.append(text[start:end])
            start = end
            content = False
            i = end
            continue
        content = True
        i = nxt
    if start < n:
        pieces.append(text[start:])
    return pieces


def _line_break_ends_sentence(text: str, i: int) -> bool:
    """Does the whitespace at ``i``, a line break, end the sentence before it?"""
    if text[i] != "\n":
        return False
    line_start = text.rfind("\n", 0, i) + 1
    return _line_ends_sentence(text, line_start, i) or _ENUM_RE.match(text, i + 1) is not None


def _mark_cut(
    text: str, i: int, spans: dict[int, int], start: int | None
) -> tuple[int | None, int]:
    """Where the sentence ends if the non-space character at ``i`` ends it (None if it does
    not), and where scanning goes on. ``start``: where the sentence began, None before any
    of its content."""
    n = len(text)
    content = start is not None
    c = text[i]
    if content and (e := trailer_end(text, i, after_terminator=False)) is not None:
        # Laughter, kaomoji or emoji end a sentence without 。 when whitespace follows.
        k = absorb_trailers(text, e)
        return (k if k < n and text[k] in WS else None), e
    if i in spans:
        end = spans[i]
        return (end if _parenthetical_sentence(text, i, end) else None), end
    if c in TERMINATORS and not (
        c == "．" and 0 < i < n - 1 and _is_digit(text[i - 1]) and _is_digit(text[i + 1])
    ):
        return _terminator_cut(text, i, content)
    if (c == "." and i + 1 < n and text[i + 1] == ".") or c in ELLIPSIS:
        j = i
        while j < n and text[j] in ".…‥":
            j += 1
        if (j < n and text[j] in TERMINATORS) or not content:
            return None, j
        return _ellipsis_cut(text, j), j
    if c == "." and start is not None:
        return (_period_cut(text, i) or _latin_sentence_end(text, start, i)), i + 1
    return None, i + 1


def _latin_sentence_end(text: str, start: int, i: int) -> int | None:
    """A Latin sentence glued to the Japanese after it ("It works.動いた。") ends at its period,
    so the English stays as written and only the Japanese goes to the model. A period inside a
    Japanese sentence ("結果はOK.次に"), after an abbreviation ("e.g.これ") or before a closing
    quote or a particle ("Done."の画面, "It works.と表示") is part of that sentence."""
    k = i + 1
    if k >= len(text) or not chars.has_japanese_letters(text[k]):
        return None
    if text[k] in _PARTICLES and not (k + 1 < len(text) and _HIRAGANA.match(text[k + 1])):
        return None  # the English is the topic or object of the Japanese that follows
    before = text[start:i]
    if chars.has_japanese(before) or not any(c.isascii() and c.isalpha() for c in before):
        return None
    word = _word_before(text, i)
    if not word or word.endswith(".") or _is_abbreviation(word, text[k]):
        return None
    return k


def _terminator_cut(text: str, i: int, content: bool) -> tuple[int | None, int]:
    """A run of 。！？ (and trailers after it) ends the sentence, unless it reads as code or as
    the end of a quote that the sentence goes on after."""
    n = len(text)
    j = i + 1
    while j < n and text[j] in RUN_CHARS:
        j += 1
    k = absorb_trailers(text, j)
    half_width_only = all(ch in _HALF_WIDTH_RUN for ch in text[i:j])
    code_like = half_width_only and k < n and text[k] not in WS and text[k].isascii()
    # "…。」と書いた" (a quote too long to protect) goes on after its closing bracket.
    quoted = k > j and text[k - 1] in CLOSERS and k < n and text[k] in "とっ"
    return (k if content and not code_like and not quoted else None), j


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9" or "０" <= c <= "９"


def has_japanese(text: str) -> bool:
    """True when ``text`` holds kana, kanji, half-width katakana or Japanese/full-width punctuation."""
    return chars.has_japanese(text)


def needs_translation(sentence: str) -> bool:
    """False for segments the translator should not see: no Japanese at all (ASCII identifiers,
    numbers, English sentences, punctuation, whitespace, protected atoms only)."""
    return has_japanese(sentence)
