"""The inline scan follows markdown-it-py's own definitions where it has them (reference labels,
autolinks, entities, HTML tags), and keeps comments whole where markdown-it-py's pattern does not."""

from __future__ import annotations

from pipeline.document import parse_document


def _atoms(text: str) -> list[str]:
    return [atom.raw for unit in parse_document(text).prose for atom in unit.atoms]


def test_reference_label_is_normalized_as_markdown_it_stores_it() -> None:
    # U+001F is not whitespace to CommonMark: the label is `a\x1fb`, and the link is a link.
    text = "[リンク][a\x1fb]を見る。\n\n[a\x1fb]: https://example.com/\n"
    assert _atoms(text) == ["[", "][a\x1fb]"]


def test_autolink_may_hold_non_ascii_space() -> None:
    # CommonMark excludes only ASCII controls and space from an autolink; Hugo links all of it.
    assert _atoms("<https://example.com/a\u3000b> を参照。") == ["<https://example.com/a\u3000b>"]


def test_html_comment_ending_in_three_dashes_stays_whole() -> None:
    assert _atoms("前の文 <!-- メモ ---> 後の文。") == ["<!-- メモ --->"]


def test_entities_and_escapes_are_atoms() -> None:
    assert _atoms("&#X1F; と &amp; と \\* です。") == ["&#X1F;", "&amp;", "\\*"]
