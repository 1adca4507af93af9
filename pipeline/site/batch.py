"""Batch mode: every Japanese post of a Hugo site, incrementally, safely, with a report.

The per-file translation is a callable (`translate_post(text, path) -> (english_text, report)`)
supplied by the orchestrator, so up-to-date files never cause a model load and tests can plug in
stand-ins. Everything else comes from the run's `Settings`. Each file's status is decided from
`honyaku.lock` before the callable is called; each written file is recorded in the lock at once,
so an interrupted batch leaves every file old or new and the lock consistent, and a re-run
continues where it stopped.

Opt-out: a post whose front matter has `notranslate: true` (`notranslate = true` in TOML,
`"notranslate": true` in JSON) is skipped.

Bundle resources copied into English bundles are recorded in the lock too, so a Japanese image
that changes is copied again even when its post is up to date.

With `--fill-source-summary` the Japanese summary the orchestrator computed for an empty
`summary` is written into the source post (see `source_summary`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from pipeline import __version__
from pipeline.site.config import Layout, Site, SiteError, detect_site, find_site_root
from pipeline.site.config_report import config_findings
from pipeline.site.files import atomic_write, interrupts_deferred, sha256_file
from pipeline.site.front_matter_urls import url_editor
from pipeline.site.links import (
    prefix_front_matter_urls,
    rewrite_anchors,
    rewrite_links,
    url_prefix_for,
)
from pipeline.site.lock import (
    Lock,
    Status,
    load_lock,
    record,
    relative_key,
    save_lock,
    status_of,
)
from pipeline.site.paths import _abs, english_path, is_translation_source, safe_output_path
from pipeline.site.posts import OPT_OUT_KEY, discover, is_japanese, opted_out, orphans
from pipeline.site.progress import Progress, make_progress
from pipeline.site.report import BatchReport, FileResult, one_line
from pipeline.site.resources import (
    copy_bundle_resources,
    copy_resources,
    record_resources,
    stale_resources,
)
from pipeline.site.source_summary import write_source_summary

if TYPE_CHECKING:
    from pipeline.api import PostReport
    from pipeline.settings import Settings

TranslatePost = Callable[[str, Path], "tuple[str, PostReport]"]
ResultOf = Callable[..., FileResult]  # (status, reason="", **details) for one file


class BatchAbort(Exception):
    """Raised by `translate_post` when no file can succeed (e.g. the model is missing): exit 2."""


@dataclass(frozen=True)
class _Run:
    """What every file of one run shares."""

    site: Site
    settings: Settings
    key: str  # the lock's settings key
    planned: frozenset[Path]  # sources that will have an English version after this run
    translate_post: TranslatePost
    edit_urls: Callable[[str, str], str]


@dataclass(frozen=True)
class _Post:
    source: Path
    target: Path
    data: bytes
    text: str


def run_batch(
    paths: Sequence[Path],
    settings: Settings,
    translate_post: TranslatePost,
    *,
    identity: str = "",
    progress: Progress | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> BatchReport:
    """Translate every Japanese post under `paths` that needs it; see the module docstring.

    `identity` names the translator (model, backend, decoding) for the lock's settings key.
    With `settings.json_out` the JSON report goes to `out`; otherwise, unless quiet, a summary.
    """
    out, err = out or sys.stdout, err or sys.stderr
    report = BatchReport(strict=settings.strict, dry_run=settings.dry_run)
    try:
        site, lock = _open(paths, settings)
    except SiteError as exc:
        report.error = str(exc)
        _emit(report, settings, out, err)
        return report
    report.root = str(site.root)
    report.config = [
        f.line() for f in config_findings(site.root, site.source_lang, site.target_lang)
    ]
    files = discover(paths, site)
    planned = frozenset(_plan(files, site))
    run = _Run(site, settings, settings.lock_key(identity), planned, translate_post, url_editor())
    progress = progress or make_progress(
        quiet=settings.quiet, json_out=settings.json_out, stream=err
    )
    progress.start(len(files))
    try:
        for source in files:
            result, lock = _one_file(source, run, lock)
            report.files.append(result)
            progress.advance(result.source, result.status, result.sentences)
    except BatchAbort as exc:
        report.error = one_line(exc)
    finally:
        progress.finish()
    report.orphaned = orphans(lock, site, [Path(p) for p in paths])
    _emit(report, settings, out, err)
    return report


def _open(paths: Sequence[Path], settings: Settings) -> tuple[Site, Lock]:
    """The one Hugo site all `paths` are in, and its lock."""
    if not paths:
        raise SiteError("no path given")
    for path in paths:
        if not Path(path).exists():
            raise SiteError(f"{path}: no such file or folder")
    site = detect_site(
        Path(paths[0]),
        source_lang=settings.source_lang,
        target_lang=settings.target_lang,
        layout=cast("Layout | None", settings.layout),
    )
    for path in paths[1:]:
        if find_site_root(Path(path)) != site.root:
            raise SiteError(f"{path}: not in the same Hugo site as {paths[0]}")
    return site, load_lock(site.root)


def _emit(report: BatchReport, settings: Settings, out: IO[str], err: IO[str]) -> None:
    if settings.json_out:
        print(report.to_json(), file=out)
        return
    lines = report.summary_lines()
    if report.error:
        print(lines[0], file=err)
    elif not settings.quiet or report.exit_code:
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


def _one_file(source: Path, run: _Run, lock: Lock) -> tuple[FileResult, Lock]:
    site = run.site
    check = is_translation_source(source, site)
    if not check:
        return FileResult(relative_key(source, site.root), "", "skipped", check.reason), lock
    target = english_path(source, site)
    result: ResultOf = partial(
        FileResult, relative_key(source, site.root), relative_key(target, site.root)
    )
    read = _read(source)
    if isinstance(read, str):
        return result("failed", read), lock
    data, text = read
    if opted_out(text):
        return result("skipped", f"opted out ({OPT_OUT_KEY}: true)"), lock
    if not is_japanese(text):
        return result("skipped", "no Japanese prose or title"), lock
    try:
        safe_output_path(target, site)
    except SiteError as exc:
        return result("failed", str(exc)), lock
    status = status_of(source, target, lock, run.key)
    if status == "up-to-date":
        return _refresh_resources(target, site, lock, run.settings.dry_run, result)
    if status in ("edited", "foreign") and not run.settings.force:
        return result("skipped", f"{_kept_because(status)}; kept, use --force to overwrite"), lock
    if run.settings.dry_run:
        return result(
            "planned", status, resources=_resources_planned(source, target, text, run, lock)
        ), lock
    return _translate(_Post(source, target, data, text), status, run, lock, result)


def _resources_planned(
    source: Path, target: Path, text: str, run: _Run, lock: Lock
) -> tuple[str, ...]:
    """The bundle files a dry run would copy (the links' targets are the Japanese text's)."""
    try:
        plan = copy_bundle_resources(source, target, text, run.site, dry_run=True, lock=lock)
    except SiteError:
        return ()  # the real run reports the unsafe destination as a failure
    return tuple(relative_key(p, run.site.root) for p in plan)


def _read(source: Path) -> tuple[bytes, str] | str:
    """The post's bytes and text, or why it cannot be read."""
    try:
        data = source.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start})"
    except OSError as exc:
        return one_line(exc)
    if "\x00" in text:
        return "binary data, not a Markdown text"
    return data, text


def _kept_because(status: Status) -> str:
    if status == "edited":
        return "edited since honyaku wrote it"
    return "an English copy honyaku did not write (hand translation?)"


def _translate(
    post: _Post, status: Status, run: _Run, lock: Lock, result: ResultOf
) -> tuple[FileResult, Lock]:
    try:
        en_text, report = run.translate_post(post.text, post.source)
    except BatchAbort:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return result("failed", one_line(exc)), lock
    en_text = _site_rewrites(post, en_text, run)
    written = en_text.encode("utf-8")
    # The copy and its lock entry land together: a Ctrl-C in between would leave a copy the next
    # run takes for a person's (and keeps), so the interrupt waits until both are saved.
    with interrupts_deferred():
        try:
            resources = copy_bundle_resources(
                post.source, post.target, en_text, run.site, lock=lock
            )
            atomic_write(post.target, written)
        except (OSError, SiteError) as exc:
            return result("failed", one_line(exc)), lock
        lock = record(
            lock, post.source, post.target, run.key, written, __version__, source_bytes=post.data
        )
        lock = record_resources(lock, post.source, post.target, en_text, run.site)
        save_lock(lock)
    filled, note = "", ""
    if run.settings.fill_source_summary and report.source_summary:
        filled, note, lock = write_source_summary(
            post.source, post.data, report.source_summary, post.target, lock
        )
    return result(
        "partial" if report.partial else "translated",
        status,
        sentences=report.sentences_total,
        from_memory=report.from_memory,
        kept=tuple(report.kept),
        flagged=report.flagged,
        resources=tuple(relative_key(r, run.site.root) for r in resources),
        source_summary=filled,
        note=note,
    ), lock


def _site_rewrites(post: _Post, en_text: str, run: _Run) -> str:
    """Anchors to the English headings' IDs, links to English pages, `url` to the English prefix."""

    def translated(page: Path) -> bool:
        return Path(_abs(page)) in run.planned or english_path(page, run.site).exists()

    en_text = rewrite_anchors(post.text, en_text)
    en_text = rewrite_links(en_text, post.source, run.site, has_translation=translated)
    return prefix_front_matter_urls(en_text, url_prefix_for(run.site), run.edit_urls)


def _refresh_resources(
    target: Path, site: Site, lock: Lock, dry_run: bool, result: ResultOf
) -> tuple[FileResult, Lock]:
    """An up-to-date page whose recorded bundle resources changed on the Japanese side."""
    plan = stale_resources(target, lock)
    if not plan:
        return result("up-to-date"), lock
    if dry_run:
        return result(
            "up-to-date", resources=tuple(relative_key(p.dest, site.root) for p in plan)
        ), lock
    try:
        copied = copy_resources(plan, site)
    except (OSError, SiteError) as exc:
        return result("failed", f"copying a bundle resource: {one_line(exc)}"), lock
    resources = dict(lock.resources)
    for item in plan:
        key = relative_key(item.dest, site.root)
        resources[key] = replace(resources[key], source_sha256=sha256_file(item.source))
    lock = replace(lock, resources=resources)
    save_lock(lock)
    return result("up-to-date", resources=tuple(relative_key(p, site.root) for p in copied)), lock
