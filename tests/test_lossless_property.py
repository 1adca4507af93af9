"""Invariant 1 as a property: generated Markdown posts survive the identity and marking round
trips byte for byte, whatever odd but valid shape they take."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standins import Identity, Marking, strip_marks

from pipeline import translate_markdown

SENTENCES = (
    "今日はHugoの設定を見直しました。",
    "モデルの学習には時間がかかります",
    "詳しくは公式ドキュメントを参照してください。",
    "これは「引用」を含む文です！",
    "設定ファイル（config.toml）を編集する",
    "まず、環境を準備します。次に、コードを書きます。",
    "テスト",
    "ABCとXYZの違いについて",
    "100円です。",
)
INLINE = (
    "`code`",
    "`a|b`",
    "`` `tick` ``",
    "[リンク](https://example.com/path?q=1)",
    '[題付き](/post/a/ "タイトル")',
    "![画像の説明](/img/a.png)",
    "https://example.com/x",
    "<https://example.org>",
    "<b>太字</b>",
    "<br>",
    "$x^2$",
    "[^1]",
    '{{< ref "other.md" >}}',
    "**強調**",
    "*斜体*",
    "~~取り消し~~",
    "&amp;",
    "\\*",
)


@st.composite
def sentence(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SENTENCES))
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        atom = draw(st.sampled_from(INLINE))
        text = text[:cut] + atom + text[cut:]
    return text


@st.composite
def lines(draw: st.DrawFn, max_lines: int = 3) -> list[str]:
    """A paragraph's lines; some end with a hard break (two spaces or a backslash)."""
    out = []
    for _ in range(draw(st.integers(1, max_lines))):
        line = draw(sentence())
        line += draw(st.sampled_from(("", "", "", "  ", "\\", " ")))
        out.append(line)
    out[-1] = out[-1].rstrip(" \\")
    return out


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    return "\n".join(draw(lines()))


@st.composite
def heading(draw: st.DrawFn) -> str:
    text = draw(sentence())
    if draw(st.booleans()):
        return "#" * draw(st.integers(1, 6)) + " " + text + draw(st.sampled_from(("", " #", "")))
    return text + "\n" + draw(st.sampled_from(("===", "---", "======")))


FENCES = (
    "```\nコードの中の日本語\n```",
    "```python\nprint('こんにちは')\n\nx = 1\n```",
    "~~~\nls | grep a\n~~~",
    "    インデントされたコード\n    二行目",
)


@st.composite
def fence(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(FENCES))


def indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in block.split("\n"))


@st.composite
def list_block(draw: st.DrawFn, depth: int = 0) -> str:
    ordered = draw(st.booleans())
    items = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        marker = f"{number}." if ordered else draw(st.sampled_from(("-", "*", "+")))
        sep = draw(st.sampled_from((" ", " ", "\t")))
        width = len(marker) + 1
        item_lines = draw(lines(2))
        if draw(st.booleans()) and len(item_lines) > 1:
            body = item_lines[0] + "\n" + item_lines[1]  # lazy continuation: no indentation
        else:
            body = "\n".join([item_lines[0], *(" " * width + x for x in item_lines[1:])])
        item = marker + sep + body
        extra = draw(st.integers(0, 2 if depth < 2 else 1))
        if extra == 1:
            item += "\n\n" + indent(draw(fence()), " " * width)
        elif extra == 2:
            item += "\n" + indent(draw(list_block(depth + 1)), " " * width)
        items.append(item)
    return "\n".join(items)


@st.composite
def quote(draw: st.DrawFn, depth: int = 0) -> str:
    inner = draw(st.one_of(paragraph(), list_block(), heading()))
    if depth < 1 and draw(st.booleans()):
        inner += "\n>\n" + draw(quote(depth + 1))
    quoted = indent(inner, "> ").replace("\n> \n", "\n>\n")
    if draw(st.booleans()):
        quoted += "\n" + draw(sentence())  # lazy continuation of the quoted paragraph
    return quoted


@st.composite
def table(draw: st.DrawFn) -> str:
    cells = ("日本語の説明", "`a \\| b`", "A \\| B", "`x|y`", "**太字**", "123", "[リンク](/a)")
    rows = ["| 名前 | 説明 |", "|:---|---:|"]
    for _ in range(draw(st.integers(1, 3))):
        rows.append(f"| {draw(st.sampled_from(cells))} | {draw(st.sampled_from(cells))} |")
    return "\n".join(rows)


SHORTCODES = (
    '{{< figure src="/img/a.png"\n    title="図の説明です"\n    alt="代替テキスト" >}}',
    "{{% callout note %}}\n注意してください。\n\n二つ目の段落です。\n{{% /callout %}}",
    '{{< highlight go "linenos=table" >}}\nfunc main() {\n\n\t// 日本語\n}\n{{< /highlight >}}',
    '{{% details title="詳しい説明" %}}\n折りたたまれた本文です。\n{{% /details %}}',
    '{{< tweet user="a"\n  id="1" >}}',
)
HTML = (
    '<div class="box">\n中の文章です。\n</div>',
    "<!--more-->",
    "<!-- メモ: 後で直す -->",
    "<details>\n<summary>要約</summary>\n\n本文です。\n</details>",
    "$$\n\\sum_i x_i\n$$",
    "---",
    "[ref]: https://example.com/ref",
    "[^1]: 脚注の本文です。",
    "123 456",
)


def block() -> st.SearchStrategy[str]:
    return st.one_of(
        paragraph(),
        heading(),
        list_block(),
        quote(),
        table(),
        fence(),
        st.sampled_from(SHORTCODES),
        st.sampled_from(HTML),
    )


FRONT = (
    "",
    '---\ntitle: "タイトル"\nsummary: ""\ntags: [a, b]\n---\n',
    '+++\ntitle = "タイトル"\ndraft = false\n+++\n',
    '{\n  "title": "タイトル",\n  "summary": ""\n}\n',
)


@st.composite
def document(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(block(), min_size=0, max_size=6))
    separators = [draw(st.sampled_from(("\n\n", "\n\n", "\n\n\n", "\n"))) for _ in blocks]
    body = "".join(b + s for b, s in zip(blocks, separators, strict=True))
    if draw(st.booleans()):
        body += draw(st.sampled_from(("```\n開いたままの", "~~~sh\necho 'あ'\n", "```")))
    if draw(st.booleans()):
        body = body.rstrip("\n")
    text = draw(st.sampled_from(FRONT)) + body
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    # Line endings: all LF, all CRLF, or mixed line by line.
    style = draw(st.sampled_from(("lf", "crlf", "mixed")))
    if style == "crlf":
        text = text.replace("\n", "\r\n")
    elif style == "mixed":
        flags = draw(st.lists(st.booleans(), min_size=text.count("\n"), max_size=text.count("\n")))
        parts = text.split("\n")
        text = parts[0] + "".join(
            ("\r\n" if crlf else "\n") + part for crlf, part in zip(flags, parts[1:], strict=True)
        )
    return text


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same documents on every run: CI and local runs agree
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(document())
def test_identity_round_trip(text: str) -> None:
    assert translate_markdown(text, Identity(), summarize=False) == text


@PROPERTY
@given(document())
def test_marking_round_trip(text: str) -> None:
    marking = Marking()
    out = translate_markdown(text, marking, summarize=False)
    assert strip_marks(out) == text
