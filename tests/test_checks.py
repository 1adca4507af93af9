from hypothesis import given
from hypothesis import strategies as st

from pipeline.checks import output_problem, repeated_phrase

GOOD = [
    ("SageMaker概要", "SageMaker Overview"),
    (
        "re:invent 2019でSageMaker関連のアップデートが激しかったので、それについて。",
        "There were many SageMaker updates at re:invent 2019, so this post is about them.",
    ),
    ("まとめ", "Summary"),
    ("はい", "Yes, that's right."),
    ("らしい。", "Apparently."),
    ("設定ファイルを編集します。", "Edit the configuration file."),
    # Legitimate repetition that is not a loop.
    ("何度も何度も試した。", "I tried again and again."),
    ("データ、データ、データ。", "Data, data, data."),
    ("本当に本当にありがとう。", "Thank you very, very much."),
    ("次の手順を待つ……", "Waiting for the next step......"),
]


def test_good_outputs_pass():
    for source, output in GOOD:
        assert output_problem(source, output) is None, (source, output)


def test_empty_output():
    assert output_problem("モデルをデプロイする。", "") == "empty"
    assert output_problem("モデルをデプロイする。", "   \n") == "empty"
    # Nothing to translate, nothing expected.
    assert output_problem("", "") is None


def test_single_word_loop_until_length_limit():
    output = "The model is deployed " + "deployed " * 60
    assert output_problem("モデルをデプロイする。", output) == "repeats 'deployed'"


def test_phrase_loop_until_length_limit_cut_mid_phrase():
    # Generation stopped by max_new_tokens in the middle of the repeated phrase.
    output = "I opened the notebook, " + "and the notebook is slow, " * 12 + "and the note"
    problem = output_problem("ノートブックを開いたが遅い。", output)
    assert problem is not None and problem.startswith("repeats ")
    assert "notebook" in problem or "slow" in problem or "and the" in problem


def test_four_gram_repeated_four_times():
    assert repeated_phrase("a b c d a b c d a b c d a b c d") == "a b c d"
    # Three times back to back, in an otherwise ordinary sentence, is not a loop.
    ordinary = "We ran it, ran it, ran it, and then we looked at the logs to see what happened."
    assert repeated_phrase(ordinary) is None


def test_dominant_phrase_not_back_to_back():
    output = (
        "the SageMaker Studio is the SageMaker Studio that the SageMaker Studio "
        "makes the SageMaker Studio easy"
    )
    assert output_problem("SageMaker Studioは使いやすい。", output) is not None


def test_length_ratio_too_long():
    source = "エラーが発生しました。"  # 11 characters
    output = (
        "An error occurred while the system was processing the request you sent earlier today, "
        "and nobody knows why."
    )
    problem = output_problem(source, output)
    assert problem is not None and problem.startswith("length ratio ")


def test_length_ratio_too_short():
    source = "ぶっちゃけまだ分からないことが多いので、概要レベルです。"
    assert output_problem(source, "So.") == f"length ratio {3 / len(source):.1f}"


def test_kanji_dense_source_within_bounds():
    assert output_problem("機械学習基盤", "machine learning platform") is None
    assert (
        output_problem(
            "各機能の連携が弱く一元的に管理できない",
            ("the features are poorly integrated and cannot be managed in one place"),
        )
        is None
    )


def test_short_source_is_lenient_but_not_unbounded():
    assert output_problem("参考", "References and further reading") is None
    assert output_problem("参考", "References " + "x" * 100).startswith("length ratio")


def test_case_and_punctuation_do_not_hide_a_loop():
    assert output_problem("テスト", "Test. test. TEST. Test. test.") == "repeats 'test .'"


@given(st.text(alphabet="abcdefgh ", min_size=0, max_size=60))
def test_never_raises_and_reason_is_short(text):
    problem = output_problem("ノートブックインスタンスを停止しました。", text)
    assert problem is None or (0 < len(problem) < 80 and "\n" not in problem)


@given(st.sampled_from(["deploy", "the model", "is very slow", "a b c d"]), st.integers(4, 30))
def test_any_phrase_repeated_enough_is_caught(phrase, times):
    output = " ".join([phrase] * times)
    assert repeated_phrase(output) is not None
