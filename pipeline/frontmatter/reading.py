"""Reading front matter: the values people read, lookups by path, URLs to give a language prefix."""

from __future__ import annotations

from typing import Any

from pipeline.frontmatter.json_spans import json_layout
from pipeline.frontmatter.model import Field, FrontMatter, Path, Scalar, fold
from pipeline.frontmatter.toml_spans import toml_layout
from pipeline.frontmatter.yaml_spans import yaml_scalars

# Keys whose string values are read by people (DESIGN.md, "Front matter, key by key").
_READER_TOP = frozenset({"title", "subtitle", "summary", "description", "linktitle"})
_GALLERY_TEXT = frozenset({"caption", "alt", "alt_text"})
_TAXONOMIES = frozenset({"tags", "categories"})

MISSING = object()


def scalars(fm: FrontMatter) -> list[Scalar]:
    """Every scalar value of the front matter with its span in ``fm.raw``, in source order."""
    if fm.kind == "yaml":
        return yaml_scalars(fm.raw)
    if fm.kind == "toml":
        return toml_layout(fm.raw).scalars
    if fm.kind == "json":
        return json_layout(fm.raw).scalars
    return []


def lookup(data: Any, path: Path, exact: bool = False) -> Any:
    """The value at ``path``; string keys match case-insensitively (Hugo's keys are)."""
    node = data
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return MISSING
            node = node[part]
        elif isinstance(node, dict):
            if part in node:
                node = node[part]
                continue
            if exact:
                return MISSING
            folded = str(part).casefold()
            match = next(
                (k for k in node if isinstance(k, str) and k.casefold() == folded), MISSING
            )
            if match is MISSING:
                return MISSING
            node = node[match]
        else:
            return MISSING
    return node


def string_value(fm: FrontMatter, path: Path) -> str | None:
    """The string at ``path`` (keys case-insensitive), or None if missing or not a string."""
    value = lookup(fm.data, path)
    return value if isinstance(value, str) else None


def has_key(fm: FrontMatter, path: Path) -> bool:
    """Whether ``path`` exists (keys case-insensitive), whatever its value, null included."""
    return lookup(fm.data, path) is not MISSING


def _is_reader_path(path: Path, include_taxonomies: bool) -> bool:
    folded = fold(path)
    if len(folded) == 1 and folded[0] in _READER_TOP:
        return True
    if folded == ("image", "caption"):
        return True
    if (
        len(folded) == 3
        and folded[0] == "gallery_item"
        and isinstance(folded[1], int)
        and folded[2] in _GALLERY_TEXT
    ):
        return True
    return (
        include_taxonomies
        and len(folded) == 2
        and folded[0] in _TAXONOMIES
        and isinstance(folded[1], int)
    )


def reader_fields(fm: FrontMatter, *, include_taxonomies: bool = False) -> list[Field]:
    """The non-empty string values people read (title, summary, captions…), in source order."""
    fields: list[Field] = []
    for sc in scalars(fm):
        if not (sc.is_str and isinstance(sc.value, str) and sc.value.strip()):
            continue
        if not _is_reader_path(sc.path, include_taxonomies):
            continue
        # Cross-check the located span against the parser's own reading of the file.
        if lookup(fm.data, sc.path, exact=True) != sc.value:
            continue
        fields.append(Field(sc.path, sc.value, sc.start, sc.end))
    return fields


def prefix_urls(fm: FrontMatter, prefix: str) -> dict[Path, str]:
    """Edits giving ``url`` and each ``aliases`` entry the English site prefix (e.g. "/en").

    Only site-absolute paths ("/x") are changed: absolute URLs point elsewhere, already
    prefixed ones are done, and Hugo already puts the language prefix before relative ones."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    if not prefix:
        return {}
    edits: dict[Path, str] = {}
    for sc in scalars(fm):
        folded = fold(sc.path)
        is_url = folded == ("url",) or folded == ("aliases",)
        is_alias = len(folded) == 2 and folded[0] == "aliases" and isinstance(folded[1], int)
        if not (is_url or is_alias) or not sc.is_str or not isinstance(sc.value, str):
            continue
        value = sc.value
        if not value.startswith("/") or value.startswith("//"):
            continue
        if value == prefix or value.startswith(prefix + "/"):
            continue
        edits[sc.path] = prefix + value
    return edits
