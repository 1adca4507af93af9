"""The backend the command line hands the orchestrator: built on first use.

An up-to-date check needs the backend's identity but never its model, so the identity is
computed without loading anything (the hub snapshot's commit or a local folder's cached hash)
and the real backend is built only when a sentence must be translated.
"""

from __future__ import annotations

from typing import Any

from pipeline.backends.base import DecodingConfig, backend_identity


class BackendUnavailable(Exception):
    """The backend cannot be had: no model, a device or quantization it cannot use, a failed
    conversion. The message is one line saying what and, where it can, how to get it."""


class LazyBackend:
    """A `ModelBackend` for `kind` (transformers, ctranslate2 or pseudo) that loads on first use.

    Its identity feeds both the translation memory and the batch lock. Raises
    `BackendUnavailable` (at construction for the identity, on first use for the model).
    """

    def __init__(
        self, kind: str, model: str, device: str, beams: int, quantization: str | None = None
    ) -> None:
        self.kind = kind
        self.model = model
        self.device = device
        self.quantization = quantization
        self.decoding = DecodingConfig(num_beams=beams)
        self._real: Any = None
        if kind == "pseudo":
            from pipeline.backends.pseudo import PseudoBackend

            self._real = PseudoBackend()
            self.identity = self._real.identity
        else:
            from pipeline.modelstore import ModelUnavailable, resolve_model

            try:
                resolved = resolve_model(model)
            except ModelUnavailable as exc:
                raise BackendUnavailable(str(exc)) from exc
            quantization = self._ct2_quantization() if kind == "ctranslate2" else None
            self.identity = backend_identity(kind, resolved.identity, self.decoding, quantization)

    def _ct2_quantization(self) -> str:
        from pipeline.backends.ctranslate2_backend import default_quantization, pick_device

        try:
            device = pick_device(self.device)
        except ValueError as exc:
            raise BackendUnavailable(str(exc)) from exc
        return self.quantization or default_quantization(device)

    @property
    def real(self) -> Any:
        if self._real is None:
            self._real = self._build()
        return self._real

    def _build(self) -> Any:
        from pipeline.convert import ConversionError
        from pipeline.modelstore import ModelUnavailable

        try:
            if self.kind == "ctranslate2":
                from pipeline.backends.ctranslate2_backend import CTranslate2Backend

                return CTranslate2Backend(
                    self.model, self.device, self.decoding, self._ct2_quantization()
                )
            from pipeline.backends.transformers_backend import TransformersBackend

            return TransformersBackend(self.model, self.device, self.decoding)
        except (ModelUnavailable, ConversionError, ValueError) as exc:
            message = f"{self.model}: {exc}" if isinstance(exc, ValueError) else str(exc)
            raise BackendUnavailable(message) from exc

    @property
    def loaded(self) -> bool:
        return self._real is not None and self.kind != "pseudo"

    def translate(self, sentences: list[str]) -> list[str]:
        return self.real.translate(sentences)

    def translate_safe(self, sentences: list[str]) -> list[str]:
        return self.real.translate_safe(sentences)

    @property
    def english(self) -> bool:
        """Whether outputs are English (the pseudo backend's are marks)."""
        return self.kind != "pseudo"

    def translate_scored(
        self, sentences: list[str], *, safe: bool = False
    ) -> list[tuple[str, float | None]]:
        return self.real.translate_scored(sentences, safe=safe)

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)

    @property
    def max_input_tokens(self) -> int:
        return self.real.max_input_tokens

    def roundtrips(self, text: str) -> bool:
        return self.real.roundtrips(text)
