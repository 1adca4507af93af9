"""Models by name, offline: the presets ship in the package, `models list` says what is cached and
converted, `--model NAME` means the preset's hub model, `models download` fails in one line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from pipeline import convert
from pipeline.modelstore import resolve_model
from pipeline.presets import get_preset, hub_id_for, load_presets
from tests.cli_run import run_honyaku

ROOT = Path(__file__).resolve().parents[1]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def honyaku(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    hub = {"HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1"}
    return run_honyaku(args, tmp_path, tmp_path / "cache", timeout=300, **hub)


def cache_model(hub: Path, repo_id: str, model: Path) -> Path:
    """Put a model folder into a Hugging Face cache layout as `repo_id`'s snapshot."""
    repo = hub / ("models--" + repo_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(COMMIT)
    snapshot = repo / "snapshots" / COMMIT
    shutil.copytree(model, snapshot)
    return snapshot


def test_presets_ship_in_the_package() -> None:
    presets = {p.name: p for p in load_presets()}
    assert presets["opus-mt-ja-en"].hub_id == "Helsinki-NLP/opus-mt-ja-en"
    assert presets["opus-mt-ja-en"].default and presets["opus-mt-ja-en"].licence == "CC-BY-4.0"
    assert presets["fugumt-ja-en"].hub_id == "staka/fugumt-ja-en"
    assert hub_id_for("fugumt-ja-en") == "staka/fugumt-ja-en"
    assert hub_id_for("someone/model") == "someone/model"
    assert get_preset("opus-mt-ja-en") == presets["opus-mt-ja-en"]
    assert (ROOT / "pipeline" / "presets.toml").is_file()
    assert "presets.toml" in (ROOT / "pyproject.toml").read_text()  # package data


def test_models_list_offline(tmp_path: Path, marian_model_dir: Path) -> None:
    empty = honyaku(["models", "list"], tmp_path)
    assert empty.returncode == 0, empty.stderr
    assert "opus-mt-ja-en  (default)" in empty.stdout
    assert "hub id:      Helsinki-NLP/opus-mt-ja-en" in empty.stdout
    assert "licence:     CC-BY-4.0" in empty.stdout and "in cache:    no" in empty.stdout
    cache_model(tmp_path / "hub", "Helsinki-NLP/opus-mt-ja-en", marian_model_dir)
    resolved = resolve_model("opus-mt-ja-en", offline=True, hub_cache=tmp_path / "hub")
    fake = convert.converted_path(resolved.identity, "int8", tmp_path / "cache" / "ct2")
    fake.mkdir(parents=True)
    for name in ("model.bin", convert.METADATA_FILE, *convert.TOKENIZER_FILES):
        (fake / name).write_text("x")
    listed = honyaku(["models", "list", "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["opus-mt-ja-en"]["cached"] and rows["opus-mt-ja-en"]["disk_bytes"] > 0
    assert rows["opus-mt-ja-en"]["ctranslate2"] == ["int8"]
    assert not rows["fugumt-ja-en"]["cached"] and rows["fugumt-ja-en"]["ctranslate2"] == []


def test_model_by_preset_name_offline(tmp_path: Path, marian_model_dir: Path) -> None:
    ja, en = "SageMaker概要", "SageMaker Overview"
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: {ja}\n---\n\n{ja}\n", encoding="utf-8")
    args = ["translate", str(post), "--stdout", "--no-cache", "--beams", "1", "--summary", "off"]
    missing = honyaku([*args, "--model", "opus-mt-ja-en"], tmp_path)
    assert missing.returncode == 2
    assert "'Helsinki-NLP/opus-mt-ja-en' is not available" in missing.stderr
    cache_model(tmp_path / "hub", "Helsinki-NLP/opus-mt-ja-en", marian_model_dir)
    by_name = honyaku([*args, "--model", "opus-mt-ja-en"], tmp_path)
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == f"---\ntitle: {en}\n---\n\n{en}\n"


def test_models_download_offline_is_one_line(tmp_path: Path) -> None:
    result = honyaku(["models", "download", "fugumt-ja-en"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "cannot download staka/fugumt-ja-en: HF_HUB_OFFLINE is set" in result.stderr
    unknown = honyaku(["models", "download", "no-such-preset"], tmp_path)
    assert unknown.returncode == 2 and "not a preset" in unknown.stderr
