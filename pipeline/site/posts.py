"""Which Markdown files of a run are Japanese posts to translate: discovery, opt-out, language,
and English copies whose source is gone."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline import chars
from pipeline.frontmatter import FrontMatter, FrontMatterError, split_front_matter, string_value
from pipeline.site.config import Site
from pipeline.site.lock import Lock
from pipeline.site.paths import (
    MARKDOWN_SUFFIXES,
    _abs,
    _split_lang_suffix,
    _under,
    is_translation_source,
)

OPT_OUT_KEY = "notranslate"


def discover(paths: Sequence[Path], site: Site) -> list[Path]:
    """Markdown files under `paths`, sorted, without duplicates."""
    found: set[Path] = set()
    for path in paths:
        path = Path(_abs(path))
        if path.is_dir():
            # A folder walk does not enter linked folders, but Hugo reads a content folder that
            # is a link: walk those from their own path too.
            walks = [path, *(d for d in site.source_dirs if _under(_abs(d), path) and d.is_dir())]
            for walk, suffix in ((w, s) for w in walks for s in MARKDOWN_SUFFIXES):
                # English copies are outputs, not inputs: a folder walk passes them by silently.
                found.update(
                    p
                    for p in walk.rglob(f"*{suffix}")
                    if p.is_file() and not _is_output(p, site) and not _kept_aside(p, site)
                )
        elif path.is_file():
            found.add(path)
    return sorted(
        found,
        key=lambda p: p.relative_to(site.root).as_posix() if _under(p, site.root) else p.as_posix(),
    )


def _kept_aside(path: Path, site: Site) -> bool:
    """Conflict sidecars and replaced pages under `.honyaku/` are a person's text, not posts."""
    return _under(path, site.root / ".honyaku")


def _is_output(path: Path, site: Site) -> bool:
    if (
        site.layout == "content-dir"
        and _under(path, site.target_dir)
        and not any(_under(path, d) for d in site.source_dirs)
    ):
        return True
    codes = {lang.code for lang in site.languages}
    return _split_lang_suffix(path.name, codes)[1] == site.target_lang


TITLE_KEYS = ("title", "subtitle", "summary", "description")


def _split(text: str) -> tuple[FrontMatter | None, str]:
    """Front matter and body; no front matter and the whole text when it cannot be read (the
    translation step reports that file with a clear error)."""
    try:
        return split_front_matter(text)
    except FrontMatterError:
        return None, text.lstrip("\ufeff")


def _flag(table: object, key: str) -> bool:
    if not isinstance(table, dict):
        return False
    value = next((v for k, v in table.items() if isinstance(k, str) and k.lower() == key), None)
    return value is True


def opted_out(text: str) -> bool:
    """`notranslate: true` at the top of the front matter (or under `params`, where Hugo keeps
    custom keys); text that merely mentions it, in a summary say, is not an opt-out."""
    front, _body = _split(text)
    if front is None:
        return False
    params = next((v for k, v in front.data.items() if str(k).lower() == "params"), None)
    return _flag(front.data, OPT_OUT_KEY) or _flag(params, OPT_OUT_KEY)


_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)


def is_japanese(text: str) -> bool:
    """True when the prose or the front-matter title is Japanese (code is not prose)."""
    front, body = _split(text)
    prose = _FENCED.sub("", body)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    prose = re.sub(r"<!--.*?-->", "", prose, flags=re.S)
    titles = [string_value(front, (key,)) or "" for key in TITLE_KEYS] if front else []
    # The source language is Japanese, so kanji count too (a title like "SageMaker概要").
    return chars.has_japanese_letters(prose) or chars.has_japanese_letters(" ".join(titles))


def orphans(lock: Lock, site: Site, scope: Sequence[Path]) -> list[str]:
    """English copies recorded in the lock whose source is gone, within the batch's scope."""
    roots = [Path(_abs(p)) for p in scope]
    out = []
    for key, entry in sorted(lock.entries.items()):
        source = site.root / entry.source
        target = site.root / key
        in_scope = any(_under(source, r) or _under(target, r) or source == r for r in roots) or any(
            r == site.root for r in roots
        )
        if in_scope and not source.exists() and target.exists():
            out.append(key)
    return out


def translated_sources(files: Iterable[Path], site: Site) -> set[Path]:
    """The sources among `files` a run translates: Japanese posts not opted out (they will
    have an English version after it, which links to them can point at)."""
    planned = set()
    for path in files:
        if not is_translation_source(path, site):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if is_japanese(text) and not opted_out(text):
            planned.add(path)
    return planned
