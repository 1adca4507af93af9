"""The abstractive summarisation model behind `--summary model`: loaded here, used by the
summarizer stage only as a plain `text -> summary` function.

torch and transformers are imported inside `load_abstractive`, so the extractive methods (and
every run without `--summary model`) never load them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.modelstore import hub_offline

_SANE_LIMIT = 100_000  # tokenizers without a limit report a huge sentinel model_max_length
_DEFAULT_LIMIT = 1024


class SummaryModelUnavailable(RuntimeError):
    """The abstractive summarisation model cannot be found or loaded (one-line message)."""


def load_abstractive(
    model_spec: str,
    device: str = "cpu",
    *,
    max_new_tokens: int | None = None,
    num_beams: int | None = None,
    cache_dir: str | None = None,
) -> Callable[[str], str]:
    """Load a seq2seq summarisation model (hub id or local folder) and return text -> summary.

    Generation defaults come from the model's own generation config (distilbart-cnn: 4 beams,
    56..142 tokens); `max_new_tokens` / `num_beams` override them. Input longer than the model's
    position limit is truncated: the model summarises the beginning of the post.
    """
    source, local_only = _source(model_spec)
    tokenizer, model = _load(model_spec, source, local_only, cache_dir)
    import torch  # already imported by `_load`

    model.to(device)
    model.eval()
    limit = min(
        getattr(model.config, "max_position_embeddings", None) or _DEFAULT_LIMIT,
        tokenizer.model_max_length if tokenizer.model_max_length < _SANE_LIMIT else _DEFAULT_LIMIT,
    )
    options: dict[str, int] = {}
    if max_new_tokens is not None:
        options["max_new_tokens"] = max_new_tokens
    if num_beams is not None:
        options["num_beams"] = num_beams

    def abstractive(text: str) -> str:
        inputs = tokenizer(text, truncation=True, max_length=limit, return_tensors="pt").to(device)
        with torch.inference_mode():
            output = model.generate(**inputs, **options)
        return tokenizer.decode(output[0], skip_special_tokens=True).strip()

    return abstractive


def _source(model_spec: str) -> tuple[str, bool]:
    """Where to load from, and whether only local files may be used."""
    path = Path(model_spec).expanduser()
    # A hub id is "name" or "owner/name"; anything else can only be a folder.
    looks_like_path = model_spec.startswith((".", "/", "~", "\\")) or model_spec.count("/") > 1
    if path.is_dir():
        return str(path), True
    if looks_like_path:
        raise SummaryModelUnavailable(f"summary model folder not found: {model_spec}")
    return model_spec, hub_offline()


def _load(model_spec: str, source: str, local_only: bool, cache_dir: str | None) -> tuple[Any, Any]:
    try:
        import torch  # noqa: F401 - checked here, beside transformers, for one clear message
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    except ImportError as exc:  # pragma: no cover - dependencies are installed with the package
        raise SummaryModelUnavailable(f"summary model needs torch and transformers: {exc}") from exc
    try:
        tokenizer = AutoTokenizer.from_pretrained(
            source, local_files_only=local_only, cache_dir=cache_dir
        )
        model = AutoModelForSeq2SeqLM.from_pretrained(
            source, local_files_only=local_only, cache_dir=cache_dir
        )
    except (OSError, ValueError, KeyError) as exc:
        if local_only and Path(model_spec).expanduser().is_dir():
            where = "in that folder"
        elif local_only:
            where = "in the Hugging Face cache (offline)"
        else:
            where = "in the cache or on the Hub"
        raise SummaryModelUnavailable(
            f"summary model {model_spec!r} not found {where}; download it once with network "
            f"access or pass a local folder ({type(exc).__name__})"
        ) from exc
    return tokenizer, model
