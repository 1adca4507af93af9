"""The site's own URLs as links write them: which links point into the site (root-relative, or
full URLs starting with the site's `baseURL` in any of its spellings), and how a link honyaku
writes must look to resolve under that `baseURL`.

A site served under a subpath (`baseURL = "https://example.org/~jun/"`) needs that path in every
root-relative link, unless `canonifyURLs` is on: then Hugo puts the whole `baseURL` in front of
each `/...` link itself, and the path must not be there twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.site.config import Site
from pipeline.site.paths import lang_url_prefix

_FULL = re.compile(r"(?i)((?:https?:)?//)([^/?#]+)(.*)\Z")


@dataclass(frozen=True)
class SiteLink:
    """A link into the site: `origin` as written ('' for a root-relative link, else scheme and
    host), the language it points to, and the URL path without base path and language prefix."""

    origin: str
    lang: str
    url: str


@dataclass(frozen=True)
class SiteUrls:
    host: str  # lowercased host of baseURL ('' when baseURL has none)
    base_path: str  # baseURL's path without the trailing slash: '' or '/~jun'
    canonify: bool
    prefixes: tuple[tuple[str, str], ...]  # (language, '/en' or ''), longest prefix first

    @classmethod
    def of(cls, site: Site) -> SiteUrls:
        langs = {lang.code for lang in site.languages} | {site.source_lang, site.target_lang}
        prefixes = {code: lang_url_prefix(site, code) for code in langs}
        return cls.under(site.base_url, site.canonify_urls, prefixes)

    @classmethod
    def under(cls, base_url: str, canonify: bool, prefixes: dict[str, str]) -> SiteUrls:
        """The URLs of a site at `base_url` whose languages have these URL prefixes."""
        parts = urlsplit(base_url if "//" in base_url else "//" + base_url)
        ordered = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        return cls((parts.hostname or "").lower(), parts.path.rstrip("/"), canonify, tuple(ordered))

    def split(self, path: str) -> SiteLink | None:
        """The link `path` (no query or fragment) as a link into the site, or None."""
        origin = ""
        full = _FULL.match(path)
        if full:
            host = full.group(2).lower()
            if not self.host or host.split("@")[-1] != self.host:
                return None
            origin, path = full.group(1) + full.group(2), full.group(3) or "/"
            if not path.startswith("/"):
                return None
        elif not path.startswith("/") or path.startswith("//"):
            return None
        if self.base_path and (path + "/").startswith(self.base_path + "/"):
            path = path[len(self.base_path) :] or "/"
        elif origin and self.base_path:
            return None  # the same host, but outside the site
        for code, prefix in self.prefixes:
            if not prefix:
                return SiteLink(origin, code, path)
            if (path + "/").startswith(prefix + "/"):
                return SiteLink(origin, code, path[len(prefix) :] or "/")
        return None

    def write(self, link: SiteLink, lang: str) -> str:
        """The link to `lang`'s page at `link.url`, in the form that resolves under baseURL."""
        prefix = dict(self.prefixes).get(lang, "/" + lang)
        base = self.base_path if link.origin or not self.canonify else ""
        return f"{link.origin}{base}{prefix}{link.url}"

    def root_relative(self, lang: str, url: str) -> str:
        return self.write(SiteLink("", lang, url), lang)
