"""`honyaku cache`: where the translation memory is and how big; `verify` checks it; `clear`
deletes it (with SQLite's WAL and shared-memory files).

`register(app)` is called once by `pipeline.cli`. (No `from __future__ import annotations`:
Typer reads the annotations.)
"""

import sys
from pathlib import Path

import typer

from pipeline.memory import MemoryUnreadable, TranslationMemory, default_memory_path

_SIDE_FILES = ("-wal", "-shm", "-journal")


def register(app: typer.Typer) -> None:
    cache_app = typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        invoke_without_command=True,
        help="The translation memory: show its path and size, verify it, or clear it.",
    )

    @cache_app.callback()
    def show(ctx: typer.Context) -> None:
        """Show the translation memory's path, size and number of translations."""
        if ctx.invoked_subcommand is None:
            _show(default_memory_path())

    @cache_app.command()
    def verify() -> None:
        """Check the translation memory with SQLite's integrity check (exit 2 when damaged)."""
        _verify(default_memory_path())

    @cache_app.command()
    def clear() -> None:
        """Delete the translation memory (translations are made again when needed)."""
        _clear(default_memory_path())

    app.add_typer(cache_app, name="cache")


def _files(path: Path) -> list[Path]:
    return [p for p in (path, *(Path(f"{path}{s}") for s in _SIDE_FILES)) if p.exists()]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in _files(path))


def _fail(message: str) -> None:
    print(f"honyaku: {message}", file=sys.stderr)
    raise typer.Exit(2)


def _show(path: Path) -> None:
    print(f"path: {path}")
    if not path.exists():
        print("size: 0 bytes (no memory yet)")
        return
    print(f"size: {_size(path):,} bytes")
    try:
        with TranslationMemory(path) as memory:
            print(f"translations: {memory.count():,}")
    except MemoryUnreadable as exc:
        _fail(str(exc))


def _verify(path: Path) -> None:
    if not path.exists():
        print(f"{path}: no memory yet")
        return
    try:
        with TranslationMemory(path) as memory:
            result = memory.verify()
    except MemoryUnreadable as exc:
        _fail(str(exc))
        return
    if result != "ok":
        _fail(f"{path}: damaged ({result}); run `honyaku cache clear` or pass --no-cache")
    print(f"{path}: ok")


def _clear(path: Path) -> None:
    files = _files(path)
    freed = _size(path)
    try:
        for file in files:
            file.unlink()
    except OSError as exc:
        _fail(f"{path}: cannot delete ({exc.strerror or exc})")
    print(f"{path}: cleared ({freed:,} bytes)" if files else f"{path}: no memory to clear")
