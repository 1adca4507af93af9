"""What every model backend shares: decoding settings, the backend protocol, the model identity,
batch planning and the generation loop.

The transformers and ctranslate2 backends both build on this module, so that deduplication,
length sorting, token-budget batching, the never-truncate rule and the identity string are
written once; each backend supplies only how it encodes one sentence and runs one batch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar, runtime_checkable


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


def backend_identity(
    backend: str, model_identity: str, decoding: DecodingConfig, quantization: str | None = None
) -> str:
    """The identity of what a backend produces: the translation memory's key and the lock's.

    `model_identity` is the cheap identity of the source model (`pipeline.modelstore`); the
    quantization (ctranslate2 only: int8 and float16 translate differently) comes last. The
    string is persisted, so its layout must never change.
    """
    identity = f"{backend}|{model_identity}|{decoding.key()}"
    return identity if quantization is None else f"{identity}|{quantization}"


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


Encoded = TypeVar("Encoded")


class BatchingBackend(ABC, Generic[Encoded]):
    """The generation loop of a real model backend, written once.

    A subclass encodes one sentence (`_encode`) and runs one batch of encoded sentences through
    the model (`_run_batch`); this class deduplicates, sorts by length, cuts token-budget
    batches, refuses over-long input and restores the caller's order.
    """

    decoding: DecodingConfig
    max_input_tokens: int
    calls: int  # model invocations (one per batch)
    sentences_translated: int  # unique sentences sent to the model
    rejected_too_long: int  # inputs over max_input_tokens, answered with ""
    # Inside `translate_scored` only: `_run_batch` leaves each output's score in `_last_scores`
    # and the loop collects them per unique sentence.
    _scoring: bool = False
    _last_scores: list[float | None]
    _scores: dict[str, float | None]

    @abstractmethod
    def _encode(self, text: str) -> tuple[Encoded, int]:
        """What the model gets for `text`, and its length in source tokens."""

    @abstractmethod
    def _run_batch(self, batch: list[Encoded], decoding: DecodingConfig) -> list[str]:
        """The model's translations of one batch, in order, stripped."""

    def _batch_tokens(self, decoding: DecodingConfig) -> int:
        return decoding.batch_tokens

    def translate(self, sentences: list[str]) -> list[str]:
        return self._translate(sentences, self.decoding)

    def translate_safe(self, sentences: list[str]) -> list[str]:
        return self._translate(sentences, self.decoding.safer())

    def translate_scored(
        self, sentences: list[str], *, safe: bool = False
    ) -> list[tuple[str, float | None]]:
        """Each output with its mean token log-probability under the model (None for an input
        given no model call). The outputs come from `translate` (or `translate_safe`) itself,
        the one entry point for model calls, so whatever wraps or counts those calls sees these
        too; the scores are collected on the way."""
        self._scores, self._scoring = {}, True
        try:
            texts = self.translate_safe(sentences) if safe else self.translate(sentences)
        finally:
            self._scoring = False
        return [(t, self._scores.get(s)) for s, t in zip(sentences, texts, strict=True)]

    def _translate(self, sentences: list[str], decoding: DecodingConfig) -> list[str]:
        if not sentences:
            return []
        encoded: dict[str, tuple[Encoded, int]] = {}

        def encode(text: str) -> tuple[Encoded, int]:
            if text not in encoded:
                encoded[text] = self._encode(text)
            return encoded[text]

        def count(text: str) -> int:
            return encode(text)[1]

        unique, batches, back = plan_batches(sentences, count, self._batch_tokens(decoding))
        outputs = [""] * len(unique)
        limit = self.max_input_tokens
        for batch in batches:
            # Never truncate: an over-long input gets "", which the caller's checks treat as
            # a failure and recover from by splitting. Blank input needs no model.
            too_long = [i for i in batch if count(unique[i]) > limit]
            self.rejected_too_long += len(too_long)
            fitting = [i for i in batch if unique[i].strip() and count(unique[i]) <= limit]
            if fitting:
                texts = self._run_batch([encode(unique[i])[0] for i in fitting], decoding)
                self.calls += 1
                self.sentences_translated += len(fitting)
                for i, text in zip(fitting, texts, strict=True):
                    outputs[i] = text
                if self._scoring:
                    scores = zip(fitting, self._last_scores, strict=True)
                    self._scores.update((unique[i], score) for i, score in scores)
        return [outputs[i] for i in back]
