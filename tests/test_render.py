"""Quoted shortcode parameters: translated quotes are escaped once, the source's escapes kept."""

from __future__ import annotations

from pipeline.api import translate_markdown
from tests.standins import Identity


class Quoting:
    def translate(self, sentences: list[str]) -> list[str]:
        return ['say "hi" now' for _ in sentences]


def test_quotes_in_a_translated_title_are_escaped() -> None:
    text = '{{< figure src="a.png" title="「こんにちは」と言う" >}}\n'
    out = translate_markdown(text, Quoting(), summarize=False)
    assert out == '{{< figure src="a.png" title="say \\"hi\\" now" >}}\n'


def test_escaped_quotes_of_the_source_are_not_escaped_twice() -> None:
    text = '{{< figure src="a.png" title="彼は\\"はい\\"と言った" >}}\n'
    assert translate_markdown(text, Identity(), summarize=False) == text


def test_a_backtick_quoted_title_gets_no_backtick() -> None:
    text = "{{< figure src=`a.png` title=`「こんにちは」と言う` >}}\n"

    class Backticks:
        def translate(self, sentences: list[str]) -> list[str]:
            return ["run `ls` here" for _ in sentences]

    out = translate_markdown(text, Backticks(), summarize=False)
    assert out == "{{< figure src=`a.png` title=`run 'ls' here` >}}\n"
