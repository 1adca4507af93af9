"""`--fill-source-summary`: the one case in which honyaku writes a source post.

The Japanese summary the orchestrator computed for an empty `summary` is spliced into the
source's front matter, written atomically, and the lock records the new source hash so the next
run does not see the post as changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pipeline.frontmatter import splice, split_front_matter, string_value
from pipeline.site.files import atomic_write, interrupts_deferred, sha256_bytes
from pipeline.site.lock import Lock
from pipeline.site.lock_journal import append_record
from pipeline.site.report import one_line


def fill_empty_summary(text: str, summary: str) -> str | None:
    """The source post with its empty `summary` filled (--fill-source-summary), or None when it
    has no empty `summary`; raises ValueError when the front matter cannot be edited."""
    front, body = split_front_matter(text)
    key = next((k for k in front.data if isinstance(k, str) and k.lower() == "summary"), None)
    if key is None or (string_value(front, (key,)) or "").strip():
        return None
    return front.prefix + splice(front, {(key,): summary}) + body


def only_summary_changed(old: str, new: str) -> bool:
    """True when `new` is `old` with one stretch of one line, the `summary` line, replaced."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    line_start = old.rfind("\n", 0, start) + 1
    line_end = old.find("\n", start)
    line = old[line_start : len(old) if line_end < 0 else line_end]
    return (
        "\n" not in old[start : len(old) - end]
        and re.match(r"""\s*["']?summary["']?\s*[:=]""", line, re.I) is not None
    )


def write_source_summary(
    source: Path, data: bytes, summary: str, target: Path, lock: Lock
) -> tuple[str, str, Lock]:
    """Write `summary` into the source post's empty `summary`: (summary written, note, lock).

    Only the summary value's bytes change; the write is atomic and keeps the file's mode; the
    lock then records the new source hash, so the post stays up to date. The English copy was
    saved and recorded first: an interruption here leaves the post merely looking changed.
    """
    if source.is_symlink():
        return "", "summary not written into the source: it is a symbolic link", lock
    try:
        text = data.decode("utf-8")
        new_text = fill_empty_summary(text, summary)
    except ValueError as exc:
        return "", f"summary not written into the source: {one_line(exc)}", lock
    if new_text is None or new_text == text:
        return "", "", lock
    if not only_summary_changed(text, new_text):
        return "", "summary not written into the source: the edit would change other text", lock
    new_data = new_text.encode("utf-8")
    try:
        if source.read_bytes() != data:
            return "", "summary not written into the source: it changed during the run", lock
    except OSError as exc:
        return "", f"summary not written into the source: {one_line(exc)}", lock
    with interrupts_deferred():  # the source and its recorded hash change together
        try:
            atomic_write(source, new_data)
        except OSError as exc:
            return "", f"summary not written into the source: {one_line(exc)}", lock
        entry = lock.get(target)
        if entry is not None:
            entry = replace(entry, source_sha256=sha256_bytes(new_data))
            try:
                append_record(lock.root, entry)  # saved with the lock at the run's next save
            except OSError as exc:
                return summary, f"new source hash not journaled: {one_line(exc)}", lock
            lock = lock.with_entry(entry)
    return summary, "", lock
