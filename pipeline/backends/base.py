"""What every model backend shares: decoding settings, the backend protocol and batch planning.

The transformers and ctranslate2 backends both build on this module, so that deduplication,
length sorting, token-budget batching and the decoding-length cap are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class DecodingConfig:
    """Decoding settings, from one place. Part of the translation-memory key."""

    num_beams: int = 4
    # The cap on new tokens is derived from the source length so that one runaway
    # hypothesis cannot hold a whole batch for the model's 512 steps.
    max_length_ratio: float = 2.5
    max_length_extra: int = 16
    max_new_tokens_limit: int = 512
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    batch_tokens: int = 2048

    def safer(self) -> DecodingConfig:
        """Settings for a retry after a bad output: wider beam, no loops."""
        return replace(
            self,
            num_beams=max(self.num_beams, 5),
            no_repeat_ngram_size=3,
            repetition_penalty=1.3,
        )

    def max_new_tokens(self, source_tokens: int) -> int:
        cap = int(source_tokens * self.max_length_ratio) + self.max_length_extra
        return max(1, min(self.max_new_tokens_limit, cap))

    def key(self) -> str:
        """A stable string for cache keys."""
        return (
            f"beams={self.num_beams};ratio={self.max_length_ratio};extra={self.max_length_extra};"
            f"nrng={self.no_repeat_ngram_size};rep={self.repetition_penalty}"
        )


@runtime_checkable
class Translator(Protocol):
    """The public seam: same length, same order."""

    def translate(self, sentences: list[str]) -> list[str]: ...


@runtime_checkable
class ModelBackend(Translator, Protocol):
    """A translator backed by a real model; the orchestrator uses the extra capabilities."""

    identity: str  # cheap model identity + backend + decoding key, for the translation memory
    max_input_tokens: int  # the model's position limit on the source side

    def translate_safe(self, sentences: list[str]) -> list[str]: ...

    def count_tokens(self, text: str) -> int: ...

    def roundtrips(self, text: str) -> bool:
        """True when `text` survives source tokenization and target detokenization unchanged."""
        ...


def plan_batches(
    sentences: Sequence[str],
    count_tokens: Callable[[str], int],
    batch_tokens: int,
) -> tuple[list[str], list[list[int]], list[int]]:
    """Deduplicate, sort by token length, and cut batches by a padded-token budget.

    Returns (unique sentences, batches of indexes into the unique list, for each input its
    index into the unique list), so the caller can restore the original order.
    """
    unique: list[str] = []
    position: dict[str, int] = {}
    back: list[int] = []
    for sentence in sentences:
        if sentence not in position:
            position[sentence] = len(unique)
            unique.append(sentence)
        back.append(position[sentence])
    lengths = [count_tokens(s) for s in unique]
    order = sorted(range(len(unique)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        longest_if_added = max(longest, lengths[i])
        if current and longest_if_added * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current, longest_if_added = [], lengths[i]
        current.append(i)
        longest = longest_if_added
    if current:
        batches.append(current)
    return unique, batches, back
