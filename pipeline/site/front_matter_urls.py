"""The English prefix for `url` and `aliases` of an English copy, spliced into its front matter."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.frontmatter import prefix_urls, splice, split_front_matter
from pipeline.site.config import hugo_version
from pipeline.site.links import alias_needs_prefix


def url_editor() -> Callable[[str, str], str]:
    """`url` gets the English prefix (else the English page would replace the Japanese one);
    `aliases` too, but only for Hugo before 0.155, where they were not yet per language (the
    Hugo on PATH is asked once, and only when a post has aliases)."""
    known: dict[str, bool] = {}

    def aliases_too() -> bool:
        if "aliases" not in known:
            known["aliases"] = alias_needs_prefix(hugo_version())
        return known["aliases"]

    def edit(text: str, prefix: str) -> str:
        front, body = split_front_matter(text)
        if front.kind is None:
            return text
        edits = prefix_urls(front, prefix)
        if any(str(path[0]).lower() == "aliases" for path in edits) and not aliases_too():
            edits = {p: v for p, v in edits.items() if str(p[0]).lower() != "aliases"}
        if not edits:
            return text
        return front.prefix + splice(front, edits) + body

    return edit
