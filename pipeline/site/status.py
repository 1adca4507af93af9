"""The one status of an English copy, decided in one place for `translate`, `batch`, `--dry-run`,
`--json` and `--check`, from content hashes only (git drops modification times).

| status | meaning |
|---|---|
| new | no English copy yet |
| up-to-date | honyaku wrote it, nobody changed it, its source and settings are the same |
| stale | honyaku wrote it and nobody changed it, but its source, the settings or the site's URLs changed |
| edited | a person changed it since; its source did not change: kept as it is |
| edited-stale | a person changed it and its source changed too: updated block by block |
| hand-written | an English page honyaku never wrote (no lock entry): never touched by default |
| opted-out | the post says `notranslate: true` |
| partial | up to date, but some sentences were left in Japanese (listed on every run) |
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.site.dependencies import written_for_other_urls
from pipeline.site.files import sha256_file
from pipeline.site.lock import Lock, LockEntry, relative_key
from pipeline.site.posts import OPT_OUT_KEY, opted_out
from pipeline.wording import count

Status = Literal[
    "new", "up-to-date", "stale", "edited", "edited-stale", "hand-written", "opted-out", "partial"
]

# What each status means, in the words every report uses.
LABELS: dict[str, str] = {
    "new": "no English copy yet",
    "up-to-date": "English copy up to date",
    "stale": "English copy out of date",
    "edited": "edited by a person; source unchanged: kept",
    "edited-stale": "edited by a person, and its Japanese changed since",
    "hand-written": "an English page honyaku did not write (by hand?)",
    "opted-out": f"opted out ({OPT_OUT_KEY}: true)",
    "partial": "English copy up to date, partly translated",
}

# The translator identity of a `--check` run that has no model: every part of the settings but
# the model's identity is compared.
UNKNOWN_MODEL = "?"
_OPTIONS = "|summary="  # where the options begin in a settings key (`Settings.lock_key`)

SETTINGS_CHANGED = "the settings changed"
# Its links were written for other site URLs (`dependencies`): they may go nowhere now.
SITE_URLS_CHANGED = "the site's URLs changed"

# Statuses `--check` fails on: the English copy is missing or behind its Japanese.
OUT_OF_DATE = frozenset({"new", "stale", "edited-stale"})


@dataclass(frozen=True)
class CopyStatus:
    status: Status
    entry: LockEntry | None = None
    why: str = ""  # stale: what changed (the source, the settings, the source's path)
    # Its links were written for other site URLs (whatever its status; an edited copy keeps
    # them, a copy nobody edited is written whole again).
    other_urls: bool = False
    page: str = ""  # hand-written: the English page Hugo publishes (from the root), not the target

    @property
    def kept(self) -> tuple[str, ...]:
        """The sentences left in Japanese when the copy was written (partial)."""
        return self.entry.kept if self.entry is not None else ()

    def describe(self) -> str:
        label = LABELS[self.status]
        return f"{label} ({self.why})" if self.why else label


def copy_status(
    source: Path,
    target: Path,
    lock: Lock,
    settings_key: str,
    text: str | None = None,
    site_urls: str = "",
    published: Iterable[Path] = (),
) -> CopyStatus:
    """The status of `target`, the English copy of `source`; `text` is the source's text when
    the caller has read it (for the opt-out); `site_urls` the digest of the site's URLs now
    (`dependencies.site_urls_digest`; '' when unknown: not compared). `published` lists every
    page Hugo publishes as the English version of `source` (`english_pages`): one that is not
    `target` and not honyaku's makes the copy hand-written, so honyaku never writes a second
    English page beside it."""
    if text is not None and opted_out(text):
        return CopyStatus("opted-out")
    elsewhere = next((p for p in published if p != target and lock.get(p) is None), None)
    if elsewhere is not None:
        page = relative_key(elsewhere, lock.root)
        return CopyStatus("hand-written", lock.get(target), page=page)
    if not target.exists():
        return CopyStatus("new")
    entry = lock.get(target)
    if entry is None:
        return CopyStatus("hand-written")
    why = _stale_because(entry, source, lock, settings_key)
    other = written_for_other_urls(entry, site_urls)
    # A copy an update wrote with a person's blocks kept is still theirs as much as honyaku's:
    # --force and a settings change must not retranslate it silently.
    if sha256_file(target) != entry.output_sha256:
        return CopyStatus("edited-stale" if why else "edited", entry, why, other)
    if person := sum(1 for b in entry.blocks if b.person):
        kept = f"{count(person, 'block')} a person wrote, kept by the last update"
        return CopyStatus("edited-stale" if why else "edited", entry, why or kept, other)
    if why or other:
        return CopyStatus("stale", entry, why or SITE_URLS_CHANGED, other)
    return CopyStatus("partial" if entry.kept else "up-to-date", entry)


def _stale_because(entry: LockEntry, source: Path, lock: Lock, settings_key: str) -> str:
    if entry.source_sha256 != sha256_file(source):
        return "its Japanese changed"
    if not _same_settings(entry.settings, settings_key):
        return SETTINGS_CHANGED
    if entry.source != relative_key(source, lock.root):
        return "its Japanese post moved"
    return ""


def _same_settings(recorded: str, key: str) -> bool:
    if not key.startswith(UNKNOWN_MODEL + _OPTIONS):
        return recorded == key
    at = recorded.find(_OPTIONS)
    return at >= 0 and recorded[at:] == key[len(UNKNOWN_MODEL) :]


def status_of(source: Path, target: Path, lock: Lock, settings_key: str) -> Status:
    """Just the status word (see `copy_status`)."""
    return copy_status(source, target, lock, settings_key).status
