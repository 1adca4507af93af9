"""Which English copies depend on which other pages having an English version, and refreshing
them when that changes.

A link in an English copy goes to the English page of its target when there is one and to the
Japanese page otherwise, so the copy is only right while each target keeps the state it had when
the copy was written. The lock records that state per copy (`links`: `+path` for a target that
had an English version, `-path` for one that had not, sorted, space-separated, paths relative to
the site root with `%` and spaces escaped). When a run finds a target whose state changed, the
copy's links are rewritten in place: only link URLs change (the rewrite is idempotent on what it
wrote), so nothing else in the page is touched. A copy a person edited is not written; the run
says which of its links are out of date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.site.blocks import rebased
from pipeline.site.config import Site
from pipeline.site.files import atomic_write, interrupts_deferred, sha256_bytes
from pipeline.site.links import HasTranslation, rewrite_links_tracked
from pipeline.site.lock import Lock, LockEntry, relative_key
from pipeline.site.lock_journal import append_record
from pipeline.site.permalinks import PageIndex


def encode(seen: Mapping[Path, bool], root: Path) -> str:
    items = sorted((relative_key(page, root), has) for page, has in seen.items())
    return " ".join(("+" if has else "-") + _escape(key) for key, has in items)


def decode(text: str) -> dict[str, bool]:
    return {_unescape(item[1:]): item[0] == "+" for item in text.split() if item[:1] in "+-"}


def _escape(key: str) -> str:
    return key.replace("%", "%25").replace(" ", "%20")


def _unescape(key: str) -> str:
    return key.replace("%20", " ").replace("%25", "%")


def with_links(lock: Lock, target: Path, seen: Mapping[Path, bool]) -> Lock:
    """The lock with the copy's dependencies recorded (its entry must be there)."""
    entry = lock.get(target)
    if entry is None:
        return lock
    return lock.with_entry(replace(entry, links=encode(seen, lock.root)))


def changed_targets(entry: LockEntry, root: Path, exists: HasTranslation) -> list[str]:
    """Targets (relative paths) whose English version appeared or went since the copy was
    written; a target that is gone altogether counts as having none."""
    out = []
    for key, had in decode(entry.links).items():
        page = root / key
        now = page.is_file() and bool(exists(page))
        if now != had:
            out.append(key)
    return out


@dataclass(frozen=True)
class Refresh:
    """What refreshing one up-to-date copy needs."""

    source: Path
    target: Path
    site: Site
    exists: HasTranslation
    dry_run: bool
    pages: PageIndex | None = None


def refresh_links(job: Refresh, lock: Lock) -> tuple[Lock, str]:
    """Rewrite the copy's links in place when a target it links to gained or lost its English
    version; (the lock, a note for the report, '' when nothing changed)."""
    entry = lock.get(job.target)
    if entry is None or not entry.links:
        return lock, ""
    moved = changed_targets(entry, lock.root, job.exists)
    if not moved:
        return lock, ""
    names = ", ".join(moved)
    if job.dry_run:
        return lock, f"links to refresh ({names})"
    text = job.target.read_bytes().decode("utf-8")  # its own line ends (CRLF)
    new, seen = rewrite_links_tracked(
        text, job.source, job.site, has_translation=job.exists, pages=job.pages
    )
    data = new.encode("utf-8")
    entry = replace(
        entry,
        output_sha256=sha256_bytes(data),
        links=encode(seen, lock.root),
        blocks=rebased(entry.blocks, new),
    )
    with interrupts_deferred():  # journaled first, as every page honyaku writes
        append_record(lock.root, entry)
        if new != text:
            atomic_write(job.target, data)
        lock = lock.with_entry(entry)
    return lock, f"links refreshed ({names})"


def stale_links_note(target: Path, lock: Lock, exists: Callable[[Path], bool]) -> str:
    """For a copy a person edited: which targets changed, so they can fix its links."""
    entry = lock.get(target)
    if entry is None or not entry.links:
        return ""
    moved = changed_targets(entry, lock.root, exists)
    return f"; its links to {', '.join(moved)} are out of date" if moved else ""
