"""What a batch did, file by file: the result records, the exit code, the JSON and text reports."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from pipeline.crash import EXIT_BUG
from pipeline.wording import count

NOTHING_TO_TRANSLATE = "no Japanese prose or title"

# Skipped pages that ask nothing of anyone: in the text report one line per kind with the count,
# so a partly hand-translated site does not drown the lines that matter (`--verbose` or `--json`
# list them). Each kind: (what the file's `copy` status or reason is, how the line counts them).
QUIET_KINDS = (
    (
        "hand-written",
        (
            "hand-written English page",
            "kept (honyaku replaces them only with --replace-hand-written)",
        ),
    ),
    ("opted-out", ("opted-out page", "skipped (notranslate: true)")),
    (NOTHING_TO_TRANSLATE, ("page", f"skipped: {NOTHING_TO_TRANSLATE}")),
)

STATUSES = ("translated", "partial", "up-to-date", "skipped", "failed", "planned", "error")


@dataclass(frozen=True)
class FileResult:
    source: str  # relative to the site root
    target: str
    status: str  # translated | partial | up-to-date | skipped | failed | planned | error
    reason: str = ""
    sentences: int = 0
    from_memory: int = 0
    kept: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()  # bundle files copied (dry run: to be copied)
    source_summary: str = ""  # the Japanese summary written into the source post
    note: str = ""  # something that did not stop the file but the user should know
    flagged: int = 0  # sentences whose confidence is low: `honyaku review` shows them
    copy: str = ""  # the English copy's status before the run (pipeline.site.status)
    retranslated: int = 0  # update: blocks whose Japanese changed or is new, translated
    edits_kept: int = 0  # update: blocks a person edited, kept (their Japanese did not change)
    conflicts: int = 0  # update: blocks a person edited whose Japanese changed too
    conflict_file: str = ""  # where the person's English of those blocks was kept
    replaced: str = ""  # a person's page this run replaced, kept here (relative to the root)

    def describe(self) -> str:
        """What happened to this copy, in the words of the batch report (for `translate`)."""
        if self.reason == "update":
            return update_line(self).strip()
        if self.replaced:
            return f"replaced {self.target}; the page as it was: {self.replaced}"
        if self.status == "partial":
            kept = "; ".join(self.kept)
            return f"English copy up to date, partly translated ({len(self.kept)} kept: {kept})"
        if self.status == "planned":
            return f"would write {self.target} ({self.reason})"
        if self.status == "up-to-date":
            return "English copy up to date"
        return self.reason or self.status


@dataclass
class BatchReport:
    root: str = ""
    files: list[FileResult] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    error: str = ""
    strict: bool = False
    dry_run: bool = False
    check: bool = False  # --check: exit 1 when an English copy is missing or out of date
    config: list[str] = field(default_factory=list)  # what the site config shows untranslated
    templates: list[str] = field(default_factory=list)  # the site's templates (`templates`)
    verbose: bool = False  # the text report lists every skipped page, not only their counts

    def by_status(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def exit_code(self) -> int:
        if self.error:
            return 2
        if self.by_status("error"):
            return EXIT_BUG
        if self.by_status("failed"):
            return 1
        if self.strict and self.by_status("partial"):
            return 1
        if self.check and self.out_of_date():
            return 1
        return 0

    def quiet_kinds(self) -> dict[str, list[FileResult]]:
        """The skipped pages the text report counts instead of listing, by kind."""
        kinds: dict[str, list[FileResult]] = {}
        for f in self.by_status("skipped"):
            # (a page --rebuild-lock did not adopt is news: it keeps its own line)
            kept = f.copy == "opted-out" or (
                f.copy == "hand-written" and f.reason.startswith("kept ")
            )
            kind = f.copy if kept else f.reason
            if kind in dict(QUIET_KINDS):
                kinds.setdefault(kind, []).append(f)
        return kinds

    def out_of_date(self) -> list[FileResult]:
        """Copies missing or behind their Japanese (what --check fails on)."""
        return [f for f in self.files if f.copy in ("new", "stale", "edited-stale")]

    def to_json(self) -> str:
        data = {
            "root": self.root,
            "exit_code": self.exit_code,
            "error": self.error,
            "dry_run": self.dry_run,
            "check": self.check,
            "counts": {s: len(self.by_status(s)) for s in STATUSES},
            "files": [asdict(f) for f in self.files],
            "orphaned": self.orphaned,
            "config": self.config,
            "templates": self.templates,
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def summary_lines(self) -> list[str]:
        if self.error:
            return [f"error: {self.error}"]
        lines = []
        labels = [
            ("translated", "translated"),
            ("partial", "partly translated"),
            ("up-to-date", "up to date"),
            ("planned", "would translate"),
            ("skipped", "skipped"),
            ("failed", "failed"),
        ]
        parts = [f"{len(self.by_status(s))} {label}" for s, label in labels if self.by_status(s)]
        if self.by_status("error"):
            parts.append(count(len(self.by_status("error")), "internal error"))
        counts = ", ".join(parts)
        lines.append(f"honyaku batch: {counts or 'no posts found'}")
        if self.check:
            stale = self.out_of_date()
            lines.append(
                f"  {count(len(stale), 'English copy', 'English copies')} missing or out of date"
                if stale
                else "  every English copy is up to date"
            )
        lines += [update_line(f) for f in self.files if f.reason == "update"]
        for f in self.by_status("planned"):
            if f.reason != "update":
                lines.append(f"  would write {f.target}  (from {f.source}; {f.reason})")
        verb = "would copy" if self.dry_run else "copied"
        for f in self.files:
            if f.resources:
                which = "changed resources" if f.status == "up-to-date" else "resources"
                lines.append(f"  {verb} {which} of {f.target}: {', '.join(f.resources)}")
            if f.source_summary:
                lines.append(f"  filled the summary of {f.source}: {f.source_summary}")
            if f.note:
                lines.append(f"  note on {f.source}: {f.note}")
        for f in self.by_status("partial"):  # once per post, with what to do about it
            review = f"; {f.flagged} to review: honyaku review {f.source}" if f.flagged else ""
            lines.append(
                f"  partly translated: {f.target} ({count(len(f.kept), 'sentence')} kept{review})"
            )
            lines += [f"    kept in Japanese: {reason}" for reason in f.kept]
        for f in self.files:
            if f.replaced:
                lines.append(f"  replaced {f.target}; the page as it was: {f.replaced}")
        quiet = {} if self.verbose else self.quiet_kinds()
        for f in self.by_status("skipped"):
            if not any(f in group for group in quiet.values()):
                lines.append(f"  skipped {f.source}: {f.reason}")
        for kind, (noun, verb) in QUIET_KINDS:
            if quiet.get(kind):
                number = count(len(quiet[kind]), noun)
                lines.append(f"  {number} {verb}; list: --verbose or --json")
        for f in self.by_status("failed"):
            lines.append(f"  failed {f.source}: {f.reason}")
        for f in self.by_status("error"):
            lines.append(f"  internal error on {f.source}: {f.reason}")
        if self.by_status("error"):
            pages = count(len(self.by_status("error")), "page")
            lines.append(
                f"  {pages} hit a bug in honyaku (every other page was written and recorded); "
                "please report it with the details logged"
            )
        for target in self.orphaned:
            lines.append(f"  orphaned English copy (its source is gone): {target}")
        lines += [
            f"  {count(f.flagged, 'sentence')} to review in {f.target}: honyaku review {f.source}"
            for f in self.files
            if f.flagged and f.status != "partial"
        ]
        if self.config:
            lines.append("  the site config has text honyaku does not translate (edit it by hand):")
            lines += [f"    {line}" for line in self.config]
        lines += [f"  {line}" for line in self.templates]
        return lines


def update_line(f: FileResult) -> str:
    """One line for a copy updated block by block (or, in a dry run, to be)."""
    verb = "would update" if f.status == "planned" else "updated"
    line = (
        f"  {verb} {f.target}: {count(f.retranslated, 'block')} retranslated, "
        f"{count(f.edits_kept, 'edited block')} kept, {count(f.conflicts, 'conflict')}"
    )
    if f.conflict_file:
        line += f" (your English of those blocks: {f.conflict_file})"
    return line


def one_line(exc: BaseException) -> str:
    """An exception as one line of a report."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
