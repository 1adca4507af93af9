"""A Latin sentence directly followed by Japanese (`It works.動いた。`) is a sentence of its own:
it stays as written and only the Japanese goes to the model. A period inside a Japanese
sentence, in a file name, a version or after an abbreviation cuts nothing."""

from __future__ import annotations

import pytest

from pipeline.api import translate_markdown
from pipeline.segment import split_sentences
from tests.standins import EnglishWords

SPLIT = {
    "It works.動いた。": ["It works.", "動いた。"],
    "This is English.これは日本語です。": ["This is English.", "これは日本語です。"],
    "I use Hugo.これは便利です。": ["I use Hugo.", "これは便利です。"],
    "It works.では次に進みます。": ["It works.", "では次に進みます。"],
    "前の文です。It works.動いた。": ["前の文です。", "It works.", "動いた。"],
}
KEPT_WHOLE = [
    "結果はOK.次に進む。",
    "e.g.これは例です。",
    "Node.jsを使う。",
    "v1.2で直った。",
    "index.mdを開く。",
    '"Please choose a hostname."の画面では名前を入力します。',
    "It works.と表示されます。",
    "It works.は成功の意味です。",
]


@pytest.mark.parametrize("text", sorted(SPLIT))
def test_latin_sentence_before_japanese_is_cut(text: str) -> None:
    assert split_sentences(text) == SPLIT[text]


@pytest.mark.parametrize("text", KEPT_WHOLE)
def test_periods_inside_japanese_sentences_cut_nothing(text: str) -> None:
    assert split_sentences(text) == [text]


def test_the_english_half_never_reaches_the_model() -> None:
    translator = EnglishWords()
    english = translate_markdown(
        "It works.動いた。\n\nThis is English.これは日本語です。\n", translator, summarize=False
    )
    sent = [s for batch in translator.calls for s in batch]
    assert sent == ["動いた。", "これは日本語です。"]
    assert english.startswith("It works. ")
    assert "\n\nThis is English. " in english
