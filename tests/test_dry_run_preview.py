"""A dry run never needs the model, and the pseudo preview gives no false "partly translated":
its marks are not English, so no length check applies to them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pipeline.backends.base import DecodingConfig
from pipeline.settings import Settings
from pipeline.site.batch import run_batch
from tests.cli_run import run_honyaku
from tests.test_batch import POSTS, StandIn, make_site
from tests.test_cli import honyaku

ROOT = Path(__file__).resolve().parents[1]
MODEL = "Helsinki-NLP/opus-mt-ja-en"
# A copy made elsewhere with the default model (not downloaded here) and default settings.
IDENTITY = f"transformers|hub:{MODEL}@0123abc|{DecodingConfig().key()}"


def _offline(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # An empty Hugging Face cache: the model is not here.
    return run_honyaku(args, cwd, cwd / "cache", HF_HOME=str(cwd / "hf"), HF_HUB_OFFLINE="1")


def test_dry_run_without_the_model(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    run_batch([root / "content/ja"], Settings(quiet=True), StandIn(), identity=IDENTITY)
    before = sorted(p.read_bytes() for p in root.rglob("*") if p.is_file())
    changed = next(iter(POSTS))
    with (root / changed).open("a", encoding="utf-8") as post:
        post.write("\n追記です。\n")
    result = _offline(["batch", "content/ja", "--dry-run", "--json"], root)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    statuses = {f["source"]: f["status"] for f in report["files"]}
    assert statuses.pop(changed) == "planned"
    assert set(statuses.values()) == {"up-to-date", "skipped"}  # skipped: opted out, English
    assert "without the model" in result.stderr and len(result.stderr.splitlines()) == 1
    (root / changed).write_text(POSTS[changed], encoding="utf-8")
    assert sorted(p.read_bytes() for p in root.rglob("*") if p.is_file()) == before


def test_dry_run_without_lock_or_model_plans_everything(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    result = _offline(["batch", "content/ja", "--dry-run", "--json"], root)
    assert result.returncode == 0, result.stderr
    statuses = {f["status"] for f in json.loads(result.stdout)["files"]}
    assert "planned" in statuses and "up-to-date" not in statuses
    assert not (root / "content" / "en").exists()


# Kanji-dense sentences: the pseudo marks are far shorter than English would be.
DENSE = (
    "---\ntitle: 東京地域限定運用\n---\n"
    "東京地域限定運用要件下国際的役務提供形態確認困難問題発生状況説明資料作成完了報告。\n\n"
    "散歩中読み上げ機能のためにずっとスマホのアンロックにして手で持っておく必要もない。\n"
)


def test_pseudo_preview_is_not_partly_translated(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/ja/post/dense.md": DENSE})
    result = honyaku(["batch", str(root / "content/ja"), "--backend", "pseudo"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "partly" not in result.stdout + result.stderr
    assert "1 translated" in result.stdout
    english = (root / "content/en/post/dense.md").read_text(encoding="utf-8")
    assert "運用" not in english
