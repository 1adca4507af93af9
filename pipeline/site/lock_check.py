"""What is read from `honyaku.lock` is checked against the site before it is trusted.

The lock is a text file in git: a hand edit or a bad merge can put anything in it. A `[[file]]`
entry must name a target inside a content folder that is not a Japanese post, and a source that
is one; a `[[resource]]` entry must copy from inside a content folder of the site to a
non-Markdown file outside every Japanese content folder, for a page the lock knows. Paths are
relative, without `..`, and stay inside the site once symlinks are resolved (sources may
also lie where a linked Japanese content folder points). A bad entry is
reported by its line and left out; the run goes on (and the next save drops it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from pipeline.site.config import Site
from pipeline.site.lock import LOCK_NAME, Lock, LockEntry, ResourceEntry
from pipeline.site.paths import MARKDOWN_SUFFIXES, _under, is_translation_source

Report = Callable[[str], None]


def checked_lock(lock: Lock, site: Site, report: Report) -> Lock:
    """`lock` without the entries that fail the checks; `report` gets one line for each."""
    entries = {}
    for key, entry in lock.entries.items():
        problem = _file_problem(key, entry, site)
        if problem:
            report(_line(lock, "file", key, problem))
        else:
            entries[key] = entry
    resources = {}
    for key, res in lock.resources.items():
        problem = _resource_problem(key, res, site, entries)
        if problem:
            report(_line(lock, "resource", key, problem))
        else:
            resources[key] = res
    if len(entries) == len(lock.entries) and len(resources) == len(lock.resources):
        return lock
    return replace(lock, entries=entries, resources=resources)


def _line(lock: Lock, kind: str, key: str, problem: str) -> str:
    where = lock.lines.get((kind, key))
    at = f"{LOCK_NAME}:{where}" if where else LOCK_NAME
    return f"{lock.root / at}: [[{kind}]] entry ignored: {problem}"


def _inside(rel: str, site: Site, *, linked_sources: bool = False) -> Path | None:
    """The path a lock-relative path names, when it is relative, has no `..`, and stays inside
    the site with symlinks resolved (or, with `linked_sources`, inside the folder a linked
    Japanese content folder points to: Hugo reads those); else None."""
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or ".." in pure.parts or "\\" in rel:
        return None
    path = site.root / pure
    real = Path(os.path.realpath(path))
    roots = [site.root.resolve()]
    if linked_sources:
        roots += [Path(os.path.realpath(d)) for d in site.source_dirs]
    return path if any(_under(real, r) for r in roots) else None


def _in_content(path: Path, site: Site) -> bool:
    return any(_under(path, d) for lang in site.languages for d in site.content_dirs(lang.code))


def _file_problem(key: str, entry: LockEntry, site: Site) -> str:
    target = _inside(key, site)
    if target is None or key != entry.target:
        return f"target {key!r} is not a path inside the site"
    if not _in_content(target, site):
        return f"target {key!r} is not in a content folder"
    if is_translation_source(target, site):
        return f"target {key!r} is a '{site.source_lang}' post, not a translation"
    source = _inside(entry.source, site, linked_sources=True)
    if source is None:
        return f"source {entry.source!r} is not a path inside the site"
    if not is_translation_source(source, site):
        return f"source {entry.source!r} is not a '{site.source_lang}' post of the site"
    return ""


def _resource_problem(key: str, res: ResourceEntry, site: Site, pages: dict[str, LockEntry]) -> str:
    target = _inside(key, site)
    if target is None or key != res.target:
        return f"target {key!r} is not a path inside the site"
    if target.suffix.lower() in MARKDOWN_SUFFIXES:
        return f"target {key!r} is a Markdown file, not a bundle resource"
    if not _in_content(target, site) or any(_under(target, d) for d in site.source_dirs):
        return f"target {key!r} is not in an English content folder"
    source = _inside(res.source, site, linked_sources=True)
    if source is None or not _in_content(source, site):
        return f"source {res.source!r} is not a file of a content folder of the site"
    if res.page not in pages:
        return f"page {res.page!r} is not an English page in the lock"
    return ""
