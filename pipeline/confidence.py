"""One confidence per sentence, so that a person post-editing knows where to look.

The formula (also in the README):

    p          = exp(score)       the model's mean token log-probability of its output, as a
                                  probability: the geometric mean of its tokens' probabilities;
                                  1.0 when there is no score (pseudo backend, translation-memory
                                  rows from before scores were kept, a sentence pieced together)
    confidence = p × Π check_i    where check_i is 0 when that check fires, else 1
    flagged    = confidence < THRESHOLD

The checks are vetoes because each one names a concrete reason to read the sentence:

- not translated: the sentence could not be translated and is still Japanese on the page;
- retried: the model's first output was rejected (a loop, an empty output, a length far off, a
  placeholder dropped, repeated or out of order) and a safer retry or the piece-by-piece
  fallback was kept;
- Japanese left: kana or kanji in the English;
- length ratio: English visible characters / Japanese ones outside REVIEW_RATIO (narrower
  than the translation stage's hard bounds, which already force a retry);
- glossary term missing: a glossary replacement that should be in the English is not;
- repeats: a phrase looping in the English (a hard check too, but memory can hold old rows).

THRESHOLD is 1/e, i.e. a mean token log-probability below -1: the flagged share it gives on the
trained test fixture and the benchmark model is measured by `bench/calibrate_confidence.py`
(figures in the README), not guessed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline import chars
from pipeline.checks import SHORT_SOURCE, length_ratio, repeated_phrase

LOW_SCORE = -1.0  # mean token log-probability below which the model is unsure
THRESHOLD = math.exp(LOW_SCORE)
REVIEW_RATIO = (0.5, 4.5)
REVIEW_MIN_CHARS = SHORT_SOURCE  # below this the ratio says little


@dataclass(frozen=True)
class Assessment:
    confidence: float
    reasons: tuple[str, ...]  # why it is flagged (empty when it is not)
    flagged: bool


def model_probability(score: float | None) -> float:
    """exp(mean token log-probability), or 1.0 when there is no score."""
    if score is None or math.isnan(score):
        return 1.0
    return math.exp(min(0.0, score))


def problems(
    source: str,
    english: str,
    *,
    status: str,
    reason: str | None = None,
    note: str | None = None,
    expected_terms: Sequence[str] = (),
    length: bool = True,
) -> tuple[str, ...]:
    """The checks that fire for one sentence (source and English as working or plain text).
    `length=False` for a backend whose output is not English (pseudo's stand-in words are
    shorter than any translation, so a length ratio would say nothing)."""
    if status == "kept":
        return (f"not translated: {reason or 'kept as written'}",)
    found: list[str] = []
    if note:
        found.append(note)
    if chars.has_japanese_letters(english):
        found.append("Japanese left")
    phrase = repeated_phrase(english, source)
    if phrase is not None:
        found.append(f"repeats {phrase!r}")
    if length and sum(1 for c in source if not c.isspace()) >= REVIEW_MIN_CHARS:
        ratio = length_ratio(source, english)
        if not REVIEW_RATIO[0] <= ratio <= REVIEW_RATIO[1]:
            found.append(f"length ratio {ratio:.1f}")
    lowered = english.casefold()
    for term in dict.fromkeys(expected_terms):
        if term and term.casefold() not in lowered:
            found.append(f"glossary term missing: {term!r}")
    return tuple(found)


def assess(score: float | None, checks: Sequence[str], threshold: float = THRESHOLD) -> Assessment:
    """The confidence and flag from the model score and the checks that fired."""
    p = model_probability(score)
    confidence = 0.0 if checks else p
    reasons = list(checks)
    if p < threshold:
        reasons.insert(0, f"low model score (p={p:.2f})")
    return Assessment(round(confidence, 4), tuple(reasons), confidence < threshold)
