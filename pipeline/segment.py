"""Tokenizer stage: Japanese prose -> sentences -> clauses, plus morphological analysis.

The translator works one sentence at a time (opus-mt drops sentences when given several, and loses
content in long inputs), so where prose is cut decides translation quality. Sentence splitting is
pure rules and needs no tagger; clause splitting and analysis use a fugashi ``Tagger`` (unidic-lite)
that the orchestrator creates once and passes in.

Every function that cuts text returns pieces that concatenate back to the input exactly.

Input conventions (set by the orchestrator): protected inline atoms (inline code, link targets,
URLs, shortcodes, math, HTML tags) arrive as single Private Use Area characters U+E000..U+F8FF and
are treated as opaque word characters; soft line breaks inside a paragraph arrive as ``"\\n"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pipeline import chars

DEFAULT_CLAUSE_BUDGET = 128

# ---------------------------------------------------------------------------------------------
# Character classes

_WS = frozenset(" \t\n\r\f\v\u3000\u00a0")
_HSPACE = frozenset(" \t\u3000\u00a0")
# Characters that start a sentence-ending run. "." is handled on its own (needs whitespace after).
_TERMINATORS = frozenset("。｡．！？!?")
# Characters that may continue a terminator run ("！？", "。。。", "……。").
_RUN_CHARS = frozenset("。｡．！？!?…‥")
_HALF_WIDTH_RUN = frozenset("!?")
_ELLIPSIS = frozenset("…‥")
_CLOSERS = frozenset("」』）)】〕〉》］]｝}”’\"'")
_PAIRS = {
    "「": "」",
    "『": "』",
    "（": "）",
    "(": ")",
    "【": "】",
    "〔": "〕",
    "〈": "〉",
    "《": "》",
    "［": "］",
    "[": "]",
    "“": "”",
}
# A bracketed group up to this many characters is "of ordinary length": never split inside it.
# Longer ones (or unclosed ones) are ordinary text, so the sentences they hold can be cut.
_GROUP_MAX = 100

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


# ---------------------------------------------------------------------------------------------
# Japanese detection


def has_japanese(text: str) -> bool:
    """True when ``text`` holds kana, kanji, half-width katakana or Japanese/full-width punctuation."""
    return chars.has_japanese(text)


def needs_translation(sentence: str) -> bool:
    """False for segments the translator should not see: no Japanese at all (ASCII identifiers,
    numbers, English sentences, punctuation, whitespace, protected atoms only)."""
    return has_japanese(sentence)


# ---------------------------------------------------------------------------------------------
# Trailers: laughter, emoticons, emoji that stay with the sentence they end


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


def _trailer_end(text: str, i: int, after_terminator: bool) -> int | None:
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
        if m and (after_terminator or i == 0 or not text[i - 1].isascii() or text[i - 1] in _WS):
            return m.end()
    return None


def _absorb_trailers(text: str, j: int) -> int:
    """Extend a sentence end over closing brackets, more terminators and trailers."""
    n = len(text)
    k = j
    while k < n:
        c = text[k]
        if c in _CLOSERS or c in _RUN_CHARS:
            k += 1
            continue
        e = _trailer_end(text, k, after_terminator=True)
        if e is not None:
            k = e
            continue
        if c in "*_~":
            # Markdown emphasis closing right after the stop ("**大事。**"): a closer too.
            m = k
            while m < n and text[m] in "*_~":
                m += 1
            if m >= n or text[m] in _WS or text[m] in _CLOSERS:
                k = m
                continue
        if c in _HSPACE:
            # "すごい！ (^^)" keeps a spaced trailer when nothing but whitespace follows it.
            m = k
            while m < n and text[m] in _HSPACE:
                m += 1
            if m < n:
                e = _trailer_end(text, m, after_terminator=True)
                if e is not None and (e >= n or text[e] in _WS):
                    k = e
                    continue
        break
    return k


_TRAILER_TAIL_RE = re.compile(
    "(?:"
    + _LAUGH_GROUP_RE.pattern
    + r"|[ヽ＼\\٩⊂∩]?[(（][^()（）\n]{1,14}[)）][ノﾉ／/۶⊃∩ゞ]?m?"
    + r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\ufe0f\u200d\u20e3]+"
    + r"|[ｗＷ]+|(?<=[^\x00-\x7f])w+|笑|(?:[:;]-?[)(D]|\^_?\^;?|orz)"
    + r")\Z"
)


# ---------------------------------------------------------------------------------------------
# Sentence splitting


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
        closer = _PAIRS.get(text[i])
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


def _skip_ws(text: str, k: int) -> int:
    n = len(text)
    while k < n and text[k] in _WS:
        k += 1
    return k


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
    return word.isdigit() and len(word) <= 3 and (s == 0 or text[s - 1] in _WS)


def _period_cut(text: str, i: int) -> int | None:
    """Where the sentence ends if the half-width "." at ``i`` ends it, else None."""
    n = len(text)
    k = _absorb_trailers(text, i + 1)
    if k >= n or text[k] not in _WS:
        return None
    m = _skip_ws(text, k)
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
    k = _absorb_trailers(text, j)
    if k >= n or text[k] not in _WS:
        return None
    m = _skip_ws(text, k)
    if m < n and "A" <= text[m] <= "Z":
        return k
    return None


def _line_ends_sentence(text: str, line_start: int, end: int) -> bool:
    """Does the line text[line_start:end] end like a sentence (so its line break ends one)?"""
    p = end
    while p > line_start and text[p - 1] in _HSPACE:
        p -= 1
    saw_trailer = False
    while p > line_start:
        m = _TRAILER_TAIL_RE.search(text, max(line_start, p - 24), p)
        if (
            m is not None
            and m.start() < p
            and _trailer_end(text, m.start(), after_terminator=True) == p
        ):
            saw_trailer = True
            p = m.start()
            continue
        if text[p - 1] in _CLOSERS:
            p -= 1
            continue
        break
    if saw_trailer:
        return True
    if p <= line_start:
        return False
    c = text[p - 1]
    if c in _RUN_CHARS or c in ":：":
        return True
    if c == ".":
        i = p - 1
        if i > 0 and text[i - 1] in ".…":
            return True
        word = _word_before(text, i)
        nxt_at = _skip_ws(text, end)
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
    inner = text[start + 1 : end - 1].rstrip("".join(_CLOSERS))
    if not inner or inner[-1] not in "。｡．！？!?":
        return False
    nxt = text[end]
    return not ("\u3040" <= nxt <= "\u309f" or nxt in _RUN_CHARS or nxt in _CLOSERS or nxt == ".")


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
        cut: int | None = None
        nxt = i + 1
        c = text[i]
        if c in _WS:
            if c == "\n" and content:
                line_start = text.rfind("\n", 0, i) + 1
                if _line_ends_sentence(text, line_start, i) or _ENUM_RE.match(text, i + 1):
                    cut = i
            if cut is None:
                i += 1
                continue
        elif content and (e := _trailer_end(text, i, after_terminator=False)) is not None:
            # Laughter, kaomoji or emoji end a sentence without 。 when whitespace follows.
            k = _absorb_trailers(text, e)
            if k < n and text[k] in _WS:
                cut = k
            nxt = e
        elif i in spans:
            nxt = spans[i]
            if _parenthetical_sentence(text, i, nxt):
                cut = nxt
        elif c in _TERMINATORS and not (
            c == "．" and 0 < i < n - 1 and _is_digit(text[i - 1]) and _is_digit(text[i + 1])
        ):
            j = i + 1
            while j < n and text[j] in _RUN_CHARS:
                j += 1
            k = _absorb_trailers(text, j)
            half_width_only = all(ch in _HALF_WIDTH_RUN for ch in text[i:j])
            code_like = half_width_only and k < n and text[k] not in _WS and text[k].isascii()
            # "…。」と書いた" (a quote too long to protect) goes on after its closing bracket.
            quoted = k > j and text[k - 1] in _CLOSERS and k < n and text[k] in "とっ"
            if content and not code_like and not quoted:
                cut = k
            nxt = j
        elif c == "." and i + 1 < n and text[i + 1] == ".":
            j = i
            while j < n and text[j] in ".…‥":
                j += 1
            if j < n and text[j] in _TERMINATORS:
                nxt = j
            else:
                cut = _ellipsis_cut(text, j) if content else None
                nxt = j
        elif c == ".":
            cut = _period_cut(text, i) if content else None
        elif c in _ELLIPSIS:
            j = i
            while j < n and text[j] in ".…‥":
                j += 1
            if not (j < n and text[j] in _TERMINATORS) and content:
                cut = _ellipsis_cut(text, j)
            nxt = j
        if cut is not None:
            end = _skip_ws(text, cut)
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


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9" or "０" <= c <= "９"


# ---------------------------------------------------------------------------------------------
# Morphological analysis


@dataclass(frozen=True, slots=True)
class Morpheme:
    surface: str
    lemma: str
    pos: str


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    pos1: str
    pos2: str
    cform: str


def make_tagger() -> Any:
    """A fugashi Tagger over unidic-lite. Import is lazy so sentence splitting needs no MeCab."""
    import os

    import fugashi
    import unidic_lite

    # Explicit, so a full `unidic` package installed beside it cannot change the analysis.
    dicdir = unidic_lite.DICDIR
    return fugashi.Tagger(f'-r "{os.path.join(dicdir, "mecabrc")}" -d "{dicdir}"')


def _field(value: Any) -> str:
    return "" if value is None or value == "*" else str(value)


def _features(node: Any) -> tuple[str, str, str, str]:
    """(pos1, pos2, cForm, orthBase-or-lemma) of a MeCab node.

    Reading ``feature_raw`` is several times faster than fugashi's ``feature`` named tuple, which
    is most of the analysis time; the slow path covers quoted CSV and unfamiliar dictionaries.
    """
    raw = node.feature_raw
    f = raw.split(",", 11)
    if len(f) == 6 and '"' not in raw:  # an unknown word: pos1..cForm only
        return _field(f[0]), _field(f[1]), _field(f[5]), ""
    # UniDic 2.2+ layouts (unidic-lite's 26 fields, unidic's 29) share the first eleven fields;
    # a quoted field (it holds commas) among them would shift the rest.
    if len(f) == 12 and raw.count(",") >= 25 and '"' not in ",".join(f[:11]):
        return _field(f[0]), _field(f[1]), _field(f[5]), _field(f[10]) or _field(f[7])
    feat = node.feature
    lemma = _field(getattr(feat, "orthBase", None)) or _field(getattr(feat, "lemma", None))
    return (
        _field(getattr(feat, "pos1", None)),
        _field(getattr(feat, "pos2", None)),
        _field(getattr(feat, "cForm", None)),
        lemma,
    )


def analyze(sentence: str, tagger: Any) -> tuple[Morpheme, ...]:
    """Surface, lemma (orthBase, else lemma, else surface) and unidic pos1 of each morpheme."""
    out = []
    for node in tagger(sentence):
        pos1, _, _, lemma = _features(node)
        out.append(Morpheme(node.surface, lemma or node.surface, pos1))
    return tuple(out)


_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
_STOP_LEMMAS = frozenset(
    [
        "する",
        "ある",
        "いる",
        "なる",
        "できる",
        "いう",
        "言う",
        "思う",
        "こと",
        "もの",
        "よう",
        "ため",
        "とき",
        "ところ",
        "さん",
        "の",
        "ん",
        "方",
        "事",
        "物",
        "為",
        "時",
        "所",
        "様",
        "これ",
        "それ",
        "あれ",
        "どれ",
        "ここ",
        "そこ",
        "みたい",
        "れる",
        "られる",
        "せる",
        "させる",
    ]
)


def content_lemmas(morphemes: Iterable[Morpheme]) -> tuple[str, ...]:
    """Lemmas of nouns, verbs and adjectives, minus stop words, numbers and lone symbols."""
    out = []
    for m in morphemes:
        if m.pos not in _CONTENT_POS or m.lemma in _STOP_LEMMAS:
            continue
        lemma = m.lemma
        if not any(ch.isalnum() and not chars.is_atom(ch) for ch in lemma):
            continue
        if lemma.isdigit() or (len(lemma) == 1 and lemma.isascii()):
            continue
        out.append(lemma)
    return tuple(out)


def _tokens(sentence: str, tagger: Any) -> list[_Token]:
    """Morphemes with their offsets in ``sentence``; stops early if MeCab's surfaces stop matching
    (it cannot see past a NUL, for example) so offsets are never wrong."""
    toks: list[_Token] = []
    pos = 0
    for node in tagger(sentence):
        surface = node.surface
        at = pos + len(node.white_space)
        if not sentence.startswith(surface, at):
            at = sentence.find(surface, pos)
            if at < 0 or not surface:
                break
        pos1, pos2, cform, _ = _features(node)
        end = at + len(surface)
        toks.append(_Token(at, end, pos1, pos2, cform))
        pos = end
    return toks


# ---------------------------------------------------------------------------------------------
# Clause splitting

_COMMAS = frozenset("、，､")
_CLAUSE_MARKS = frozenset("、，､,;；:：。｡．！？!?")


def _is_clause_end(tok: _Token) -> bool:
    """A conjunctive particle (が, けど, ので's で, て, ば, から, し) or a te-/renyou-form."""
    if tok.pos2 == "接続助詞":
        return True
    return tok.pos1 in ("動詞", "助動詞", "形容詞") and tok.cform.startswith("連用形")


def _clause_cuts(sentence: str, toks: list[_Token]) -> tuple[list[int], list[int]]:
    """Cut positions after 、 following a clause end (strong), and after any comma-like mark."""
    strong: list[int] = []
    weak: list[int] = []
    n = len(sentence)
    for idx, tok in enumerate(toks):
        surface = sentence[tok.start : tok.end]
        if not surface or surface[-1] not in _CLAUSE_MARKS:
            continue
        mark = surface[-1]
        if mark in ",.;:!?" and (tok.end >= n or sentence[tok.end] not in _WS):
            continue  # "1,000", "a.b", "foo:bar" are not clause boundaries
        cut = _skip_ws(sentence, tok.end)
        if cut >= n:
            continue
        weak.append(cut)
        if mark in _COMMAS and idx > 0 and _is_clause_end(toks[idx - 1]):
            strong.append(cut)
    return strong, weak


def _length_cuts(sentence: str, toks: list[_Token]) -> tuple[list[int], list[int]]:
    """Morpheme starts where a last-resort cut may go, never between two atom characters.

    Preferred: outside ASCII runs and not just before a closing bracket or punctuation. Others:
    the remaining ones, except between two ASCII letters/digits (MeCab's cuts inside a long ASCII
    word are arbitrary, so the character fallback does as well there).
    """
    preferred: list[int] = []
    other: list[int] = []
    for tok in toks[1:]:
        p = tok.start
        left, right = sentence[p - 1], sentence[p]
        if chars.is_atom(left) and chars.is_atom(right):
            continue
        inside_ascii = left.isascii() and right.isascii() and left not in _WS
        if inside_ascii and left.isalnum() and right.isalnum():
            continue
        if inside_ascii or right in _CLOSERS or right in _CLAUSE_MARKS:
            other.append(p)
        else:
            preferred.append(p)
    return preferred, other


def _pack(
    sentence: str, a: int, b: int, cuts: list[int], count: Callable[[str], int], budget: int
) -> list[tuple[int, int]]:
    """Greedily merge the segments between ``cuts`` (within a..b) while they fit the budget."""
    inner = [c for c in cuts if a < c < b]
    if not inner:
        return [(a, b)]
    bounds = [a, *inner, b]
    out: list[tuple[int, int]] = []
    cur_a, cur_b = bounds[0], bounds[1]
    for nb in bounds[2:]:
        if count(sentence[cur_a:nb]) <= budget:
            cur_b = nb
        else:
            out.append((cur_a, cur_b))
            cur_a, cur_b = cur_b, nb
    out.append((cur_a, cur_b))
    return out


def _largest_fitting(
    sentence: str, a: int, cands: list[int], count: Callable[[str], int], budget: int
) -> int | None:
    """Largest candidate c with count(sentence[a:c]) <= budget (counts grow with length)."""
    if not cands or count(sentence[a : cands[0]]) > budget:
        return None
    lo, hi = 0, len(cands) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(sentence[a : cands[mid]]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return cands[lo]


def _split_by_length(
    sentence: str,
    a: int,
    b: int,
    tiers: tuple[list[int], ...],
    count: Callable[[str], int],
    budget: int,
) -> list[tuple[int, int]]:
    """Cut off the longest prefix that fits, trying each tier of cut positions, then characters."""
    out: list[tuple[int, int]] = []
    while count(sentence[a:b]) > budget:
        p = None
        for cuts in tiers:
            p = _largest_fitting(sentence, a, [c for c in cuts if a < c < b], count, budget)
            if p is not None:
                break
        if p is None:
            chars = _char_cuts(sentence, a, b)
            p = _largest_fitting(sentence, a, chars, count, budget)
            if p is None and chars:
                p = chars[0]  # one character over budget: as small a piece as there can be
        if p is None:
            break  # one unbreakable unit (a run of atoms): returned whole, never truncated
        out.append((a, p))
        a = p
    out.append((a, b))
    return out


def _char_cuts(sentence: str, a: int, b: int) -> list[int]:
    """Character positions inside one over-long morpheme, keeping atoms and whitespace intact."""
    return [
        p
        for p in range(a + 1, b)
        if not (chars.is_atom(sentence[p - 1]) and chars.is_atom(sentence[p]))
        and sentence[p] not in _WS
        and not ("\udc00" <= sentence[p] <= "\udfff")
    ]


def split_clauses(
    sentence: str, count_tokens: Callable[[str], int], budget: int, tagger: Any
) -> list[str]:
    """Split an over-budget sentence at clause boundaries; pieces re-join to it exactly.

    Order of preference: 、 after a conjunctive particle or te-/renyou-form, then any comma-like
    mark, then (last resort) morpheme boundaries by length. Never truncates: a piece that cannot be
    brought under the budget (a single huge atom run) is returned whole.
    """
    if not sentence or count_tokens(sentence) <= budget:
        return [sentence] if sentence else []
    toks = _tokens(sentence, tagger)
    strong, weak = _clause_cuts(sentence, toks)
    preferred, other = _length_cuts(sentence, toks)
    ranges: list[tuple[int, int]] = [(0, len(sentence))]
    for cuts in (strong, weak):
        nxt: list[tuple[int, int]] = []
        for a, b in ranges:
            if count_tokens(sentence[a:b]) <= budget:
                nxt.append((a, b))
            else:
                nxt.extend(_pack(sentence, a, b, cuts, count_tokens, budget))
        ranges = nxt
    out: list[str] = []
    for a, b in ranges:
        if count_tokens(sentence[a:b]) <= budget:
            out.append(sentence[a:b])
        else:
            out.extend(
                sentence[x:y]
                for x, y in _split_by_length(
                    sentence, a, b, (preferred, sorted(preferred + other)), count_tokens, budget
                )
            )
    return out
