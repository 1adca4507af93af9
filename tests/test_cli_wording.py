"""What the CLI prints: "1 sentence" (never "1 sentences"), a partly translated post named once
with what to do about it, and progress in a CI log that lists only the files worked on."""

from __future__ import annotations

import io
from pathlib import Path

from pipeline.api import PostReport
from pipeline.inspection import inspect_post
from pipeline.settings import Settings
from pipeline.site.batch import run_batch
from pipeline.site.progress import PlainProgress, make_progress
from pipeline.site.report import BatchReport, FileResult
from tests.test_batch import POSTS, StandIn, make_site
from tests.test_cli import honyaku


def test_one_sentence_is_singular(tmp_path: Path) -> None:
    post = tmp_path / "one.md"
    post.write_text("本文です。\n", encoding="utf-8")
    result = honyaku(["translate", str(post), "--backend", "pseudo", "--stdout"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 sentence:" in result.stderr and "1 sentences" not in result.stderr
    assert PostReport(sentences_total=1).line().startswith("1 sentence:")
    assert PostReport(sentences_total=2).line().startswith("2 sentences:")
    shown = inspect_post("本文です。\n").render()
    assert "1 sentence to translate" in shown and "0 Japanese characters in them" in shown


def test_partial_post_is_named_once_with_its_review() -> None:
    report = BatchReport(
        files=[
            FileResult("ja/a.md", "en/a.md", "partial", kept=("x",), flagged=1),
            FileResult("ja/b.md", "en/b.md", "translated", flagged=2),
        ]
    )
    lines = report.summary_lines()
    about_a = [line for line in lines if "en/a.md" in line]
    assert about_a == [
        "  partly translated: en/a.md (1 sentence kept; 1 to review: honyaku review ja/a.md)"
    ]
    assert "  2 sentences to review in en/b.md: honyaku review ja/b.md" in lines


def test_plain_progress_lists_only_files_worked_on(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    settings = Settings()
    run_batch([root / "content/ja"], settings, StandIn(), identity="k", out=io.StringIO())
    (root / "content/ja/post/a.md").write_text(POSTS["content/ja/post/a.md"] + "\n追記。\n")
    err = io.StringIO()
    run_batch([root / "content/ja"], settings, StandIn(), identity="k", out=io.StringIO(), err=err)
    assert err.getvalue().splitlines() == [
        line for line in err.getvalue().splitlines() if "content/ja/post/a.md" in line
    ]
    assert len(err.getvalue().splitlines()) == 1


def test_non_tty_stream_gets_plain_lines() -> None:
    assert isinstance(
        make_progress(quiet=False, json_out=False, stream=io.StringIO()), PlainProgress
    )
