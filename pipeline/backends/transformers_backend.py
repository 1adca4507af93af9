"""The default backend: a MarianMT model run with transformers' `generate`.

Importing this module does not import torch or transformers; the model is loaded on first use
and kept by the backend object, which the orchestrator creates once per process.

Decoding uses the TARGET SentencePiece model. In transformers 5, `MarianTokenizer.decode`
defaults to the source model whenever source and target share one vocabulary (as
opus-mt-ja-en does), so every decode here passes `use_source_tokenizer=False` explicitly.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

from pipeline.backends.base import BatchingBackend, DecodingConfig, backend_identity
from pipeline.modelstore import resolve_model

_SANE_LIMIT = 100_000  # tokenizers without a limit report a huge sentinel model_max_length


def pick_device(device: str) -> str:
    """`auto` means CUDA, then Apple's MPS, then the CPU."""
    import torch

    if device != "auto":
        if device not in {"cpu", "cuda", "mps"}:
            raise ValueError(f"unknown device {device!r} (auto, cpu, cuda or mps)")
        return device
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


CPU_BATCH_TOKENS = 1024  # at beam 4; see TransformersBackend._batch_tokens
SCORE_POSITIONS = 512  # target positions per scoring pass: 512 x 60716 float32 logits ~ 124 MB


class TransformersBackend(BatchingBackend[str]):
    """A `ModelBackend` over a Marian checkpoint (hub id or local folder)."""

    def __init__(
        self,
        model_spec: str,
        device: str = "auto",
        decoding: DecodingConfig = DecodingConfig(),  # noqa: B008 - frozen, shared safely
    ) -> None:
        self.model_spec = model_spec
        self.requested_device = device
        self.decoding = decoding
        # Resolving is cheap and torch-free; it fails early (ModelUnavailable) when the model
        # cannot be had, before anything heavy happens.
        self.resolved = resolve_model(model_spec)
        self.identity = backend_identity("transformers", self.resolved.identity, decoding)
        self.calls = 0
        self.sentences_translated = 0
        self.rejected_too_long = 0
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._model: Any = None
        self._device: str | None = None

    # -- loading -------------------------------------------------------------------------

    def _load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            device = pick_device(self.requested_device)
            dtype = torch.bfloat16 if device == "cuda" else torch.float32
            path = str(self.resolved.path)
            with warnings.catch_warnings():
                # MarianTokenizer recommends sacremoses for punctuation normalisation; the
                # models work without it and the warning would repeat on every run.
                warnings.filterwarnings("ignore", message=".*sacremoses.*")
                tokenizer = AutoTokenizer.from_pretrained(path)
            model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=dtype)
            model.to(device)
            model.eval()
            self._tokenizer, self._model, self._device = tokenizer, model, device

    @property
    def tokenizer(self) -> Any:
        self._load()
        return self._tokenizer

    @property
    def model(self) -> Any:
        self._load()
        return self._model

    @property
    def device(self) -> str:
        self._load()
        assert self._device is not None
        return self._device

    # The base class declares it as an attribute; here the loaded model is asked.
    @property
    def max_input_tokens(self) -> int:  # type: ignore[override]
        """The source-side position limit, counted like `count_tokens` (with `</s>`)."""
        limits = [getattr(self.model.config, "max_position_embeddings", None)]
        limits.append(getattr(self.tokenizer, "model_max_length", None))
        sane = [int(x) for x in limits if isinstance(x, int) and 0 < x < _SANE_LIMIT]
        return min(sane) if sane else 512

    # -- capabilities ----------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """Source tokens the model sees for `text`, end-of-sentence included."""
        return len(self.tokenizer(text, verbose=False).input_ids)

    def roundtrips(self, text: str) -> bool:
        """True when `text` survives source tokenization and target detokenization unchanged:
        what a placeholder must do to come back from the model intact."""
        ids = self.tokenizer(text, add_special_tokens=False).input_ids
        if self.tokenizer.unk_token_id in ids:
            return False
        return self._decode([ids])[0] == text

    # -- work ------------------------------------------------------------------------------

    def _decode(self, sequences: Any) -> list[str]:
        return self.tokenizer.batch_decode(
            sequences, skip_special_tokens=True, use_source_tokenizer=False
        )

    def _batch_tokens(self, decoding: DecodingConfig) -> int:
        """On a CPU, each decoding step holds rows x beams x 60k-entry logits in float32: keep
        rows x beams about constant (1024 source tokens at beam 4) so memory stays near 1.5 GB;
        measured on the real-size benchmark model, 1024 was also slightly faster than 2048."""
        if self.device == "cuda":
            return decoding.batch_tokens
        cap = max(64, CPU_BATCH_TOKENS * 4 // max(1, decoding.num_beams))
        return min(decoding.batch_tokens, cap)

    def _encode(self, text: str) -> tuple[str, int]:
        # The batch is tokenized as a whole (with padding) in `_run_batch`.
        return text, self.count_tokens(text)

    def _run_batch(self, texts: list[str], decoding: DecodingConfig) -> list[str]:
        import torch

        tokenizer, model = self.tokenizer, self.model
        encoded = tokenizer(texts, return_tensors="pt", padding=True)
        longest = int(encoded["attention_mask"].sum(dim=1).max())
        # The decoder has the same position limit as the encoder; the start token takes one.
        max_new = min(decoding.max_new_tokens(longest), self._decoder_positions() - 1)
        options: dict[str, Any] = {
            "num_beams": decoding.num_beams,
            "max_new_tokens": max(1, max_new),
            "do_sample": False,
        }
        if decoding.no_repeat_ngram_size:
            options["no_repeat_ngram_size"] = decoding.no_repeat_ngram_size
        if decoding.repetition_penalty != 1.0:
            options["repetition_penalty"] = decoding.repetition_penalty
        with torch.inference_mode():
            generated = model.generate(
                input_ids=encoded["input_ids"].to(self.device),
                attention_mask=encoded["attention_mask"].to(self.device),
                **options,
            )
        if self._scoring:
            self._last_scores = self._mean_log_probs(encoded, generated)
        return [text.strip() for text in self._decode(generated.cpu())]

    def _mean_log_probs(self, encoded: Any, generated: Any) -> list[float | None]:
        """The mean log-probability of each generated token (end of sentence included) under
        the model: the number `generate(output_scores=True)` gives through
        `compute_transition_scores` (equal to `sequences_scores` at length_penalty 1), found by
        one teacher-forced pass instead, because `output_scores` keeps every step's rows x beams
        x 60716 scores (GBs for a CPU batch) until generation ends."""
        import torch

        model, pad = self.model, self.model.config.pad_token_id
        generated = generated.to(self.device)
        target = generated[:, 1:]  # the first position is the decoder start
        rows = max(1, SCORE_POSITIONS // max(1, target.shape[1]))
        found: list[float | None] = []
        with torch.inference_mode():
            for start in range(0, generated.shape[0], rows):
                part = slice(start, start + rows)
                logits = model(
                    input_ids=encoded["input_ids"][part].to(self.device),
                    attention_mask=encoded["attention_mask"][part].to(self.device),
                    decoder_input_ids=generated[part, :-1],
                ).logits.float()
                picked = torch.log_softmax(logits, dim=-1).gather(-1, target[part, :, None])
                mask = target[part] != pad
                total = (picked[..., 0] * mask).sum(dim=1)
                found.extend((total / mask.sum(dim=1).clamp(min=1)).tolist())
        return found

    def _decoder_positions(self) -> int:
        positions = getattr(self.model.config, "max_position_embeddings", None)
        return int(positions) if isinstance(positions, int) and positions > 1 else 512
