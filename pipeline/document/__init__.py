"""Document stage: a post cut into front matter, verbatim spans and prose units.

The body's spans concatenate back to the body byte for byte. Block structure comes from
markdown-it-py (CommonMark, like Hugo's goldmark) run on a copy with line endings normalized and
shortcodes masked (`masking`); its block source maps are mapped back to the raw text through a
line table (`lines`), the token walk decides what is prose (`blocks`), and each block's atoms are
found by re-scanning its raw text (`units`, with `pipeline.inline`).

A prose unit's `text` is what later stages work on: each atom is replaced by one Private Use Area
character (U+E000 + its index) and each line break inside the block by "\\n", whose raw form (hard
break spaces, the next line's `> ` or list indentation) is kept in `breaks`.
"""

from pipeline.document.delimiters import markdown as markdown_parser
from pipeline.document.model import Atom, CodeBlock, Document, Kept, Prose, Span, Verbatim
from pipeline.document.parse import parse_body, parse_document
from pipeline.document.skip import skipped_kept, skipped_units

__all__ = [
    "Atom",
    "CodeBlock",
    "Document",
    "Kept",
    "Prose",
    "Span",
    "Verbatim",
    "markdown_parser",
    "parse_body",
    "parse_document",
    "skipped_kept",
    "skipped_units",
]
