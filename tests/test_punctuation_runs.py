"""Runs of punctuation (`……`, `…`, `・・・`, `。。。`, `!!!`) are how Japanese prose pauses, not a
decoding loop: the sentences are translated, and the summary takes them like any other."""

from __future__ import annotations

import pytest

from pipeline.api import Engine, Options, translate_post
from pipeline.checks import output_problem, repeated_phrase
from pipeline.frontmatter import split_front_matter
from tests.standins import EnglishWords, Repeat

PAUSES = ["……", "…", "・・・", "。。。", "......", "！！！"]


@pytest.mark.parametrize("pause", PAUSES)
def test_punctuation_runs_are_not_a_loop(pause: str) -> None:
    source = f"ちょっと待って{pause}これは本当に動くのかなと思いながら試しました{pause}動いた。"
    english = f"Wait{pause} I tried it while wondering if this really works{pause} and it did."
    assert repeated_phrase(english, source) is None
    assert output_problem(source, english) is None


def test_a_real_loop_is_still_one() -> None:
    source = "ちょっと待って……これは本当に動くのかなと思いながら試しました。"
    assert repeated_phrase("the model is " * 20, source) is not None
    assert repeated_phrase("Wait...... the model the model the model the model.", source)
    # Punctuation the source does not have is a runaway output, as before.
    runaway = "First,,,,,,,,,,,,,,,,,,,,, upload the training data to S3."
    assert output_problem("まず、学習データをS3にアップロードします。", runaway) is not None


@pytest.mark.parametrize("pause", ["……", "・・・", "。。。"])
def test_sentences_with_pauses_are_translated_and_summarised(pause: str) -> None:
    post = (
        '---\ntitle: テスト\nsummary: ""\n---\n'
        f"ちょっと待って{pause}これは本当に動くのかなと思いながら設定を試してみました。\n\n"
        f"結果として{pause}サーバーの設定を変えるだけで動きました。\n"
    )
    english, report = translate_post(post, Engine(EnglishWords()), Options(summary="lead"))
    assert report.kept == [], report.kept
    assert report.summary == "filled"
    fm, body = split_front_matter(english)
    for paragraph in body.split("\n\n"):  # each pausing sentence is in the summary, in English
        assert " ".join(paragraph.split()[-4:]) in fm.data["summary"]
    assert not any("\u3040" <= c <= "\u30ff" for c in english)


def test_a_looping_model_is_still_caught_in_a_post() -> None:
    _english, report = translate_post("本文です。\n", Engine(Repeat()), Options(summary="off"))
    assert report.kept and "repeats" in report.kept[0]
