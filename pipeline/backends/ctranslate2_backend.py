"""The ctranslate2 backend: a Marian model converted to CTranslate2, int8 on CPU.

Nothing on this path imports torch: tokenization uses the model's own SentencePiece files, and
the conversion (which does need torch) happens once, ahead of time or on first use, and is
cached by `pipeline.convert`. Batching, the generation loop, the decoding-length cap and the
identity come from `base`, shared with the transformers backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline.backends.base import BatchingBackend, DecodingConfig, backend_identity

UNK = "<unk>"
EOS = "</s>"
PAD = "<pad>"


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def pick_device(device: str) -> str:
    """`auto` means CUDA when ctranslate2 sees a device, else the CPU."""
    import ctranslate2

    if device == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device not in ("cpu", "cuda"):
        raise ValueError(f"the ctranslate2 backend runs on cpu or cuda, not {device!r}")
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise ValueError("--device cuda: ctranslate2 sees no CUDA device")
    return device


def default_quantization(device: str) -> str:
    """The compute type for a device `pick_device` chose, when none is asked for."""
    from pipeline import convert

    if device == "cuda":
        return convert.DEFAULT_CUDA_QUANTIZATION
    return convert.DEFAULT_CPU_QUANTIZATION


def _read_vocabulary(path: Path, side: str) -> list[str]:
    for name in ("shared_vocabulary.json", f"{side}_vocabulary.json"):
        file = path / name
        if file.is_file():
            return json.loads(file.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"{path}: no CTranslate2 vocabulary for the {side} side")


class CTranslate2Backend(BatchingBackend[list[str]]):
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

        self.device = pick_device(device)
        self.decoding = decoding
        if quantization is None:
            quantization = default_quantization(self.device)
        if self.device == "cpu" and quantization in convert.CUDA_ONLY:
            raise ValueError(f"quantization {quantization} needs --device cuda; use int8 on CPU")
        self.quantization = convert.check_quantization(quantization)
        path = convert.find_converted(model_spec, self.quantization, cache_dir=cache_dir)
        if path is None:
            path = convert.convert_model(model_spec, self.quantization, cache_dir=cache_dir)
        self.model_path = path
        converted = convert.read_converted(path)
        self.max_input_tokens = converted.max_position_embeddings
        self.identity = backend_identity(
            "ctranslate2", converted.source_identity, decoding, self.quantization
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
        self.calls = 0
        self.sentences_translated = 0
        self.rejected_too_long = 0

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

    def _encode(self, text: str) -> tuple[list[str], int]:
        pieces = self._pieces(text)
        return pieces, len(pieces)

    def _run_batch(self, batch: list[list[str]], decoding: DecodingConfig) -> list[str]:
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
        if self._scoring:
            self._last_scores = [float(r.scores[0]) if r.scores else None for r in results]
        return [self._detokenize(result.hypotheses[0]) for result in results]
