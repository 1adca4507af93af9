"""The translation memory: checked translations kept in SQLite, keyed by backend identity.

The identity covers the model (hub commit or local folder hash), the backend and the decoding
settings, so changing any of them starts afresh without deleting anything. WAL mode lets
readers proceed while one process writes; every write is one transaction, so a killed process
leaves either all of a batch or none of it. Callers store only outputs that passed checks.

Each translation has an origin: "model", or "human" for a person's correction (an English block
edited by hand whose Japanese did not change, learned by an update). A model's output never
replaces a human entry; `forget_human` removes them. Memory files from before the column existed
gain it on open, their rows being the model's.

Each translation may carry details in a side table: the model's score for it (mean token
log-probability, computed once, when the model made it) and a note on how it was obtained (for
example, the first output looped and a retry was kept). Memory files from before the table
existed gain it on open; their rows simply have no details.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pipeline.modelstore import cache_dir

MEMORY_NAME = "memory.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    identity TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (identity, source)
) WITHOUT ROWID
"""
_DETAILS_SCHEMA = """
CREATE TABLE IF NOT EXISTS details (
    identity TEXT NOT NULL,
    source TEXT NOT NULL,
    score REAL,
    note TEXT,
    PRIMARY KEY (identity, source)
) WITHOUT ROWID
"""
Detail = tuple[float | None, str | None]  # (model score, note)
# SQLite's default limit on host parameters is 999 in older builds.
_CHUNK = 500


def default_memory_path() -> Path:
    return cache_dir() / MEMORY_NAME


class MemoryUnreadable(Exception):
    """The memory file is not a usable SQLite database (corrupt, or not one at all); the
    message is one line naming the file and what to do."""

    def __init__(self, path: Path, exc: BaseException) -> None:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        super().__init__(
            f"{path}: the translation memory is unreadable ({detail}); run `honyaku cache "
            "clear` to delete it, or pass --no-cache"
        )


@contextmanager
def _guarded(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.DatabaseError as exc:  # corrupt file, not a database, disk I/O
        raise MemoryUnreadable(path, exc) from None


class TranslationMemory:
    """A SQLite translation memory. One connection per object; use one object per thread."""

    def __init__(self, path: Path | None = None, *, timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else default_memory_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MemoryUnreadable(self.path, exc) from None
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE below), so a write
        # never upgrades a read lock halfway and deadlocks against another writer.
        # timeout: the busy timeout, so a reader or writer waits for another process's write.
        with _guarded(self.path):
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.execute(_DETAILS_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(translations)")}
            if "origin" not in columns:
                self._db.execute(
                    "ALTER TABLE translations ADD COLUMN origin TEXT NOT NULL DEFAULT 'model'"
                )

    def get_many(self, identity: str, sentences: Iterable[str]) -> dict[str, str]:
        """The stored translations of those sentences that have one."""
        return dict(self._select("source, target FROM translations", identity, sentences))

    def get_details(self, identity: str, sentences: Iterable[str]) -> dict[str, Detail]:
        """(score, note) of those sentences that have details stored."""
        rows = self._select("source, score, note FROM details", identity, sentences)
        return {source: (score, note) for source, score, note in rows}

    def _select(
        self, what: str, identity: str, sentences: Iterable[str], *, human: bool = False
    ) -> list[tuple]:
        """`SELECT what WHERE identity AND source IN sentences`, in chunks (SQLite caps the
        number of bound parameters)."""
        wanted = list(dict.fromkeys(sentences))
        found: list[tuple] = []
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            only = " AND origin = 'human'" if human else ""
            with _guarded(self.path):
                rows = self._db.execute(
                    f"SELECT {what} WHERE identity = ? AND source IN ({marks}){only}",
                    [identity, *chunk],
                )
                found.extend(rows.fetchall())
        return found

    def put_many(
        self,
        identity: str,
        pairs: Iterable[tuple[str, str]],
        details: Mapping[str, Detail] | None = None,
        *,
        human: bool = False,
    ) -> int:
        """Store (source, translation) pairs, with the details given for some of them, in one
        transaction; returns how many. A replaced translation loses its old details. A model's
        pair (`human` false) never replaces a human one."""
        now = time.time()
        origin = "human" if human else "model"
        rows = [(identity, source, target, now, origin) for source, target in pairs]
        if not rows:
            return 0
        if not human:
            held = self._human(identity, [r[1] for r in rows])
            rows = [r for r in rows if r[1] not in held]
            if not rows:
                return 0
        details = details or {}
        extra = [(identity, r[1], *details[r[1]]) for r in rows if r[1] in details]
        with _guarded(self.path):
            self._write(rows, extra, details)
        return len(rows)

    def _write(self, rows: list[tuple], extra: list[tuple], details: Mapping[str, Detail]) -> None:
        identity = rows[0][0]
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (identity, source, target, created, origin) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            self._db.executemany(
                "DELETE FROM details WHERE identity = ? AND source = ?",
                [(identity, r[1]) for r in rows if r[1] not in details],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO details (identity, source, score, note) VALUES (?, ?, ?, ?)",
                extra,
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def verify(self) -> str:
        """SQLite's integrity check: "ok", or the first problem found."""
        with _guarded(self.path):
            return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def _human(self, identity: str, sentences: list[str]) -> set[str]:
        rows = self._select("source FROM translations", identity, sentences, human=True)
        return {row[0] for row in rows}

    def forget_human(self) -> int:
        """Remove every human entry (a person's corrections); returns how many."""
        with _guarded(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            cursor = self._db.execute("DELETE FROM translations WHERE origin = 'human'")
            self._db.execute("COMMIT")
        return cursor.rowcount

    def count(self, identity: str | None = None) -> int:
        if identity is None:
            return self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
        query = "SELECT COUNT(*) FROM translations WHERE identity = ?"
        return self._db.execute(query, (identity,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NullMemory:
    """`--no-cache`: remembers nothing."""

    path: Path | None = None

    def get_many(self, identity: str, sentences: Iterable[str]) -> dict[str, str]:
        return {}

    def get_details(self, identity: str, sentences: Iterable[str]) -> dict[str, Detail]:
        return {}

    def put_many(
        self,
        identity: str,
        pairs: Iterable[tuple[str, str]],
        details: Mapping[str, Detail] | None = None,
        *,
        human: bool = False,
    ) -> int:
        return 0

    def forget_human(self) -> int:
        return 0

    def count(self, identity: str | None = None) -> int:
        return 0

    def close(self) -> None:
        pass

    def __enter__(self) -> NullMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
