"""Is a model output plausibly a translation? Pure functions, no model.

Marian models fail in a few recognisable ways: an empty output, a phrase repeated until the
length cap, or an output far shorter or longer than the source. `output_problem` names the
failure in a few words, for the report and for deciding on a retry; it does not judge quality.
Atom checks (placeholders back exactly once) belong to the caller, which knows the atoms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# English is usually 1-4x the character count of the Japanese it translates (kanji carry more
# per character; kanji-dense phrases such as 機械学習基盤 -> "machine learning platform" reach
# about 4-5x). The bounds are wide on purpose: they only catch the clearly broken. Whitespace
# is not counted.
MIN_RATIO = 0.3
MAX_RATIO = 6.0
# Below this many source characters the ratio says little ("はい" -> "Yes, that's right").
SHORT_SOURCE = 8
SHORT_SOURCE_MAX_CHARS = 80
MAX_NGRAM = 4
MAX_CONSECUTIVE = 4  # an n-gram repeated this often back to back is a loop
DOMINANT_SHARE = 0.5  # one n-gram (n >= 2) covering this share of a long output is a loop
DOMINANT_MIN_WORDS = 12

_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
_PAUSE = re.compile(r"([^\w\s])\1")


def _chars(text: str) -> int:
    """Visible characters: whitespace does not count, so "a  b" and "a b" weigh the same."""
    return sum(1 for ch in text if not ch.isspace())


def _words(text: str, *, pauses: bool = False) -> list[str]:
    """Words and punctuation marks. With ``pauses`` a run of one mark ("......" from "……",
    "!!!") is one mark: the source pauses that way, and its translation may too."""
    words: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFKC", text)):
        if pauses and words and not word[0].isalnum() and word == words[-1]:
            continue
        words.append(word.lower())
    return words


def has_pause(source: str) -> bool:
    """Does the source write a pause as a run of marks (……, …, ・・・, 。。。, ！！)? Then runs and
    phrases of punctuation in its translation are that pause, not a decoding loop."""
    return _PAUSE.search(unicodedata.normalize("NFKC", source)) is not None


def _is_phrase(gram: Sequence[str]) -> bool:
    """Only phrases with a word in them count as loops: ". . . ." or "・ ・" is punctuation."""
    return any(w[0].isalnum() for w in gram)


def _consecutive_repeat(words: list[str]) -> str | None:
    for n in range(1, MAX_NGRAM + 1):
        for start in range(len(words) - n * MAX_CONSECUTIVE + 1):
            gram = words[start : start + n]
            if not _is_phrase(gram):
                continue
            repeats = 1
            pos = start + n
            while words[pos : pos + n] == gram:
                repeats += 1
                pos += n
            if repeats >= MAX_CONSECUTIVE:
                return " ".join(gram)
    return None


def _dominant_phrase(words: list[str], pauses: bool) -> str | None:
    if len(words) < DOMINANT_MIN_WORDS:
        return None
    for n in range(MAX_NGRAM, 1, -1):
        counts: dict[tuple[str, ...], int] = {}
        for start in range(len(words) - n + 1):
            gram = tuple(words[start : start + n])
            if not pauses or _is_phrase(gram):
                counts[gram] = counts.get(gram, 0) + 1
        if not counts:
            continue
        gram, count = max(counts.items(), key=lambda item: item[1])
        if count >= 3 and count * n >= DOMINANT_SHARE * len(words):
            return " ".join(gram)
    return None


def repeated_phrase(output: str, source: str = "") -> str | None:
    """The phrase an output loops on, if it loops. Punctuation alone counts only where the
    source has no pause written as a run of marks (a model's ",,,,,,,," is still a loop)."""
    pauses = has_pause(source)
    words = _words(output, pauses=pauses)
    return _consecutive_repeat(words) or _dominant_phrase(words, pauses)


def length_ratio(source: str, output: str) -> float:
    return _chars(output) / max(1, _chars(source))


def output_problem(source: str, output: str, *, english: bool = True) -> str | None:
    """A short reason why `output` is not an acceptable translation of `source`, or None.

    ``english=False``: the output is not English (the pseudo preview's marks), so its length
    says nothing and only emptiness and loops are checked."""
    if not output.strip():
        return "empty" if source.strip() else None
    phrase = repeated_phrase(output, source)
    if phrase is not None:
        return f"repeats {phrase!r}"
    if not english:
        return None
    source_chars, output_chars = _chars(source), _chars(output)
    ratio = length_ratio(source, output)
    if source_chars < SHORT_SOURCE:
        if output_chars > SHORT_SOURCE_MAX_CHARS:
            return f"length ratio {ratio:.1f}"
        return None
    if ratio < MIN_RATIO or ratio > MAX_RATIO:
        return f"length ratio {ratio:.1f}"
    return None
