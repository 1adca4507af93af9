"""Site-level rewrites of an English copy: links to other pages, heading anchors, `url` prefixes."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from pipeline.site.config import Site
from pipeline.site.headings import heading_ids
from pipeline.site.markdown import Body, Range, parse_body
from pipeline.site.paths import (
    _abs,
    content_file_for_url,
    english_path,
    lang_url_prefix,
    page_url_dir,
    ref_path,
)
from pipeline.site.permalinks import PageIndex
from pipeline.site.site_urls import SiteUrls

HasTranslation = Callable[[Path], bool]

# Small regexes, each applied only to what the Markdown parse says is raw HTML or a shortcode tag:
# an attribute of an HTML tag and the arguments of one `ref` tag are not Markdown, so no Markdown
# parser reads them.
_HREF = re.compile(r"""(\bhref\s*=\s*)(["'])([^"'\n]*)\2""")
_REF_SHORTCODE = re.compile(
    r"""(\{\{[<%]\s*)(rel)?ref\s+(?:path\s*=\s*)?(["'`])([^"'`\n]+)\3([^}]*?)(\s*[>%]\}\})"""
)


def _rewrite_targets(
    text: str,
    body: Body,
    rewrite: Callable[[str], str],
    in_html: Callable[[str], str] | None = None,
    *,
    linkify: bool = True,
) -> list[tuple[Range, str]]:
    """Edits giving each link destination its `rewrite`, each `href` in raw HTML its
    `in_html` (default: the same), and each autolink (bare URLs only with goldmark's `linkify`)
    its `rewrite` where that stays a URL; code blocks, code spans and plain text are never
    touched (the parse found no link there)."""
    edits = [((start, end), rewrite(text[start:end])) for start, end in body.destinations]
    for start, end in body.html:
        for match in _HREF.finditer(text, start, end):
            edits.append((match.span(3), (in_html or rewrite)(match.group(3))))
    for (start, end), bare in body.autolinks:
        if linkify or not bare:
            edits.append(((start, end), _as_url_text(text[start:end], rewrite)))
    return edits


def _as_url_text(url: str, rewrite: Callable[[str], str]) -> str:
    """An autolink's URL is its text too: it gets its new target only when that is a full URL
    with no shortcode (a `relref` would print as text, a root-relative path stop being a link)."""
    new = rewrite(url)
    return new if "://" in new and "{{" not in new else url


def _apply(text: str, edits: list[tuple[Range, str]]) -> str:
    out: list[str] = []
    cursor = 0
    for (start, end), new in sorted(edits):
        if start < cursor or text[start:end] == new:
            continue
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _split_dest(dest: str) -> tuple[str, str]:
    for mark in ("#", "?"):
        if mark in dest:
            index = dest.index(mark)
            return dest[:index], dest[index:]
    return dest, ""


def _resolve_ref(ref: str, page: Path, site: Site) -> Path | None:
    """The source-language file a `ref`/`relref` argument names, the way Hugo looks it up."""
    ref = ref.split("#")[0]
    if not ref:
        return None
    dirs = [d for d in site.source_dirs if d.is_dir()]
    if ref.startswith("/"):
        candidates = [d / ref.lstrip("/") for d in dirs]
    else:
        candidates = [page.parent / ref] + [d / ref for d in dirs]
    lang = site.source_lang
    for candidate in candidates:
        for path in (
            candidate,
            candidate / "index.md",
            candidate / "_index.md",
            candidate.with_name(candidate.name + ".md"),
            # Hugo names a page without its language suffix (`b.ja.md` is '/post/b').
            candidate / f"index.{lang}.md",
            candidate / f"_index.{lang}.md",
            candidate.with_name(f"{candidate.name}.{lang}.md"),
        ):
            if path.is_file():
                return _abs(path)
    if "/" not in ref:
        # Hugo also accepts a base name that is unique in the site.
        pattern = ref if ref.endswith(".md") else f"{ref}/index.md"
        hits = [p for d in dirs for p in d.rglob(pattern)]
        if len(hits) == 1:
            return _abs(hits[0])
    return None


@dataclass(frozen=True)
class _Targets:
    """What deciding a link's new target needs to know about the page and the site. `seen`
    collects every page of the site a link resolved to, with whether it had an English version
    (what the copy depends on; see `dependencies`)."""

    source: Path
    site: Site
    exists: HasTranslation
    urls: SiteUrls
    here: str  # the page's URL directory
    seen: dict[Path, bool]
    pages: PageIndex

    def _page(self, url: str) -> Path | None:
        page = self.pages.page(url) or content_file_for_url(url, self.site)
        return None if page is not None and _abs(page) in self.pages.unrendered else page

    def _has_english(self, page: Path) -> bool:
        page = _abs(page)
        if page == self.source:
            return True
        self.seen[page] = bool(self.exists(page))
        return self.seen[page]

    def _list_has_english(self, url: str) -> bool | None:
        """Whether a list page with no content file (section, taxonomy, term) has an English
        page: when one page it lists has (None: `url` is no such page). The pages looked at are
        what the copy depends on; the first with an English page settles it."""
        listed = self.pages.listed_at(url)
        return any(self._has_english(page) for page in listed) if listed else None

    def destination(self, dest: str, quote: str = '"') -> str:
        """The English copy's destination for a link destination of the Japanese page; `quote`
        is what a `relref` it writes quotes its path with (not the attribute's quote)."""
        bracketed = dest.startswith("<") and dest.endswith(">")
        raw = dest[1:-1] if bracketed else dest
        path, rest = _split_dest(raw)
        if "{{" in raw:
            return dest  # a shortcode makes the URL (`ref` tags are rewritten on their own)
        if not path or path.startswith("mailto:"):
            return dest
        if "://" in path or path.startswith(("/", "//")):
            new = self._absolute(path, quote)
        elif ":" in path:
            return dest
        else:
            new = self._relative(path, quote)
        if new is None:
            return dest
        new += rest
        return f"<{new}>" if bracketed else new

    def _absolute(self, path: str, quote: str) -> str | None:
        """A root-relative or full URL into the site: to the English page when there is one,
        else to the Japanese page; written to resolve under the site's baseURL."""
        link = self.urls.split(path)
        if link is None or link.lang not in (self.site.source_lang, self.site.target_lang):
            return None
        if link.url == "/":  # the home: Hugo builds one for every language
            self._home()
            target = self.site.target_lang
            return None if link.lang == target else self.urls.write(link, target)
        page = self._page(link.url)
        if page is None:
            english = self._list_has_english(link.url)
            if english is None:
                return None
            want = self.site.target_lang if english else self.site.source_lang
            return None if want == link.lang else self.urls.write(link, want)
        want = self.site.target_lang if self._has_english(page) else self.site.source_lang
        if want == self.site.target_lang and self.pages.url_from_hugo(_abs(page)):
            return self._relref(page, quote)
        url = self._own_url(page, link.url)
        if want == link.lang and url == link.url:
            return None
        return self.urls.write(replace(link, url=url), want)

    def _relative(self, path: str, quote: str) -> str | None:
        url = str(PurePosixPath(os.path.normpath(PurePosixPath(self.here) / path)))
        if path.endswith("/") and not url.endswith("/"):
            url += "/"
        if url == "/":  # the home: a relative link from the English page lands on its own
            self._home()
            return None
        page = self._page(url)
        if page is None:
            english = self._list_has_english(url)
            if english is None or english:
                return None
            return (
                self.urls.root_relative(self.site.source_lang, url) if url.startswith("/") else None
            )
        own = self._own_url(page, url)
        if self._has_english(page):
            if self.pages.url_from_hugo(_abs(page)):
                return self._relref(page, quote)
            return None if own == url else self.urls.root_relative(self.site.target_lang, own)
        return self.urls.root_relative(self.site.source_lang, own) if url.startswith("/") else None

    def _own_url(self, page: Path, url: str) -> str:
        """The URL to write for `page`, linked as `url`: the page's own (`slug`, `url`,
        `permalinks`) where the link names its file's path instead. Hugo's link render hook
        (0.123+, on by default on a multilingual site) takes such a path to the page's own URL
        on the Japanese page; an English link written with the path would 404."""
        if self.pages.page(url) == _abs(page):  # the page's own URL already, as the author spelt it
            return url
        return self.pages.url_of.get(_abs(page), url)

    def _home(self) -> None:
        # The link depends on the site's URLs (see `dependencies`) whatever the home's own
        # page says: recorded through the home's content file when it has one.
        page = content_file_for_url("/", self.site)
        if page is not None:
            self._has_english(page)

    def _relref(self, page: Path, quote: str) -> str:
        """The English page of a page whose URL is made from its title: only Hugo knows it
        (from the translated title, as it is when the site is built)."""
        return f"{{{{< relref {quote}{ref_path(page, self.site)}{quote} >}}}}"

    def ref_shortcode(self, tag: str) -> str:
        """`{{< ref "x" >}}` to a page without an English version gets the source language."""
        match = _REF_SHORTCODE.fullmatch(tag)
        if match is None or re.search(r"\blang\s*=", match.group(5)):
            return tag
        page = _resolve_ref(match.group(4), self.source, self.site)
        if page is None or self._has_english(page):
            return tag
        kind = "relref" if match.group(2) else "ref"
        quote = match.group(3)
        return (
            f"{match.group(1)}{kind} path={quote}{match.group(4)}{quote} "
            f'lang="{self.site.source_lang}"{match.group(5)}{match.group(6)}'
        )


def rewrite_links(
    en_text: str, source: Path, site: Site, *, has_translation: HasTranslation | None = None
) -> str:
    """Point links to other pages of the site at their English version when one exists.

    - a root-relative link, or a full URL starting with the site's baseURL (any scheme, `//`,
      with or without the base path), to a page with an English version gets the English prefix
      (`/post/x/` -> `/en/post/x/`); one to the English prefix of a page without an English
      version goes back to the Japanese page;
    - a relative link (`../x/`) already lands in the English tree; when that page has no English
      version it is pointed at the Japanese page instead (`/post/x/`);
    - a link to the site's home (`/`, the baseURL itself) goes to the English home, which
      Hugo builds for every language;
    - links honyaku writes carry the baseURL's path (`/~jun/en/post/x/`) unless `canonifyURLs`
      makes Hugo add it;
    - `{{< ref >}}`/`{{< relref >}}` resolve per language by themselves; to a page without an
      English version they get `lang="ja"` (Hugo 0.111 fails the build otherwise). Hugo expands
      shortcodes before Markdown, inside code too, so every tag counts.
    Links are what the Markdown parse finds in the body: inline and reference-definition
    destinations and `href`s of raw HTML; code blocks, inline code and front matter are left alone.
    """
    return rewrite_links_tracked(en_text, source, site, has_translation=has_translation)[0]


def rewrite_links_tracked(
    en_text: str,
    source: Path,
    site: Site,
    *,
    has_translation: HasTranslation | None = None,
    pages: PageIndex | None = None,
) -> tuple[str, dict[Path, bool]]:
    """`rewrite_links`, and every page the links resolved to with whether it had an English
    version: the pages this copy must be refreshed for when that changes. `pages` (pages by
    permalink, `url`, `slug`) is built here unless the caller built it once for many posts."""
    source = _abs(source)
    pages = pages or PageIndex.build(site)
    targets = _Targets(
        source,
        site,
        has_translation or (lambda page: english_path(page, site).exists()),
        SiteUrls.of(site),
        _url_dir(pages.url_of.get(source) or page_url_dir(source, site)),
        {},
        pages,
    )
    body = parse_body(en_text, site.prose_shortcodes)
    # In an attribute, a relref's own quotes must not end the attribute's.
    in_html = partial(targets.destination, quote="`")
    edits = _rewrite_targets(en_text, body, targets.destination, in_html, linkify=site.linkify)
    for start, end in body.shortcodes:
        edits.append(((start, end), targets.ref_shortcode(en_text[start:end])))
    return _apply(en_text, edits), dict(sorted(targets.seen.items()))


def _url_dir(url: str) -> str:
    # A page's relative links resolve from its URL as a folder ("/2015/07/20/x/").
    return url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"


def alias_needs_prefix(version: tuple[int, int, int] | None) -> bool:
    """Absolute aliases became language-relative in Hugo 0.155; before that they need `/en`."""
    return version is not None and version < (0, 155, 0)


def url_prefix_for(site: Site) -> str:
    """The prefix honyaku gives `url` (and, for Hugo < 0.155, `aliases`) in English copies."""
    return lang_url_prefix(site, site.target_lang)


def prefix_url(value: str, prefix: str) -> str:
    """'/custom/x/' -> '/en/custom/x/'; relative and already-prefixed values are unchanged."""
    if (
        not prefix
        or not value.startswith("/")
        or value.startswith("//")
        or (value + "/").startswith(prefix + "/")
    ):
        return value
    return prefix + value


FrontMatterEdit = Callable[[str, str], str]


def prefix_front_matter_urls(en_text: str, prefix: str, edit: FrontMatterEdit) -> str:
    """Give `url` (and aliases) the English prefix through the front-matter splicer.

    `edit(text, prefix)` is the front-matter module's operation (parse, `prefix_urls`, `splice`);
    it is passed in so the site stage does not import another stage.
    """
    return edit(en_text, prefix) if prefix else en_text


def anchor_map(ja_text: str, en_text: str) -> dict[str, str]:
    """Japanese heading ID -> English heading ID, when both posts have the same headings."""
    ja_ids, en_ids = heading_ids(ja_text), heading_ids(en_text)
    if len(ja_ids) != len(en_ids):
        return {}
    return {ja: en for (ja, _), (en, _) in zip(ja_ids, en_ids, strict=True) if ja != en}


def rewrite_anchors(ja_text: str, en_text: str) -> str:
    """Rewrite `](#id)` targets from the Japanese headings' IDs to the English headings' IDs."""
    mapping = anchor_map(ja_text, en_text)
    if not mapping:
        return en_text

    def swap(dest: str) -> str:
        bracketed = dest.startswith("<") and dest.endswith(">")
        raw = dest[1:-1] if bracketed else dest
        if not raw.startswith("#"):
            return dest
        new = mapping.get(raw[1:]) or mapping.get(unquote(raw[1:]))
        if not new:
            return dest
        return f"<#{new}>" if bracketed else f"#{new}"

    return _apply(en_text, _rewrite_targets(en_text, parse_body(en_text), swap))


def template_link(href: str, site: Site, has_translation: HasTranslation, pages: PageIndex) -> str:
    """A link in one of the site's templates (shown on every page that uses it), for its English
    variant: a root-relative or full URL into the site goes to the English page where there is
    one. A relative link resolves from each page that shows it and stays as written, and so
    does a link to a page whose English URL only Hugo knows (made from its title)."""
    if "{{" in href or not href.startswith(("/", "http://", "https://")):
        return href
    targets = _Targets(site.root, site, has_translation, SiteUrls.of(site), "/", {}, pages)
    link = targets.urls.split(_split_dest(href)[0])
    page = targets._page(link.url) if link is not None else None
    if page is not None and pages.url_from_hugo(_abs(page)):
        return href
    return targets.destination(href)
