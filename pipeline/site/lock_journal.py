"""The journal of pending lock entries: what makes a killed run's pages recognisable.

The lock is saved at safe points, not after every post. In between, each English page's entry
is appended here (and flushed to disk) *before* the page replaces the old one, so whatever
stops the run (SIGKILL included) the next run finds every page it wrote: `replay_journal` takes
a journaled entry when the page's bytes hash to what the entry says was written, and drops it
otherwise (the page was never replaced, or someone changed it since). Saving the lock removes
the journal. A record cut short by a kill has no end mark and is ignored.

Each record is a few tables in the lock's own TOML (`[[file]]` and `[[resource]]`), read back
with the lock's own parser, then an end mark.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from pipeline.site.config import SiteError
from pipeline.site.files import sha256_file
from pipeline.site.lock import (
    LOCK_NAME,
    Lock,
    LockEntry,
    ResourceEntry,
    _rendered,
    save_lock,
    tables_of,
)

JOURNAL_NAME = ".honyaku.lock.journal"
_END = "\n# end of record\n"


def journal_path(root: Path) -> Path:
    return root / JOURNAL_NAME


def append_record(
    root: Path, entry: LockEntry | None, resources: Iterable[ResourceEntry] = ()
) -> None:
    """Append one record (the page's entry, with the bundle files recorded for it; or only
    resource entries) and flush it to disk before the caller writes what it describes."""
    parts = [_rendered("file", entry)] if entry is not None else []
    parts.extend(_rendered("resource", res) for res in resources)
    if not parts:
        return
    data = ("".join(parts) + _END).encode("utf-8")
    fd = os.open(journal_path(root), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def clear_journal(root: Path) -> None:
    journal_path(root).unlink(missing_ok=True)


def replay_journal(lock: Lock) -> Lock:
    """`lock` with every complete journal record whose page is on disk as recorded."""
    path = journal_path(lock.root)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return lock
    except OSError:
        return lock  # unreadable: the pages it names are found again by --rebuild-lock
    for chunk in text.split(_END)[:-1]:  # the part after the last end mark is cut short
        try:
            entries, resources = tables_of(tomlkit.parse(chunk).unwrap())
        except (TOMLKitError, KeyError, TypeError, ValueError):
            continue
        lock = _apply(lock, entries, resources)
    return lock


def _apply(lock: Lock, entries: dict[str, LockEntry], resources: dict[str, ResourceEntry]) -> Lock:
    root = lock.root
    for entry in entries.values():
        if not _hashes_to(root / entry.target, entry.output_sha256):
            return lock  # the page was never replaced (or was changed since): nothing happened
        lock = lock.with_entry(entry)
        # The page's bundle files are the ones this record names.
        kept = {k: v for k, v in lock.resources.items() if v.page != entry.target}
        lock = replace(lock, resources=kept)
    copied = {
        key: res
        for key, res in resources.items()
        if _hashes_to(root / res.target, res.source_sha256)
    }
    return replace(lock, resources={**lock.resources, **copied})


def _hashes_to(path: Path, digest: str) -> bool:
    try:
        return path.is_file() and sha256_file(path) == digest
    except OSError:
        return False


class SavePoints:
    """When a run saves its lock: every `posts` changed posts or `seconds`, and at the end.

    Between saves the journal holds what was written, so a lock saved less often loses nothing;
    saving it after every post rewrote (and fsynced) the whole file each time."""

    def __init__(
        self,
        lock: Lock,
        *,
        dry_run: bool = False,
        rebuild: bool = False,
        posts: int = 50,
        seconds: float = 10.0,
    ) -> None:
        # A lock read with a journal folded in, or being rebuilt, differs from the file.
        pending = rebuild or journal_path(lock.root).exists()
        self._saved: Lock | None = None if pending else lock
        self._last: Lock | None = self._saved
        self._dry_run = dry_run
        self._posts, self._seconds = posts, seconds
        self._changed = 0
        self._since = time.monotonic()

    def reached(self, lock: Lock) -> None:
        """After a post: save when enough has changed since the last save."""
        if self._dry_run or lock is self._saved or lock is self._last:
            return
        self._last = lock
        self._changed += 1
        if self._changed >= self._posts or time.monotonic() - self._since >= self._seconds:
            self._save(lock)

    def final(self, lock: Lock) -> None:
        if not self._dry_run and lock is not self._saved:
            self._save(lock)

    def _save(self, lock: Lock) -> None:
        # Folded in first: an interrupt raised as a post's page landed leaves the caller the
        # lock from before that post, while the journal has the post's entry.
        lock = replay_journal(lock)
        try:
            save_lock(lock)
        except OSError as exc:
            raise SiteError(
                f"{lock.root / LOCK_NAME}: cannot save ({exc.strerror or exc}); the pages "
                f"written are listed in {JOURNAL_NAME} and recorded by the next run"
            ) from None
        self._saved, self._changed, self._since = lock, 0, time.monotonic()
