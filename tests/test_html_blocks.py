"""Issue 23, point 5: Japanese text in an HTML block is translated between its tags (tags and
attributes byte for byte, the English escaped as HTML needs), or, where that is not safe (inside
`<pre>`, `<script>`, `<style>`, a tag's attribute, text with a `<` that opens no complete tag),
reported as kept: counted in the post's report and shown by `honyaku inspect`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from standins import EnglishWords, Identity
from structure_site import build_pairs

from pipeline import chars, translate_markdown
from pipeline.api import Engine, Options, translate_post
from pipeline.backends.pseudo import PseudoBackend
from pipeline.inspection import inspect_post
from tests.hugo_sites import every_hugo

TRANSLATED = {
    "blockquote with >": "<blockquote>VAIO Care > その他の機能 > 作成</blockquote>\n",
    "p": "<p>日本語の説明です。</p>\n",
    "div": "<div>設定の手順を説明します。</div>\n",
    "div over lines": '<div class="note">\n注意書きです。\nもう一行あります。\n</div>\n',
    "center": "<center>中央に置いた文です。</center>\n",
    "span at a line start": "<span>日本語の文です。</span>\n",
    "nested tags": '<div class="x">説明 <b>太字</b> です</div>\n',
    "entity": "<p>A &amp; B は日本語です。</p>\n",
    "text that is no tag": "<p>a < b は日本語です。</p>\n",
    "open div": "<div>開いたままの説明です。\n",
    # Tags a browser reads although CommonMark's tag grammar would not (found on a real site).
    "odd attribute": '<div><a href="https://amzn.to/x" ="amazon">本の紹介です</a></div>\n',
    "odd tag": "<p>一行目です<br .>二行目です</p>\n",
}
KEPT = {
    "pre": ("<pre>\n日本語のコードです\n</pre>\n", "<pre>"),
    "script": ('<script>alert("日本語です");</script>\n', "<script>"),
    "style": ('<style>p::after { content: "日本語"; }</style>\n', "<style>"),
    "script attribute": ("<div><a onclick=\"alert('日本語')\">OK</a></div>\n", "onclick="),
    "data attribute": ('<div data-note="日本語の説明">OK</div>\n', 'data-note="日本語の説明"'),
    "value": ('<div><input type="submit" value="送信"></div>\n', 'value="送信"'),
    "Japanese path": ('<div><img src="/画像/a.png" alt="figure"></div>\n', "src="),
    "unquoted alt": ("<div><img src=a.png alt=日本語の説明></div>\n", "alt=日本語の説明"),
    "template in alt": ('<div><img src="a.png" alt="{{ 図の説明 }}"></div>\n', "alt="),
    "closing tag's": ('<div>OK</div title="日本語">\n', 'title="日本語"'),
    "fence": ("<div>\n```sql\nSELECT 1; -- 日本語のコメント\n</div>\n", "code fence"),
    "quote that never closes": ('<div>説明 <a title="日本語</div>\n', "tag"),
}
# Reader attributes (alt, title, aria-label, placeholder) with Japanese, in an HTML block or in
# inline HTML of a paragraph: translated, every other byte of the tag as written.
ATTRIBUTES = {
    "alt": '<div><img src="a.png" alt="構成図"></div>\n',
    "title in single quotes": "<div title='設定の手順'>Steps</div>\n",
    "aria-label": '<nav aria-label="目次"><a href="#a">A</a></nav>\n',
    "placeholder": '<form><input type="text" placeholder="名前を入力"></form>\n',
    "entity in the value": '<div><img src="a.png" alt="前 &amp; 後の図"></div>\n',
    "with other attributes": '<p><img class="wide" alt="図" title="題" width="10"></p>\n',
    "with the text": '<div class="note"><span title="注意">説明です</span></div>\n',
    "inline img": 'テキスト<img src="a.png" alt="構成図">テキスト\n',
    "inline span": '本文 <span title="補足の説明">です</span> と続く\n',
    "inline in a list": '- 項目 <abbr title="日本語の略語">JA</abbr> です\n',
    # Found on a real site: an embed card's title over two lines (the break stays).
    "title over lines": '<iframe src="//x.jp/embed" title="一行目の題\n二行目の題" class="c"></iframe>\n',
    "inline over lines": '本文 <abbr title="一行目の題\n二行目の題">JA</abbr> です\n',
    "inline with a link title": '[リンク](/a "題名") と <img alt="図" src="b.png">\n',
}
_READER_VALUE = re.compile(r"""((?:alt|title|aria-label|placeholder)=)("[^"]*"|'[^']*')""")
POST = "---\ntitle: 記事\n---\n\n"


def _tags(text: str) -> list[str]:
    """The text's tags with the values of reader attributes left out."""
    tags = re.findall(r"</?[A-Za-z][^<>]*>", text)
    return [_READER_VALUE.sub(lambda m: m.group(1) + m.group(2)[0], t) for t in tags]


@pytest.mark.parametrize("name", list(ATTRIBUTES))
def test_reader_attributes_are_translated(name: str) -> None:
    source = ATTRIBUTES[name]
    english, report = translate_post(POST + source, Engine(EnglishWords()), Options(summary="off"))
    assert not chars.has_japanese(_body(english)), english
    assert _tags(_body(english)) == _tags(source)
    assert report.kept == [] and not report.partial


def test_an_attribute_value_is_escaped_for_its_quote() -> None:
    class Markup(EnglishWords):
        def one(self, sentence: str) -> str:
            return """He said "a < b" & 'c'""" if "比較" in sentence else super().one(sentence)

    source = '<div><img alt="比較" title=\'比較\'></div>\n\n文<img alt="比較">です\n'
    english = translate_markdown(source, Markup(), summarize=False)
    double = "alt=\"He said &quot;a &lt; b&quot; &amp; 'c'\""
    single = "title='He said \"a &lt; b\" &amp; &#39;c&#39;'"
    assert english.count(double) == 2 and english.count(single) == 1, english


def test_a_pipe_in_an_attribute_does_not_cut_a_table_cell() -> None:
    class Piped(EnglishWords):
        def one(self, sentence: str) -> str:
            return "before | after" if "比較" in sentence else super().one(sentence)

    source = '| 項目 | 図 |\n|---|---|\n| 説明 | <img src="a.png" alt="比較"> |\n'
    english = translate_markdown(source, Piped(), summarize=False)
    assert 'alt="before &#124; after"' in english, english


def test_japanese_in_other_attributes_of_inline_html_is_reported() -> None:
    source = POST + '本文 <span data-note="日本語のメモ" title="補足">です</span>\n'
    english, report = translate_post(source, Engine(EnglishWords()), Options(summary="off"))
    assert 'data-note="日本語のメモ"' in english and "補足" not in english
    assert len(report.kept) == 1 and 'data-note="日本語のメモ"' in report.kept[0], report.kept
    shown = inspect_post(source).render()
    assert "kept in Japanese" in shown and "data-note" in shown, shown


def _body(english: str) -> str:
    return english.split("---\n", 2)[-1]


@pytest.mark.parametrize("name", list(TRANSLATED))
def test_text_between_the_tags_is_translated(name: str) -> None:
    source = TRANSLATED[name]
    english = translate_markdown(source, EnglishWords(), summarize=False)
    assert not chars.has_japanese(english), english
    tags = re.compile(r"</?[A-Za-z][^<>]*>|&amp;")
    assert tags.findall(english) == tags.findall(source)


@pytest.mark.parametrize("name", list(KEPT))
def test_what_is_not_safe_is_kept_and_reported(name: str) -> None:
    source, why = KEPT[name]
    english, report = translate_post(POST + source, Engine(EnglishWords()), Options(summary="off"))
    assert _body(english) == "\n" + source
    assert len(report.kept) == 1 and why in report.kept[0], report.kept
    assert report.partial
    shown = inspect_post(POST + source).render()
    assert "kept in Japanese" in shown and why in shown, shown


def test_markdown_syntax_in_an_html_block_keeps_its_japanese_and_says_so() -> None:
    """An HTML block shows a code span as text: the scan keeps it whole, so its Japanese stays,
    and is reported."""
    source = POST + "<div>\n説明です `日本語のコード` と書きます\n</div>\n"
    english, report = translate_post(source, Engine(EnglishWords()), Options(summary="off"))
    assert "説明" not in english and "`日本語のコード`" in english
    assert len(report.kept) == 1 and "Markdown" in report.kept[0], report.kept


def test_a_comment_is_no_text_on_the_page_and_not_reported() -> None:
    source = POST + "<!-- 画像は後で差し替える -->\n\n<div>説明です<!-- メモ --></div>\n"
    english, report = translate_post(source, Engine(EnglishWords()), Options(summary="off"))
    assert "<!-- 画像は後で差し替える -->" in english and "<!-- メモ -->" in english
    assert report.kept == [] and "説明" not in english


def test_the_english_is_escaped_as_html_needs() -> None:
    class Markup(EnglishWords):
        def one(self, sentence: str) -> str:
            return "a < b & c" if "比較" in sentence else super().one(sentence)

    english = translate_markdown("<p>比較の結果</p>\n", Markup(), summarize=False)
    assert english == "<p>a &lt; b &amp; c</p>\n"


def test_no_markdown_escape_inside_an_html_block() -> None:
    """Markdown is not read inside an HTML block: a `\\` put before `- ` would show."""

    class Listy(EnglishWords):
        def one(self, sentence: str) -> str:
            return "- second line" if "二行目" in sentence else super().one(sentence)

    english = translate_markdown("<div>\n一行目です。\n二行目です。\n</div>\n", Listy())
    assert "\\-" not in english and "- second line" in english


def test_identity_keeps_every_case_byte_for_byte() -> None:
    for source in [*TRANSLATED.values(), *ATTRIBUTES.values(), *(s for s, _ in KEPT.values())]:
        assert translate_markdown(source, Identity(), summarize=False) == source


@pytest.mark.parametrize("exe", every_hugo())
@pytest.mark.parametrize("translator", ["pseudo", "english"])
def test_hugo_shows_the_same_structure_in_english(
    translator: str, exe: str, tmp_path: Path
) -> None:
    """Every Hugo the machine has (current and Debian's 0.111): the same elements and attributes
    (reader attributes present, their text aside), and no Japanese left on the pages whose
    text and reader attributes were translated."""
    sources = [*TRANSLATED.values(), *ATTRIBUTES.values(), *(s for s, _ in KEPT.values())]
    english = [
        translate_markdown(
            s, PseudoBackend() if translator == "pseudo" else EnglishWords(), summarize=False
        )
        for s in sources
    ]
    root = tmp_path / "site"
    built = build_pairs(root, list(zip(sources, english, strict=True)), exe)
    translated = [*TRANSLATED.values(), *ATTRIBUTES.values()]
    for k, (source, (ja, en)) in enumerate(zip(sources, built, strict=True)):
        assert en == ja, (source, english[k])
        if source in translated:
            page = (root / "public" / f"p{k:04d}-en" / "index.html").read_text("utf-8")
            assert not chars.has_japanese(page), (source, page)
