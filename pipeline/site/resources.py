"""Page bundle resources: the files an English bundle needs copied from the Japanese one."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

from pipeline.site.config import Site
from pipeline.site.files import atomic_write, sha256_bytes, sha256_file
from pipeline.site.lock import Lock, ResourceEntry, relative_key
from pipeline.site.paths import (
    MARKDOWN_SUFFIXES,
    _abs,
    _split_lang_suffix,
    _under,
    safe_output_path,
)

_RESOURCE_REF = re.compile(
    r"""(?:\]\(\s*<?|\bsrc\s*=\s*["']?|\bhref\s*=\s*["']?|\bimage\s*[:=]\s*["']?)"""
    r"""([^\s"'<>()]+)"""
)


def referenced_resources(text: str, bundle: Path) -> list[Path]:
    """Files of the page bundle folder that `text` refers to by a relative path."""
    found = []
    for match in _RESOURCE_REF.finditer(text):
        ref = unquote(match.group(1).split("#")[0].split("?")[0])
        if not ref or ref.startswith(("/", "#")) or "://" in ref or ref.startswith("mailto:"):
            continue
        candidate = _abs(bundle / ref)
        if (
            _under(candidate, bundle)
            and candidate.is_file()
            and candidate.suffix.lower() not in MARKDOWN_SUFFIXES
        ):
            found.append(candidate)
    return sorted(set(found))


def _bundle_page(source: Path, site: Site) -> bool:
    """Leaf/branch bundles (`index.md`, `_index.md`) in content-dir layout carry resources that
    the English page needs copied; in filename layout the English page shares the folder."""
    return site.layout == "content-dir" and _split_lang_suffix(
        source.name, {lang.code for lang in site.languages}
    )[0] in ("index", "_index")


@dataclass(frozen=True)
class ResourceCopy:
    """A bundle file to copy from the Japanese bundle into the English one."""

    source: Path
    dest: Path
    reason: str  # new | changed (the Japanese file changed since honyaku copied it) | missing


def resources_to_copy(
    source: Path, target: Path, en_text: str, site: Site, lock: Lock | None = None
) -> list[ResourceCopy]:
    """The bundle files the English page refers to that must be copied (again).

    A file already in the English bundle is left alone unless the lock says honyaku put it there
    and it is unchanged since: then a Japanese file that changed is copied again. A file there
    that honyaku did not copy, or that someone changed since, is a person's (a localized
    screenshot, say) and stays.
    """
    if not _bundle_page(source, site):
        return []
    plan = []
    for resource in referenced_resources(en_text, source.parent):
        dest = target.parent / resource.relative_to(source.parent)
        reason = _resource_reason(resource, dest, lock)
        if reason:
            plan.append(ResourceCopy(resource, dest, reason))
    return plan


def _resource_reason(resource: Path, dest: Path, lock: Lock | None) -> str:
    entry = lock.resource(dest) if lock is not None else None
    if not dest.exists():
        return "new" if entry is None else "missing"
    if entry is None:
        return ""
    current = sha256_file(resource)
    if current != entry.source_sha256 and sha256_file(dest) == entry.source_sha256:
        return "changed"
    return ""


def stale_resources(target: Path, lock: Lock) -> list[ResourceCopy]:
    """Recorded resources of the English page `target` whose Japanese file changed (or whose
    copy is gone): what an up-to-date page still needs copied."""
    page = relative_key(target, lock.root)
    plan = []
    for entry in sorted(lock.resources.values(), key=lambda e: e.target):
        if entry.page != page:
            continue
        resource, dest = lock.root / entry.source, lock.root / entry.target
        if not resource.is_file():
            continue
        reason = _resource_reason(resource, dest, lock)
        if reason:
            plan.append(ResourceCopy(resource, dest, reason))
    return plan


def copy_resources(plan: Iterable[ResourceCopy], site: Site) -> list[Path]:
    """Copy each planned file atomically with its permissions; the destinations written."""
    copied = []
    for item in plan:
        safe_output_path(item.dest, site)
        atomic_write(item.dest, item.source.read_bytes())
        shutil.copymode(item.source, item.dest)
        copied.append(item.dest)
    return copied


def copy_bundle_resources(
    source: Path,
    target: Path,
    en_text: str,
    site: Site,
    *,
    dry_run: bool = False,
    lock: Lock | None = None,
) -> list[Path]:
    """Copy the bundle files the English page refers to into its bundle where needed (see
    `resources_to_copy`); the destinations copied (or, with `dry_run`, to be copied)."""
    plan = resources_to_copy(source, target, en_text, site, lock)
    if dry_run:
        for item in plan:
            safe_output_path(item.dest, site)
        return [item.dest for item in plan]
    return copy_resources(plan, site)


def record_resources(lock: Lock, source: Path, target: Path, en_text: str, site: Site) -> Lock:
    """The lock with the English page's bundle resources recorded (source hashes at copy time).

    Recorded: every referenced file whose English copy is byte-identical to the Japanese one
    (copied now, or earlier by a version of honyaku that kept no record). Entries of this page
    for files it no longer refers to are dropped.
    """
    page = relative_key(target, lock.root)
    kept = {k: v for k, v in lock.resources.items() if v.page != page}
    if _bundle_page(source, site):
        for resource in referenced_resources(en_text, source.parent):
            dest = target.parent / resource.relative_to(source.parent)
            previous = lock.resource(dest)
            if not dest.is_file():
                continue
            data = resource.read_bytes()
            digest = sha256_bytes(data)
            if dest.read_bytes() == data:
                entry = ResourceEntry(
                    relative_key(dest, lock.root), relative_key(resource, lock.root), page, digest
                )
            elif previous is not None and previous.page == page:
                entry = previous  # someone changed the English copy: keep what honyaku knew
            else:
                continue
            kept[entry.target] = entry
    return replace(lock, resources=kept)
