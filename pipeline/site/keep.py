"""What a run does with an English page a person wrote or edited: why it is kept (the skip
messages name the English file), and the copy kept of a page a flag replaces.

`--force` retranslates what honyaku wrote, throwing away a person's edits on purpose; a page
honyaku never wrote is replaced only with `--replace-hand-written`. Either way the page as it was
is copied to `.honyaku/replaced/<its path>` first (a number added when one is there already), and
the report lists it, so it can be restored.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.site.lock import LockEntry
from pipeline.site.status import LABELS, CopyStatus

REPLACED_DIR = Path(".honyaku") / "replaced"


def keep_reason(status: CopyStatus, target: str) -> str:
    """Why the English copy `target` (relative to the site root) is kept as it is."""
    if status.status == "hand-written" and status.page:
        also = f" ({target}, which honyaku wrote before, is there too: Hugo publishes only one)"
        return (
            f"kept {status.page}: {LABELS['hand-written']}; Hugo publishes it as this page's "
            f"English version, so honyaku writes no second one at {target} (remove or rename it "
            f"to have honyaku translate the page)" + (also if status.entry is not None else "")
        )
    if status.status == "hand-written":
        return (
            f"kept {target}: {LABELS['hand-written']}; honyaku never replaces it unless asked "
            "with --replace-hand-written (the page is then saved under .honyaku/replaced/)"
        )
    if status.status == "edited":
        return f"kept {target}: {status.describe()}"
    return (
        f"kept {target}: {LABELS['edited-stale']}, but the lock has no per-block record of "
        "it (written by an older honyaku), so the edits cannot be kept block by block; the next "
        "plain translation records one. To update it now: save your edits, run with --force, "
        "and put them back"
    )


def cannot_update(target: str, why: str) -> str:
    return (
        f"kept {target}: {LABELS['edited-stale']}, and its blocks no longer line up with what "
        f"honyaku wrote ({why}); put the English blocks back in the Japanese order and run "
        "again, or run with --force to retranslate it (the page is saved under .honyaku/replaced/)"
    )


def has_base(entry: LockEntry | None) -> bool:
    """Whether the lock holds a per-block base for the copy. Every base has its front matter's
    entry, also that of a page with no body block (an older lock has no `blocks` at all)."""
    return entry is not None and bool(entry.blocks)


def save_replaced(root: Path, target: Path) -> str:
    """Copy the page about to be replaced under `.honyaku/replaced/`; its path from the root."""
    relative = target.resolve().relative_to(root.resolve())
    dest = root / REPLACED_DIR / relative
    number = 1
    while dest.exists():
        dest = root / REPLACED_DIR / relative.with_name(f"{relative.name}.{number}")
        number += 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, dest)
    return dest.relative_to(root).as_posix()
