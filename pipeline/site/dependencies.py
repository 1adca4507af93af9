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

The links also depend on the site's URLs: `baseURL` (host and path), `canonifyURLs`, the
languages' URL prefixes and `permalinks`. The record ends with their digest (`@` and 16 hex
digits). A link written under other URLs is not recognisable as a link into the site any more
(`/~old/post/c/` under `/~new/`), so such a copy cannot be refreshed in place: its status is
stale (`status`) and it is written again. A record without the digest (locks from before it)
reads as before; one whose digest is malformed counts as written for other URLs.
"""

from __future__ import annotations

import hashlib
import re
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
from pipeline.site.site_urls import SiteUrls

_SITE = "@"  # the record's token for the site's URLs
_DIGEST = re.compile(r"[0-9a-f]{16}")
MALFORMED = "?"


def site_urls_digest(site: Site, pages: PageIndex) -> str:
    """The digest of the site's URLs every link honyaku writes depends on."""
    urls = SiteUrls.of(site)
    facts = repr((urls.host, urls.base_path, urls.canonify, urls.prefixes, pages.patterns))
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()[:16]


def encode(seen: Mapping[Path, bool], root: Path, site_urls: str = "") -> str:
    """The record; the site's URLs' digest ends it when any link resolved into the site."""
    items = sorted((relative_key(page, root), has) for page, has in seen.items())
    tokens = [("+" if has else "-") + _escape(key) for key, has in items]
    if tokens and site_urls:
        tokens.append(_SITE + site_urls)
    return " ".join(tokens)


def recorded_site_urls(text: str) -> str:
    """The digest of the site's URLs the links were written for: '' when the record has none
    (a lock from before it), `MALFORMED` when it is not one digest."""
    found = [item[1:] for item in text.split() if item.startswith(_SITE)]
    if not found:
        return ""
    return found[0] if len(found) == 1 and _DIGEST.fullmatch(found[0]) else MALFORMED


def written_for_other_urls(entry: LockEntry, site_urls: str) -> bool:
    """Whether the copy's links were written for other site URLs than `site_urls` (a run's;
    '' when the caller does not know them)."""
    recorded = recorded_site_urls(entry.links)
    return bool(site_urls and recorded and recorded != site_urls)


def decode(text: str) -> dict[str, bool]:
    return {_unescape(item[1:]): item[0] == "+" for item in text.split() if item[:1] in "+-"}


def _escape(key: str) -> str:
    return key.replace("%", "%25").replace(" ", "%20")


def _unescape(key: str) -> str:
    return key.replace("%20", " ").replace("%25", "%")


def with_links(lock: Lock, target: Path, seen: Mapping[Path, bool], site_urls: str) -> Lock:
    """The lock with the copy's dependencies recorded (its entry must be there)."""
    entry = lock.get(target)
    if entry is None:
        return lock
    return lock.with_entry(replace(entry, links=encode(seen, lock.root, site_urls)))


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
    # The copy is up to date, so its links were written for today's site URLs, or for ones
    # a lock from before did not record: the record keeps saying what it said.
    entry = replace(
        entry,
        output_sha256=sha256_bytes(data),
        links=encode(seen, lock.root, recorded_site_urls(entry.links)),
        blocks=rebased(entry.blocks, new),
    )
    with interrupts_deferred():  # journaled first, as every page honyaku writes
        append_record(lock.root, entry)
        if new != text:
            atomic_write(job.target, data)
        lock = lock.with_entry(entry)
    return lock, f"links refreshed ({names})"


OTHER_URLS_NOTE = (
    "; its links were written for other site URLs (baseURL, canonifyURLs, languages or "
    "permalinks changed): fix them, or --force writes it again"
)


def stale_links_note(
    target: Path, lock: Lock, exists: Callable[[Path], bool], other_urls: bool = False
) -> str:
    """For a copy a person edited: which targets changed, or that the site's URLs did (the
    copy's status says, `other_urls`), so they can fix its links."""
    if other_urls:
        return OTHER_URLS_NOTE
    entry = lock.get(target)
    if entry is None or not entry.links:
        return ""
    moved = changed_targets(entry, lock.root, exists)
    return f"; its links to {', '.join(moved)} are out of date" if moved else ""
