"""The lazy backend: its identity (persisted in the memory and the lock), and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends.base import DecodingConfig, backend_identity
from pipeline.backends.lazy import BackendUnavailable, LazyBackend
from pipeline.modelstore import resolve_model


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_identity_layout_never_changes() -> None:
    # These strings key every translation memory entry and every lock: a change in layout
    # would make every existing English copy look stale.
    decoding = DecodingConfig(num_beams=4)
    key = "beams=4;ratio=2.5;extra=16;nrng=0;rep=1.0"
    assert (
        backend_identity("transformers", "local:abc", decoding) == f"transformers|local:abc|{key}"
    )
    assert (
        backend_identity("ctranslate2", "hub:x/y@c0ffee", decoding, "int8")
        == f"ctranslate2|hub:x/y@c0ffee|{key}|int8"
    )


def test_pseudo_needs_no_model() -> None:
    backend = LazyBackend("pseudo", "/nonexistent", "auto", 4)
    assert backend.identity == "pseudo|1"
    assert backend.translate(["これはペンです。"])[0].startswith("‹")
    assert not backend.loaded


def test_a_missing_model_is_a_one_line_backend_error() -> None:
    with pytest.raises(BackendUnavailable) as info:
        LazyBackend("transformers", "/nonexistent", "auto", 4)
    message = str(info.value)
    assert "\n" not in message and "/nonexistent" in message and "--backend pseudo" in message


def test_identity_is_computed_without_loading(marian_model_dir: Path, cache: Path) -> None:
    backend = LazyBackend("transformers", str(marian_model_dir), "cpu", 3)
    model = resolve_model(str(marian_model_dir)).identity
    assert backend.identity == f"transformers|{model}|{DecodingConfig(num_beams=3).key()}"
    assert not backend.loaded


def test_ctranslate2_identity_is_the_backends_own(marian_model_dir: Path, cache: Path) -> None:
    lazy = LazyBackend("ctranslate2", str(marian_model_dir), "cpu", 4, "int8")
    assert not lazy.loaded
    assert lazy.identity == lazy.real.identity  # one function, one layout
    assert lazy.identity.endswith("|int8") and lazy.loaded


def test_an_unusable_device_is_a_backend_error(marian_model_dir: Path, cache: Path) -> None:
    with pytest.raises(BackendUnavailable, match="cpu or cuda"):
        LazyBackend("ctranslate2", str(marian_model_dir), "mps", 4)


def test_a_quantization_the_cpu_cannot_run_names_the_model(
    marian_model_dir: Path, cache: Path
) -> None:
    lazy = LazyBackend("ctranslate2", str(marian_model_dir), "cpu", 4, "float16")
    with pytest.raises(BackendUnavailable) as info:
        lazy.translate(["これはペンです。"])
    assert str(info.value).startswith(f"{marian_model_dir}: quantization float16 needs")
