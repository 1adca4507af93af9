"""Writing one English copy and recording it, together: the entry goes to the journal before the
page replaces the old one, and an interrupt waits until both are done, so whatever stops the run
the next one recognises every page it wrote. An update's conflicts are on disk before the page
changes."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.site.config import SiteError
from pipeline.site.dependencies import with_links
from pipeline.site.files import atomic_write, interrupts_deferred
from pipeline.site.lock import Lock, record, relative_key
from pipeline.site.lock_journal import append_record
from pipeline.site.report import FileResult, one_line
from pipeline.site.resources import copy_bundle_resources, record_resources
from pipeline.site.run_context import Done, Post, ResultOf, Run
from pipeline.site.source_summary import write_source_summary
from pipeline.site.update import Merged, write_conflicts
from pipeline.wording import joined_breaks_note

if TYPE_CHECKING:
    from pipeline.api import PostReport


def commit_update(
    post: Post,
    merged: Merged,
    done: tuple[PostReport, dict[Path, bool]],
    run: Run,
    lock: Lock,
    result: ResultOf,
) -> tuple[FileResult, Lock]:
    report, links = done
    sidecar = ""
    if merged.conflicts:  # the person's words are on disk before the page changes
        try:
            key = relative_key(post.target, run.site.root)
            sidecar = write_conflicts(run.site.root, key, merged.conflicts, post.source.name)
        except OSError as exc:
            why = f"could not keep your English: {one_line(exc)}"
            return result("failed", reason=why), lock
    learn = getattr(run.translate_post, "learn", None)
    if learn is not None and run.settings.learn and merged.learned:
        learn(list(merged.learned))
    return commit(
        post,
        merged.text,
        (merged.base, report, links),
        run,
        lock,
        partial(result, conflict_file=sidecar),
    )


def commit(
    post: Post,
    en_text: str,
    done: Done,
    run: Run,
    lock: Lock,
    result: ResultOf,
) -> tuple[FileResult, Lock]:
    """Write the English copy and record it (with its per-block base and kept sentences)."""
    report = done[1]
    written = en_text.encode("utf-8")
    # The copy and its lock entry land together: the entry goes to the journal before the copy
    # replaces the old page, so whatever stops the run the next one recognises the page, and an
    # interrupt (Ctrl-C, SIGTERM, SIGHUP) waits until both are done.
    with interrupts_deferred():
        try:
            resources = copy_bundle_resources(
                post.source, post.target, en_text, run.site, lock=lock
            )
            new_lock = recorded(post, written, en_text, run, lock, done)
            journal(new_lock, post.target)
            atomic_write(post.target, written)
        except (OSError, SiteError) as exc:  # `result` may hold a reason already: replace it
            return result("failed", reason=one_line(exc)), lock
        lock = new_lock
    filled, note = "", ""
    if run.settings.fill_source_summary and report.source_summary:
        filled, note, lock = write_source_summary(
            post.source, post.data, report.source_summary, post.target, lock
        )
    joined = getattr(report, "hard_breaks_joined", 0)  # stand-in translators may not say
    if joined:
        note = "; ".join(filter(None, (note, joined_breaks_note(joined))))
    return result(
        "partial" if report.partial else "translated",
        sentences=report.sentences_total,
        from_memory=report.from_memory,
        kept=tuple(report.kept),
        flagged=report.flagged,
        resources=tuple(relative_key(r, run.site.root) for r in resources),
        source_summary=filled,
        note=note,
    ), lock


def recorded(post: Post, written: bytes, en_text: str, run: Run, lock: Lock, done: Done) -> Lock:
    """The lock with the page (its per-block base and kept sentences, and the bundle files
    recorded for it) as it is about to be written."""
    base, report, links = done
    lock = record(
        lock, post.source, post.target, run.key, written, __version__, source_bytes=post.data
    )
    key = relative_key(post.target, run.site.root)
    lock = lock.with_entry(replace(lock.entries[key], blocks=tuple(base), kept=tuple(report.kept)))
    lock = with_links(lock, post.target, links, run.site_urls)
    return record_resources(lock, post.source, post.target, en_text, run.site)


def journal(lock: Lock, target: Path) -> None:
    entry = lock.get(target)
    key = relative_key(target, lock.root)
    append_record(lock.root, entry, [r for r in lock.resources.values() if r.page == key])


def adopt(post: Post, written: bytes, run: Run, lock: Lock, done: Done) -> Lock | None:
    """--rebuild-lock: the lock with an unrecorded page recorded when its bytes are what honyaku
    writes now (its own page, from a run whose record was lost); None otherwise."""
    try:
        if post.target.read_bytes() != written:
            return None
    except OSError:
        return None
    return recorded(post, written, written.decode("utf-8"), run, lock, done)
