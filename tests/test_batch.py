"""Batch mode with a stand-in translate_post: incremental, safe, reported."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from pipeline import site as hugo
from pipeline.api import PostReport
from pipeline.settings import Settings
from pipeline.site import commit as site_commit
from pipeline.site.batch import BatchAbort, run_batch
from pipeline.site.run_context import PageError
from tests.hugo_sites import BILINGUAL_DIRS

POSTS = {
    "content/ja/post/a.md": '---\ntitle: "一つ目"\n---\n\n最初の記事です。\n',
    "content/ja/post/b.md": '+++\ntitle = "二つ目"\n+++\n\n二番目の記事です。\n',
    "content/ja/post/c/index.md": '---\ntitle: "三つ目"\n---\n\n三番目の記事です。\n',
    "content/ja/post/title-only.md": '---\ntitle: "題名だけ"\n---\n\nSee `code`.\n',
    "content/ja/post/english.md": '---\ntitle: "English"\n---\n\nAlready English.\n',
    "content/ja/post/skip.md": '---\ntitle: "対象外"\nnotranslate: true\n---\n\n翻訳しない。\n',
}

_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60、。]+")


class StandIn:
    """Replaces each run of Japanese with "EN" and counts its calls."""

    def __init__(self, fail_on: str | None = None, interrupt_on: int | None = None) -> None:
        self.calls: list[Path] = []
        self.fail_on = fail_on
        self.interrupt_on = interrupt_on

    def __call__(self, text: str, path: Path) -> tuple[str, PostReport]:
        self.calls.append(path)
        if self.interrupt_on == len(self.calls):
            raise KeyboardInterrupt
        if self.fail_on and path.name == self.fail_on:
            raise PageError(f"{path.name}: malformed YAML front matter (line 2)")
        runs = len(_JA.findall(text))
        return _JA.sub("EN", text), PostReport(sentences_total=runs, translated=runs)


def make_site(root: Path, posts: dict[str, str] = POSTS) -> Path:
    root.mkdir(parents=True)
    (root / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    for rel, text in posts.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def batch(root: Path, tp: StandIn, **kw) -> object:
    kw.setdefault("quiet", True)
    out, err = kw.pop("out", io.StringIO()), kw.pop("err", io.StringIO())
    return run_batch(
        [root / "content/ja"], Settings(**kw), tp, identity="stand-in", out=out, err=err
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_first_run_then_nothing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    tp = StandIn()
    report = batch(root, tp)
    assert report.exit_code == 0
    done = {f.source for f in report.by_status("translated")}
    assert done == {
        "content/ja/post/a.md",
        "content/ja/post/b.md",
        "content/ja/post/c/index.md",
        "content/ja/post/title-only.md",
    }
    skipped = {f.source: f.reason for f in report.by_status("skipped")}
    assert "opted out" in skipped["content/ja/post/skip.md"]
    assert "no Japanese" in skipped["content/ja/post/english.md"]
    assert (root / "content/en/post/c/index.md").read_text() == '---\ntitle: "EN"\n---\n\nEN\n'
    # Stable order: the stand-in saw the files sorted by path.
    assert tp.calls == sorted(tp.calls)
    before = snapshot(root)
    again = StandIn()
    report = batch(root, again)
    assert again.calls == [] and snapshot(root) == before
    assert len(report.by_status("up-to-date")) == 4


def test_fresh_clone_is_up_to_date(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    batch(root, StandIn())
    clone = tmp_path / "clone"
    # A clone has no caches and fresh modification times: only content counts.
    shutil.copytree(root, clone, copy_function=shutil.copy)
    for path in clone.rglob("*"):
        path.touch()
    tp = StandIn()
    report = batch(clone, tp)
    assert tp.calls == [] and len(report.by_status("up-to-date")) == 4


def test_changed_source_is_retranslated(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    batch(root, StandIn())
    (root / "content/ja/post/a.md").write_text('---\ntitle: "一つ目"\n---\n\n書き直した。\n')
    tp = StandIn()
    report = batch(root, tp)
    assert [p.name for p in tp.calls] == ["a.md"]
    # An unedited copy with a per-block base is updated block by block (issue 13).
    done = report.by_status("translated")[0]
    assert (done.copy, done.reason, done.retranslated) == ("stale", "update", 1)


def test_hand_translation_and_edited_copy_survive(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    hand = root / "content/en/post/b.md"
    hand.parent.mkdir(parents=True)
    hand.write_text('+++\ntitle = "Second"\n+++\n\nWritten by a person.\n')
    batch(root, StandIn())
    assert hand.read_text().endswith("Written by a person.\n")
    edited = root / "content/en/post/a.md"
    edited.write_text(edited.read_text() + "\nA note added by hand.\n")
    kept = edited.read_text()
    report = batch(root, StandIn())
    reasons = {f.source: f.reason for f in report.by_status("skipped")}
    # Skip messages name the English file that is kept (issue 13, point 6).
    assert reasons["content/ja/post/b.md"].startswith("kept content/en/post/b.md: ")
    assert "did not write" in reasons["content/ja/post/b.md"]
    assert reasons["content/ja/post/a.md"].startswith("kept content/en/post/a.md: edited")
    assert edited.read_text() == kept and hand.read_text().endswith("by a person.\n")
    # The Japanese changes: the edited copy is updated, the person's added block stays.
    (root / "content/ja/post/a.md").write_text('---\ntitle: "一つ目"\n---\n\n変更した。\n')
    report = batch(root, StandIn())
    assert edited.read_text() == '---\ntitle: "EN"\n---\n\nEN\n\nA note added by hand.\n'
    # --force retranslates what honyaku wrote (the edited page is kept aside), never a person's
    # own page.
    report = batch(root, StandIn(), force=True)
    assert "A note added by hand" not in edited.read_text()
    saved = root / ".honyaku/replaced/content/en/post/a.md"
    assert "A note added by hand" in saved.read_text()
    assert [f.replaced for f in report.files if f.replaced] == [saved.relative_to(root).as_posix()]
    assert hand.read_text().endswith("by a person.\n")


def test_interrupted_batch_continues(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    with pytest.raises(KeyboardInterrupt):
        batch(root, StandIn(interrupt_on=2))
    lock = hugo.load_lock(root)
    assert list(lock.entries) == ["content/en/post/a.md"]
    assert (root / "content/en/post/a.md").exists()
    assert not (root / "content/en/post/b.md").exists()
    assert not [p for p in root.rglob("*") if "honyaku-tmp" in p.name]
    tp = StandIn()
    report = batch(root, tp)
    assert "a.md" not in [p.name for p in tp.calls]
    assert len(report.by_status("translated")) == 3 and report.by_status("up-to-date")


def test_ctrl_c_while_writing_a_copy_waits_for_its_lock_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGINT that arrives between writing an English copy and saving the lock would leave
    a copy the next run takes for a person's; it is held until both are on disk."""
    root = make_site(tmp_path / "s")
    write = hugo.atomic_write

    def write_then_ctrl_c(path: Path, data: bytes | str) -> None:
        write(path, data)
        if path.name == "a.md":
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(site_commit, "atomic_write", write_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        batch(root, StandIn())
    assert list(hugo.load_lock(root).entries) == ["content/en/post/a.md"]
    monkeypatch.setattr(site_commit, "atomic_write", write)
    tp = StandIn()
    report = batch(root, tp)
    assert "a.md" not in [p.name for p in tp.calls]
    assert [f.source for f in report.by_status("up-to-date")] == ["content/ja/post/a.md"]


def test_bad_file_is_reported_and_batch_goes_on(tmp_path: Path) -> None:
    posts = dict(POSTS)
    posts["content/ja/post/sjis.md"] = ""
    root = make_site(tmp_path / "s", posts)
    (root / "content/ja/post/sjis.md").write_bytes("日本語".encode("shift_jis"))
    out = io.StringIO()
    report = run_batch(
        [root / "content/ja"],
        Settings(),
        StandIn(fail_on="b.md"),
        identity="k",
        out=out,
        err=io.StringIO(),
    )
    failed = {f.source: f.reason for f in report.by_status("failed")}
    assert "not UTF-8" in failed["content/ja/post/sjis.md"]
    assert failed["content/ja/post/b.md"] == "b.md: malformed YAML front matter (line 2)"
    assert report.exit_code == 1 and len(report.by_status("translated")) == 3
    assert "failed content/ja/post/b.md: b.md: malformed" in out.getvalue()


def test_partial_is_exit_1_only_when_strict(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"content/ja/a.md": "日本語の文。\n"})

    def partial(text: str, path: Path) -> tuple[str, PostReport]:
        return text, PostReport(1, 0, 0, ["日本語の文。"])

    report = run_batch(
        [root],
        Settings(quiet=True),
        partial,
        identity="k",
        out=io.StringIO(),
        err=io.StringIO(),
    )
    assert report.by_status("partial") and report.exit_code == 0
    (root / "content/ja/a.md").write_text("別の文。\n")
    report = run_batch(
        [root],
        Settings(quiet=True, strict=True),
        partial,
        identity="k",
        out=io.StringIO(),
        err=io.StringIO(),
    )
    assert report.exit_code == 1


def test_abort_and_bad_paths_are_exit_2(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")

    def missing_model(text: str, path: Path) -> tuple[str, PostReport]:
        raise BatchAbort("model Helsinki-NLP/opus-mt-ja-en not found")

    report = batch(root, missing_model)  # type: ignore[arg-type]
    assert report.exit_code == 2 and "not found" in report.error
    err = io.StringIO()
    report = run_batch(
        [tmp_path / "nope"], Settings(), StandIn(), identity="k", err=err, out=io.StringIO()
    )
    assert report.exit_code == 2 and err.getvalue().count("\n") == 1


def test_orphaned_copy_reported(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    batch(root, StandIn())
    (root / "content/ja/post/b.md").unlink()
    report = batch(root, StandIn())
    assert report.orphaned == ["content/en/post/b.md"]
    assert (root / "content/en/post/b.md").exists()


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    before = snapshot(root)
    tp = StandIn()
    out = io.StringIO()
    report = batch(root, tp, dry_run=True, quiet=False, out=out)
    assert tp.calls == [] and snapshot(root) == before
    assert len(report.by_status("planned")) == 4
    assert "would write content/en/post/a.md" in out.getvalue()


def test_symlinked_target_outside_site_is_refused(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "content/en").mkdir()
    (root / "content/en/post").symlink_to(outside, target_is_directory=True)
    report = batch(root, StandIn())
    assert list(outside.iterdir()) == []
    assert all("outside the site root" in f.reason for f in report.by_status("failed"))
    assert len(report.by_status("failed")) == 4 and report.exit_code == 1


def test_json_report(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    out = io.StringIO()
    report = batch(root, StandIn(), json_out=True, quiet=False, out=out)
    data = json.loads(out.getvalue())
    assert data["exit_code"] == report.exit_code == 0
    assert data["counts"]["translated"] == 4 and data["counts"]["skipped"] == 2


def test_plain_progress_lines(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    err = io.StringIO()
    run_batch(
        [root / "content/ja"],
        Settings(),
        StandIn(),
        identity="k",
        out=io.StringIO(),
        err=err,
    )
    lines = err.getvalue().splitlines()
    # Skipped files get no progress line (issue 15: the report lists them; a CI log must not
    # repeat every post): 4 translated of 6.
    assert len(lines) == 4 and lines[0].startswith("[1/6] translated content/ja/post/a.md")
    assert "sentences/s" in lines[0]


def bundle_site(root: Path) -> Path:
    posts = {"content/ja/post/c/index.md": '---\ntitle: "画像"\n---\n\n図です。\n\n![図](a.png)\n'}
    root = make_site(root, posts)
    (root / "content/ja/post/c/a.png").write_bytes(b"\x89PNG one")
    return root


def test_changed_bundle_resource_is_copied_again(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "s")
    ja_png, en_png = root / "content/ja/post/c/a.png", root / "content/en/post/c/a.png"
    report = batch(root, StandIn())
    assert report.files[0].resources == ("content/en/post/c/a.png",)
    entry = hugo.load_lock(root).resource(en_png)
    assert entry is not None and entry.source == "content/ja/post/c/a.png"
    assert entry.page == "content/en/post/c/index.md"
    assert entry.source_sha256 == hugo.sha256_bytes(b"\x89PNG one")

    ja_png.write_bytes(b"\x89PNG two")
    before = snapshot(root)
    out = io.StringIO()
    report = batch(root, StandIn(), dry_run=True, quiet=False, out=out)
    assert snapshot(root) == before and "would copy changed resources" in out.getvalue()
    tp = StandIn()
    report = batch(root, tp)
    assert tp.calls == [] and report.by_status("up-to-date")[0].resources == (
        "content/en/post/c/a.png",
    )
    assert en_png.read_bytes() == b"\x89PNG two"
    assert hugo.load_lock(root).resource(en_png).source_sha256 == hugo.sha256_bytes(b"\x89PNG two")
    settled = snapshot(root)
    report = batch(root, StandIn())
    assert snapshot(root) == settled and report.files[0].resources == ()

    # A copy someone replaced (a localized screenshot) stays, even when the Japanese one changes.
    en_png.write_bytes(b"\x89PNG english")
    ja_png.write_bytes(b"\x89PNG three")
    batch(root, StandIn())
    assert en_png.read_bytes() == b"\x89PNG english"
    # A copy that went missing is copied again.
    en_png.unlink()
    batch(root, StandIn())
    assert en_png.read_bytes() == b"\x89PNG three"


def test_resource_honyaku_did_not_copy_is_kept(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "s")
    en_png = root / "content/en/post/c/a.png"
    en_png.parent.mkdir(parents=True)
    en_png.write_bytes(b"\x89PNG hand-made")
    report = batch(root, StandIn())
    assert report.files[0].resources == () and en_png.read_bytes() == b"\x89PNG hand-made"
    assert hugo.load_lock(root).resources == {}
    (root / "content/ja/post/c/a.png").write_bytes(b"\x89PNG changed")
    batch(root, StandIn())
    assert en_png.read_bytes() == b"\x89PNG hand-made"


def test_report_points_to_review_for_flagged_sentences() -> None:
    from pipeline.site.report import BatchReport, FileResult

    report = BatchReport(root="/site")
    report.files.append(FileResult("content/ja/a.md", "content/en/a.md", "translated", flagged=3))
    report.files.append(FileResult("content/ja/b.md", "content/en/b.md", "translated"))
    lines = report.summary_lines()
    assert "  3 sentences to review in content/en/a.md: honyaku review content/ja/a.md" in lines
    assert not any("b.md" in line for line in lines)
    assert '"flagged": 3' in report.to_json()
