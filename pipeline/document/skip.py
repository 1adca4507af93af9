"""`<!-- honyaku: skip -->`: the block right after the comment stays as written.

The block ends at the first blank line after it, in any line ending (a CRLF file has no
"\\n\\n", and a search for one made the comment swallow the rest of the post).
"""

from __future__ import annotations

import re

from pipeline.document.model import Document

SKIP_COMMENT = re.compile(r"<!--\s*honyaku:\s*skip\s*-->")
BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")


def skipped_units(document: Document) -> set[int]:
    """Indexes of the prose units in a block right after a skip comment."""
    ranges = _skipped(document.body)
    return {i for i, u in enumerate(document.prose) if any(lo <= u.start < hi for lo, hi in ranges)}


def skipped_kept(document: Document) -> set[int]:
    """Indexes of `document.kept` in a block right after a skip comment (kept on request, so
    not reported)."""
    ranges = _skipped(document.body)
    return {i for i, k in enumerate(document.kept) if any(lo <= k.start < hi for lo, hi in ranges)}


def _skipped(body: str) -> list[tuple[int, int]]:
    """The body ranges after each skip comment, up to the end of the block that follows it."""
    ranges: list[tuple[int, int]] = []
    for match in SKIP_COMMENT.finditer(body):
        start = len(body) - len(body[match.end() :].lstrip(" \t\r\n"))
        blank = BLANK_LINE.search(body, start)
        ranges.append((match.end(), len(body) if blank is None else blank.start()))
    return ranges
