"""Invariant 1 (lossless): identity and reversible-marking translators give back the input byte
for byte, for every sample post, every corpus post and a table of awkward hand-written inputs;
and a planted one-byte renderer bug makes these checks fail."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from standins import MARK_OPEN, Identity, Marking, strip_marks

import pipeline.render
from pipeline import translate_markdown
from pipeline.document import Prose, parse_document
from pipeline.frontmatter import split_front_matter
from pipeline.segment import has_japanese

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:  # newline="": CRLF stays CRLF
        return handle.read()


def sample_files() -> list[Path]:
    return sorted(SAMPLES.rglob("*.md"))


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.md"))


def lossless_problems(text: str) -> list[str]:
    """What is wrong with the identity and marking round trips of `text` (empty when lossless)."""
    problems = []
    identity = Identity()
    if translate_markdown(text, identity, summarize=False) != text:
        problems.append("identity output differs from the input")
    marking = Marking()
    marked = translate_markdown(text, marking, summarize=False)
    if strip_marks(marked) != text:
        problems.append("marking output (markers stripped) differs from the input")
    # The markers must really be in the body, so the round trip cannot come from a renderer
    # that ignores the translation and copies the source.
    prose_sent = any(has_japanese(u.text) for u in parse_document(text).prose)
    if prose_sent and MARK_OPEN not in split_front_matter(marked)[1]:
        problems.append("the marking translator's output never reached the rendered body")
    return problems


def first_difference(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"at {i}: {a[max(0, i - 30) : i + 30]!r} vs {b[max(0, i - 30) : i + 30]!r}"
    return f"lengths {len(a)} vs {len(b)}"


# --------------------------------------------------------------------------- samples and corpus


def test_samples_exist() -> None:
    assert len(sample_files()) >= 4


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: str(p.relative_to(SAMPLES)))
def test_sample_round_trips(path: Path) -> None:
    text = read(path)
    out = translate_markdown(text, Identity(), summarize=False)
    assert out == text, first_difference(out, text)
    assert lossless_problems(text) == []


def test_samples_send_prose_to_the_translator() -> None:
    """The round trips above are only meaningful if prose reaches the translator."""
    marking = Marking()
    for path in sample_files():
        translate_markdown(read(path), marking, summarize=False)
    assert len(marking.sentences) > 30
    assert all(MARK_OPEN not in s for s in marking.sentences)


def test_corpus_round_trips() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    failures: dict[str, list[str]] = {}
    checked = 0
    for path in corpus_files():
        problems = lossless_problems(read(path))
        checked += 1
        if problems:
            failures[str(path.relative_to(CORPUS))] = problems
    print(f"lossless: checked {checked} corpus files")
    assert checked > 0, f"corpus folder {CORPUS} exists but no Markdown file was checked"
    assert failures == {}


# --------------------------------------------------------------------------- hand-written inputs

YAML = '---\ntitle: "テスト"\ndate: 2024-01-01\nsummary: ""\n---\n'
CASES = {
    "crlf": YAML.replace("\n", "\r\n") + "本文です。\r\n次の行です。\r\n\r\n- 項目\r\n",
    "mixed_crlf": "一行目です。\r\n二行目です。\n\n段落です。\r\n",
    "lone_cr": "古いMacの改行です。\r次の行です。\r",
    "bom": "\ufeff" + YAML + "本文です。\n",
    "bom_no_front_matter": "\ufeff# 見出し\n\n本文です。\n",
    "no_trailing_newline": YAML + "最後の行に改行がありません。",
    "empty": "",
    "only_newline": "\n",
    "only_front_matter": YAML,
    "only_front_matter_no_newline": YAML.rstrip("\n"),
    "unclosed_fence": "説明です。\n\n```python\nprint('こんにちは')\n# 閉じていない\n",
    "unclosed_tilde_fence_in_list": "- 項目です。\n\n  ~~~\n  コード\n",
    "html_block": '<div class="note">\n注意してください。\n</div>\n\n<p>段落<b>太字</b>です。</p>\n',
    "html_comment_more": "最初の段落です。\n\n<!--more-->\n\n<!-- コメント -->\n続きです。\n",
    "script_style": "<script>\nconst s = 'こんにちは';\n</script>\n<style>p{}</style>\n本文。\n",
    "table_escaped_pipe": (
        "| 書き方 | 意味 |\n|---|:--:|\n| `a \\| b` | コードの中のパイプ |\n"
        "| A \\| B | エスケープしたパイプ |\n| `x|y` | 生のパイプ |\n"
    ),
    "table_no_outer_pipes": "名前 | 説明\n--- | ---\nfoo | 日本語の説明\n",
    "toml": '+++\ntitle = "タイトル"\ntags = ["a", "b"]\n# コメント\n+++\n\n本文です。\n',
    "json": '{\n  "title": "タイトル",\n  "draft": false\n}\n\n本文です。\n',
    "no_front_matter": "# 見出し\n\n本文です。\n",
    "shortcode_spanning_lines": (
        '本文です。\n\n{{< figure src="a.png"\n    title="図のタイトル"\n    alt="代替" >}}\n\n'
        "{{% callout note %}}\n注意です。\n\n二段落目です。\n{{% /callout %}}\n"
    ),
    "shortcode_with_blank_lines": '{{< highlight go "linenos=table" >}}\nfunc main() {\n\n}\n{{< /highlight >}}\n',
    "tabs": "-\t項目です。\n\t- 入れ子です。\n\n\tインデントされたコード\n",
    "setext_and_lazy": "見出し\n===\n\n> 引用です\n続きの行です。\n\n- 項目\n続き\n",
    "hard_breaks": "一行目です。  \n二行目です。\\\n三行目です。\n",
    "links_and_images": (
        '[リンク](https://example.com/a_(b) "題")と![画像](/img/a.png)と<https://x.y>と'
        "https://example.com/日本語。\n\n[参照][ref]です。\n\n[ref]: https://ref.example 'タイトル'\n"
    ),
    "math_and_footnote": "式 $a+b$ と $$x$$ です[^1]。\n\n$$\n\\int f\n$$\n\n[^1]: 注釈です。\n",
    "entities_and_escapes": "&copy; 2024 \\*強調しない\\* &amp; です。\n",
    "numbers_only_line": "1234\n\n---\n\n***\n\n123. 456\n",
    "fence_in_list_column_zero": "1. 手順です。\n```\ncode\n```\n2. 次です。\n",
    "trailing_spaces_and_blank_lines": "本文です。   \n\n\n\n   \n",
    "heading_attributes": "## 見出し {#custom-id}\n\n本文です。\n",
    "nested_quote_list": "> - 引用の中の項目です。\n>   - さらに入れ子です。\n>\n> > 二重引用です。\n",
    "emphasis": "これは**太字**と*斜体*と~~取り消し~~です。\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_written_round_trips(name: str) -> None:
    text = CASES[name]
    out = translate_markdown(text, Identity(), summarize=False)
    assert out == text, first_difference(out, text)
    assert lossless_problems(text) == []


def test_crlf_case_really_has_crlf() -> None:
    assert "\r\n" in CASES["crlf"] and CASES["bom"].startswith("\ufeff")


def test_crlf_sample_file_is_read_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(CASES["crlf"].encode("utf-8"))
    text = read(path)
    assert "\r\n" in text
    assert (
        translate_markdown(text, Identity(), summarize=False).encode("utf-8") == path.read_bytes()
    )


@pytest.mark.parametrize(
    "text",
    ["あいう\nえお\nかき。\n", "テスト\nテスト\n今日はHugoの設定です。\n"],
)
def test_sentence_over_three_lines_keeps_its_breaks(text: str) -> None:
    assert translate_markdown(text, Identity(), summarize=False) == text


# --------------------------------------------------------------------------- planted bugs


def _drop_last_byte_of_first_atom(real):  # type: ignore[no-untyped-def]
    def planted(unit: Prose, text: str) -> str:
        if unit.atoms and len(unit.atoms[0].raw) > 1:
            first = dataclasses.replace(unit.atoms[0], raw=unit.atoms[0].raw[:-1])
            unit = dataclasses.replace(unit, atoms=(first, *unit.atoms[1:]))
        return real(unit, text)

    return planted


def _crlf_break_becomes_lf(real):  # type: ignore[no-untyped-def]
    def planted(unit: Prose, text: str) -> str:
        out = real(unit, text)
        return out.replace("\r\n", "\n", 1)

    return planted


@pytest.mark.parametrize("plant", [_drop_last_byte_of_first_atom, _crlf_break_becomes_lf])
def test_planted_renderer_bug_is_caught(plant, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    texts = [read(p) for p in sample_files()] + [CASES["crlf"], CASES["links_and_images"]]
    assert all(lossless_problems(t) == [] for t in texts)
    monkeypatch.setattr(pipeline.render, "render_unit", plant(pipeline.render.render_unit))
    caught = [t for t in texts if lossless_problems(t)]
    assert caught, "a one-byte renderer bug went unnoticed"


def test_planted_atom_bug_is_caught_on_every_sample_with_atoms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        pipeline.render,
        "render_unit",
        _drop_last_byte_of_first_atom(pipeline.render.render_unit),
    )
    for path in sample_files():
        text = read(path)
        has_atoms = any(u.atoms and len(u.atoms[0].raw) > 1 for u in parse_document(text).prose)
        assert bool(lossless_problems(text)) == has_atoms, path


def test_renderer_that_ignores_the_translation_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shortcut that renders the source text passes identity but not the marking check."""
    original = pipeline.render.render_unit

    def shortcut(unit: Prose, text: str) -> str:
        return original(unit, unit.text)

    monkeypatch.setattr(pipeline.render, "render_unit", shortcut)
    text = read(SAMPLES / "content" / "ja" / "post" / "hugo-shortcodes.md")
    problems = lossless_problems(text)
    assert problems == ["the marking translator's output never reached the rendered body"]
