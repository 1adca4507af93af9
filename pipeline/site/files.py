"""Atomic writes, content hashes, and holding a Ctrl-C while files that belong together are written."""

from __future__ import annotations

import hashlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder and a rename: readers see old or new."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _default_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        # Ctrl-C included: no half-written temporary file may stay behind.
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


TEMP_SUFFIX = ".honyaku-tmp"


def remove_stale_temporaries(folders: Iterable[Path], *, recursive: bool = True) -> list[Path]:
    """Delete what `atomic_write` leaves when SIGKILL (or a power cut) lands between creating its
    temporary file and the rename; only safe while holding the site's process lock, since a
    running writer's temporary file looks the same. Returns what was removed."""
    removed = []
    pattern = f".*{TEMP_SUFFIX}"
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob(pattern) if recursive else folder.glob(pattern):
            if path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP (what `timeout`, systemd, Docker and CI cancellation send), handled like
    Ctrl-C; `exit_code` is the shell's 128 + the signal number (143 for SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


# Each is turned into an exception where Python would otherwise just die (SIGTERM, SIGHUP) or
# already raises one (SIGINT).
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _raise_for(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(signum)


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """For the block, SIGTERM and SIGHUP raise `Interrupted` the way SIGINT raises
    KeyboardInterrupt, so a run stopped by either finishes what must land together, saves its
    lock and exits 143/129."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = lambda signum, frame: _raise_for(signum)  # noqa: E731
    previous = {s: signal.signal(s, handler) for s in _STOP_SIGNALS if s != signal.SIGINT}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT), SIGTERM or SIGHUP until the block is done, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {
        s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in _STOP_SIGNALS
    }
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
    if caught:
        _raise_for(caught[0])
