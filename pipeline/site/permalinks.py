"""Pages by URL where a page's URL is not its file's path: `permalinks` in the site config
(`/:year/:month/:day/:slug/`), and `url` or `slug` in a page's front matter. Links to such pages,
relative or by the site's full URL, resolve through this index; every other page keeps the plain
path lookup of `paths.content_file_for_url`.

Tokens follow Hugo's (checked with Hugo 0.168): date parts from the literal `date` value, `:slug`
falling back to the title, `:title` made into a path the way Hugo's `urlize` does it (lowercased,
spaces to one hyphen, other punctuation dropped), `:filename`/`:contentbasename` the file's or
bundle's name, `:section`/`:sections`. A page whose URL comes from its title (`:title`, or `:slug`
with no `slug` in its front matter) has an English URL made from its translated title, which is
not known before the copy is written (and changes when the title is retranslated): `by_title`
lists those pages, and links to their English copies are written as `relref`, which Hugo
resolves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from pipeline.frontmatter import FrontMatterError, split_front_matter
from pipeline.site.config import Site, load_config
from pipeline.site.paths import MARKDOWN_SUFFIXES, _abs, _split_lang_suffix, _under, page_url_dir

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_KEPT = set("./\\_#+~-@")


def urlize(text: str) -> str:
    """Hugo's `urlize` of a title for a URL path segment."""
    out: list[str] = []
    hyphen = False
    for char in text.lower():
        if char in _KEPT or unicodedata.category(char)[0] in "LNM":
            hyphen = char == "-"
            out.append(char)
        elif char.isspace() and not hyphen:
            out.append("-")
            hyphen = True
    return "".join(out)


@dataclass(frozen=True)
class PageIndex:
    """Source pages whose URL differs from their path: URL -> page, page -> URL; and the list
    pages Hugo makes with no content file of their own (a section without `_index.md`, a
    taxonomy, a term): URL -> the pages each lists. Hugo builds such a page in a language when
    it lists one page of that language, so it has an English page when one of those has."""

    by_url: Mapping[str, Path]
    url_of: Mapping[Path, str]
    by_title: frozenset[Path] = frozenset()  # pages whose URL is made from their title
    # The site's `permalinks` (section -> pattern): part of what written links depend on.
    patterns: tuple[tuple[str, str], ...] = ()
    listed: Mapping[str, tuple[Path, ...]] = field(default_factory=dict)
    # Headless bundles and pages Hugo does not render: no URL, so a link to one stays as written
    # (Hugo's link render hook makes it "" on either language's page).
    unrendered: frozenset[Path] = frozenset()
    # Pages in a section whose `_index.md` has a `slug`, and that section page: Hugo 0.123+
    # puts the slug in their URLs (`/post/news/p/` for `post/2024/p.md`), Hugo 0.111 does not.
    under_slug: frozenset[Path] = frozenset()

    def url_from_hugo(self, page: Path) -> bool:
        """Whether only Hugo knows the page's English URL (links to it are written as relref)."""
        return page in self.by_title or page in self.under_slug

    def page(self, url: str) -> Path | None:
        url = _lookup_url(url)
        return self.by_url.get(url) or self.by_url.get(url.lower())

    def listed_at(self, url: str) -> tuple[Path, ...]:
        """The pages a list page without a content file lists (none when `url` is no such page)."""
        url = _lookup_url(url)
        return self.listed.get(url) or self.listed.get(url.lower()) or ()

    @classmethod
    def build(cls, site: Site, *, terms: bool = True) -> PageIndex:
        """`terms`: list the taxonomy terms too (off when honyaku translates taxonomies: the
        English pages' terms are other words, so their term pages other URLs)."""
        try:
            config = load_config(site.root)
        except Exception:  # noqa: BLE001 - detect_site read the same config already
            config = {}
        patterns = _patterns(config)
        taxonomies = _taxonomies(config)
        url_of: dict[Path, str] = {}
        by_title: set[Path] = set()
        listed: dict[str, list[Path]] = {}
        codes = {lang.code for lang in site.languages}
        unrendered: set[Path] = set()
        for folder in site.source_dirs:
            for suffix in MARKDOWN_SUFFIXES:
                for path in folder.rglob(f"*{suffix}"):
                    front = _front(path)
                    if _not_rendered(front):
                        unrendered.add(_abs(path))
                    own = _own_url(_abs(path), folder, site, patterns, front)
                    if own is not None:
                        url_of[_abs(path)] = own.url
                        if own.from_title:
                            by_title.add(_abs(path))
                    _base, lang, _ext = _split_lang_suffix(path.name, codes)
                    if lang not in (None, site.source_lang):
                        continue  # another language's page (filename layout)
                    for url in _lists_of(path.relative_to(folder), front, taxonomies, terms):
                        listed.setdefault(url, []).append(_abs(path))
        by_url = {url: page for page, url in sorted(url_of.items())}
        lists = {url: tuple(sorted(pages)) for url, pages in listed.items()}
        return cls(
            by_url,
            url_of,
            frozenset(by_title),
            tuple(sorted(patterns.items())),
            lists,
            frozenset(unrendered),
            _under_slugged_sections(site),
        )


def _lookup_url(url: str) -> str:
    url = unquote(url)
    if not url.endswith("/") and "." not in PurePosixPath(url).name:
        url += "/"
    return url


def _taxonomies(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The front matter keys of the site's taxonomies (Hugo's default: tags and categories)."""
    table = config.get("taxonomies")
    if not isinstance(table, Mapping):
        return ("tags", "categories")
    return tuple(str(plural).lower() for plural in table.values() if plural)


def _lists_of(
    rel: PurePosixPath | Path, front: Mapping[str, Any], taxonomies: tuple[str, ...], terms: bool
) -> list[str]:
    """The URLs of the list pages a page is listed on: its section (its top folder, a bundle's
    own folder aside) and, unless it is a draft, its taxonomies and terms, as Hugo makes them
    (lowercased; a term `urlize`d)."""
    base = rel.name.split(".")[0]
    if base == "_index" or front.get("draft") is True:
        return []
    folders = rel.parent.parts[:-1] if base == "index" else rel.parent.parts
    urls = [f"/{folders[0].lower()}/"] if folders else []
    for plural in taxonomies:
        values = front.get(plural)
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or not values:
            continue
        urls.append(f"/{plural}/")
        if terms:
            urls += [f"/{plural}/{urlize(str(term))}/" for term in values if str(term).strip()]
    return urls


@dataclass(frozen=True)
class _OwnUrl:
    url: str
    from_title: bool = False  # made from the title, so the English page's differs


def _patterns(config: Mapping[str, Any]) -> dict[str, str]:
    table = config.get("permalinks") or {}
    # Hugo 0.120+ also takes {page: {section: pattern}}; only pages are looked up here.
    if isinstance(table.get("page"), dict):
        table = table["page"]
    return {str(k).strip("/"): str(v) for k, v in table.items() if isinstance(v, str)}


def _under_slugged_sections(site: Site) -> frozenset[Path]:
    sections = [
        _abs(index.parent)
        for folder in site.source_dirs
        for index in folder.rglob("_index.*")
        if index.suffix in MARKDOWN_SUFFIXES and _front(index).get("slug")
    ]
    return frozenset(
        _abs(path)
        for folder in site.source_dirs
        for suffix in MARKDOWN_SUFFIXES
        for path in folder.rglob(f"*{suffix}")
        if any(_under(_abs(path), section) for section in sections)
    )


def _not_rendered(front: Mapping[str, Any]) -> bool:
    """`headless: true`, or `build`/`_build` with `render: never` (or false, before Hugo 0.109)."""
    if front.get("headless") is True:
        return True
    build = front.get("build") or front.get("_build")
    render = build.get("render", "always") if isinstance(build, dict) else "always"
    return render in ("never", False, "false")


def _own_url(
    path: Path, folder: Path, site: Site, patterns: Mapping[str, str], front: Mapping[str, Any]
) -> _OwnUrl | None:
    """The page's URL path when it is not its file's path (else None)."""
    codes = {lang.code for lang in site.languages}
    base, lang, _ext = _split_lang_suffix(path.name, codes)
    if (lang and lang != site.source_lang) or not _under(path, folder):
        return None
    if front.get("url"):  # a section's `_index.md` too (found by the generated-site test)
        url = "/" + str(front["url"]).strip("/") + "/"
        return _OwnUrl(url if "." not in PurePosixPath(url).name else url.rstrip("/"))
    if base == "_index":
        return None
    rel = path.relative_to(folder)
    sections = rel.parent.parts[:-1] if base == "index" else rel.parent.parts
    pattern = patterns.get("/".join(sections)) or patterns.get(sections[0] if sections else "")
    if pattern is None and not front.get("slug"):
        return None
    name = rel.parent.name if base == "index" else base
    if pattern is None:
        return _OwnUrl(page_url_dir(path, site).rsplit("/", 2)[0] + f"/{front['slug']}/")
    from_title = ":title" in pattern or (
        re.search(r":slug\b", pattern) is not None and not front.get("slug")
    )
    return _OwnUrl(_expand(pattern, front, name, sections), from_title)


def _front(path: Path) -> dict[str, Any]:
    try:
        front, _body = split_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return {}
    data = front.data if isinstance(front.data, dict) else {}
    return {str(k).lower(): v for k, v in data.items()}


def _expand(pattern: str, front: Mapping[str, Any], name: str, sections: tuple[str, ...]) -> str:
    date = next(
        (str(front[k]) for k in ("date", "publishdate", "pubdate", "published") if front.get(k)),
        "",
    )
    found = _DATE.search(date)
    year, month, day = found.groups() if found else ("0001", "01", "01")
    title = urlize(str(front.get("title") or ""))
    own_slug = urlize(str(front.get("slug"))) if front.get("slug") else ""
    slug = own_slug or title
    values = {
        "year": year,
        "month": month,
        "monthname": _MONTHS[int(month) - 1].lower(),
        "day": day,
        "title": title,
        "slug": slug,
        # Hugo: the front matter's slug, else the file's name (never the title).
        "slugorfilename": own_slug or name,
        "slugorcontentbasename": own_slug or name,
        "filename": name,
        "contentbasename": name,
        "section": sections[0] if sections else "",
        "sections": "/".join(sections),
    }
    url = re.sub(r":([a-z]+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
    # Hugo lowercases paths unless disablePathToLower is set (rare on blogs).
    return re.sub(r"/{2,}", "/", "/" + url.strip("/") + "/").lower()
