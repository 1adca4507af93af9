"""Convert a transformers Marian model to CTranslate2 once, and cache the conversion.

The conversion is keyed by the source model's identity and the quantization, so a model that
changes on disk (or a new hub snapshot) is converted again, and an unchanged one never is.
Conversion needs torch and transformers; they are imported only inside `convert_model`, so the
lookup (`converted_path`, `find_converted`) stays cheap and torch-free for the ctranslate2 backend.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# What `ctranslate2.Translator` accepts as compute type; int8 suits CPUs, the others need CUDA
# (int8_float16 / float16 / bfloat16) or exist for exact comparisons (float32).
QUANTIZATIONS = (
    "int8",
    "int8_float32",
    "float32",
    "float16",
    "bfloat16",
    "int8_float16",
    "int8_bfloat16",
)
CUDA_ONLY = frozenset({"float16", "bfloat16", "int8_float16", "int8_bfloat16"})
DEFAULT_CPU_QUANTIZATION = "int8"
DEFAULT_CUDA_QUANTIZATION = "float16"

# Written beside model.bin: what the backend needs that the CTranslate2 files do not say.
METADATA_FILE = "honyaku.json"
TOKENIZER_FILES = ("source.spm", "target.spm")
_OPTIONAL_COPIES = ("vocab.json", "tokenizer_config.json", "generation_config.json")


class ConversionError(RuntimeError):
    """The model could not be converted (unsupported architecture, missing tokenizer files)."""


@dataclass(frozen=True)
class SourceModel:
    """A transformers model on disk and its cheap identity."""

    path: Path
    identity: str


@dataclass(frozen=True)
class ConvertedModel:
    """A CTranslate2 model folder with its tokenizer files and metadata."""

    path: Path
    source_identity: str
    quantization: str
    max_position_embeddings: int


def cache_root(cache_dir: Path | None = None) -> Path:
    """The folder holding conversions: `cache_dir` itself when given, else `ct2/` in honyaku's
    cache folder (`HONYAKU_CACHE_DIR`, else the platform's user cache dir)."""
    if cache_dir is not None:
        return Path(cache_dir)
    from pipeline.modelstore import cache_dir as honyaku_cache_dir

    return honyaku_cache_dir() / "ct2"


def check_quantization(quantization: str) -> str:
    if quantization not in QUANTIZATIONS:
        raise ValueError(
            f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}"
        )
    return quantization


def resolve_source(model_spec: str) -> SourceModel:
    """Find the transformers model for a hub id or a folder, with its identity.

    Raises `pipeline.modelstore.ModelUnavailable` (one line saying how to get the model).
    """
    from pipeline.modelstore import resolve_model

    resolved = resolve_model(model_spec)
    return SourceModel(Path(resolved.path), str(resolved.identity))


def _safe_name(identity: str) -> str:
    """A folder name for an identity: readable prefix, hash suffix so distinct ids never collide."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", identity).strip("._")[:48]
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    return f"{readable}-{digest}" if readable else digest


def converted_path(source_identity: str, quantization: str, cache_dir: Path | None = None) -> Path:
    return (
        cache_root(cache_dir) / f"{_safe_name(source_identity)}-{check_quantization(quantization)}"
    )


def is_converted_model(path: Path) -> bool:
    """A complete CTranslate2 conversion made by honyaku (metadata is written last)."""
    return (
        (path / "model.bin").is_file()
        and (path / METADATA_FILE).is_file()
        and all((path / name).is_file() for name in TOKENIZER_FILES)
    )


def read_converted(path: Path) -> ConvertedModel:
    meta = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    return ConvertedModel(
        path=path,
        source_identity=meta["source_identity"],
        quantization=meta["quantization"],
        max_position_embeddings=int(meta["max_position_embeddings"]),
    )


def _max_positions(source: Path) -> int:
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    return int(config.get("max_position_embeddings") or 512)


def _marian_loader():
    """ctranslate2's Marian loader, made exact for models trained or fine-tuned in transformers.

    ctranslate2 starts Marian's decoder from a zero embedding and drops the `<pad>` row, which
    is exact for models converted from Marian C++ (opus-mt: that row is zeros). A model trained
    with transformers and tied embeddings moves the `<pad>` row (the output layer's gradient
    reaches it), and transformers starts decoding from that row: converted the usual way, such a
    model loses or garbles its first words. Then the row is kept and used as the start token.
    """
    from ctranslate2.converters import transformers as ct2t

    class MarianLoader(ct2t.MarianMTLoader):
        zero_start = True

        def get_model_spec(self, model):
            pad = model.config.pad_token_id
            row = model.get_decoder().embed_tokens.weight[pad]
            self.zero_start = bool((row == 0).all())
            if self.zero_start:
                return super().get_model_spec(model)
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            return ct2t.BartLoader.get_model_spec(self, model)

        def set_config(self, config, model, tokenizer):
            super().set_config(config, model, tokenizer)
            if not self.zero_start:
                config.decoder_start_token = tokenizer.pad_token

        def set_decoder(self, spec, decoder):
            if self.zero_start:
                super().set_decoder(spec, decoder)
            else:
                ct2t.BartLoader.set_decoder(self, spec, decoder)

        def get_vocabulary(self, model, tokenizer):
            if self.zero_start:
                return super().get_vocabulary(model, tokenizer)
            return ct2t.BartLoader.get_vocabulary(self, model, tokenizer)

    return MarianLoader()


@contextmanager
def _marian_loader_installed(loader):
    # ctranslate2 picks loaders from a module-level registry; swap ours in for this call only.
    from ctranslate2.converters import transformers as ct2t

    previous = ct2t._MODEL_LOADERS.get("MarianConfig")
    ct2t._MODEL_LOADERS["MarianConfig"] = loader
    try:
        yield
    finally:
        ct2t._MODEL_LOADERS["MarianConfig"] = previous


def _convert_into(source: SourceModel, quantization: str, target: Path) -> None:
    # Imported here: conversion is the only step of the ctranslate2 path that needs torch.
    from ctranslate2.converters import TransformersConverter

    missing = [name for name in TOKENIZER_FILES if not (source.path / name).is_file()]
    if missing:
        raise ConversionError(
            f"{source.path}: missing {', '.join(missing)}; only Marian models with SentencePiece "
            "files can be converted"
        )
    copies = list(TOKENIZER_FILES) + [n for n in _OPTIONAL_COPIES if (source.path / n).is_file()]
    converter = TransformersConverter(str(source.path), copy_files=copies)
    loader = _marian_loader()
    try:
        with _marian_loader_installed(loader):
            converter.convert(str(target), quantization=quantization, force=True)
    except (ValueError, NotImplementedError) as error:
        raise ConversionError(f"{source.path}: cannot convert to CTranslate2: {error}") from error
    metadata = {
        "source_identity": source.identity,
        "source_path": str(source.path),
        "quantization": quantization,
        "max_position_embeddings": _max_positions(source.path),
        # "zero": ctranslate2's usual Marian start; "<pad>": the start embedding is learned.
        "decoder_start": "zero" if loader.zero_start else "<pad>",
    }
    (target / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")


def convert_model(
    model_spec: str,
    quantization: str = DEFAULT_CPU_QUANTIZATION,
    *,
    cache_dir: Path | None = None,
    force: bool = False,
) -> Path:
    """Convert `model_spec` (hub id or folder) with CTranslate2 and return the converted folder.

    The result is cached under `cache_root(cache_dir)/<source identity>-<quantization>`; a second
    call returns it without converting. The conversion runs in a temporary folder beside the
    target and is renamed into place, so an interrupted conversion never leaves a half model.
    """
    check_quantization(quantization)
    source = resolve_source(model_spec)
    target = converted_path(source.identity, quantization, cache_dir)
    if is_converted_model(target) and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        staged = work / "model"
        _convert_into(source, quantization, staged)
        if target.exists():
            # Replacing: move the old copy aside first, so a reader never sees a mixed folder.
            if is_converted_model(target):
                os.replace(target, work / "old")
            else:
                shutil.rmtree(target)
        try:
            os.replace(staged, target)
        except OSError:
            # Another process finished the same conversion first; theirs is as good as ours.
            if not is_converted_model(target):
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def find_converted(
    model_spec: str, quantization: str, *, cache_dir: Path | None = None
) -> Path | None:
    """The converted folder for `model_spec`, if it is already a CTranslate2 model or cached."""
    path = Path(model_spec).expanduser()
    if is_converted_model(path):
        return path.resolve()
    source = resolve_source(model_spec)
    target = converted_path(source.identity, quantization, cache_dir)
    return target if is_converted_model(target) else None
