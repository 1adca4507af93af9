"""The English prefix for `url` and `aliases` of an English copy, spliced into its front matter."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pipeline.frontmatter import prefix_urls, splice, split_front_matter
from pipeline.site.config import Site, load_config
from pipeline.site.links import alias_needs_prefix


def aliases_need_prefix(config: Mapping[str, Any]) -> bool:
    """Whether `aliases` get the English prefix, decided by the site's config alone, so every
    machine writes the same page whichever Hugo it has: absolute aliases are language-relative
    from Hugo 0.155 on, so only a site that declares a Hugo older than that as the newest it
    builds with (`module.hugoVersion.max`) needs them prefixed."""
    module = config.get("module")
    versions = module.get("hugoversion") if isinstance(module, Mapping) else None
    newest = versions.get("max") if isinstance(versions, Mapping) else None
    match = re.match(r"\s*v?(\d+)\.(\d+)(?:\.(\d+))?", str(newest or ""))
    if match is None:
        return False
    major, minor, patch = (int(g or 0) for g in match.groups())
    return alias_needs_prefix((major, minor, patch))


def url_editor(site: Site) -> Callable[[str, str], str]:
    """`url` gets the English prefix (else the English page would replace the Japanese one);
    `aliases` too where the site's config says it is built with a Hugo before 0.155."""
    aliases_too = aliases_need_prefix(load_config(site.root))

    def edit(text: str, prefix: str) -> str:
        front, body = split_front_matter(text)
        if front.kind is None:
            return text
        edits = prefix_urls(front, prefix)
        if any(str(path[0]).lower() == "aliases" for path in edits) and not aliases_too:
            edits = {p: v for p, v in edits.items() if str(p[0]).lower() != "aliases"}
        if not edits:
            return text
        return front.prefix + splice(front, edits) + body

    return edit
