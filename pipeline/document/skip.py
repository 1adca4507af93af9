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
    skipped: set[int] = set()
    body = document.body
    for match in SKIP_COMMENT.finditer(body):
        start = len(body) - len(body[match.end() :].lstrip(" \t\r\n"))
        blank = BLANK_LINE.search(body, start)
        end = len(body) if blank is None else blank.start()
        skipped.update(i for i, u in enumerate(document.prose) if match.end() <= u.start < end)
    return skipped
