"""Where a page's internal error goes: one page hitting a bug in honyaku is that page's result,
and its traceback is appended to `.honyaku/errors.log` so the batch can go on and the user can
report it.

The log is appended without following a symlink (the file or `.honyaku/` itself), so a link
planted there never redirects honyaku's writes outside the site.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

ERRORS_LOG = Path(".honyaku") / "errors.log"


def log_internal_error(root: Path, page: str, exc: BaseException) -> str:
    """Append `exc`'s traceback for `page` to the site's errors log; returns where it went (a
    path relative to the root), or why it could not be written."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    trace = "".join(traceback.format_exception(exc))
    record = f"--- {stamp} {page}\n{trace}\n".encode("utf-8", "replace")
    folder = root / ERRORS_LOG.parent
    try:
        if folder.is_symlink():
            raise OSError(f"{ERRORS_LOG.parent} is a symbolic link")
        folder.mkdir(exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
        fd = os.open(root / ERRORS_LOG, flags, 0o644)
        try:
            view = memoryview(record)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as error:
        return f"the details could not be logged ({error.strerror or error})"
    return ERRORS_LOG.as_posix()
