"""Editing front matter in place: splice new string values into their spans, add a missing key.

Nothing is re-serialised: re-dumping loses what the author wrote (ruamel.yaml re-indents and
re-wraps, json loses layout, tomlkit respells table headers and loses string styles). Each edited
value's span is replaced by the new value quoted for its format, and the result is re-parsed to
check that exactly the edited values changed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pipeline.frontmatter.json_spans import add_json, json_string
from pipeline.frontmatter.model import (
    FrontMatter,
    FrontMatterError,
    Kind,
    Path,
    Scalar,
    fold,
    format_path,
    line_ending,
)
from pipeline.frontmatter.reading import MISSING, has_key, lookup, scalars
from pipeline.frontmatter.split import split_front_matter
from pipeline.frontmatter.toml_spans import add_toml, render_toml
from pipeline.frontmatter.yaml_quote import render_yaml, yaml_double
from pipeline.frontmatter.yaml_spans import add_yaml, yaml_key


def render(kind: Kind, sc: Scalar, value: str, raw: str, nl: str, safe: bool) -> str:
    """The text that replaces ``sc``'s span; ``safe`` asks for the plainest quoting."""
    if kind == "yaml":
        return render_yaml(sc, value, raw, nl, safe)
    if kind == "toml":
        return render_toml(sc, value, raw, nl, safe)
    return json_string(value)


def _resolve(located: list[Scalar], path: Path) -> Scalar:
    for sc in located:
        if sc.path == path:
            return sc
    for sc in located:
        if fold(sc.path) == fold(path):
            return sc
    raise FrontMatterError(f"no value at '{format_path(path)}' in the front matter")


def _set(data: Any, path: Path, value: str) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _empty_insertion(raw: str, sc: Scalar) -> tuple[int, str, str]:
    """Where an empty YAML value (``key:``) goes: just after the colon and one space."""
    if sc.key_end is None:
        raise FrontMatterError(f"cannot fill the empty value at '{format_path(sc.path)}'")
    colon = raw.find(":", sc.key_end)
    if colon < 0:
        raise FrontMatterError(f"cannot fill the empty value at '{format_path(sc.path)}'")
    pos = colon + 1
    before = " "
    if raw.startswith(" ", pos):
        pos += 1
        before = ""
    after = " " if raw.startswith("#", pos) else ""
    return pos, before, after


def _apply(fm: FrontMatter, targets: list[tuple[Scalar, str]], safe: bool) -> str:
    nl = line_ending(fm.raw)
    # Looked up on the package at call time: tests plant a renderer bug there (DESIGN.md,
    # invariant 1), and the re-parse must catch it.
    from pipeline import frontmatter

    pieces = []
    for sc, value in targets:
        text = frontmatter._render(fm.kind, sc, value, fm.raw, nl, safe)  # type: ignore[arg-type]
        start, end = sc.start, sc.end
        if fm.kind == "yaml" and sc.start == sc.end:
            start, before, after = _empty_insertion(fm.raw, sc)
            end = start
            text = before + text + after
        pieces.append((start, end, text))
    pieces.sort()
    out = []
    pos = 0
    for start, end, text in pieces:
        if start < pos:
            raise FrontMatterError("overlapping edits in the front matter")
        out.append(fm.raw[pos:start])
        out.append(text)
        pos = end
    out.append(fm.raw[pos:])
    return "".join(out)


def _reparses_to(fm: FrontMatter, new_raw: str, expected: dict) -> bool:
    try:
        new_fm, body = split_front_matter(new_raw)
    except FrontMatterError:
        return False
    return new_fm.kind == fm.kind and new_fm.raw == new_raw and not body and new_fm.data == expected


def splice(fm: FrontMatter, edits: Mapping[Path, str]) -> str:
    """New raw front matter with each edited value replaced; every other byte kept.

    Each value keeps its quoting style where the new text can be written in it. The result is
    re-parsed: if anything but the edited values changed, a plainer quoting is tried, then
    FrontMatterError is raised."""
    if not edits:
        return fm.raw
    if fm.kind is None:
        raise FrontMatterError("there is no front matter to edit")
    located = scalars(fm)
    targets: list[tuple[Scalar, str]] = []
    expected = copy.deepcopy(fm.data)
    seen: set[Path] = set()
    for path, value in edits.items():
        if not isinstance(value, str):
            raise FrontMatterError(f"new value for '{format_path(path)}' is not a string")
        sc = _resolve(located, path)
        if sc.path in seen:
            raise FrontMatterError(f"'{format_path(path)}' is edited twice")
        seen.add(sc.path)
        if lookup(fm.data, sc.path, exact=True) is MISSING:
            raise FrontMatterError(f"cannot edit '{format_path(path)}' safely")
        _set(expected, sc.path, value)
        targets.append((sc, value))
    for safe in (False, True):
        new_raw = _apply(fm, targets, safe)
        if _reparses_to(fm, new_raw, expected):
            return new_raw
    names = ", ".join(format_path(sc.path) for sc, _ in targets)
    raise FrontMatterError(f"editing {names} would change the front matter in other ways")


def add_key(fm: FrontMatter, path: Path, value: str, *, newline: str | None = None) -> str:
    """New raw front matter with a missing top-level string key added after ``title``.

    Without ``title`` the key goes at the end (TOML: before the first table). Without any front
    matter a YAML block is created, with ``newline`` (default "\\n") as its line ending."""
    if len(path) != 1 or not isinstance(path[0], str):
        raise FrontMatterError(f"can only add a top-level key, not '{format_path(path)}'")
    key = path[0]
    if fm.kind is None:
        nl = newline or "\n"
        return f"---{nl}{yaml_key(key)}: {yaml_double(value)}{nl}---{nl}"
    if has_key(fm, path):
        raise FrontMatterError(f"key '{key}' already exists in the front matter")
    nl = newline or line_ending(fm.raw)
    if fm.kind == "yaml":
        new_raw = add_yaml(fm.raw, key, value, nl)
    elif fm.kind == "toml":
        new_raw = add_toml(fm.raw, key, value, nl)
    else:
        new_raw = add_json(fm.raw, key, value, nl)
    expected = copy.deepcopy(fm.data)
    expected[key] = value
    if not _reparses_to(fm, new_raw, expected):
        raise FrontMatterError(f"could not add '{key}' to the front matter")
    return new_raw
