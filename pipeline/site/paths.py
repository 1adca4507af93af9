"""Source -> target mapping: which files are posts to translate, where their English copies go,
which URL a content file has, and which paths are safe to write."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.site.config import Site, SiteError

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


def _under(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _abs(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _split_lang_suffix(name: str, codes: Iterable[str]) -> tuple[str, str | None, str]:
    """'post.ja.md' -> ('post', 'ja', '.md'); 'post.md' -> ('post', None, '.md')."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name, None, ""
    base, dot2, lang = stem.rpartition(".")
    if dot2 and lang.lower() in codes:
        return base, lang.lower(), "." + ext
    return stem, None, "." + ext


def _source_dir_of(path: Path, site: Site) -> Path | None:
    for folder in site.source_dirs:
        if _under(path, folder):
            return folder
    return None


def english_path(source: Path, site: Site, target_lang: str | None = None) -> Path:
    """Where Hugo expects the English copy of `source`."""
    target = (target_lang or site.target_lang).lower()
    site = site.with_target(target) if target != site.target_lang else site
    source = _abs(source)
    codes = {lang.code for lang in site.languages}
    base, _lang, ext = _split_lang_suffix(source.name, codes)
    if site.layout == "filename":
        return source.with_name(f"{base}.{target}{ext}")
    folder = _source_dir_of(source, site)
    if folder is None:
        raise SiteError(f"{source}: not in the '{site.source_lang}' content folder")
    rel = source.relative_to(folder)
    here = site.target_dir / rel.parent
    plain, suffixed = here / f"{base}{ext}", here / f"{base}.{target}{ext}"
    expected, other = (suffixed, plain) if _lang else (plain, suffixed)
    # Hugo reads `about.md` and `about.en.md` in the English folder as one page: a page there
    # under the other spelling is the English page (a copy beside it would never be published).
    return other if other.exists() and not expected.exists() else expected


@dataclass(frozen=True)
class SourceCheck:
    """Whether a file is a post to translate; false ones say why."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def is_translation_source(path: Path, site: Site) -> SourceCheck:
    path = _abs(path)
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return SourceCheck(False, "not a Markdown file")
    if _under(path, site.root / "i18n"):
        return SourceCheck(False, "in Hugo's i18n folder")
    codes = {lang.code for lang in site.languages} | {site.target_lang}
    _base, lang, _ext = _split_lang_suffix(path.name, codes)
    if lang is not None and lang != site.source_lang:
        return SourceCheck(False, f"a '{lang}' file (translation)")
    if site.layout == "content-dir":
        if _under(path, site.target_dir):
            return SourceCheck(False, f"in the '{site.target_lang}' content folder")
        for other in site.languages:
            if other.code == site.source_lang:
                continue
            if (
                any(_under(path, d) for d in site.content_dirs(other.code))
                and _source_dir_of(path, site) is None
            ):
                return SourceCheck(False, f"in the '{other.code}' content folder")
    if _source_dir_of(path, site) is None:
        return SourceCheck(False, f"not in the '{site.source_lang}' content folder")
    return SourceCheck(True)


def safe_output_path(path: Path, site: Site) -> Path:
    """`path` if writing there stays inside the site root (symlinks and '..' resolved)."""
    root = site.root.resolve()
    real = Path(os.path.realpath(path))
    if not _under(real, root):
        raise SiteError(
            f"{path}: refusing to write outside the site root {root} (it resolves to {real})"
        )
    if _under(real, root / "i18n"):
        raise SiteError(f"{path}: refusing to write into Hugo's i18n folder")
    return path


def lang_url_prefix(site: Site, code: str) -> str:
    """'' for the default language at the root, else '/<code>'."""
    if code == site.default_language and not site.default_in_subdir:
        return ""
    return "/" + code


def page_url_dir(source: Path, site: Site) -> str:
    """The URL path (no language prefix) of a content file under Hugo's default permalinks."""
    return "/" + "".join(p.lower() + "/" for p in _page_parts(source, site))


def ref_path(source: Path, site: Site) -> str:
    """The page as `ref`/`relref` name it in any language: its path in its content folder
    without extension or language suffix, a bundle by its folder ('/post/b', '/post/c')."""
    return "/" + "/".join(_page_parts(source, site))


def _page_parts(source: Path, site: Site) -> list[str]:
    """The page's path in its content folder, without extension or language suffix; a bundle
    (`index`, `_index`) is its folder."""
    folder = _source_dir_of(_abs(source), site) or next(
        (
            d
            for lang in site.languages
            for d in site.content_dirs(lang.code)
            if _under(_abs(source), d)
        ),
        site.root / "content",
    )
    rel = PurePosixPath(_abs(source).relative_to(folder).as_posix())
    base, _lang, _ext = _split_lang_suffix(rel.name, {lang.code for lang in site.languages})
    return list(rel.parent.parts) if base in ("index", "_index") else [*rel.parent.parts, base]


def content_file_for_url(url_path: str, site: Site, code: str | None = None) -> Path | None:
    """The content file of language `code` (default: source) a URL path points to, if any."""
    code = code or site.source_lang
    rel = url_path.strip("/")
    names = []
    for suffix in ("", f".{code}"):
        if rel:
            names += [f"{rel}{suffix}.md", f"{rel}/index{suffix}.md", f"{rel}/_index{suffix}.md"]
        else:
            names.append(f"_index{suffix}.md")
    for folder in site.content_dirs(code):
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None
