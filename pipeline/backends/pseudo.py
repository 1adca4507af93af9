"""The `pseudo` backend: no model. It marks text instead of translating it.

Each run of Japanese becomes deterministic stand-in words and the sentence is wrapped in
`‹ ›`, so a preview shows exactly which text would be translated, every atom comes back through
the real placeholder path, and the English site builds with the structure it will have.
"""

from __future__ import annotations

import hashlib
import re

from pipeline import chars

_STRAIGHT = str.maketrans("“”", '""')
_SYLLABLES = ("ka", "ri", "to", "me", "su", "na", "lo", "vi", "de", "po", "ra", "ne")
# The marks a preview shows in ASCII itself (with straight quotes); the translate stage's own
# clean-up converts the rest, as it does for a real model's output.
_PUNCT = str.maketrans(
    {ja: chars.ENGLISH_PUNCTUATION[ja].translate(_STRAIGHT) for ja in "、。「」（）！？：・\u3000"}
)


class PseudoBackend:
    identity = "pseudo|1"
    max_input_tokens = 10_000
    english = False  # marks, not translations: length checks do not apply

    def __init__(self) -> None:
        self.calls = 0
        self.sentences_translated = 0

    def translate(self, sentences: list[str]) -> list[str]:
        self.calls += 1
        self.sentences_translated += len(sentences)
        return [self._mark(s) for s in sentences]

    def translate_safe(self, sentences: list[str]) -> list[str]:
        return self.translate(sentences)

    def translate_scored(
        self, sentences: list[str], *, safe: bool = False
    ) -> list[tuple[str, float | None]]:
        """The marks with a defined stand-in score: 0.0, a certain model (nothing to review
        but what the checks find)."""
        return [(text, 0.0) for text in self.translate(sentences)]

    def count_tokens(self, text: str) -> int:
        return len(text)

    def roundtrips(self, text: str) -> bool:
        return True

    def _mark(self, sentence: str) -> str:
        words = chars.JAPANESE_LETTERS_RUN.sub(lambda m: f" {_word(m.group())} ", sentence)
        words = re.sub(r" {2,}", " ", words.translate(_PUNCT)).strip()
        words = re.sub(r" ([,.!?:)])", r"\1", words)
        return f"‹{words}›"


def _word(run: str) -> str:
    digest = hashlib.sha256(run.encode("utf-8")).digest()
    length = 1 + min(3, len(run) // 3)
    return "".join(_SYLLABLES[b % len(_SYLLABLES)] for b in digest[:length])
