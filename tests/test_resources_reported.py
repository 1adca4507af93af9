"""Page-bundle files honyaku copies (or, in a dry run, would copy) are reported: in the text
summary and in `--json`, for the run that copies them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_batch import make_site
from tests.test_cli import honyaku

POST = '---\ntitle: "画像"\n---\n\n図です。\n\n![図](a.png)\n'
COPY = "content/en/post/c/a.png"


def _site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", {"content/ja/post/c/index.md": POST})
    (root / "content/ja/post/c/a.png").write_bytes(b"\x89PNG one")
    return root


def _batch(root: Path, *extra: str) -> str:
    result = honyaku(["batch", str(root / "content/ja"), "--backend", "pseudo", *extra], root)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_dry_run_json_lists_the_resources_it_would_copy(tmp_path: Path) -> None:
    root = _site(tmp_path)
    (entry,) = json.loads(_batch(root, "--dry-run", "--json"))["files"]
    assert entry["status"] == "planned" and entry["resources"] == [COPY]
    assert f"would copy resources of content/en/post/c/index.md: {COPY}" in _batch(
        root, "--dry-run"
    )
    assert not (root / COPY).exists()


def test_summary_lists_the_resources_copied(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert f"copied resources of content/en/post/c/index.md: {COPY}" in _batch(root)
    assert (root / COPY).read_bytes() == b"\x89PNG one"
    (entry,) = json.loads(_batch(root, "--json"))["files"]
    assert entry["status"] == "up-to-date" and entry["resources"] == []  # nothing copied now
