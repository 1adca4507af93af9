"""Provenance: `honyaku.lock`, what honyaku wrote, so re-runs skip unchanged posts and never
overwrite an English copy someone edited."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, replace
from pathlib import Path

import tomlkit
import tomlkit.items
from tomlkit.exceptions import TOMLKitError

from pipeline.site.config import SiteError
from pipeline.site.files import atomic_write, sha256_bytes
from pipeline.site.paths import _abs

LOCK_NAME = "honyaku.lock"
LOCK_FORMAT = 1


@dataclass(frozen=True)
class BlockBase:
    """One block of an English copy as honyaku wrote it: short hashes of its Japanese and of its
    English (see `pipeline.site.blocks`). `source` is "" for a block a person added (no Japanese),
    `english` "" for one a person deleted; `person` marks English a person wrote (kept by an
    update; written `*` after the hash); `key` names a front-matter field ("" for the body)."""

    source: str
    english: str
    key: str = ""
    person: bool = False

    def dump(self) -> str:
        english = (self.english or "-") + ("*" if self.person else "")
        return " ".join(part for part in (self.source or "-", english, self.key) if part)

    @classmethod
    def parse(cls, text: str) -> BlockBase:
        source, english, *rest = str(text).split(" ", 2)
        person = english.endswith("*")
        english = english.rstrip("*")
        return cls(
            "" if source == "-" else source,
            "" if english == "-" else english,
            rest[0] if rest else "",
            person=person,
        )


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
    # Per-block base for updates that keep a person's edits; empty in locks from before it.
    blocks: tuple[BlockBase, ...] = ()
    kept: tuple[str, ...] = ()  # sentences left in Japanese when it was written (partly translated)


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
    # (kind, target) -> line of its [[kind]] table in the file read; only for reporting.
    lines: Mapping[tuple[str, str], int] = field(default_factory=dict, compare=False)

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


# A lock cut short exactly between two tables is still valid TOML, with entries missing (their
# pages would look hand-written). A lock whose header announces the end mark must hold it; older
# locks, without the announcement, are read as before.
_END_NOTICE = "Its last line is the end mark: a lock without it was cut short."
_HEADER = (
    "honyaku.lock: what honyaku wrote, so re-runs skip unchanged posts and never overwrite",
    "an English copy someone edited. Generated; commit it with the site.",
    _END_NOTICE,
)
_END_MARK = "# end of honyaku.lock"
# Anywhere, not only last: tables a person appended after it are not a lock cut short.
_END_LINE = re.compile(rf"^{re.escape(_END_MARK)}[ \t\r]*$", re.M)


def load_lock(root: Path, *, rebuild: bool = False) -> Lock:
    """The site's lock with the journal of a run that was killed folded in (`lock_journal`).

    An empty or unreadable lock is an error (it would make every English copy look
    hand-written); with `rebuild` (`--rebuild-lock`) it counts as empty instead and is replaced
    when the run saves. Entries are not checked against the site here: see `lock_check`."""
    from pipeline.site.lock_journal import replay_journal

    path = root / LOCK_NAME
    try:
        lock = _read_lock(root, path)
    except SiteError:
        if not rebuild:
            raise
        lock = Lock(root)
    return replay_journal(lock)


def _read_lock(root: Path, path: Path) -> Lock:
    if not path.exists():
        return Lock(root)
    try:
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            raise SiteError(
                f"{path}: empty (truncated?); restore it from git, or pass --rebuild-lock to "
                "rebuild it from the English pages"
            )
        if f"# {_END_NOTICE}" in text and not _END_LINE.search(text):
            raise SiteError(
                f"{path}: cut short (its end mark, '{_END_MARK}', is missing); restore it from "
                "git, or pass --rebuild-lock to rebuild it from the English pages"
            )
        data = tomlkit.parse(text).unwrap()
        if int(data.get("format", LOCK_FORMAT)) > LOCK_FORMAT:
            raise SiteError(f"{path}: written by a newer honyaku (format {data['format']})")
        entries, resources = tables_of(data)
    except (TOMLKitError, KeyError, TypeError, ValueError, UnicodeDecodeError, OSError) as exc:
        raise SiteError(
            f"{path}: unreadable ({_first_line(exc)}); restore it from git, or pass "
            "--rebuild-lock to rebuild it from the English pages"
        ) from None
    return Lock(root, entries, resources, lines=_table_lines(text, data))


def tables_of(data: Mapping) -> tuple[dict[str, LockEntry], dict[str, ResourceEntry]]:
    """The `[[file]]` and `[[resource]]` tables of a parsed lock (or journal record), by target."""
    entries = {}
    for item in data.get("file", []):
        entry = _entry(item)
        entries[entry.target] = entry
    resources = {}
    # Locks written before resources were recorded have no [[resource]] tables.
    for item in data.get("resource", []):
        res = ResourceEntry(**{k: str(item[k]) for k in ResourceEntry.__dataclass_fields__})
        resources[res.target] = res
    return entries, resources


_TABLE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*(file|resource)[ \t]*\]\]", re.M)


def _table_lines(text: str, data: Mapping) -> dict[tuple[str, str], int]:
    """(kind, target) -> the line of its `[[kind]]` table, for reporting a bad entry by line."""
    starts: dict[str, list[int]] = {"file": [], "resource": []}
    line, counted = 1, 0
    for match in _TABLE_HEADER.finditer(text):
        line += text.count("\n", counted, match.start())  # counted once: linear in the lock
        counted = match.start()
        starts[match.group(1)].append(line)
    lines = {}
    for kind, found in starts.items():
        for item, line in zip(data.get(kind, []), found, strict=False):
            lines[(kind, str(item.get("target", "")))] = line
    return lines


_LISTS = ("blocks", "kept")  # LockEntry fields stored as arrays, left out when empty


def _entry(item: Mapping) -> LockEntry:
    """One `[[file]]` table; fields added later (with defaults) may be absent from old locks."""
    fields = LockEntry.__dataclass_fields__.values()
    values: dict = {
        f.name: str(item[f.name])
        for f in fields
        if f.name not in _LISTS and (f.name in item or f.default is MISSING)
    }
    values["blocks"] = tuple(BlockBase.parse(b) for b in item.get("blocks", ()))
    values["kept"] = tuple(str(k) for k in item.get("kept", ()))
    return LockEntry(**values)


def _first_line(exc: Exception) -> str:
    lines = str(exc).splitlines()
    return lines[0] if lines else type(exc).__name__


def dump_lock(lock: Lock) -> str:
    """The lock as TOML: the header comment, the format, then one `[[file]]` table per English
    copy and one `[[resource]]` table per copied bundle file, each sorted by target, then the end
    mark.

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
    return "".join(parts) + f"\n{_END_MARK}\n"


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
    return tomlkit.dumps(doc) + f"\n{_END_MARK}\n"


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
        value = getattr(record, name)
        if name in _LISTS and isinstance(record, LockEntry):
            if value:  # one item a line: a changed block is a one-line diff
                items = [v.dump() if isinstance(v, BlockBase) else v for v in value]
                array = tomlkit.array()
                array.extend(items)
                table.add(name, array.multiline(True))
            continue
        if name in _OPTIONAL and not value:
            continue
        table.add(name, value)
    return table


def save_lock(lock: Lock) -> None:
    """Write the lock atomically; the journal it now contains is then dropped."""
    from pipeline.site.lock_journal import clear_journal

    atomic_write(lock.root / LOCK_NAME, dump_lock(lock))
    clear_journal(lock.root)


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
