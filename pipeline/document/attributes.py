"""A tag's attributes as a browser reads them, and which values are reader text to translate.

One rule for every tag a post holds, in an HTML block or inline in a paragraph: the value of an
`alt`, `title`, `aria-label` or `placeholder` attribute is text a reader sees (an image's
description, a tooltip, what a screen reader says, a field's hint), so its Japanese is
translated, provided the value is quoted (the English goes back escaped for that quote) and
holds no template or shortcode syntax. Japanese in any other attribute (a script, a
`data-*` value, a path) is not reader text, and stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import chars

READER_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder"})
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTE = re.compile(r"([^\s=/>][^\s=>]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|[^\s>]*))?")
# Syntax that something other than the browser expands (a Hugo shortcode, a template language
# quoted in a post): the value is not plain text.
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\$\{|<%|%>")


@dataclass(frozen=True)
class Attribute:
    """One attribute of a tag, in positions of the tag's text."""

    start: int
    end: int
    name: str  # lowercased
    value: tuple[int, int] | None  # inside the quotes, for a quoted value
    quote: str  # `"` or `'` for a quoted value, else ""

    @property
    def reader(self) -> bool:
        """A reader-text attribute with a quoted value (the English can be written back)."""
        return self.name in READER_ATTRIBUTES and self.value is not None


def attributes(tag: str) -> list[Attribute]:
    """The attributes of a tag's text (`<img src="a.png" alt="図">`); none for a closing tag,
    a comment or a declaration, except that a closing tag's (ignored by browsers, yet written)
    are listed without a value."""
    closing = tag.startswith("</")
    name = _TAG_NAME.match(tag)
    if name is None:
        return []
    end = len(tag) - 1 if tag.endswith(">") else len(tag)
    out: list[Attribute] = []
    for match in _ATTRIBUTE.finditer(tag, name.end(), end):
        group = 2 if match.group(2) is not None else 3 if match.group(3) is not None else 0
        quoted = group and not closing
        out.append(
            Attribute(
                match.start(),
                match.end(),
                match.group(1).lower(),
                (match.start(group), match.end(group)) if quoted else None,
                ('"' if group == 2 else "'") if quoted else "",
            )
        )
    return out


def translatable(value: str) -> bool:
    """Is this raw value of a reader attribute (as the body has it: a shortcode in it is not
    masked) plain text with Japanese to translate?"""
    return (
        chars.has_japanese(value)
        and not _TEMPLATE.search(value)
        and not any(chars.is_atom(c) for c in value)  # a Private Use character in the source
    )
