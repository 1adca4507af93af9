"""One writer at a time: the process lock every command that writes English pages or the lock
holds for the whole run.

It is an OS file lock (`filelock`: `flock` on Unix) on `.honyaku-run.lock` beside
`honyaku.lock`. The OS drops it when the process ends however it ends, so a file left behind by
a killed run is harmless: it is empty and nobody holds it. It belongs in `.gitignore`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from filelock import FileLock, Timeout

from pipeline.site.config import SiteError

RUN_LOCK_NAME = ".honyaku-run.lock"
EXIT_BUSY = 3


class SiteBusy(Exception):
    """Another run holds the site lock and the caller asked not to wait (exit 3)."""

    code = EXIT_BUSY


def run_lock_path(root: Path) -> Path:
    return root / RUN_LOCK_NAME


@contextmanager
def holding_site(root: Path, *, wait: bool, err: IO[str]) -> Iterator[None]:
    """Hold the site's process lock for the block: at once when free; otherwise wait (saying so
    on `err`) or, with `wait=False`, raise SiteBusy."""
    path = run_lock_path(root)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise SiteBusy(
                f"{root}: another honyaku run holds the site lock ({path.name}); "
                "not waiting (--no-wait)"
            ) from None
        print(f"{root}: another honyaku run holds the site lock, waiting…", file=err, flush=True)
        lock.acquire()
    except OSError as exc:  # a read-only site, say: bad input, not a busy site
        raise SiteError(f"{path}: cannot take the site lock ({exc.strerror or exc})") from None
    try:
        yield
    finally:
        lock.release()
