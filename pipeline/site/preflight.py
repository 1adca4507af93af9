"""Checks made before a run writes anything, so a bad setup is one line and no page is replaced.

- Every content folder of the source and target languages lies inside the site (an absolute
  `contentDir` inside the site is fine; one outside it, or `../elsewhere`, is refused: honyaku
  only writes inside the site). The folder English pages are written into is not a symbolic
  link (through one they could land on the Japanese pages, or outside the site); a linked
  Japanese folder is fine (Hugo supports linking the content folders; it is only read).
- The lock and the English content folder can be written: probed by creating and removing a
  temporary file, which is what the atomic writes will do (and which, unlike permission bits,
  also tells a read-only file system or a root-owned folder).
- Temporary files a killed run left (SIGKILL between an atomic write's temporary file and its
  rename) are removed, under the site lock, before Hugo or git sees them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipeline.site.config import Site, SiteError
from pipeline.site.files import remove_stale_temporaries
from pipeline.site.lock import LOCK_NAME
from pipeline.site.paths import _abs, _under


def check_content_dirs(site: Site) -> None:
    root = _abs(site.root)
    for code in dict.fromkeys((site.source_lang, site.target_lang)):
        for folder in site.content_dirs(code):
            path = _abs(folder)
            if not _under(path, root):
                raise SiteError(
                    f"{site.root / site.config_name}: the '{code}' content folder {folder} is "
                    f"outside the site {root}; honyaku only reads and writes inside the site"
                )
            linked = _linked_part(path, root) if code == site.target_lang else None
            if linked is not None:
                raise SiteError(
                    f"{linked}: the '{code}' content folder is a symbolic link (to "
                    f"{os.path.realpath(linked)}); honyaku does not write English pages "
                    "through a link: make it a real folder"
                )


def _linked_part(path: Path, root: Path) -> Path | None:
    """The first folder from `root` down to `path` that is a symbolic link, if any."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def check_writable(site: Site) -> None:
    """SiteError (one line) when the lock or the English content folder cannot be written."""
    lock = site.root / LOCK_NAME
    if lock.exists() and not lock.is_file():
        raise SiteError(f"{lock}: not a file; honyaku cannot record what it writes")
    if lock.exists() and not os.access(lock, os.R_OK | os.W_OK):
        raise SiteError(f"{lock}: not writable; honyaku cannot record what it writes")
    _probe(site.root, lock, "the lock")
    _probe(site.target_dir, site.target_dir, "the English pages")


def _probe(folder: Path, named: Path, what: str) -> None:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise SiteError(f"{named}: cannot write {what} here ({existing} is not a folder)")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".honyaku-probe.", dir=existing)
    except OSError as exc:
        raise SiteError(
            f"{named}: cannot write {what} here ({exc.strerror or exc}); nothing was written"
        ) from None
    os.close(fd)
    os.unlink(tmp)


def remove_temporaries(site: Site) -> list[Path]:
    """Only while holding the site lock: a running writer's temporary file looks the same."""
    folders = {*site.source_dirs, *site.content_dirs(site.target_lang), site.root / ".honyaku"}
    removed = remove_stale_temporaries([site.root], recursive=False)
    return removed + remove_stale_temporaries(sorted(folders))
