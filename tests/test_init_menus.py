"""Issue 23, point 5: the site's menus on English pages.

Real Hugo (0.111 and 0.168) gives English pages the root `menus` as they are, so a `url` entry
(`/about/`) takes English readers to the Japanese page; a language's own menus replace the root
ones as a whole. `honyaku init` adds the English menus (`config/_default/menus.en.<ext>`, each
site-internal `url` under `/en/`), in the same diff and only with `--yes`; the config report names
each shared entry that links to a Japanese page, with the fix. Checked by building the sites.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from pipeline.site.config_report import config_findings
from tests.hugo_sites import every_hugo
from tests.test_init import invoke
from tests.test_links_hugo import build as build_into_public

BASE = "https://example.org/~jun/"
SHARED = Path(__file__).resolve().parents[2] / "shared"

MENUS_TOML = """
[[menus.main]]
  name = "ホーム"
  url = "/"
  weight = 1
[[menus.main]]
  name = "自己紹介"
  url = "/about/"
  weight = 2
[[menus.main]]
  name = "GitHub"
  url = "https://github.com/jun"
  weight = 3
[[menus.main]]
  name = "投稿"
  pageRef = "/post"
  weight = 4
[[menus.footer]]
  name = "最初の記事"
  url = "https://example.org/~jun/post/a/"
"""

MENUS_YAML = """menu:
  main:
    - name: ホーム
      url: /
      weight: 1
    - name: 自己紹介
      url: /about/
      weight: 2
    - {name: GitHub, url: "https://github.com/jun", weight: 3}
    - {name: 投稿, pageRef: /post, weight: 4}
  footer:
    - name: 最初の記事
      url: https://example.org/~jun/post/a/
"""

MENUS_JSON = """,
  "menus": {
    "main": [
      {"name": "ホーム", "url": "/", "weight": 1},
      {"name": "自己紹介", "url": "/about/", "weight": 2},
      {"name": "GitHub", "url": "https://github.com/jun", "weight": 3},
      {"name": "投稿", "pageRef": "/post", "weight": 4}
    ],
    "footer": [{"name": "最初の記事", "url": "https://example.org/~jun/post/a/"}]
  }
}
"""

HEAD = 'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
SITES = {
    # A Japanese-only blog, menus in its one config file, in each format.
    "toml": {"hugo.toml": f'baseURL = "{BASE}"\nhasCJKLanguage = true\n{HEAD}{MENUS_TOML}'},
    "yaml": {
        "config.yaml": f"baseURL: {BASE}\nhasCJKLanguage: true\n"
        "disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT]\n" + MENUS_YAML
    },
    "json": {
        "hugo.json": f'{{\n  "baseURL": "{BASE}",\n  "hasCJKLanguage": true,\n'
        '  "disableKinds": ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]' + MENUS_JSON
    },
    # Already bilingual, languages in their own file, the menus shared from the config folder.
    "config-dir": {
        "config/_default/hugo.toml": f'baseURL = "{BASE}"\ndefaultContentLanguage = "ja"\n{HEAD}',
        "config/_default/languages.yaml": "ja:\n  weight: 1\nen:\n  weight: 2\n",
        "config/_default/menus.toml": MENUS_TOML.replace("menus.", ""),
    },
    # Japanese menus of the Japanese language only: English has none at all.
    "menus.ja": {
        "config/_default/hugo.toml": f'baseURL = "{BASE}"\ndefaultContentLanguage = "ja"\n{HEAD}'
        "[languages.ja]\nweight = 1\n[languages.en]\nweight = 2\n",
        "config/_default/menus.ja.toml": MENUS_TOML.replace("menus.", ""),
    },
}

NAV = (
    '<nav>{{ range .Site.Menus.main }}<a href="{{ .URL }}">{{ .Name }}</a>{{ end }}'
    '{{ range .Site.Menus.footer }}<a href="{{ .URL }}">{{ .Name }}</a>{{ end }}</nav>'
)
PAGES = {
    "layouts/_default/single.html": NAV + "{{ .Content }}\n",
    "layouts/_default/list.html": NAV + "{{ .Content }}\n",
    "content/about.md": "---\ntitle: 自己紹介\n---\n\n私について。\n",
    "content/post/a.md": "---\ntitle: 最初\nmenu: main\n---\n\n最初の記事です。\n",
    "content/post/b.md": "---\ntitle: 二番目\n---\n\n二番目の記事です。\n",
}


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {**files, **PAGES}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def build(exe: str, root: Path) -> None:
    shutil.rmtree(root / "public", ignore_errors=True)
    build_into_public(exe, root)


def nav_links(page: Path) -> list[str]:
    nav = re.search(r"<nav>(.*?)</nav>", page.read_text(encoding="utf-8"), re.S)
    assert nav is not None, page
    return re.findall(r'href="([^"]*)"', nav.group(1))


def check_links(public: Path, page: str, english: bool) -> int:
    """Each menu link on `page` into the site resolves to a built page of the right language;
    the count of such links."""
    checked = 0
    for href in nav_links(public / page / "index.html"):
        url = urlparse(urljoin(f"{BASE}{page}/", href))
        if url.netloc != "example.org":
            continue
        path = unquote(url.path)[len("/~jun/") :]
        assert path.startswith("en/") is english, f"{href} on {page}"
        assert (public / path / "index.html").is_file(), f"{href} on {page} does not resolve"
        checked += 1
    return checked


@pytest.mark.parametrize("exe", every_hugo())
def test_hugo_shows_shared_menu_urls_on_english_pages(tmp_path: Path, exe: str) -> None:
    """The premise: a bilingual site with shared menus sends English readers to Japanese pages."""
    root = make(tmp_path / "site", SITES["config-dir"])
    (root / "content/about.en.md").write_text("---\ntitle: About\n---\n\nAbout me.\n")
    build(exe, root)
    assert "/~jun/about/" in nav_links(root / "public/en/about/index.html")


@pytest.mark.parametrize("kind", sorted(SITES))
def test_init_adds_english_menus_whose_links_go_to_english_pages(tmp_path: Path, kind: str) -> None:
    root = make(tmp_path / "site", SITES[kind])
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}
    code, out, err = invoke("init", str(root))
    assert code == 0, err
    assert "+++ b/config/_default/menus.en." in out and "/en/about/" in out
    assert not list(root.glob("config/_default/menus.en.*"))  # only shown without --yes
    findings = [f.line() for f in config_findings(root)]
    if kind in ("config-dir",):  # bilingual already: the report names each entry with the fix
        assert sum("takes English pages to the Japanese page" in f for f in findings) == 3
        assert any("menus.main with url '/en/about/'" in f for f in findings)
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    written = list(root.glob("config/_default/menus.en.*"))
    assert len(written) == 1 and "wrote" in out and "translate them" in out
    findings = [f.line() for f in config_findings(root)]
    assert not any("takes English pages" in f for f in findings)
    # The names init copied are the person's to translate, and the report says so.
    assert any("'自己紹介' in the English settings" in f for f in findings)

    code, out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 0, out + err
    assert all(p.read_bytes() == b for p, b in before.items())
    for exe in every_hugo():
        build(exe, root)
        public = root / "public"
        pages = ("en", "en/about", "en/post/a", "en/post/b")
        # /en/, /en/about/, /en/post/ (pageRef), /en/post/a/ (footer and front matter menu)
        assert sum(check_links(public, page, english=True) for page in pages) == 5 * len(pages)
        assert check_links(public, "about", english=False) == 5  # the Japanese menus as they were


def test_an_english_menus_file_is_not_edited_and_the_fix_is_named(tmp_path: Path) -> None:
    files = {
        **SITES["config-dir"],
        "config/_default/menus.en.toml": '[[main]]\nname = "Home"\nurl = "/en/"\n',
    }
    root = make(tmp_path / "site", files)
    before = (root / "config/_default/menus.en.toml").read_bytes()
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    assert "config/_default/menus.en.toml: the English site has no 'footer' menu" in out
    assert "'main' menu" not in out
    assert (root / "config/_default/menus.en.toml").read_bytes() == before


def test_a_site_whose_menus_already_go_to_english_pages_gets_no_menus(tmp_path: Path) -> None:
    files = {
        **SITES["config-dir"],
        "config/_default/menus.toml": '[[main]]\nname = "Posts"\npageRef = "/post"\n'
        '[[main]]\nname = "GitHub"\nurl = "https://github.com/jun"\n',
    }
    root = make(tmp_path / "site", files)
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    assert "menus.en" not in out and not list(root.glob("config/_default/menus.en.*"))


@pytest.mark.skipif(not (SHARED / "sites/mosuke-tech").is_dir(), reason="no ../shared/sites")
def test_the_real_site_after_init_links_english_pages_to_english_pages(tmp_path: Path) -> None:
    """mosuke-tech: bilingual in its config.yaml, no config menus (its theme's navigation uses
    relLangURL). init changes no config, adds the .gitignore lines; the built English pages'
    navigation links go to English pages, on every Hugo."""
    root = tmp_path / "site"
    shutil.copytree(SHARED / "sites/mosuke-tech", root)
    config = (root / "config.yaml").read_bytes()
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    assert "already has an 'en' language" in out and "menus" not in out
    assert (root / "config.yaml").read_bytes() == config and (root / ".gitignore").is_file()
    for exe in every_hugo():
        build(exe, root)
        public = root / "public"
        pages = [p for p in (public / "en").rglob("index.html") if "/page/" not in p.as_posix()]
        checked = 0
        for page in pages:
            for href in re.findall(r'class="nav-link" href="([^"]*)"', page.read_text()):
                assert href.startswith("/en"), f"{href} on {page}"
                assert (public / href.strip("/") / "index.html").is_file(), href
                checked += 1
        assert checked >= 3 * len(pages) > 0


def test_menus_the_config_format_cannot_hold_are_named_and_the_rest_is_written(
    tmp_path: Path,
) -> None:
    """A YAML menu with a null in it, written next to a TOML config: TOML has no null."""
    files = {
        "config.toml": f'baseURL = "{BASE}"\nhasCJKLanguage = true\n',
        "config/_default/menus.yaml": "main:\n  - name: 自己紹介\n    url: /about/\n"
        "    params:\n      icon: null\n",
    }
    root = make(tmp_path / "site", files)
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    assert "the English 'main' menu cannot be written in this format: add it by hand" in out
    assert "[languages.en]" in (root / "config.toml").read_text()
    assert (root / ".gitignore").is_file() and not list(root.glob("config/_default/menus.en.*"))


def test_shared_menus_english_would_lose_are_kept(tmp_path: Path) -> None:
    """English menus of its own replace the shared ones as a whole, so a shared menu only the
    English pages showed goes into the English menus too."""
    files = {
        **SITES["menus.ja"],
        "config/_default/menus.toml": '[[social]]\nname = "Feed"\nurl = "/index.xml"\n',
    }
    root = make(tmp_path / "site", files)
    assert invoke("init", str(root), "--yes")[0] == 0
    text = (root / "config/_default/menus.en.toml").read_text(encoding="utf-8")
    assert '[[main]]\nname = "自己紹介"\nurl = "/en/about/"' in text
    assert '[[social]]\nname = "Feed"\nurl = "/en/index.xml"' in text
