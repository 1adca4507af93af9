"""Every spelling of an English page: whatever Hugo publishes as the English version of a
Japanese page is that page's English copy, so honyaku never writes a second one beside it.

Hugo pairs two pages as translations of each other when they have the same path in their content
folders once the language suffix and the extension are removed, or the same `translationKey`.
A file's language is its name's suffix when it has one (`about.en.md`, in any content folder),
else its content folder's. Checked with Hugo 0.168 and 0.111: `content/en/about.en.md`,
`content/ja/about.en.md` and `content/en/other.md` with the same `translationKey` are each
published as the English `about`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.frontmatter import FrontMatterError, split_front_matter
from pipeline.site.config import Site
from pipeline.site.paths import MARKDOWN_SUFFIXES, _abs, _split_lang_suffix, _under, english_path


@dataclass(frozen=True)
class EnglishPages:
    """The site's pages in the target language, by the key Hugo pairs translations with."""

    by_path: Mapping[str, tuple[Path, ...]]  # "dir/base" (no language, no extension) -> pages
    by_key: Mapping[str, tuple[Path, ...]]  # translationKey -> pages

    @classmethod
    def build(cls, site: Site) -> EnglishPages:
        by_path: dict[str, list[Path]] = {}
        by_key: dict[str, list[Path]] = {}
        for page, logical in _pages_in(site, site.target_lang):
            by_path.setdefault(logical, []).append(page)
            key = translation_key(page)
            if key:
                by_key.setdefault(key, []).append(page)
        return cls(
            {k: tuple(sorted(v)) for k, v in by_path.items()},
            {k: tuple(sorted(v)) for k, v in by_key.items()},
        )

    def of(self, source: Path, site: Site) -> tuple[Path, ...]:
        """Every page Hugo would publish as the English version of `source`."""
        found = list(self.by_path.get(logical_path(source, site) or "", ()))
        key = translation_key(source)
        found += [p for p in self.by_key.get(key, ()) if p not in found] if key else []
        return tuple(found)


def _pages_in(site: Site, lang: str) -> Iterator[tuple[Path, str]]:
    """(page, logical path) of every content file whose language is `lang`."""
    codes = {language.code for language in site.languages} | {site.target_lang}
    seen: set[Path] = set()
    for folder in _content_folders(site):
        if not folder.is_dir():
            continue
        for suffix in MARKDOWN_SUFFIXES:
            for path in folder.rglob(f"*{suffix}"):
                page = _abs(path)
                if page in seen or not path.is_file() or _under(page, site.root / ".honyaku"):
                    continue
                seen.add(page)
                if _language_of(page, site, codes) == lang:
                    logical = logical_path(page, site)
                    if logical is not None:
                        yield page, logical


def _content_folders(site: Site) -> list[Path]:
    folders: list[Path] = []
    for language in site.languages:
        for folder in site.content_dirs(language.code):
            folder = _abs(folder)
            if not any(_under(folder, f) for f in folders):
                folders = [f for f in folders if not _under(f, folder)] + [folder]
    return folders


def _folder_of(page: Path, site: Site) -> tuple[Path, str] | None:
    """The deepest content folder holding `page`, with its language."""
    best: tuple[Path, str] | None = None
    for language in site.languages:
        for folder in site.content_dirs(language.code):
            folder = _abs(folder)
            if _under(page, folder) and (best is None or _under(folder, best[0])):
                best = (folder, language.code)
    return best


def _language_of(page: Path, site: Site, codes: set[str]) -> str | None:
    _base, suffix_lang, _ext = _split_lang_suffix(page.name, codes)
    if suffix_lang is not None:
        return suffix_lang
    if site.layout == "filename":
        return site.default_language
    held = _folder_of(page, site)
    return held[1] if held is not None else None


def logical_path(page: Path, site: Site) -> str | None:
    """The page's path in its content folder without language suffix and extension, the key
    Hugo pairs translations by ("post/a", "post/bundle/index", "_index")."""
    page = _abs(page)
    held = _folder_of(page, site)
    if held is None:
        return None
    codes = {language.code for language in site.languages} | {site.target_lang}
    base, _lang, _ext = _split_lang_suffix(page.name, codes)
    rel = PurePosixPath(page.relative_to(held[0]).as_posix())
    return (rel.parent / base).as_posix()


def translation_key(page: Path) -> str:
    """The page's `translationKey` front-matter value, or ""."""
    try:
        front, _body = split_front_matter(page.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return ""
    data = front.data if isinstance(front.data, dict) else {}
    for key, value in data.items():
        if str(key).lower() == "translationkey" and isinstance(value, str | int) and value != "":
            return str(value)
    return ""


def has_english_version(
    page: Path, site: Site, planned: Collection[Path], english: EnglishPages
) -> bool:
    """Whether `page` has (or, being among the `planned` sources, will have after this run) an
    English version: honyaku's copy or a page under any other spelling."""
    return (
        _abs(page) in planned or english_path(page, site).exists() or bool(english.of(page, site))
    )
