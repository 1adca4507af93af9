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

import inspect
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from pipeline.site.blocks import full_base
from pipeline.site.commit import adopt, commit, commit_update
from pipeline.site.config import Layout, Site, SiteError, detect_site, find_site_root
from pipeline.site.config_report import config_findings
from pipeline.site.dependencies import (
    Refresh,
    recorded_site_urls,
    refresh_links,
    site_urls_digest,
    stale_links_note,
)
from pipeline.site.english_pages import EnglishPages
from pipeline.site.errors_log import log_internal_error
from pipeline.site.files import interrupts_deferred, sha256_file
from pipeline.site.front_matter_urls import url_editor
from pipeline.site.init import run_files_note
from pipeline.site.keep import cannot_update, has_base, keep_reason, save_replaced
from pipeline.site.links import (
    prefix_front_matter_urls,
    rewrite_anchors,
    rewrite_links_tracked,
    template_link,
    url_prefix_for,
)
from pipeline.site.lock import Lock, load_lock, relative_key
from pipeline.site.lock_check import checked_lock
from pipeline.site.lock_journal import SavePoints, append_record
from pipeline.site.paths import english_path, is_translation_source, safe_output_path
from pipeline.site.permalinks import PageIndex
from pipeline.site.posts import discover, is_japanese, opted_out, orphans, translated_sources
from pipeline.site.preflight import check_content_dirs, check_writable, remove_temporaries
from pipeline.site.progress import Progress, make_progress
from pipeline.site.report import NOTHING_TO_TRANSLATE, BatchReport, FileResult, one_line
from pipeline.site.resources import (
    copy_bundle_resources,
    copy_resources,
    stale_resources,
)
from pipeline.site.run_context import (
    PAGE_ERRORS,
    BatchAbort,
    Post,
    ResultOf,
    Run,
    TranslatePost,
    has_english,
)
from pipeline.site.site_lock import holding_site, run_lock_path
from pipeline.site.status import LABELS, SETTINGS_CHANGED, CopyStatus, Status, copy_status
from pipeline.site.templates import template_notes
from pipeline.site.update import CannotMatch, merge, plan_update
from pipeline.wording import count

if TYPE_CHECKING:
    from pipeline.api import PostReport
    from pipeline.settings import Settings


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
    Holds the site's process lock throughout (unless a dry run); raises SiteBusy with --no-wait.
    """
    out, err = out or sys.stdout, err or sys.stderr
    if settings.check:  # a check writes nothing
        settings = replace(settings, dry_run=True)
    report = BatchReport(
        strict=settings.strict,
        dry_run=settings.dry_run,
        check=settings.check,
        verbose=settings.verbose,
    )
    try:
        site = _open(paths, settings)
        first = not settings.dry_run and not run_lock_path(site.root).exists()
        writer = (
            nullcontext()
            if settings.dry_run
            else holding_site(site.root, wait=not settings.no_wait, err=err)
        )
        with writer:
            _run_site(site, paths, settings, (translate_post, identity, progress, err), report)
        # Once: the run that created the run files says when git would list them.
        note = run_files_note(site.root) if first and not settings.json_out else ""
        if note:
            print(note, file=err, flush=True)
    except SiteError as exc:
        report.error = str(exc)
    _emit(report, settings, out, err)
    return report


def _run_site(
    site: Site,
    paths: Sequence[Path],
    settings: Settings,
    how: tuple[TranslatePost, str, Progress | None, IO[str]],
    report: BatchReport,
) -> None:
    translate_post, identity, progress, err = how
    lock = checked_lock(
        load_lock(site.root, rebuild=settings.rebuild_lock),
        site,
        lambda line: print(line, file=err, flush=True),
    )
    if not settings.dry_run:
        check_writable(site)
        removed = remove_temporaries(site)
        if removed and not (settings.quiet or settings.json_out):
            what = count(len(removed), "temporary file")
            print(f"{site.root}: removed {what} a stopped run left behind", file=err, flush=True)
    report.root = str(site.root)
    report.config = [
        f.line() for f in config_findings(site.root, site.source_lang, site.target_lang)
    ]
    files = discover(paths, site)
    planned = frozenset(translated_sources(files, site))
    pages = PageIndex.build(site, terms=not settings.translate_taxonomies)
    run = Run(
        site, settings, settings.lock_key(identity), planned, translate_post, url_editor(site),
        _takes_unchanged(translate_post), pages, site_urls_digest(site, pages),
        EnglishPages.build(site),
    )  # fmt: skip
    report.templates = template_notes(
        site.root,
        partial(template_link, site=site, has_translation=partial(has_english, run), pages=pages),
    )
    progress = progress or make_progress(
        quiet=settings.quiet, json_out=settings.json_out, stream=err
    )
    progress.start(len(files))
    saves = SavePoints(lock, dry_run=settings.dry_run, rebuild=settings.rebuild_lock)
    try:
        for source in files:
            result, lock = _contained(source, run, lock)
            report.files.append(result)
            progress.advance(result.source, result.status, result.sentences)
            saves.reached(lock)
    except BatchAbort as exc:
        report.error = one_line(exc)
    finally:
        progress.finish()
        saves.final(lock)  # on an interrupt too: what was written is recorded
    report.orphaned = orphans(lock, site, [Path(p) for p in paths])


def _open(paths: Sequence[Path], settings: Settings) -> Site:
    """The one Hugo site all `paths` are in, its content folders checked."""
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
    check_content_dirs(site)
    return site


def _emit(report: BatchReport, settings: Settings, out: IO[str], err: IO[str]) -> None:
    if settings.json_out:
        print(report.to_json(), file=out)
        return
    lines = report.summary_lines()
    if report.error:
        print(lines[0], file=err)
    elif not settings.quiet or report.exit_code:
        print("\n".join(lines), file=out)


def _contained(source: Path, run: Run, lock: Lock) -> tuple[FileResult, Lock]:
    """One page's result, whatever happens while handling it: a bug in honyaku is that page's
    result (its traceback logged), and the lock stays as the last page that finished left it.
    Signals (KeyboardInterrupt and `Interrupted`) and BatchAbort still stop the run."""
    try:
        return _one_file(source, run, lock)
    except BatchAbort:
        raise
    except Exception as exc:  # noqa: BLE001 - one page's bug must not stop the others
        page = relative_key(source, run.site.root)
        where = log_internal_error(run.site.root, page, exc)
        reason = f"internal error: {one_line(exc)} — details in {where}"
        return FileResult(page, "", "error", reason), lock


def _one_file(source: Path, run: Run, lock: Lock) -> tuple[FileResult, Lock]:
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
        return result("skipped", LABELS["opted-out"], copy="opted-out"), lock
    # A page that never had Japanese gets no copy; one whose Japanese is gone (emptied, rewritten
    # in English) still has honyaku's copy, which follows its source like any other.
    if not is_japanese(text) and lock.get(target) is None:
        return result("skipped", NOTHING_TO_TRANSLATE), lock
    try:
        safe_output_path(target, site)
    except SiteError as exc:
        return result("failed", str(exc)), lock
    copy = copy_status(
        source,
        target,
        lock,
        run.key,
        site_urls=run.site_urls,
        published=run.english.of(source, site),
    )
    result = partial(result, copy=copy.status)
    return _act(Post(source, target, data, text), copy, run, lock, result)


def _act(
    post: Post, copy: CopyStatus, run: Run, lock: Lock, result: ResultOf
) -> tuple[FileResult, Lock]:
    """What the copy's status asks for: nothing, keep it, update it, or translate it whole
    (`--force`: every copy honyaku wrote, up to date or not)."""
    status, settings = copy.status, run.settings
    if status in ("up-to-date", "partial") and not settings.force:
        exists = partial(has_english, run)
        job = Refresh(post.source, post.target, run.site, exists, settings.dry_run, run.pages)
        lock, note = refresh_links(job, lock)
        done, lock = _refresh_resources(post.target, run.site, lock, settings.dry_run, result, copy)
        return (replace(done, note=note) if note else done), lock
    shown = relative_key(post.target, run.site.root)
    rebuilding = status == "hand-written" and settings.rebuild_lock  # maybe honyaku's own page
    # An English page under another name (`about.en.md`, a translationKey) is never replaced:
    # writing the target would give Hugo two English versions of the page.
    if status == "hand-written" and (
        copy.page or not (settings.replace_hand_written or rebuilding)
    ):
        return result("skipped", keep_reason(copy, shown)), lock
    # A copy nobody edited is written whole again when the settings changed (every block may
    # read differently) or its links were written for other site URLs (an update would keep
    # them in its unchanged blocks); otherwise only the blocks whose Japanese changed are
    # translated.
    fresh = status == "stale" and (copy.why == SETTINGS_CHANGED or copy.other_urls)
    updatable = status in ("stale", "edited-stale") and has_base(copy.entry)
    if updatable and not (settings.force or fresh):
        return _update(post, copy, run, lock, result)
    if status in ("edited", "edited-stale") and not settings.force:
        stale = stale_links_note(post.target, lock, partial(has_english, run), copy.other_urls)
        return result("skipped", keep_reason(copy, shown) + stale), lock
    if settings.dry_run:
        if rebuilding and not settings.replace_hand_written:
            return result("planned", f"{status}; adopted if it matches a translation now"), lock
        replaces = status in ("edited", "edited-stale", "hand-written")
        planned = _resources_planned(post, run, lock)
        if replaces:
            reason = f"{status}; would replace it"
        else:
            reason = f"stale: {copy.why}" if status == "stale" and copy.why else _forced(status)
        return result("planned", reason, resources=planned), lock
    return _translate(post, status, run, lock, result)


def _resources_planned(post: Post, run: Run, lock: Lock) -> tuple[str, ...]:
    """The bundle files a dry run would copy (the links' targets are the Japanese text's)."""
    try:
        plan = copy_bundle_resources(
            post.source, post.target, post.text, run.site, dry_run=True, lock=lock
        )
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


def _translate(
    post: Post, status: Status, run: Run, lock: Lock, result: ResultOf
) -> tuple[FileResult, Lock]:
    done = _english_of(post, run, result)
    if isinstance(done, FileResult):
        return done, lock
    en_text, report = done
    en_text, links = _site_rewrites(post, en_text, run)
    taxonomies = run.settings.translate_taxonomies
    base = full_base(post.text, en_text, taxonomies=taxonomies)
    if status == "hand-written" and run.settings.rebuild_lock:
        adopted = adopt(post, en_text.encode("utf-8"), run, lock, (base, report, links))
        if adopted is not None:
            return result("up-to-date", "adopted into the lock (--rebuild-lock)"), adopted
        if not run.settings.replace_hand_written:
            reason = "not adopted (--rebuild-lock): differs from a translation now"
            return result("skipped", reason), lock
    replaced = ""
    if status in ("edited", "edited-stale", "hand-written"):
        try:  # a person's page is kept where it can be restored, before it is replaced
            replaced = save_replaced(run.site.root, post.target)
        except OSError as exc:
            return result("failed", f"could not keep a copy of the page: {one_line(exc)}"), lock
    result = partial(result, reason=_forced(status), replaced=replaced)
    return commit(post, en_text, (base, report, links), run, lock, result)


def _forced(status: Status) -> str:
    return f"{status}; --force" if status in ("up-to-date", "partial") else status


def _english_of(
    post: Post, run: Run, result: ResultOf, unchanged: object = None
) -> tuple[str, PostReport] | FileResult:
    """The orchestrator's English for the post (only the changed blocks where it can take an
    update's `unchanged`), or the failed result for bad input."""
    try:
        if unchanged is not None and run.partial_ok:
            return run.translate_post(post.text, post.source, unchanged)
        return run.translate_post(post.text, post.source)
    except PAGE_ERRORS as exc:  # bad input in this page; anything else is a bug (`_contained`)
        return result("failed", one_line(exc))


def _update(
    post: Post, copy: CopyStatus, run: Run, lock: Lock, result: ResultOf
) -> tuple[FileResult, Lock]:
    """Only the blocks whose Japanese changed are translated; a person's edits stay."""
    shown = relative_key(post.target, run.site.root)
    assert copy.entry is not None
    try:
        english = post.target.read_bytes().decode("utf-8")  # its own line ends (CRLF)
        plan = plan_update(
            post.text, english, copy.entry.blocks, taxonomies=run.settings.translate_taxonomies
        )
    except (CannotMatch, OSError, UnicodeDecodeError) as exc:
        return result("skipped", cannot_update(shown, one_line(exc))), lock
    counts = {
        "retranslated": len(plan.retranslate),
        "edits_kept": plan.edits_kept,
        "conflicts": plan.conflicts,
    }
    if run.settings.dry_run:
        return result("planned", "update", **counts), lock
    done = _english_of(post, run, result, plan.unchanged())
    if isinstance(done, FileResult):
        return done, lock
    en_text, report = done
    try:
        fresh, links = _site_rewrites(post, en_text, run)
        merged = merge(plan, fresh)
    except CannotMatch as exc:
        return result("skipped", cannot_update(shown, str(exc))), lock
    result = partial(result, reason="update", **counts)
    if copy.other_urls:
        # Its unchanged blocks keep links written for the old site URLs: the record keeps
        # saying so (a person's copy; its note names them on the next run).
        run = replace(run, site_urls=recorded_site_urls(copy.entry.links))
    return commit_update(post, merged, (report, links), run, lock, result)


def _takes_unchanged(func: TranslatePost) -> bool:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 3 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


def _site_rewrites(post: Post, en_text: str, run: Run) -> tuple[str, dict[Path, bool]]:
    """Anchors to the English headings' IDs, links to English pages, `url` to the English
    prefix; and the pages the links depend on (for the lock)."""
    en_text = rewrite_anchors(post.text, en_text)
    en_text, links = rewrite_links_tracked(
        en_text, post.source, run.site, has_translation=partial(has_english, run), pages=run.pages
    )
    return prefix_front_matter_urls(en_text, url_prefix_for(run.site), run.edit_urls), links


def _refresh_resources(
    target: Path, site: Site, lock: Lock, dry_run: bool, result: ResultOf, copy: CopyStatus
) -> tuple[FileResult, Lock]:
    """An up-to-date page whose recorded bundle resources changed on the Japanese side. A partly
    translated page is listed with its kept sentences on every run."""
    word = "up-to-date"
    if copy.status == "partial":
        result, word = partial(result, kept=copy.kept), "partial"
    plan = stale_resources(target, lock)
    if not plan:
        return result(word), lock
    if dry_run:
        return result(word, resources=tuple(relative_key(p.dest, site.root) for p in plan)), lock
    resources = dict(lock.resources)
    for item in plan:
        key = relative_key(item.dest, site.root)
        resources[key] = replace(resources[key], source_sha256=sha256_file(item.source))
    updated = [resources[relative_key(item.dest, site.root)] for item in plan]
    try:
        with interrupts_deferred():  # journaled first: a copy made is a copy recorded
            append_record(site.root, None, updated)
            copied = copy_resources(plan, site)
    except (OSError, SiteError) as exc:
        return result("failed", f"copying a bundle resource: {one_line(exc)}"), lock
    lock = replace(lock, resources=resources)
    return result(word, resources=tuple(relative_key(p, site.root) for p in copied)), lock
