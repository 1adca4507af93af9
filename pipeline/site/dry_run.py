"""`batch --dry-run` without the model: a dry run translates nothing, so it never needs one.

The lock's settings key starts with the translator's identity (the model's snapshot or hash),
which cannot be known without the model. A dry run on a machine that lacks it (CI, a fresh
clone) assumes the model the lock's copies were made with, so up-to-date copies still read as
up to date and only what changed is planned.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.site.config import SiteError
from pipeline.site.lock import load_lock

_HUB_ID = re.compile(r"[\w.-]+/[\w.-]+")


@dataclass(frozen=True)
class Wanted:
    """What the run asks for, as far as it can be told without the model."""

    backend: str  # transformers | ctranslate2
    model: str  # a hub id or a folder
    decoding: str  # `DecodingConfig.key()`
    suffix: str  # the lock key without its identity: every other setting


def could_be(identity: str, wanted: Wanted) -> bool:
    """Whether a recorded identity (`backend|model|decoding[|quantization]`) can be the one
    the run would have: same backend and decoding, and for a hub id the same repository."""
    parts = identity.split("|")
    if len(parts) < 3 or parts[0] != wanted.backend or parts[2] != wanted.decoding:
        return False
    if parts[1].startswith("hub:"):
        return parts[1].startswith(f"hub:{wanted.model}@")
    return not _HUB_ID.fullmatch(wanted.model)  # a folder's identity is its content hash


def recorded_identity(root: Path | None, wanted: Wanted) -> str:
    """The identity most copies in the site's lock were made with under the run's settings, or
    "" where there is none (everything already copied then reads as stale, as it would)."""
    if root is None:
        return ""
    try:
        lock = load_lock(root)
    except (OSError, SiteError, ValueError):
        return ""  # the real run reports a bad lock; a dry run just plans everything
    suffix = wanted.suffix
    found = Counter(
        entry.settings[: -len(suffix)]
        for entry in lock.entries.values()
        if entry.settings.endswith(suffix) and could_be(entry.settings[: -len(suffix)], wanted)
    )
    return found.most_common(1)[0][0] if found else ""


def assumed_note(reason: str, identity: str) -> str:
    """One line saying that the dry run went on without the model, and on what assumption."""
    assumed = (
        "assuming the model honyaku.lock records"
        if identity
        else "no copy in honyaku.lock to compare with"
    )
    return f"dry run without the model ({reason}); {assumed}"
