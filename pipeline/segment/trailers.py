"""Laughter, emoticons and emoji that end a Japanese sentence and stay with it ("すごい！（笑）")."""

from __future__ import annotations

import re

from pipeline import chars
from pipeline.segment.marks import CLOSERS, HSPACE, RUN_CHARS, WS

_LAUGH_WORDS = (
    "笑",
    "爆笑",
    "苦笑",
    "泣",
    "汗",
    "涙",
    "爆",
    "震",
    "謎",
    "怒",
    "照",
    "白目",
    "真顔",
)
_LAUGH_GROUP_RE = re.compile("[（(](?:" + "|".join(_LAUGH_WORDS) + ")[）)]")
_KAOMOJI_CORE_RE = re.compile(
    r"[ヽ＼\\٩⊂∩]?[(（]([^()（）\n]{1,14})[)）][ノﾉ／/۶⊃∩ゞ]?(?:m(?![A-Za-z]))?"
)
_KAOMOJI_SIGNS = frozenset("´`｀・ω^＾_;；°゜▽∀ДдЗ∇≧≦ﾟ＿ε〃•Σ≡")
_HIRAGANA_KANJI_RE = re.compile("[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff]")
_ASCII_WORD_RE = re.compile("[A-Za-z]{2}")
_SMILEY_RE = re.compile(r"(?:[:;]-?[)(D]|\^_?\^;?|orz)(?![A-Za-z0-9])")
_EMOJI_MODIFIERS = frozenset("\ufe0f\u200d\u20e3")


def _is_emoji(c: str) -> bool:
    o = ord(c)
    return (
        0x1F000 <= o <= 0x1FAFF
        or 0x2600 <= o <= 0x27BF
        or 0x2B00 <= o <= 0x2BFF
        or 0x2300 <= o <= 0x23FF
    )


def _is_kana_or_kanji(c: str) -> bool:
    return bool(chars.JAPANESE_LETTER.match(c))


def _kaomoji_end(text: str, i: int) -> int | None:
    m = _KAOMOJI_CORE_RE.match(text, i)
    if m is None:
        return None
    inner = m.group(1)
    # Words ("(foo_bar)", "(k8sの機能)") are not faces; katakana may be ("(ﾟДﾟ)", "(ツ)").
    if _HIRAGANA_KANJI_RE.search(inner) or _ASCII_WORD_RE.search(inner):
        return None
    if not any(c in _KAOMOJI_SIGNS for c in inner):
        return None
    return m.end()


def trailer_end(text: str, i: int, after_terminator: bool) -> int | None:
    """End of one laughter/emoticon/emoji unit starting at ``i``, or None."""
    n = len(text)
    c = text[i]
    if c in "(（ヽ＼\\٩⊂∩":
        m = _LAUGH_GROUP_RE.match(text, i)
        if m:
            return m.end()
        return _kaomoji_end(text, i)
    if _is_emoji(c):
        j = i + 1
        while j < n and (
            _is_emoji(text[j]) or text[j] in _EMOJI_MODIFIERS or 0x1F3FB <= ord(text[j]) <= 0x1F3FF
        ):
            j += 1
        return j
    if c in "ｗＷ":
        j = i + 1
        while j < n and text[j] in "ｗＷ":
            j += 1
        return j
    if c == "w":
        if not after_terminator and (i == 0 or ord(text[i - 1]) < 128):
            return None
        j = i + 1
        while j < n and text[j] == "w":
            j += 1
        if j < n and (text[j].isascii() and (text[j].isalnum() or text[j] in "._-/")):
            return None
        return j
    if c == "笑":
        if i + 1 < n and _is_kana_or_kanji(text[i + 1]):
            return None
        return i + 1
    if c in ":;^o":
        m = _SMILEY_RE.match(text, i)
        if m and (after_terminator or i == 0 or not text[i - 1].isascii() or text[i - 1] in WS):
            return m.end()
    return None


def absorb_trailers(text: str, j: int) -> int:
    """Extend a sentence end over closing brackets, more terminators and trailers."""
    n = len(text)
    k = j
    while k < n:
        c = text[k]
        if c in CLOSERS or c in RUN_CHARS:
            k += 1
            continue
        e = trailer_end(text, k, after_terminator=True)
        if e is not None:
            k = e
            continue
        if c in "*_~":
            # Markdown emphasis closing right after the stop ("**大事。**"): a closer too.
            m = k
            while m < n and text[m] in "*_~":
                m += 1
            if m >= n or text[m] in WS or text[m] in CLOSERS:
                k = m
                continue
        if c in HSPACE:
            # "すごい！ (^^)" keeps a spaced trailer when nothing but whitespace follows it.
            m = k
            while m < n and text[m] in HSPACE:
                m += 1
            if m < n:
                e = trailer_end(text, m, after_terminator=True)
                if e is not None and (e >= n or text[e] in WS):
                    k = e
                    continue
        break
    return k


TRAILER_TAIL_RE = re.compile(
    "(?:"
    + _LAUGH_GROUP_RE.pattern
    + r"|[ヽ＼\\٩⊂∩]?[(（][^()（）\n]{1,14}[)）][ノﾉ／/۶⊃∩ゞ]?m?"
    + r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\ufe0f\u200d\u20e3]+"
    + r"|[ｗＷ]+|(?<=[^\x00-\x7f])w+|笑|(?:[:;]-?[)(D]|\^_?\^;?|orz)"
    + r")\Z"
)
