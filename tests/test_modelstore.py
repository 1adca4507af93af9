import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import modelstore
from pipeline.modelstore import ModelUnavailable, model_identity, resolve_model

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def honyaku_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "honyaku-cache"))
    return tmp_path / "honyaku-cache"


def fake_hub_cache(root: Path, repo_id: str, files: dict[str, bytes]) -> Path:
    """The Hugging Face cache layout: refs/main names the snapshot folder."""
    repo = root / ("models--" + repo_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(COMMIT)
    snapshot = repo / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    for name, data in files.items():
        (snapshot / name).write_bytes(data)
    return snapshot


MARIAN_FILES = {
    "config.json": b"{}",
    "model.safetensors": b"weights",
    "source.spm": b"s",
    "target.spm": b"t",
    "vocab.json": b"{}",
}


def local_model(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, data in MARIAN_FILES.items():
        (folder / name).write_bytes(data)
    return folder


def assert_how_to_message(message: str, spec: str) -> None:
    assert "\n" not in message
    assert repr(spec) in message
    assert "--model PATH" in message
    assert f"download {spec} into the Hugging Face cache" in message
    assert "--backend pseudo" in message


def test_unknown_hub_id_offline_env(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    spec = "honyaku-tests/no-such-model"
    with pytest.raises(ModelUnavailable) as info:
        resolve_model(spec, hub_cache=tmp_path / "hub")
    assert_how_to_message(str(info.value), spec)
    assert "offline" in str(info.value)


def test_default_model_offline_without_cache(tmp_path):
    spec = modelstore.DEFAULT_MODEL
    with pytest.raises(ModelUnavailable) as info:
        model_identity(spec, hub_cache=tmp_path / "hub")
    assert_how_to_message(str(info.value), spec)


def test_cached_hub_snapshot_resolves_offline(tmp_path):
    snapshot = fake_hub_cache(tmp_path / "hub", "Helsinki-NLP/opus-mt-ja-en", MARIAN_FILES)
    resolved = resolve_model("Helsinki-NLP/opus-mt-ja-en", offline=True, hub_cache=tmp_path / "hub")
    assert resolved.source == "hub"
    assert resolved.path == snapshot
    assert resolved.identity == f"hub:Helsinki-NLP/opus-mt-ja-en@{COMMIT}"


def test_incomplete_hub_snapshot_is_unavailable_offline(tmp_path):
    files = {k: v for k, v in MARIAN_FILES.items() if k != "model.safetensors"}
    fake_hub_cache(tmp_path / "hub", "Helsinki-NLP/opus-mt-ja-en", files)
    with pytest.raises(ModelUnavailable):
        resolve_model("Helsinki-NLP/opus-mt-ja-en", offline=True, hub_cache=tmp_path / "hub")


def test_missing_local_folder_and_folder_without_config(tmp_path):
    with pytest.raises(ModelUnavailable, match="no such folder"):
        resolve_model(str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailable, match="has no config.json") as info:
        resolve_model(str(tmp_path / "empty"))
    assert "\n" not in str(info.value)


def test_local_identity_is_cached_and_follows_content(tmp_path, honyaku_cache, monkeypatch):
    folder = local_model(tmp_path / "model")
    hashed: list[Path] = []
    real_sha = modelstore._sha256

    def counting_sha(path: Path) -> str:
        hashed.append(path)
        return real_sha(path)

    monkeypatch.setattr(modelstore, "_sha256", counting_sha)
    first = resolve_model(str(folder))
    assert first.source == "local" and first.identity.startswith("local:")
    assert len(hashed) == len(MARIAN_FILES)
    cache = json.loads((honyaku_cache / "model-identity.json").read_text())
    assert str((folder / "model.safetensors").resolve()) in cache

    hashed.clear()
    assert model_identity(str(folder)) == first.identity
    assert hashed == []  # sizes and mtimes unchanged: nothing re-read

    # Touched but unchanged: one re-hash, same identity.
    weights = folder / "model.safetensors"
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))
    assert model_identity(str(folder)) == first.identity
    assert hashed == [weights]

    # Same size, new content, new mtime: a new identity.
    weights.write_bytes(b"WEIGHTS")
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 20_000_000_000))
    assert model_identity(str(folder)) != first.identity


def test_local_identity_depends_on_names_not_location(tmp_path):
    a = local_model(tmp_path / "a")
    b = local_model(tmp_path / "b")
    assert model_identity(str(a)) == model_identity(str(b))
    (b / "vocab.json").rename(b / "other.json")
    assert model_identity(str(a)) != model_identity(str(b))


def test_corrupt_identity_cache_is_rebuilt(tmp_path, honyaku_cache):
    folder = local_model(tmp_path / "model")
    honyaku_cache.mkdir(parents=True)
    (honyaku_cache / "model-identity.json").write_text("not json")
    assert model_identity(str(folder)).startswith("local:")
    assert json.loads((honyaku_cache / "model-identity.json").read_text())


def test_hub_ids_and_paths_are_told_apart():
    assert not modelstore.looks_like_path("Helsinki-NLP/opus-mt-ja-en")
    assert not modelstore.looks_like_path("t5-small")
    for spec in ("./model", "/abs/model", "~/m", "a/b/c", "モデル"):
        assert modelstore.looks_like_path(spec), spec


def test_identity_and_backend_import_do_not_import_torch(tmp_path):
    folder = local_model(tmp_path / "model")
    code = (
        "import sys\n"
        "from pipeline.modelstore import model_identity\n"
        "import pipeline.backends.transformers_backend\n"
        "import pipeline.memory, pipeline.checks, pipeline.glossary\n"
        f"print(model_identity({str(folder)!r}))\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "assert 'transformers' not in sys.modules, 'transformers imported'\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "HONYAKU_CACHE_DIR": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("local:")
