"""`--fill-source-summary`: the one case in which honyaku writes a source post.

Driven through the real CLI (`honyaku batch --backend pseudo`, in-process), so the real
orchestrator computes the Japanese summary and the real front-matter splicer writes it.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import site as hugo
from pipeline.api import PostReport
from pipeline.cli import app
from pipeline.frontmatter import split_front_matter
from pipeline.settings import Settings
from pipeline.site import source_summary
from pipeline.site.batch import run_batch
from tests.hugo_sites import BILINGUAL_DIRS

BODY = (
    "Hugoのサイトを二か国語にする方法をまとめます。\n\n"
    "翻訳はローカルのモデルで行うので、費用はかかりません。\n\n"
    "```python\nprint('コードはそのまま')\n```\n"
)

POSTS: dict[str, bytes] = {
    "yaml.md": (
        '---\ntitle: "題名"\nsummary: ""  # あとで書く\ndraft: false\n---\n\n' + BODY
    ).encode(),
    "yaml-null.md": ("---\ntitle: 題名\nsummary:\ntags: [a]\n---\n\n" + BODY).encode(),
    "toml.md": ("+++\ntitle = \"題名\"\nsummary = ''\ndate = 2024-01-01\n+++\n\n" + BODY).encode(),
    "json.md": ('{\n  "title": "題名",\n  "summary": "",\n  "draft": false\n}\n\n' + BODY).encode(),
    "crlf/index.md": (
        '\ufeff---\r\ntitle: "題名"\r\nsummary: ""\r\n---\r\n\r\n' + BODY.replace("\n", "\r\n")
    ).encode(),
    "written.md": (
        '---\ntitle: "題名"\nsummary: "作者が書いた要約です。"\n---\n\n' + BODY
    ).encode(),
    "no-key.md": ('---\ntitle: "題名"\n---\n\n' + BODY).encode(),
}
FILLED = {"yaml.md", "yaml-null.md", "toml.md", "json.md", "crlf/index.md"}


def make_site(root: Path) -> Path:
    (root / "content/ja/post").mkdir(parents=True)
    (root / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    for rel, data in POSTS.items():
        path = root / "content/ja/post" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))


def honyaku(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["batch", *args, "--backend", "pseudo"])
    return result.exit_code, result.output


def changed_span(old: bytes, new: bytes) -> tuple[bytes, bytes, bytes]:
    """(what came before the change, the old middle, the new middle)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[:start], old[start : len(old) - end], new[start : len(new) - end]


def test_only_the_summary_value_changes(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    (root / "content/ja/post/toml.md").chmod(0o640)
    code, output = honyaku(str(root / "content/ja"), "--fill-source-summary")
    assert code == 0, output
    for rel, old in POSTS.items():
        new = (root / "content/ja/post" / rel).read_bytes()
        if rel not in FILLED:
            assert new == old, rel
            continue
        before, old_mid, new_mid = changed_span(old, new)
        # One stretch of the summary line changed, nothing else (the bytes around it compare
        # equal by construction of changed_span).
        assert b"\n" not in old_mid and b"\r" not in new_mid, rel
        assert before.rsplit(b"\n", 1)[-1].lstrip(b' "').startswith(b"summary"), rel
        old_fm, old_body = split_front_matter(old.decode())
        new_fm, new_body = split_front_matter(new.decode())
        assert (
            new_body == old_body and new_fm.kind == old_fm.kind and new_fm.prefix == old_fm.prefix
        ), rel
        summary = new_fm.data["summary"]
        assert summary.startswith("Hugoのサイトを二か国語にする方法をまとめます。"), rel
        assert "print" not in summary and "\n" not in summary
        assert {k: v for k, v in new_fm.data.items() if k != "summary"} == {
            k: v for k, v in old_fm.data.items() if k != "summary"
        }, rel
        assert f"filled the summary of content/ja/post/{rel}" in output
    crlf = (root / "content/ja/post/crlf/index.md").read_bytes()
    assert crlf.count(b"\n") == crlf.count(b"\r\n") and crlf.startswith("\ufeff".encode())
    assert stat.S_IMODE((root / "content/ja/post/toml.md").stat().st_mode) == 0o640
    assert not [p for p in root.rglob("*") if "honyaku-tmp" in p.name]


def test_second_run_is_up_to_date_and_writes_nothing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    assert honyaku(str(root / "content/ja"), "--fill-source-summary")[0] == 0
    before = snapshot(root)
    lock = hugo.load_lock(root)
    for rel in FILLED:
        entry = lock.get(root / "content/en/post" / rel)
        assert entry is not None
        assert entry.source_sha256 == hugo.sha256_file(root / "content/ja/post" / rel)
    for flag in ("--fill-source-summary", "--no-fill-source-summary"):
        code, output = honyaku(str(root / "content/ja"), flag)
        assert code == 0 and f"{len(POSTS)} up to date" in output, output
        assert snapshot(root) == before


def test_dry_run_and_default_change_no_source(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    before = snapshot(root)
    code, output = honyaku(str(root / "content/ja"), "--fill-source-summary", "--dry-run")
    assert code == 0 and "would write" in output and snapshot(root) == before
    assert honyaku(str(root / "content/ja"))[0] == 0
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k.startswith("content/ja/")} == {
        k: v for k, v in before.items() if k.startswith("content/ja/")
    }
    assert len([k for k in after if k.startswith("content/en/")]) == len(POSTS)


def test_translate_command_fills_the_source(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    post = root / "content/ja/post/yaml.md"
    result = CliRunner().invoke(
        app, ["translate", str(post), "--backend", "pseudo", "--fill-source-summary"]
    )
    assert result.exit_code == 0, result.output
    assert b'summary: "Hugo' in post.read_bytes()
    assert (
        hugo.status_of(
            post,
            root / "content/en/post/yaml.md",
            hugo.load_lock(root),
            hugo.load_lock(root).get(root / "content/en/post/yaml.md").settings,
        )
        == "up-to-date"
    )
    result = CliRunner().invoke(
        app, ["translate", str(post), "--backend", "pseudo", "--stdout", "--fill-source-summary"]
    )
    assert result.exit_code == 2


# --- the batch's guards, with stand-ins -------------------------------------------------------


def stand_in(text: str, path: Path) -> tuple[str, PostReport]:
    return "---\ntitle: EN\n---\n\nEN\n", PostReport(1, 1, source_summary="要約です。")


def run(root: Path, edit) -> object:  # noqa: ANN001 - a fill_empty_summary stand-in
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(source_summary, "fill_empty_summary", edit)
        return run_batch(
            [root / "content/ja"],
            Settings(quiet=True, fill_source_summary=True),
            stand_in,
            identity="k",
            out=io.StringIO(),
            err=io.StringIO(),
        )


def test_an_edit_that_touches_other_text_is_refused(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    before = snapshot(root)

    def sloppy(text: str, summary: str) -> str:
        return text.replace('summary: ""', f'summary: "{summary}"').replace("draft", "Draft")

    report = run(root, sloppy)
    notes = {f.source: f.note for f in report.files}
    assert "would change other text" in notes["content/ja/post/yaml.md"]
    assert snapshot(root)["content/ja/post/yaml.md"] == before["content/ja/post/yaml.md"]
    # Where the sloppy edit happens to touch only the summary, it is written.
    assert not notes["content/ja/post/crlf/index.md"]


def test_symlinked_source_is_not_written(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    real = tmp_path / "elsewhere.md"
    real.write_bytes(POSTS["yaml.md"])
    link = root / "content/ja/post/link.md"
    link.symlink_to(real)
    report = run(root, lambda text, summary: text.replace('""', f'"{summary}"', 1))
    notes = {f.source: f.note for f in report.files}
    assert "symbolic link" in notes["content/ja/post/link.md"]
    assert link.is_symlink() and real.read_bytes() == POSTS["yaml.md"]
    assert os.readlink(link) == str(real)
