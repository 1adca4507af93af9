"""The ctranslate2 backend: a Marian model converted to CTranslate2, int8 on CPU.

Nothing on this path imports torch: tokenization uses the model's own SentencePiece files, and
the conversion (which does need torch) happens once, ahead of time or on first use, and is
cached by `pipeline.convert`. Batching and the decoding-length cap come from `base`, shared with
the transformers backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline.backends.base import DecodingConfig, plan_batches

UNK = "<unk>"
EOS = "</s>"
PAD = "<pad>"


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _pick_device(device: str) -> str:
    import ctranslate2

    if device == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device not in ("cpu", "cuda"):
        raise ValueError(f"the ctranslate2 backend runs on cpu or cuda, not {device!r}")
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise ValueError("--device cuda: ctranslate2 sees no CUDA device")
    return device


def _read_vocabulary(path: Path, side: str) -> list[str]:
    for name in ("shared_vocabulary.json", f"{side}_vocabulary.json"):
        file = path / name
        if file.is_file():
            return json.loads(file.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"{path}: no CTranslate2 vocabulary for the {side} side")


class CTranslate2Backend:
    """A `ModelBackend` over `ctranslate2.Translator`.

    `model_spec` is a hub id or transformers folder (converted and cached on first use), or a
    folder made by `pipeline.convert.convert_model`.
    """

    def __init__(
        self,
        model_spec: str,
        device: str = "auto",
        decoding: DecodingConfig = DecodingConfig(),  # noqa: B008 - frozen, shared safely
        quantization: str | None = None,
        *,
        cache_dir: Path | None = None,
        threads: int | None = None,
    ) -> None:
        import ctranslate2
        import sentencepiece

        from pipeline import convert

        self.device = _pick_device(device)
        self.decoding = decoding
        if quantization is None:
            quantization = (
                convert.DEFAULT_CUDA_QUANTIZATION
                if self.device == "cuda"
                else convert.DEFAULT_CPU_QUANTIZATION
            )
        if self.device == "cpu" and quantization in convert.CUDA_ONLY:
            raise ValueError(f"quantization {quantization} needs --device cuda; use int8 on CPU")
        self.quantization = convert.check_quantization(quantization)
        path = convert.find_converted(model_spec, self.quantization, cache_dir=cache_dir)
        if path is None:
            path = convert.convert_model(model_spec, self.quantization, cache_dir=cache_dir)
        self.model_path = path
        converted = convert.read_converted(path)
        self.max_input_tokens = converted.max_position_embeddings
        self.identity = (
            f"ctranslate2|{converted.source_identity}|{self.quantization}|{self.decoding.key()}"
        )
        self._source_sp = sentencepiece.SentencePieceProcessor(model_file=str(path / "source.spm"))
        self._target_sp = sentencepiece.SentencePieceProcessor(model_file=str(path / "target.spm"))
        self._source_vocab = frozenset(_read_vocabulary(path, "source"))
        # Kept only when the model starts decoding from its learned <pad> row (see convert);
        # like transformers' bad_words_ids, it must never be generated.
        self._suppress = [[PAD]] if PAD in _read_vocabulary(path, "target") else None
        # One translation at a time per process, so all cores go to that one (intra-op).
        self._translator = ctranslate2.Translator(
            str(path),
            device=self.device,
            compute_type=self.quantization,
            inter_threads=1,
            intra_threads=threads or _cores(),
        )
        self.calls = 0  # translate_batch() invocations
        self.sentences_translated = 0  # unique sentences sent to the model
        self.rejected_too_long = 0  # inputs over max_input_tokens, answered with ""
        self._scoring = False  # inside translate_scored: _generate records each output's score
        self._scores: dict[str, float | None] = {}
        self._last_scores: list[float | None] = []  # of the latest translate_batch, when scoring

    # -- tokenization ------------------------------------------------------------------------

    def _pieces(self, text: str) -> list[str]:
        # The source spm has no EOS of its own; Marian expects `</s>` at the end of every input.
        return [*self._source_sp.encode(text, out_type=str), EOS]

    def count_tokens(self, text: str) -> int:
        return len(self._pieces(text))

    def _detokenize(self, tokens: list[str]) -> str:
        # Like transformers' decode(skip_special_tokens=True): special pieces are dropped.
        return self._target_sp.decode_pieces(
            [t for t in tokens if t not in (UNK, EOS, PAD)]
        ).strip()

    def roundtrips(self, text: str) -> bool:
        pieces = self._source_sp.encode(text, out_type=str)
        if any(piece == UNK or piece not in self._source_vocab for piece in pieces):
            return False
        return self._detokenize(pieces) == text

    # -- translation -------------------------------------------------------------------------

    def translate(self, sentences: list[str]) -> list[str]:
        return self._translate(sentences, self.decoding)

    def translate_safe(self, sentences: list[str]) -> list[str]:
        return self._translate(sentences, self.decoding.safer())

    def translate_scored(
        self, sentences: list[str], *, safe: bool = False
    ) -> list[tuple[str, float | None]]:
        """Each output with ctranslate2's score: the cumulative log-probability over the length
        (length_penalty 1), i.e. the mean token log-probability, end of sentence included — the
        transformers backend's number (None for an input given no model call). The outputs
        come from `translate` (or `translate_safe`) itself, the one entry point for model calls,
        so whatever wraps or counts those calls sees these too; the scores are collected on the
        way."""
        self._scores, self._scoring = {}, True
        try:
            texts = self.translate_safe(sentences) if safe else self.translate(sentences)
        finally:
            self._scoring = False
        return [(t, self._scores.get(s)) for s, t in zip(sentences, texts, strict=True)]

    def _translate(self, sentences: list[str], decoding: DecodingConfig) -> list[str]:
        if not sentences:
            return []
        pieces: dict[str, list[str]] = {}

        def tokens(text: str) -> list[str]:
            if text not in pieces:
                pieces[text] = self._pieces(text)
            return pieces[text]

        unique, batches, back = plan_batches(
            sentences, lambda text: len(tokens(text)), decoding.batch_tokens
        )
        outputs = [""] * len(unique)
        limit = self.max_input_tokens
        for batch in batches:
            # Never truncate (as the transformers backend): an over-long input gets "", which
            # the caller's checks treat as a failure and recover from by splitting.
            too_long = [i for i in batch if len(tokens(unique[i])) > limit]
            self.rejected_too_long += len(too_long)
            fitting = [i for i in batch if unique[i].strip() and len(tokens(unique[i])) <= limit]
            if fitting:
                texts = self._generate([tokens(unique[i]) for i in fitting], decoding)
                for i, text in zip(fitting, texts, strict=True):
                    outputs[i] = text
                if self._scoring:
                    scores = zip(fitting, self._last_scores, strict=True)
                    self._scores.update((unique[i], score) for i, score in scores)
        return [outputs[i] for i in back]

    def _generate(self, batch: list[list[str]], decoding: DecodingConfig) -> list[str]:
        longest = max(len(source) for source in batch)
        # The decoder has the same position limit as the encoder; the start step takes one.
        max_new = min(decoding.max_new_tokens(longest), self.max_input_tokens - 1)
        results = self._translator.translate_batch(
            batch,
            max_batch_size=decoding.batch_tokens,
            batch_type="tokens",
            beam_size=decoding.num_beams,
            max_decoding_length=max(1, max_new),
            max_input_length=0,
            no_repeat_ngram_size=decoding.no_repeat_ngram_size,
            repetition_penalty=decoding.repetition_penalty,
            suppress_sequences=self._suppress,
            **({"return_scores": True} if self._scoring else {}),
        )
        self.calls += 1
        self.sentences_translated += len(batch)
        self._last_scores = [float(r.scores[0]) if r.scores else None for r in results]
        return [self._detokenize(result.hypotheses[0]) for result in results]
