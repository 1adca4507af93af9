"""Heading IDs the way Hugo (goldmark's `github` generator) makes them."""

from __future__ import annotations

import re
import unicodedata

from pipeline.frontmatter import FrontMatterError, split_front_matter

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-+*]\s|\d{1,9}[.)]\s|>|#|\||<|\{\{)")


def _strip_inline(text: str) -> str:
    text = re.sub(r"\{\{[<%].*?[>%]\}\}", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    # Emphasis markers go; an underscore inside a word is text and stays.
    text = re.sub(r"(?<![\w])_+|_+(?![\w])", "", text)
    return re.sub(r"[*~`]", "", text)


def github_id(heading: str) -> str:
    """Hugo/goldmark's `github` auto heading ID of a heading's plain text.

    Lowercased; '-' and whitespace become '-'; letters, digits and '_' are kept (any script);
    everything else, punctuation and combining marks included, is dropped.
    """
    out = []
    for ch in heading.strip():
        if ch == "-" or ch.isspace():
            out.append("-")
        elif ch == "_" or unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"):
            out.append(ch.lower())
    return "".join(out)


def _body(text: str) -> str:
    """The text after the front matter; all of it when the front matter cannot be read (the
    translation step reports that file with a clear error)."""
    try:
        return split_front_matter(text)[1]
    except FrontMatterError:
        return text.lstrip("\ufeff")


def heading_ids(text: str) -> list[tuple[str, bool]]:
    """IDs Hugo gives the headings of a post, in order; True where the author set the ID."""
    ids: list[tuple[str, bool]] = []
    seen: set[str] = set()
    fence: str | None = None
    previous = ""
    lines = _body(text).splitlines()
    for line in lines:
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = None
            previous = ""
            continue
        if fence_match:
            fence = fence_match.group(1)
            previous = ""
            continue
        heading = None
        atx = _ATX.match(line)
        if atx:
            heading = atx.group(2) or ""
        elif (
            _SETEXT.match(line)
            and previous.strip()
            and not _BLOCK_START.match(previous)
            and not previous.startswith(("    ", "\t"))
        ):
            heading = previous.strip()
        if heading is not None:
            explicit = _ATTR_ID.search(heading)
            if explicit:
                seen.add(explicit.group(1))
                ids.append((explicit.group(1), True))
            else:
                # goldmark's ID generator: the first duplicate gets "-1", then "-2", ...
                base = github_id(_strip_inline(heading)) or "heading"
                anchor, count = base, 1
                while anchor in seen:
                    anchor = f"{base}-{count}"
                    count += 1
                seen.add(anchor)
                ids.append((anchor, False))
            previous = ""
            continue
        previous = line
    return ids
