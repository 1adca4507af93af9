"""Issue 23, point 5: the links honyaku writes depend on the site's URLs (`baseURL`,
`canonifyURLs`, the languages' prefixes, `permalinks`) as well as on which pages have an English
version. When those change, a copy's links are out of date: the run says so and writes the copy
again (a person's edits are kept as ever), and `--force` retranslates every copy honyaku wrote.
Judged by real Hugo, each version this machine has."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.site import load_lock
from tests.hugo_sites import BILINGUAL_DIRS, every_hugo
from tests.test_links_hugo import build, parse

# b has an English page, c is opted out (links to it go to the Japanese c).
A = "---\ntitle: 最初\n---\n\n[二番目](../b/)と[三番目](../c/)と[ホーム](/)を見てください。\n"
B = "---\ntitle: 二番目\n---\n\n二番目の記事です。\n"
C = "---\ntitle: 三番目\nnotranslate: true\n---\n\n三番目の記事です。\n"


def config(base: str, permalinks: str = "") -> str:
    return (
        f'baseURL = "{base}"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
        + BILINGUAL_DIRS
        + permalinks
    )


def make_site(root: Path) -> Path:
    files = {
        "hugo.toml": config("https://example.org/~jun/"),
        "layouts/_default/single.html": "{{ .Content }}\n",
        "layouts/_default/list.html": "{{ .Content }}\n",
        "content/ja/post/a.md": A,
        "content/ja/post/b.md": B,
        "content/ja/post/c.md": C,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def batch(root: Path, *flags: str, code: int = 0) -> str:
    args = ["batch", str(root / "content/ja"), "--backend", "pseudo", "--no-cache", *flags]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, result.stdout + result.stderr
    return result.stdout


def written(root: Path) -> tuple[bytes, bytes]:
    return (root / "content/en/post/a.md").read_bytes(), (root / "honyaku.lock").read_bytes()


def built_links(root: Path, exe: str, base: str, page: str = "en/post/a/") -> list[str]:
    """The English page's links, each checked to be a page Hugo built under `base`."""
    build(exe, root)
    public = root / "public"
    links = parse(public / page / "index.html").links
    for href in links:
        path = urlparse(urljoin(base + page, href)).path
        assert path.startswith(urlparse(base).path), href
        built = public / path[len(urlparse(base).path) :] / "index.html"
        assert built.is_file(), f"{href} is a 404 under {base}"
    return links


@pytest.mark.parametrize("exe", every_hugo())
def test_a_new_base_url_gets_the_links_rewritten(tmp_path: Path, exe: str) -> None:
    root = make_site(tmp_path / "site")
    batch(root)
    a_en = root / "content/en/post/a.md"
    assert "(/~jun/post/c/)" in a_en.read_text(encoding="utf-8")
    (root / "hugo.toml").write_text(config("https://example.org/~lab/"), encoding="utf-8")

    out = batch(root, "--check", code=1)  # not up to date: its links go to /~jun/
    assert re.search(r"content/ja/post/a\.md.*site's URLs changed", out), out
    out = batch(root)
    assert "1 translated" in out, out
    text = a_en.read_text(encoding="utf-8")
    assert "(/~lab/post/c/)" in text and "(/~lab/en/)" in text and "~jun" not in text
    base = "https://example.org/~lab/"
    assert built_links(root, exe, base) == ["../b/", "/~lab/post/c/", "/~lab/en/"]
    before = written(root)
    out = batch(root)  # nothing changed since: nothing written
    assert written(root) == before and "2 up to date, 1 skipped" in out, out
    batch(root, "--check")


@pytest.mark.parametrize("exe", every_hugo())
def test_new_permalinks_get_the_links_rewritten(tmp_path: Path, exe: str) -> None:
    root = make_site(tmp_path / "site")
    batch(root)
    # a's relative link to c now resolves from /articles/a/ to /articles/c/.
    permalinks = '[permalinks]\npost = "/articles/:filename/"\n'
    (root / "hugo.toml").write_text(config("https://example.org/~jun/", permalinks), "utf-8")
    batch(root)
    base = "https://example.org/~jun/"
    links = built_links(root, exe, base, "en/articles/a/")
    assert links == ["../b/", "/~jun/articles/c/", "/~jun/en/"]


def test_force_retranslates_what_honyaku_wrote(tmp_path: Path) -> None:
    """Its help says so: up-to-date copies are written again (with today's links) too."""
    root = make_site(tmp_path / "site")
    batch(root)
    a_en = root / "content/en/post/a.md"
    a_en_before = a_en.read_bytes()
    out = batch(root, "--force")
    assert "2 translated" in out, out  # a and b; c is opted out
    assert a_en.read_bytes() == a_en_before
    entry = load_lock(root).get(a_en)
    old = entry.links.split()[-1]  # the site's URLs the links were written for
    assert old.startswith("@")
    lock = root / "honyaku.lock"
    lock.write_text(lock.read_text(encoding="utf-8").replace(old, ""), encoding="utf-8")
    (root / "hugo.toml").write_text(config("https://example.org/~lab/"), encoding="utf-8")
    # A lock from before the site's URLs were recorded reads as before (up to date) ...
    assert "2 up to date, 1 skipped" in batch(root)
    batch(root, "--force")  # ... and --force brings its links up to date
    assert "(/~lab/post/c/)" in a_en.read_text(encoding="utf-8")
    assert load_lock(root).get(a_en).links.split()[-1] not in ("", old)


def test_an_edited_copy_is_kept_and_its_stale_links_named(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    batch(root)
    a_en = root / "content/en/post/a.md"
    edited = a_en.read_text(encoding="utf-8") + "\nA line a person added.\n"
    a_en.write_text(edited, encoding="utf-8")
    (root / "hugo.toml").write_text(config("https://example.org/~lab/"), encoding="utf-8")
    out = batch(root)
    assert a_en.read_text(encoding="utf-8") == edited
    assert "its links were written for other site URLs" in out, out
    batch(root, "--force")  # replaced on purpose, the person's page kept aside
    assert "(/~lab/post/c/)" in a_en.read_text(encoding="utf-8")
    assert list((root / ".honyaku/replaced").rglob("a.md"))


def test_a_malformed_record_of_the_site_urls_counts_as_changed(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    batch(root)
    a_en = root / "content/en/post/a.md"
    good = load_lock(root).get(a_en).links.split()[-1]
    lock = root / "honyaku.lock"
    lock.write_text(lock.read_text(encoding="utf-8").replace(good, "@not-a-digest"), "utf-8")
    out = batch(root)
    assert "1 translated" in out, out
    assert load_lock(root).get(a_en).links.split()[-1] == good


def test_a_changed_post_under_new_urls_gets_every_link_rewritten(tmp_path: Path) -> None:
    """An update would keep the unchanged blocks, old links and all: a copy nobody edited is
    written whole; an edited one is updated and still says its links are out of date."""
    root = make_site(tmp_path / "site")
    b_ja = root / "content/ja/post/b.md"
    b_ja.write_text(B + "\n[三番目](../c/)です。\n", encoding="utf-8")
    batch(root)
    a_en, b_en = root / "content/en/post/a.md", root / "content/en/post/b.md"
    b_en.write_text(b_en.read_text(encoding="utf-8") + "\nA line a person added.\n", "utf-8")
    (root / "hugo.toml").write_text(config("https://example.org/~lab/"), encoding="utf-8")
    (root / "content/ja/post/a.md").write_text(A + "\n追記です。\n", encoding="utf-8")
    b_ja.write_text(b_ja.read_text(encoding="utf-8") + "\n追記です。\n", encoding="utf-8")
    batch(root)
    assert "(/~lab/post/c/)" in a_en.read_text(encoding="utf-8")
    b_text = b_en.read_text(encoding="utf-8")
    assert "A line a person added." in b_text and "(/~jun/post/c/)" in b_text
    assert "its links were written for other site URLs" in batch(root)
