"""Links on a built Hugo site: read from the HTML under `public/`, resolved against that folder.

Real Hugo is the judge of what a page shows, so the checks read what Hugo wrote (with lxml), not the
Markdown: every `href` and `src` of a built page, where it sits (inside the post body or in the
theme around it), and whether the page or file it names was built. Shared by the tests that
build whole sites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import lxml.html

# The attribute that names a link's target, per tag (what a browser follows or fetches).
_TARGETS = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src"}


@dataclass(frozen=True)
class Link:
    """One link on a built page: its tag, raw target, `hreflang`, and whether it sits inside
    the element that holds the post's own text (the body class given to `read_links`)."""

    tag: str
    href: str
    hreflang: str
    in_body: bool


def read_links(html: bytes | str, body_class: str = "entry-content") -> list[Link]:
    """Every link of a page, in document order, each marked as inside or outside the post body
    (an element with class `body_class`: the theme's wrapper of `.Content` or `.Summary`)."""
    if not html.strip():
        return []
    doc = lxml.html.document_fromstring(html)
    in_body = {
        id(element) for holder in doc.find_class(body_class) for element in holder.iterdescendants()
    }
    links = []
    for element in doc.iter(*_TARGETS):
        target = element.get(_TARGETS[element.tag], "")
        if target:
            hreflang = element.get("hreflang", "")
            links.append(Link(element.tag, target, hreflang, id(element) in in_body))
    return links


@dataclass(frozen=True)
class BuiltSite:
    """A built `public/` folder: its HTML pages by URL path and every file Hugo wrote."""

    public: Path
    base_url: str
    pages: dict[str, Path]  # `/en/entry/x/` for `public/en/entry/x/index.html`
    files: frozenset[str]  # `/en/entry/x/index.html`, `/css/main.css`, …

    @classmethod
    def read(cls, public: Path, base_url: str) -> BuiltSite:
        files = frozenset(
            "/" + f.relative_to(public).as_posix() for f in public.rglob("*") if f.is_file()
        )
        pages = {
            (f[: -len("index.html")] if f.endswith("/index.html") else f): public / f[1:]
            for f in sorted(files)
            if f.endswith(".html")
        }
        return cls(public, base_url, pages, files)

    def links(self, url: str) -> list[Link]:
        return read_links(self.pages[url].read_bytes())

    def internal(self, href: str, page_url: str) -> str | None:
        return internal_path(href, page_url, self.base_url)

    def resolves(self, path: str) -> bool:
        """Whether Hugo built something at `path`: a file, or a folder with an `index.html`
        (a folder path without its final slash resolves the way a static server redirects it)."""
        return path in self.files or path.rstrip("/") + "/index.html" in self.files


def internal_path(href: str, page_url: str, base_url: str) -> str | None:
    """The URL path inside the site a link names (query and fragment dropped, percent-decoded),
    or None for a link that leaves the site (another host, `mailto:`, a bare fragment)."""
    if not href or href.startswith("#"):
        return None
    base = urlparse(base_url)
    absolute = urlparse(urljoin(base_url.rstrip("/") + page_url, href.strip()))
    if absolute.scheme not in ("http", "https") or absolute.netloc != base.netloc:
        return None
    # A static server reads `//index.xml` as `/index.xml` (a theme's `{{ .Site.BaseURL }}/…`).
    return re.sub("/{2,}", "/", unquote(absolute.path)) or "/"


def english_path(path: str, prefix: str = "/en/") -> str | None:
    """The English twin of a default-language path (`/entry/x/` → `/en/entry/x/`), or None
    when the path is already English."""
    if path == prefix.rstrip("/") or path.startswith(prefix):
        return None
    return prefix.rstrip("/") + path


def default_path(path: str, prefix: str = "/en/") -> str:
    """The default-language twin of an English path (`/en/entry/x/` → `/entry/x/`)."""
    if path == prefix.rstrip("/"):
        return "/"
    return "/" + path[len(prefix) :] if path.startswith(prefix) else path
