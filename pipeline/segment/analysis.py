"""Morphological analysis with a fugashi ``Tagger`` (unidic-lite): morphemes, their lemmas, and
their offsets for the clause splitter. The orchestrator creates the tagger once and passes it in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline import chars


@dataclass(frozen=True, slots=True)
class Morpheme:
    surface: str
    lemma: str
    pos: str


@dataclass(frozen=True, slots=True)
class Token:
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


# MeCab (through fugashi) segfaults on a long run of text it cannot split (about 190,000 ASCII
# letters in a row, measured with unidic-lite), so no call ever hands it more than this many
# characters: far above any sentence, far below the crash.
MECAB_MAX_CHARS = 4096


def _nodes(tagger: Any, text: str) -> Iterable[Any]:
    """MeCab's nodes for `text`, parsed in pieces of at most MECAB_MAX_CHARS, each cut after a
    space where there is one in its second half (whitespace reaches the next piece's first node
    as its `white_space`, as within one parse)."""
    start = 0
    while len(text) - start > MECAB_MAX_CHARS:
        end = start + MECAB_MAX_CHARS
        space = max(
            text.rfind(" ", start + MECAB_MAX_CHARS // 2, end),
            text.rfind("\n", start + MECAB_MAX_CHARS // 2, end),
        )
        end = space if space > start else end
        yield from tagger(text[start:end])
        start = end
    if start < len(text) or not text:
        yield from tagger(text[start:])


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
    for node in _nodes(tagger, sentence):
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


def tokens(sentence: str, tagger: Any) -> list[Token]:
    """Morphemes with their offsets in ``sentence``; stops early if MeCab's surfaces stop matching
    (it cannot see past a NUL, for example) so offsets are never wrong."""
    toks: list[Token] = []
    pos = 0
    for node in _nodes(tagger, sentence):
        surface = node.surface
        at = pos + len(node.white_space)
        if not sentence.startswith(surface, at):
            at = sentence.find(surface, pos)
            if at < 0 or not surface:
                break
        pos1, pos2, cform, _ = _features(node)
        end = at + len(surface)
        toks.append(Token(at, end, pos1, pos2, cform))
        pos = end
    return toks
