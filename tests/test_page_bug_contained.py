"""One page's bug never stops the batch (issue 23, point 2): the page gets one line naming the
internal error and the log, the traceback goes to `.honyaku/errors.log`, every other page is
written and recorded, the lock stays whole, and the run exits 70 with the count."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pipeline.settings import Settings
from pipeline.site import batch as site_batch
from pipeline.site.batch import run_batch
from pipeline.site.lock import load_lock
from tests.cli_run import ROOT, run_honyaku
from tests.hugo_sites import BILINGUAL_DIRS
from tests.test_batch import StandIn

PAGES = {
    f"content/ja/post/p{i}.md": f"---\ntitle: 記事{i}\n---\n\n本文{i}です。\n" for i in range(6)
}
BUGGY = "content/ja/post/p2.md"


def make_site(root: Path) -> Path:
    (root / "content/ja").mkdir(parents=True)
    (root / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    for rel, text in PAGES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


class BuggyOnOne(StandIn):
    """A translator with a bug that only one page's text reaches (not bad input: a TypeError)."""

    def __call__(self, text: str, path: Path):
        if path.name == Path(BUGGY).name:
            raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")
        return super().__call__(text, path)


def run(root: Path, translator, **kw) -> tuple[object, str]:
    out = io.StringIO()
    settings = Settings(**kw)
    report = run_batch([root / "content/ja"], settings, translator, identity="t", out=out, err=out)
    return report, out.getvalue()


def check_rest_of_site(root: Path) -> None:
    lock = load_lock(root)
    for rel in PAGES:
        english = root / rel.replace("content/ja", "content/en")
        if rel == BUGGY:
            assert not english.exists()
            continue
        assert english.read_text(encoding="utf-8").endswith("EN\n"), rel
    assert len(lock.entries) == len(PAGES) - 1
    assert all("p2.md" not in key for key in lock.entries)


def test_a_bug_in_the_translator_on_one_page(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    report, text = run(root, BuggyOnOne())
    assert report.exit_code == 70
    [bad] = report.by_status("error")
    assert bad.source == BUGGY
    assert bad.reason.startswith("internal error: unsupported operand")
    assert bad.reason.endswith("details in .honyaku/errors.log")
    assert len(report.by_status("translated")) == len(PAGES) - 1
    assert "1 internal error" in text and "please report it" in text
    log = (root / ".honyaku/errors.log").read_text(encoding="utf-8")
    assert BUGGY in log and "Traceback" in log and "TypeError" in log
    check_rest_of_site(root)
    # The next run translates only what is left, and the lock is whole.
    report, _ = run(root, StandIn())
    assert [f.source for f in report.by_status("translated")] == [BUGGY]
    assert report.exit_code == 0


def test_a_bug_in_the_batch_itself_on_one_page(tmp_path: Path, monkeypatch) -> None:
    """A bug after the translation (here in the per-block base) is contained the same way."""
    root = make_site(tmp_path / "s")
    real = site_batch.full_base

    def broken(japanese: str, english: str, **kw):
        if "本文2" in japanese:
            raise ValueError("zip() argument 2 is longer than argument 1")
        return real(japanese, english, **kw)

    monkeypatch.setattr(site_batch, "full_base", broken)
    report, out = run(root, StandIn(), json_out=True)
    data = json.loads(out)
    assert report.exit_code == 70
    assert data["counts"]["error"] == 1 and data["exit_code"] == 70
    check_rest_of_site(root)


def test_bad_input_is_a_failure_not_a_bug(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    report, _ = run(root, StandIn(fail_on="p3.md"))
    assert report.exit_code == 1 and not report.by_status("error")
    assert not (root / ".honyaku/errors.log").exists()


def test_a_signal_still_stops_the_run(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    with pytest.raises(KeyboardInterrupt):
        run(root, StandIn(interrupt_on=3))
    assert len(load_lock(root).entries) == 2


def test_the_cli_exits_70_with_one_line_per_bad_page(tmp_path: Path) -> None:
    """As a process: the bug is planted by a `sitecustomize` module on PYTHONPATH (honyaku has
    no switch for it)."""
    root = make_site(tmp_path / "s")
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(
        "from pipeline.site import blocks\n"
        "real = blocks.full_base\n"
        "def full_base(ja, en, **kw):\n"
        "    if '本文4' in ja:\n"
        "        raise RuntimeError('planted bug')\n"
        "    return real(ja, en, **kw)\n"
        "import pipeline.site.batch as b\n"
        "b.full_base = full_base\n",
        encoding="utf-8",
    )
    done = run_honyaku(
        ["batch", "content/ja", "--backend", "pseudo"],
        root,
        tmp_path / "cache",
        PYTHONPATH=f"{plant}:{ROOT}",
    )
    assert done.returncode == 70, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "internal error on" in line]
    assert lines == [
        "  internal error on content/ja/post/p4.md: internal error: planted bug — details in "
        ".honyaku/errors.log"
    ]
    assert "5 translated, 1 internal error" in done.stdout
    assert len(load_lock(root).entries) == 5


def test_a_failed_write_is_that_pages_failure(tmp_path: Path, monkeypatch) -> None:
    """ENOSPC (or an immutable folder) on one page's write: that page fails with the OS's
    words, the batch goes on and records the others (issue 26: it raised a TypeError)."""
    from pipeline.site import commit as site_commit

    root = make_site(tmp_path / "s")
    real = site_commit.atomic_write

    def full_disk(path: Path, data) -> None:
        if path.name == "p3.md":
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(site_commit, "atomic_write", full_disk)
    report, _ = run(root, StandIn())
    [failed] = report.by_status("failed")
    assert failed.source == "content/ja/post/p3.md"
    assert "No space left on device" in failed.reason
    assert report.exit_code == 1 and not report.by_status("error")
    assert len(load_lock(root).entries) == len(PAGES) - 1
    assert not (root / "content/en/post/p3.md").exists()
