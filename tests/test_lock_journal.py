"""The journal of pending lock entries, the save cadence, and SIGTERM/SIGHUP handled like Ctrl-C."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest

from pipeline.settings import Settings
from pipeline.site import lock_journal
from pipeline.site.batch import run_batch
from pipeline.site.files import Interrupted, atomic_write, interrupts_deferred, sha256_bytes
from pipeline.site.lock import Lock, LockEntry, ResourceEntry, load_lock, save_lock
from pipeline.site.lock_journal import JOURNAL_NAME, append_record
from tests.test_batch import StandIn, make_site


def entry(target: str, written: bytes) -> LockEntry:
    return LockEntry(target, "content/ja/a.md", "s", "k", sha256_bytes(written), "0")


def test_a_journaled_page_is_recognised_without_a_saved_lock(tmp_path: Path) -> None:
    page = tmp_path / "content/en/a.md"
    append_record(tmp_path, entry("content/en/a.md", b"new"))
    atomic_write(page, b"new")  # then killed before the lock was saved
    assert load_lock(tmp_path).entries == {"content/en/a.md": entry("content/en/a.md", b"new")}
    save_lock(load_lock(tmp_path))
    assert not (tmp_path / JOURNAL_NAME).exists()
    assert "content/en/a.md" in load_lock(tmp_path).entries


def test_a_page_never_written_or_changed_since_is_not_taken(tmp_path: Path) -> None:
    append_record(tmp_path, entry("content/en/a.md", b"new"))  # killed before the page landed
    assert load_lock(tmp_path).entries == {}
    atomic_write(tmp_path / "content/en/a.md", b"someone else's")
    assert load_lock(tmp_path).entries == {}


def test_a_record_cut_short_is_ignored(tmp_path: Path) -> None:
    append_record(tmp_path, entry("content/en/a.md", b"one"))
    atomic_write(tmp_path / "content/en/a.md", b"one")
    journal = tmp_path / JOURNAL_NAME
    whole = journal.read_text(encoding="utf-8")
    journal.write_text(whole + whole[: len(whole) // 2], encoding="utf-8")
    assert list(load_lock(tmp_path).entries) == ["content/en/a.md"]


def test_resources_are_taken_when_their_copy_is_on_disk(tmp_path: Path) -> None:
    (tmp_path / "content/en/b").mkdir(parents=True)
    (tmp_path / "content/en/b/fig.png").write_bytes(b"png")
    copied = ResourceEntry(
        "content/en/b/fig.png", "content/ja/b/fig.png", "p", sha256_bytes(b"png")
    )
    missing = ResourceEntry("content/en/b/gone.png", "content/ja/b/gone.png", "p", "0")
    append_record(tmp_path, None, [copied, missing])
    assert load_lock(tmp_path).resources == {copied.target: copied}


def test_lock_saved_at_safe_points_not_after_every_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(tmp_path / "s")
    saves: list[int] = []
    real = lock_journal.save_lock

    def counting(lock: Lock) -> None:
        saves.append(len(lock.entries))
        real(lock)

    monkeypatch.setattr(lock_journal, "save_lock", counting)
    report = run_batch(
        [root / "content/ja"], Settings(quiet=True), StandIn(), out=io.StringIO(), err=io.StringIO()
    )
    assert len(report.by_status("translated")) == 4
    assert saves == [4]  # once, at the end
    assert not (root / JOURNAL_NAME).exists()


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_wait_for_a_deferred_block_then_stop(name: str) -> None:
    signum = getattr(signal, name)
    done = []
    with pytest.raises(Interrupted) as caught, interrupts_deferred():
        os.kill(os.getpid(), signum)
        done.append("the block finished")
    assert done == ["the block finished"]
    assert caught.value.exit_code == 128 + signum
