"""Batch mode: every Japanese post of a Hugo site, incrementally, safely, with a report.

The per-file translation is a callable (`translate_post(text, path) -> (english_text, report)`)
supplied by the orchestrator, so up-to-date files never cause a model load and tests can plug in
stand-ins. Each file's status is decided from `honyaku.lock` before the callable is called; each
written file is recorded in the lock at once, so an interrupted batch leaves every file old or new
and the lock consistent, and a re-run continues where it stopped.

Opt-out: a post whose front matter has `notranslate: true` (`notranslate = true` in TOML,
`"notranslate": true` in JSON) is skipped.

Bundle resources copied into English bundles are recorded in the lock too, so a Japanese image
that changes is copied again even when its post is up to date.

`--fill-source-summary` is the one case in which a source post is written: the Japanese summary
the orchestrator computed for an empty `summary` is spliced into the source's front matter by a
callable (`fill_source_summary(text, summary) -> new text or None`), written atomically, and the
lock records the new source hash so the next run does not see the post as changed.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Protocol

from pipeline.site.config import Layout, Site, SiteError, detect_site, find_site_root
from pipeline.site.files import atomic_write, sha256_bytes, sha256_file
from pipeline.site.links import (
    prefix_front_matter_urls,
    rewrite_anchors,
    rewrite_links,
    url_prefix_for,
)
from pipeline.site.lock import Lock, load_lock, record, save_lock, status_of
from pipeline.site.paths import _abs, english_path, is_translation_source, safe_output_path
from pipeline.site.posts import OPT_OUT_KEY, _rel, discover, is_japanese, opted_out, orphans
from pipeline.site.progress import Progress, make_progress
from pipeline.site.report import BatchReport, FileResult
from pipeline.site.resources import (
    copy_bundle_resources,
    copy_resources,
    record_resources,
    stale_resources,
)


class PostReport(Protocol):
    """What the orchestrator reports for one post (the batch only reads these)."""

    sentences_total: int
    translated: int
    from_memory: int
    kept: list[str]
    partial: bool
    source_summary: str | None  # a Japanese summary for the source's empty `summary`


@dataclass(frozen=True)
class SimplePostReport:
    sentences_total: int = 0
    translated: int = 0
    from_memory: int = 0
    kept: list[str] = field(default_factory=list)
    partial: bool = False
    source_summary: str | None = None


TranslatePost = Callable[[str, Path], tuple[str, PostReport]]
FrontMatterUrlEdit = Callable[[str, str], str]
# (source text, Japanese summary) -> the source text with its empty `summary` filled, or None
# when there is no empty summary to fill; raises ValueError when the front matter cannot be edited.
SourceSummaryEdit = Callable[[str, str], str | None]


class BatchAbort(Exception):
    """Raised by `translate_post` when no file can succeed (e.g. the model is missing): exit 2."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def run_batch(
    paths: Sequence[Path],
    *,
    translate_post: TranslatePost,
    settings_key: str,
    force: bool = False,
    dry_run: bool = False,
    quiet: bool = False,
    json_out: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    target_lang: str = "en",
    source_lang: str | None = None,
    layout: Layout | None = None,
    version: str = "0.1.0",
    front_matter_urls: FrontMatterUrlEdit | None = None,
    fill_source_summary: SourceSummaryEdit | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> BatchReport:
    """Translate every Japanese post under `paths` that needs it; see the module docstring.

    `front_matter_urls(text, prefix)` gives `url`/`aliases` the English prefix (the
    front-matter module's splicer); without it they are left as they are.
    `fill_source_summary` (the `--fill-source-summary` option) writes the Japanese summary of a
    translated post into its source's empty `summary`; without it sources are never written.
    With `json_out` the JSON report goes to `out`; otherwise, unless `quiet`, a summary does.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    report = BatchReport(strict=strict, dry_run=dry_run)
    try:
        if not paths:
            raise SiteError("no path given")
        for path in paths:
            if not Path(path).exists():
                raise SiteError(f"{path}: no such file or folder")
        site = detect_site(
            Path(paths[0]), source_lang=source_lang, target_lang=target_lang, layout=layout
        )
        for path in paths[1:]:
            if find_site_root(Path(path)) != site.root:
                raise SiteError(f"{path}: not in the same Hugo site as {paths[0]}")
        lock = load_lock(site.root)
    except SiteError as exc:
        report.error = str(exc)
        _emit(report, out, err, quiet=quiet, json_out=json_out)
        return report
    report.root = str(site.root)
    files = discover(paths, site)
    progress = progress or make_progress(quiet=quiet, json_out=json_out, stream=err)
    planned = _plan(files, site)
    progress.start(len(files))
    try:
        for source in files:
            result, lock = _one_file(
                source,
                site,
                lock,
                planned,
                translate_post=translate_post,
                settings_key=settings_key,
                force=force,
                dry_run=dry_run,
                version=version,
                front_matter_urls=front_matter_urls,
                fill_source_summary=fill_source_summary,
            )
            report.files.append(result)
            progress.advance(result.source, result.status, result.sentences)
    except BatchAbort as exc:
        report.error = _one_line(exc)
    finally:
        progress.finish()
    report.orphaned = orphans(lock, site, [Path(p) for p in paths])
    _emit(report, out, err, quiet=quiet, json_out=json_out)
    return report


def _emit(report: BatchReport, out: IO[str], err: IO[str], *, quiet: bool, json_out: bool) -> None:
    if json_out:
        print(report.to_json(), file=out)
        return
    lines = report.summary_lines()
    if report.error:
        print(lines[0], file=err)
    elif not quiet or report.exit_code:
        print("\n".join(lines), file=out)


def _plan(files: Iterable[Path], site: Site) -> set[Path]:
    """Sources that will have an English version after this run (for link rewriting)."""
    planned = set()
    for path in files:
        if not is_translation_source(path, site):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if is_japanese(text) and not opted_out(text):
            planned.add(path)
    return planned


def _one_file(
    source: Path,
    site: Site,
    lock: Lock,
    planned: set[Path],
    *,
    translate_post: TranslatePost,
    settings_key: str,
    force: bool,
    dry_run: bool,
    version: str,
    front_matter_urls: FrontMatterUrlEdit | None,
    fill_source_summary: SourceSummaryEdit | None = None,
) -> tuple[FileResult, Lock]:
    rel = _rel(source, site)
    check = is_translation_source(source, site)
    if not check:
        return FileResult(rel, "", "skipped", check.reason), lock
    target = english_path(source, site)
    rel_target = _rel(target, site)

    def result(status: str, reason: str = "", **extra: object) -> FileResult:
        return FileResult(rel, rel_target, status, reason, **extra)  # type: ignore[arg-type]

    try:
        data = source.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return result("failed", f"not UTF-8 text (byte {exc.start})"), lock
    except OSError as exc:
        return result("failed", _one_line(exc)), lock
    if "\x00" in text:
        return result("failed", "binary data, not a Markdown text"), lock
    if opted_out(text):
        return result("skipped", f"opted out ({OPT_OUT_KEY}: true)"), lock
    if not is_japanese(text):
        return result("skipped", "no Japanese prose or title"), lock
    try:
        safe_output_path(target, site)
    except SiteError as exc:
        return result("failed", str(exc)), lock
    status = status_of(source, target, lock, settings_key)
    if status == "up-to-date":
        return _refresh_resources(target, site, lock, dry_run, result)
    if status in ("edited", "foreign") and not force:
        why = (
            "edited since honyaku wrote it"
            if status == "edited"
            else "an English copy honyaku did not write (hand translation?)"
        )
        return result("skipped", f"{why}; kept, use --force to overwrite"), lock
    if dry_run:
        return result("planned", status), lock

    try:
        en_text, post = translate_post(text, source)
    except BatchAbort:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return result("failed", _one_line(exc)), lock

    def translated(page: Path) -> bool:
        return Path(_abs(page)) in planned or english_path(page, site).exists()

    en_text = rewrite_anchors(text, en_text)
    en_text = rewrite_links(en_text, source, site, has_translation=translated)
    if front_matter_urls is not None:
        en_text = prefix_front_matter_urls(en_text, url_prefix_for(site), front_matter_urls)
    written = en_text.encode("utf-8")
    # The copy and its lock entry land together: a Ctrl-C in between would leave a copy the next
    # run takes for a person's (and keeps), so the interrupt waits until both are saved.
    with _interrupts_deferred():
        try:
            resources = copy_bundle_resources(source, target, en_text, site, lock=lock)
            atomic_write(target, written)
        except (OSError, SiteError) as exc:
            return result("failed", _one_line(exc)), lock
        lock = record(lock, source, target, settings_key, written, version, source_bytes=data)
        lock = record_resources(lock, source, target, en_text, site)
        save_lock(lock)
    filled, note = "", ""
    summary = getattr(post, "source_summary", None)
    if fill_source_summary is not None and summary:
        filled, note, lock = _fill_source(source, data, summary, target, lock, fill_source_summary)
    return result(
        "partial" if post.partial else "translated",
        status,
        sentences=post.sentences_total,
        from_memory=post.from_memory,
        kept=tuple(post.kept),
        resources=tuple(_rel(r, site) for r in resources),
        source_summary=filled,
        note=note,
    ), lock


def _refresh_resources(
    target: Path, site: Site, lock: Lock, dry_run: bool, result: Callable[..., FileResult]
) -> tuple[FileResult, Lock]:
    """An up-to-date page whose recorded bundle resources changed on the Japanese side."""
    plan = stale_resources(target, lock)
    if not plan:
        return result("up-to-date"), lock
    if dry_run:
        return result("up-to-date", resources=tuple(_rel(p.dest, site) for p in plan)), lock
    try:
        copied = copy_resources(plan, site)
    except (OSError, SiteError) as exc:
        return result("failed", f"copying a bundle resource: {_one_line(exc)}"), lock
    resources = dict(lock.resources)
    for item in plan:
        key = _rel(item.dest, site)
        resources[key] = replace(resources[key], source_sha256=sha256_file(item.source))
    lock = replace(lock, resources=resources)
    save_lock(lock)
    return result("up-to-date", resources=tuple(_rel(p, site) for p in copied)), lock


def _only_summary_changed(old: str, new: str) -> bool:
    """True when `new` is `old` with one stretch of one line, the `summary` line, replaced."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    line_start = old.rfind("\n", 0, start) + 1
    line_end = old.find("\n", start)
    line = old[line_start : len(old) if line_end < 0 else line_end]
    return (
        "\n" not in old[start : len(old) - end]
        and re.match(r"""\s*["']?summary["']?\s*[:=]""", line, re.I) is not None
    )


def _fill_source(
    source: Path, data: bytes, summary: str, target: Path, lock: Lock, edit: SourceSummaryEdit
) -> tuple[str, str, Lock]:
    """Write `summary` into the source post's empty `summary`: (summary written, note, lock).

    Only the summary value's bytes change; the write is atomic and keeps the file's mode; the
    lock then records the new source hash, so the post stays up to date. The English copy was
    saved and recorded first: an interruption here leaves the post merely looking changed.
    """
    if source.is_symlink():
        return "", "summary not written into the source: it is a symbolic link", lock
    try:
        text = data.decode("utf-8")
        new_text = edit(text, summary)
    except ValueError as exc:
        return "", f"summary not written into the source: {_one_line(exc)}", lock
    if new_text is None or new_text == text:
        return "", "", lock
    if not _only_summary_changed(text, new_text):
        return "", "summary not written into the source: the edit would change other text", lock
    new_data = new_text.encode("utf-8")
    try:
        if source.read_bytes() != data:
            return "", "summary not written into the source: it changed during the run", lock
    except OSError as exc:
        return "", f"summary not written into the source: {_one_line(exc)}", lock
    with _interrupts_deferred():  # the source and its recorded hash change together
        try:
            atomic_write(source, new_data)
        except OSError as exc:
            return "", f"summary not written into the source: {_one_line(exc)}", lock
        entry = lock.get(target)
        if entry is not None:
            lock = lock.with_entry(replace(entry, source_sha256=sha256_bytes(new_data)))
            save_lock(lock)
    return summary, "", lock


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) until the block is done, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt
