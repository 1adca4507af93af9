"""Which language a Hugo site is written in, from its config or, when the config says nothing,
from its posts: a Japanese-only blog often has only `languageCode = "ja"` or `hasCJKLanguage`, and
Hugo's own default (`en`) must never be taken for the site's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Kana are Japanese only (kanji alone could be Chinese, which `hasCJKLanguage` also covers).
_KANA = re.compile("[\u3040-\u30ff]")
_SAMPLE = 200  # posts looked at when only the content can tell


@dataclass(frozen=True)
class SiteLanguage:
    code: str | None  # None: neither the config nor the content says
    because: str  # where it was read, for messages ("languageCode = 'ja-JP' in config.toml")


def _code(value: object) -> str:
    # 'ja-JP', 'ja_JP' -> 'ja': Hugo's language keys are the short codes.
    return re.split(r"[-_]", str(value).strip().lower(), maxsplit=1)[0]


def site_language(config: Mapping[str, Any], root: Path, config_name: str) -> SiteLanguage:
    """The site's language; `config` has Hugo's lowercased keys."""
    default = config.get("defaultcontentlanguage")
    if default:
        return SiteLanguage(_code(default), f"defaultContentLanguage in {config_name}")
    table = config.get("languages")
    if isinstance(table, dict) and table:
        first = min(
            table.items(),
            key=lambda kv: (
                (kv[1] or {}).get("weight", 0) if isinstance(kv[1], dict) else 0,
                str(kv[0]),
            ),
        )
        return SiteLanguage(_code(first[0]), f"languages in {config_name}")
    code = config.get("languagecode")
    if code:
        return SiteLanguage(_code(code), f"languageCode = '{code}' in {config_name}")
    content = str(config.get("contentdir") or "content").strip("/")
    if _mostly_japanese(root / content):
        return SiteLanguage("ja", f"most posts in {content}/ are Japanese")
    return SiteLanguage(None, "")


def _mostly_japanese(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    posts = sorted(folder.rglob("*.md"))[:_SAMPLE]
    japanese = 0
    for post in posts:
        try:
            text = post.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        japanese += bool(_KANA.search(text))
    return bool(posts) and japanese * 2 > len(posts)
