"""Where a model comes from, and a cheap identity for it (the translation memory's key).

`--model` is a preset name (`pipeline/presets.toml`), a Hugging Face hub id (resolved through
the Hugging Face cache, so a first run with network downloads it once), or a local folder.
Nothing here imports torch: the identity must be known before deciding whether a model is needed
at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ja-en"
_IDENTITY_CACHE = "model-identity.json"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
# What a Marian checkpoint needs; anything else in the repository (TF/Flax weights, READMEs)
# is not downloaded.
_HUB_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt", "*.safetensors"]
_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json")
_TOKENIZER_FILES = ("source.spm", "tokenizer.json", "spiece.model", "sentencepiece.bpe.model")


class ModelUnavailable(Exception):
    """The model cannot be loaded; the message is one line saying how to get it."""


@dataclass(frozen=True)
class ResolvedModel:
    path: Path
    identity: str
    source: Literal["hub", "local"]


def cache_dir() -> Path:
    """honyaku's cache folder: `HONYAKU_CACHE_DIR`, else the platform's user cache dir."""
    env = os.environ.get("HONYAKU_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("honyaku"))


def hub_offline() -> bool:
    """`HF_HUB_OFFLINE` as set now."""
    # huggingface_hub reads HF_HUB_OFFLINE once at import; read it per call instead so that a
    # process (or a test) that sets it later is honoured.
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _how_to_get(spec: str, reason: str) -> str:
    return (
        f"model {spec!r} is not available ({reason}): pass --model PATH to a local model folder, "
        f"run once with network to download {spec} into the Hugging Face cache, "
        "or use --backend pseudo to preview"
    )


def looks_like_path(spec: str) -> bool:
    return (
        spec.startswith((".", "/", "~"))
        or os.sep in spec.replace("/", "", 1)
        or spec.count("/") > 1
        or not _HUB_ID.match(spec)
    )


def resolve_model(
    spec: str, *, offline: bool | None = None, hub_cache: Path | None = None
) -> ResolvedModel:
    """Find the model `spec` names. An existing local folder wins over a hub id of the same
    spelling (as in transformers). `offline` None means `HF_HUB_OFFLINE`; `hub_cache` None
    means the Hugging Face default cache. Raises ModelUnavailable with a one-line message."""
    spec = spec.strip()
    if not spec:
        raise ModelUnavailable(_how_to_get(spec, "empty model name"))
    folder = Path(spec).expanduser()
    if folder.is_dir():
        return _resolve_local(folder, spec)
    from pipeline.presets import hub_id_for

    spec = hub_id_for(spec)  # a preset name (honyaku models list) stands for its hub id
    if looks_like_path(spec):
        raise ModelUnavailable(_how_to_get(spec, "no such folder"))
    return _resolve_hub(spec, hub_offline() if offline is None else offline, hub_cache)


def model_identity(spec: str, *, hub_cache: Path | None = None) -> str:
    """The identity without any download: a hub model must already be in the cache."""
    return resolve_model(spec, offline=True, hub_cache=hub_cache).identity


def _resolve_local(folder: Path, spec: str) -> ResolvedModel:
    if not (folder / "config.json").is_file():
        raise ModelUnavailable(_how_to_get(spec, f"{folder} has no config.json"))
    return ResolvedModel(folder.resolve(), local_identity(folder), "local")


def _complete(snapshot: Path) -> bool:
    return (
        (snapshot / "config.json").is_file()
        and any((snapshot / name).is_file() for name in _WEIGHTS)
        and any((snapshot / name).is_file() for name in _TOKENIZER_FILES)
    )


def _resolve_hub(repo_id: str, offline: bool, hub_cache: Path | None) -> ResolvedModel:
    from huggingface_hub import snapshot_download

    # The cache first, even online: a cached snapshot gives a stable identity without a
    # network round trip on every run.
    snapshot: Path | None = None
    try:
        cached = Path(
            snapshot_download(
                repo_id, local_files_only=True, allow_patterns=_HUB_PATTERNS, cache_dir=hub_cache
            )
        )
        if _complete(cached):
            snapshot = cached
    except Exception:  # noqa: BLE001 - any cache miss means "not cached"
        snapshot = None
    if snapshot is None:
        if offline:
            raise ModelUnavailable(
                _how_to_get(repo_id, "offline and not in the Hugging Face cache")
            )
        snapshot = _download(repo_id, hub_cache)
    return ResolvedModel(snapshot, f"hub:{repo_id}@{snapshot.name}", "hub")


def _download(repo_id: str, hub_cache: Path | None) -> Path:
    from huggingface_hub import snapshot_download

    try:
        snapshot = Path(
            snapshot_download(repo_id, allow_patterns=_HUB_PATTERNS, cache_dir=hub_cache)
        )
        if not any((snapshot / name).is_file() for name in _WEIGHTS):
            # Older repositories ship only PyTorch pickles.
            snapshot = Path(
                snapshot_download(
                    repo_id, allow_patterns=["pytorch_model.bin"], cache_dir=hub_cache
                )
            )
    except Exception as error:  # noqa: BLE001 - network, auth, missing repo: all one message
        reason = type(error).__name__
        raise ModelUnavailable(_how_to_get(repo_id, f"download failed: {reason}")) from None
    if not _complete(snapshot):
        raise ModelUnavailable(_how_to_get(repo_id, "the repository has no Marian weights"))
    return snapshot


def _model_files(folder: Path) -> list[Path]:
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            files.append(path)
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def local_identity(folder: Path, cache: Path | None = None) -> str:
    """A hash of the folder's files (relative name and content).

    Content hashes are cached in a small JSON file keyed by path, size and modification time,
    so a rerun only stats the files; a touched but unchanged file costs one re-hash and keeps
    the identity (and so the translation memory).
    """
    cache_file = (cache or cache_dir()) / _IDENTITY_CACHE
    try:
        known = json.loads(cache_file.read_text("utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    changed = False
    digest = hashlib.sha256()
    for path in _model_files(folder):
        stat = path.stat()
        key = str(path.resolve())
        entry = known.get(key)
        if not (
            isinstance(entry, dict)
            and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns
        ):
            entry = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": _sha256(path)}
            known[key] = entry
            changed = True
        digest.update(f"{path.relative_to(folder).as_posix()}\0{entry['sha256']}\n".encode())
    if changed:
        _write_json(cache_file, known)
    return f"local:{digest.hexdigest()[:20]}"


def _write_json(path: Path, data: dict) -> None:
    # A cache: failing to write it only costs a re-hash next time.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=0, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
