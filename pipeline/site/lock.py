"""Provenance: `honyaku.lock`, what honyaku wrote, so re-runs skip unchanged posts and never
overwrite an English copy someone edited."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import tomlkit
import tomlkit.items
from tomlkit.exceptions import TOMLKitError

from pipeline.site.config import SiteError
from pipeline.site.files import atomic_write, sha256_bytes, sha256_file
from pipeline.site.paths import _abs

LOCK_NAME = "honyaku.lock"
LOCK_FORMAT = 1

Status = Literal["new", "up-to-date", "stale", "edited", "foreign"]


@dataclass(frozen=True)
class LockEntry:
    target: str  # posix path relative to the site root; the key
    source: str
    source_sha256: str
    settings: str
    output_sha256: str
    honyaku: str
    # Pages its links resolved to, with whether each had an English version ("+path -path";
    # see `dependencies`). Written only when there are any; older locks have none.
    links: str = ""


@dataclass(frozen=True)
class ResourceEntry:
    """A bundle file honyaku copied into an English bundle."""

    target: str  # the copy, posix path relative to the site root; the key
    source: str  # the Japanese bundle's file
    page: str  # the English page that refers to it
    source_sha256: str  # of the Japanese file when copied (so also of the copy as written)


@dataclass(frozen=True)
class Lock:
    root: Path
    entries: Mapping[str, LockEntry] = field(default_factory=dict)
    resources: Mapping[str, ResourceEntry] = field(default_factory=dict)

    def get(self, target: Path) -> LockEntry | None:
        return self.entries.get(relative_key(target, self.root))

    def resource(self, dest: Path) -> ResourceEntry | None:
        return self.resources.get(relative_key(dest, self.root))

    def with_entry(self, entry: LockEntry) -> Lock:
        return replace(self, entries={**self.entries, entry.target: entry})

    def without(self, target: str) -> Lock:
        return replace(self, entries={k: v for k, v in self.entries.items() if k != target})


def relative_key(path: Path, root: Path) -> str:
    return _abs(path).relative_to(_abs(root)).as_posix()


_HEADER = (
    "honyaku.lock: what honyaku wrote, so re-runs skip unchanged posts and never overwrite",
    "an English copy someone edited. Generated; commit it with the site.",
)


def load_lock(root: Path) -> Lock:
    path = root / LOCK_NAME
    if not path.exists():
        return Lock(root)
    try:
        data = tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
        entries = {}
        for item in data.get("file", []):
            entry = LockEntry(
                **{
                    k: str(item[k])
                    for k in LockEntry.__dataclass_fields__
                    if k in item or k not in _OPTIONAL
                }
            )
            entries[entry.target] = entry
        resources = {}
        # Locks written before resources were recorded have no [[resource]] tables.
        for item in data.get("resource", []):
            res = ResourceEntry(**{k: str(item[k]) for k in ResourceEntry.__dataclass_fields__})
            resources[res.target] = res
    except (TOMLKitError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise SiteError(
            f"{path}: unreadable ({_first_line(exc)}); fix it or delete it "
            "(honyaku then treats existing English copies as hand-written)"
        ) from None
    return Lock(root, entries, resources)


def _first_line(exc: Exception) -> str:
    lines = str(exc).splitlines()
    return lines[0] if lines else type(exc).__name__


def dump_lock(lock: Lock) -> str:
    """The lock as TOML: the header comment, the format, then one `[[file]]` table per English
    copy and one `[[resource]]` table per copied bundle file, each sorted by target.

    Each table is rendered by tomlkit on its own and remembered (entries are frozen), because the
    lock is saved while a run goes on: rendering 1,247 tables anew each time cost ~0.8 s a save.
    The joined text equals tomlkit's rendering of the whole document (tested)."""
    head = tomlkit.document()
    for line in _HEADER:
        head.add(tomlkit.comment(line))
    head.add("format", LOCK_FORMAT)
    parts = [tomlkit.dumps(head)]
    for name, records in (("file", lock.entries), ("resource", lock.resources)):
        parts.extend(_rendered(name, records[key]) for key in sorted(records))
    return "".join(parts)


def dump_lock_whole(lock: Lock) -> str:
    """The same lock rendered by tomlkit as one document (what `dump_lock` must equal)."""
    doc = tomlkit.document()
    for line in _HEADER:
        doc.add(tomlkit.comment(line))
    doc.add("format", LOCK_FORMAT)
    for name, records in (("file", lock.entries), ("resource", lock.resources)):
        if records:
            # Filled before it is added: tomlkit then puts the blank line before each table.
            tables = tomlkit.aot()
            for key in sorted(records):
                tables.append(_table(records[key]))
            doc.add(name, tables)
    return tomlkit.dumps(doc)


@functools.lru_cache(maxsize=65536)
def _rendered(name: str, record: LockEntry | ResourceEntry) -> str:
    """One `[[name]]` table as tomlkit writes it inside the lock (a blank line before it)."""
    doc = tomlkit.document()
    tables = tomlkit.aot()
    tables.append(_table(record))
    doc.add(name, tables)
    return "\n" + tomlkit.dumps(doc)


_OPTIONAL = ("links",)  # left out while empty, so a lock without them reads the same


def _table(record: LockEntry | ResourceEntry) -> tomlkit.items.Table:
    table = tomlkit.table()
    for name in type(record).__dataclass_fields__:
        if name in _OPTIONAL and not getattr(record, name):
            continue
        table.add(name, getattr(record, name))
    return table


def save_lock(lock: Lock) -> None:
    atomic_write(lock.root / LOCK_NAME, dump_lock(lock))


def status_of(source: Path, target: Path, lock: Lock, settings_key: str) -> Status:
    """What a run should do with this pair; decided from content hashes only (git drops mtimes)."""
    if not target.exists():
        return "new"
    entry = lock.get(target)
    if entry is None:
        return "foreign"
    if sha256_file(target) != entry.output_sha256:
        return "edited"
    if (
        entry.source_sha256 != sha256_file(source)
        or entry.settings != settings_key
        or entry.source != relative_key(source, lock.root)
    ):
        return "stale"
    return "up-to-date"


def record(
    lock: Lock,
    source: Path,
    target: Path,
    settings_key: str,
    written: bytes,
    version: str,
    *,
    source_bytes: bytes | None = None,
) -> Lock:
    """The lock with this English copy recorded (not saved; see `save_lock`)."""
    data = source.read_bytes() if source_bytes is None else source_bytes
    entry = LockEntry(
        target=relative_key(target, lock.root),
        source=relative_key(source, lock.root),
        source_sha256=sha256_bytes(data),
        settings=settings_key,
        output_sha256=sha256_bytes(written),
        honyaku=version,
    )
    return lock.with_entry(entry)
