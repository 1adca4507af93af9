"""Every page shape goes through every command (issue 23, point 1).

Real sites are full of pages that are not posts: section and home `_index.md` files with only a
title, Wowchemy widget pages, bundles, notices with front matter and no body. Each shape below
goes through `batch`, a second batch (writes nothing), `translate` into the site, the update of
an edited copy, `--rebuild-lock`, `--check`, `--dry-run`, `review` and `inspect`: no command
crashes on any of them, and every Japanese page gets an English copy or a reported reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.site.lock import load_lock
from tests.hugo_sites import BILINGUAL_DIRS

FM = "---\ntitle: 更新のお知らせ\n---"
SHAPES = {
    "content/ja/post/fm-only-no-newline.md": FM,
    "content/ja/post/fm-only.md": FM + "\n",
    "content/ja/post/fm-only-blank-lines.md": FM + "\n\n\n\n",
    "content/ja/post/blank-body.md": FM + "\n   \n\t\n",
    "content/ja/post/no-front-matter.md": "本文だけの記事です。\n",
    "content/ja/post/empty.md": "",
    "content/ja/post/refdefs-only.md": "---\ntitle: 参照だけ\n---\n\n[ふう]: /url\n",
    "content/ja/post/refdefs-only-no-newline.md": "[ふう]: /url",
    "content/ja/post/refdef-title.md": '---\ntitle: 参照\n---\n[ふう]: /url "題名です"\n',
    "content/ja/post/comments-only.md": "---\ntitle: コメント\n---\n\n<!-- メモ：あとで -->\n",
    "content/ja/post/shortcodes-only.md": "---\ntitle: 動画\n---\n\n{{< youtube abc >}}\n",
    "content/ja/post/html-only.md": '---\ntitle: HTML\n---\n\n<div class="x"></div>\n',
    "content/ja/post/draft.md": "---\ntitle: 下書き\ndraft: true\n---\n\n下書きです。\n",
    "content/ja/post/english.md": "---\ntitle: Already English\n---\n\nThis is English.\n",
    "content/ja/post/crlf.md": "---\r\ntitle: 改行\r\n---\r\n\r\nCRLFの記事です。\r\n",
    "content/ja/post/crlf-fm-only.md": "---\r\ntitle: 改行だけ\r\n---\r\n",
    "content/ja/post/toml-only.md": '+++\ntitle = "TOMLだけ"\n+++\n',
    "content/ja/post/json-only.md": '{\n  "title": "JSONだけ"\n}\n',
    "content/ja/post/bom-fm-only.md": "\ufeff---\ntitle: 印付き\n---\n",
    "content/ja/_index.md": "---\ntitle: ホーム\n---\n",
    "content/ja/post/_index.md": "---\ntitle: 記事一覧\n---\n",
    "content/ja/post/leaf/index.md": "---\ntitle: バンドル\n---\n\n![図](img.png)\n",
    "content/ja/post/leaf-fm/index.md": "---\ntitle: バンドルだけ\n---\n",
    "content/ja/branch/_index.md": "---\ntitle: 枝\n---\n\n枝の説明。\n",
    "content/ja/branch/child.md": "---\ntitle: 子\n---\n",
    "content/ja/headless/index.md": "---\ntitle: ヘッドレス\nheadless: true\n---\n",
    "content/ja/headless/part.md": "---\ntitle: 部品\n---\n\n部品です。\n",
}
RESOURCES = {"content/ja/post/leaf/img.png": b"\x89PNG\r\n"}
# Pages with no Japanese at all: no copy, and the report says why.
NOTHING_TO_TRANSLATE = {
    "content/ja/post/empty.md",
    "content/ja/post/english.md",
    "content/ja/post/html-only.md",
}
# Front matter only, or a body a person can add to: the update keeps what they wrote.
EDITED = (
    "content/ja/post/fm-only-no-newline.md",
    "content/ja/post/fm-only.md",
    "content/ja/post/crlf-fm-only.md",
    "content/ja/post/toml-only.md",
    "content/ja/post/json-only.md",
    "content/ja/post/refdefs-only.md",
    "content/ja/branch/child.md",
    "content/ja/post/no-front-matter.md",
    "content/ja/post/refdefs-only-no-newline.md",
    "content/ja/post/crlf.md",
    "content/ja/post/bom-fm-only.md",
    "content/ja/_index.md",
    "content/ja/post/leaf-fm/index.md",
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    (root / "content/ja").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "Site"\n' + BILINGUAL_DIRS, encoding="utf-8")
    for rel, text in SHAPES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))
    for rel, data in RESOURCES.items():
        (root / rel).write_bytes(data)
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def honyaku(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    output = result.stdout + result.stderr
    assert result.exit_code != 70 and "Traceback" not in output, output
    return result.exit_code, output


def english(rel: str) -> str:
    return rel.replace("content/ja/", "content/en/", 1)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".honyaku-run.lock" not in p.name
    }


def test_batch_gives_every_shape_a_copy_or_a_reason(site: Path) -> None:
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--json")
    assert code == 0, output
    results = {f["source"]: f for f in json.loads(output)["files"]}
    assert set(results) == set(SHAPES)
    for rel, f in results.items():
        if rel in NOTHING_TO_TRANSLATE:
            assert f["status"] == "skipped" and f["reason"] == "no Japanese prose or title"
            assert not (site / english(rel)).exists()
        else:
            assert f["status"] == "translated", f
            assert (site / english(rel)).is_file(), rel
    assert (site / "content/en/post/leaf/img.png").read_bytes() == RESOURCES[
        "content/ja/post/leaf/img.png"
    ]
    assert len(load_lock(site).entries) == len(SHAPES) - len(NOTHING_TO_TRANSLATE)
    # The second run writes nothing and calls every copy up to date.
    before = snapshot(site)
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--json")
    counts = json.loads(output)["counts"]
    assert code == 0 and snapshot(site) == before
    assert counts["up-to-date"] == len(SHAPES) - len(NOTHING_TO_TRANSLATE)
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--check")
    assert code == 0 and "every English copy is up to date" in output


def test_translate_into_the_site_and_inspect_take_every_shape(site: Path) -> None:
    for rel in SHAPES:
        code, output = honyaku("translate", rel, "--backend", "pseudo")
        assert code == 0, (rel, output)
        assert (site / english(rel)).is_file() == (rel not in NOTHING_TO_TRANSLATE), rel
        code, output = honyaku("inspect", rel)
        assert code == 0, (rel, output)
    # What translate wrote is what a batch would have: the batch finds it all up to date.
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--json")
    assert json.loads(output)["counts"]["translated"] == 0, output


def test_an_edited_copy_of_every_shape_is_updated_keeping_the_edit(site: Path) -> None:
    honyaku("batch", "content/ja", "--backend", "pseudo")
    added = "\nA paragraph a person added.\n"
    for rel in EDITED:
        with (site / english(rel)).open("a", encoding="utf-8", newline="") as handle:
            handle.write("\n" + added)
        with (site / rel).open("a", encoding="utf-8", newline="") as handle:
            handle.write("\n\n新しい段落です。\n")
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--json")
    assert code == 0, output
    results = {f["source"]: f for f in json.loads(output)["files"]}
    for rel in EDITED:
        assert results[rel]["reason"] == "update", results[rel]
        text = (site / english(rel)).read_text(encoding="utf-8")
        assert "A paragraph a person added." in text, rel
        assert "新しい段落" not in text, rel
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--check")
    assert code == 0, output


def test_rebuild_lock_adopts_every_shape(site: Path) -> None:
    honyaku("batch", "content/ja", "--backend", "pseudo")
    before = snapshot(site)
    entries = load_lock(site).entries
    (site / "honyaku.lock").unlink()
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--rebuild-lock")
    assert code == 0, output
    assert set(load_lock(site).entries) == set(entries)
    after = snapshot(site)
    assert {k: v for k, v in after.items() if k != "honyaku.lock"} == {
        k: v for k, v in before.items() if k != "honyaku.lock"
    }


def test_dry_run_check_and_review_take_every_shape(site: Path) -> None:
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--dry-run", "--json")
    planned = {f["source"] for f in json.loads(output)["files"] if f["status"] == "planned"}
    assert code == 0 and planned == set(SHAPES) - NOTHING_TO_TRANSLATE
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--check")
    assert code == 1 and "missing or out of date" in output
    honyaku("batch", "content/ja", "--backend", "pseudo")
    code, output = honyaku("review", "content/ja", "--backend", "pseudo")
    assert code == 0, output
    assert (site / "honyaku-review.html").is_file()


@pytest.mark.parametrize(
    "rewritten",
    ["", "---\ntitle: About\n---\n\nRewritten in English.\n"],
    ids=["emptied", "english"],
)
def test_a_source_that_lost_its_japanese_still_has_its_copy_follow(
    site: Path, rewritten: str
) -> None:
    """Found by the generated-site test: a translated page emptied or rewritten in English was
    'skipped: no Japanese prose or title', its old translation stayed, and --check said up to
    date. honyaku's copy follows its source like any other (a person's edits by the same rules)."""
    honyaku("batch", "content/ja", "--backend", "pseudo")
    source = site / "content/ja/post/crlf.md"
    source.write_text(rewritten, encoding="utf-8")
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--check")
    assert code == 1 and "1 English copy missing or out of date" in output
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo")
    assert code == 0, output
    assert (site / english("content/ja/post/crlf.md")).read_text(encoding="utf-8") == rewritten
    code, output = honyaku("batch", "content/ja", "--backend", "pseudo", "--check")
    assert code == 0, output
