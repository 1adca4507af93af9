"""`inspect` shows translate's own plan: its sentences are exactly what translate sends, with skip
comments, prose fences, clause splitting and front-matter text taken into account."""

from __future__ import annotations

import pytest

from pipeline.api import Engine, Options, translate_post
from pipeline.inspection import inspect_post
from tests.standins import EnglishWords

# One sentence far over the clause budget (128 tokens; one per character without a tokenizer).
LONG = (
    "この説明は"
    + "、".join(["設定ファイルの読み込みに関する長い注意書きを含んでいて"] * 6)
    + "ここで終わります。"
)
POST = f"""---
title: テストの記事
---

<!-- honyaku: skip -->
この段落は訳さずに残します。

{LONG}

```
引用された日本語の文章です。

もう一つの段落も引用です。
```

普通の段落です。
"""
VARIANTS = [Options(summary="off"), Options(summary="off", prose_fences=True)]


def _sent(options: Options) -> tuple[list[str], int]:
    translator = EnglishWords()
    _, report = translate_post(POST, Engine(translator), options)
    return translator.calls[0], report.sentences_total


@pytest.mark.parametrize("options", VARIANTS, ids=["plain", "prose-fences"])
def test_inspect_lists_what_translate_sends(options: Options) -> None:
    sent, total = _sent(options)
    # The summary setting does not change what is sent: the plain run is inspect's default.
    info = inspect_post(POST, options=options) if options.prose_fences else inspect_post(POST)
    to_translate = [s.text for s in info.sentences if s.translated]
    assert len(to_translate) == total
    assert sorted(set(to_translate)) == sorted(set(sent))


def test_skip_comment_keeps_its_block_out() -> None:
    info = inspect_post(POST)
    kept = [s.text for s in info.sentences if not s.translated]
    assert "この段落は訳さずに残します。" in kept
    assert all("訳さずに" not in s.text for s in info.sentences if s.translated)


def test_long_sentence_is_shown_as_its_clauses() -> None:
    assert len(LONG) > Options().clause_budget
    info = inspect_post(POST)
    clauses = [s.text for s in info.sentences if s.translated and s.text in LONG]
    assert len(clauses) > 1
    assert "".join(clauses) == LONG.replace(" ", "")


def test_prose_fences_follow_the_option() -> None:
    quoted = "引用された日本語の文章です。"
    plain = inspect_post(POST)
    fences = inspect_post(POST, options=Options(prose_fences=True))
    assert quoted not in [s.text for s in plain.sentences]
    assert quoted in [s.text for s in fences.sentences if s.translated]
    assert plain.code_block_japanese_chars > fences.code_block_japanese_chars


def test_front_matter_text_is_counted() -> None:
    info = inspect_post(POST)
    assert ("front", "テストの記事", True) in [
        (s.block, s.text, s.translated) for s in info.sentences
    ]
