"""Which Markdown files of a run are Japanese posts to translate: discovery, opt-out, language,
and English copies whose source is gone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from pipeline import chars
from pipeline.site.config import Site
from pipeline.site.headings import _body
from pipeline.site.lock import Lock, relative_key
from pipeline.site.paths import MARKDOWN_SUFFIXES, _abs, _split_lang_suffix, _under

OPT_OUT_KEY = "notranslate"


def discover(paths: Sequence[Path], site: Site) -> list[Path]:
    """Markdown files under `paths`, sorted, without duplicates."""
    found: set[Path] = set()
    for path in paths:
        path = Path(_abs(path))
        if path.is_dir():
            # English copies are outputs, not inputs: a folder walk passes them by silently.
            for suffix in MARKDOWN_SUFFIXES:
                found.update(
                    p for p in path.rglob(f"*{suffix}") if p.is_file() and not _is_output(p, site)
                )
        elif path.is_file():
            found.add(path)
    return sorted(
        found,
        key=lambda p: p.relative_to(site.root).as_posix() if _under(p, site.root) else p.as_posix(),
    )


def _is_output(path: Path, site: Site) -> bool:
    if (
        site.layout == "content-dir"
        and _under(path, site.target_dir)
        and not any(_under(path, d) for d in site.source_dirs)
    ):
        return True
    codes = {lang.code for lang in site.languages}
    return _split_lang_suffix(path.name, codes)[1] == site.target_lang


def _front_matter_and_body(text: str) -> tuple[str, str]:
    body = _body(text)
    head = text.lstrip("\ufeff")
    return head[: len(head) - len(body)], body


def opted_out(text: str) -> bool:
    front, _body = _front_matter_and_body(text)
    return (
        re.search(rf"""^\s*["']?{OPT_OUT_KEY}["']?\s*[:=]\s*true\b""", front, re.M | re.I)
        is not None
    )


_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
_TITLE = re.compile(
    r"""^\s*["']?(?:title|subtitle|summary|description)["']?\s*[:=]\s*(.*)$""", re.M | re.I
)


def is_japanese(text: str) -> bool:
    """True when the prose or the front-matter title is Japanese (code is not prose)."""
    front, body = _front_matter_and_body(text)
    prose = _FENCED.sub("", body)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    prose = re.sub(r"<!--.*?-->", "", prose, flags=re.S)
    titles = " ".join(_TITLE.findall(front))
    # The source language is Japanese, so kanji count too (a title like "SageMaker概要").
    return chars.has_japanese_letters(prose) or chars.has_japanese_letters(titles)


def _rel(path: Path, site: Site) -> str:
    return relative_key(path, site.root)


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
