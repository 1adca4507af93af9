"""Tests for the tokenizer stage (pipeline.segment)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.segment import (
    DEFAULT_CLAUSE_BUDGET,
    Morpheme,
    analyze,
    content_lemmas,
    has_japanese,
    make_tagger,
    needs_translation,
    split_clauses,
    split_sentences,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from segment_cases import SENTENCE_CASES  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ja-posts"


@pytest.fixture(scope="module")
def tagger():
    return make_tagger()


def half_count(text: str) -> int:
    """Stand-in for a subword tokenizer: about two characters per token."""
    return len(text) // 2 + 1


# --------------------------------------------------------------------------- sentence table


def test_case_table_is_large_and_unique():
    ids = [case[0] for case in SENTENCE_CASES]
    assert len(ids) >= 80
    assert len(set(ids)) == len(ids)
    for _, text, expected in SENTENCE_CASES:
        assert "".join(expected) == text  # a case that cannot re-join is a broken case


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in SENTENCE_CASES],
    ids=[case[0] for case in SENTENCE_CASES],
)
def test_split_sentences_cases(text, expected):
    assert split_sentences(text) == expected


def test_empty_text():
    assert split_sentences("") == []


_ALPHABET = st.sampled_from(
    list("あいうえお漢字カナｶﾅabcXYZ019 \n\t\u3000。．！？!?.…‥、,「」『』（）()【】\"'ｗw笑:;^_")
    + [
        "\ue000",
        "\ue001",
        "\uf8ff",
        "🎉",
        "\u200d",
        "\ufe0f",
        "´",
        "・",
        "ω",
        "①",
        "https://a.b/?q=1",
    ]
)
_TEXT = st.lists(_ALPHABET, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_sentences_rejoin_exactly(text):
    pieces = split_sentences(text)
    assert "".join(pieces) == text
    assert all(pieces)
    # Whitespace between sentences ends the preceding piece: only the first may start with it.
    for piece in pieces[1:]:
        assert not piece[0].isspace()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_sentences_rejoin_arbitrary_unicode(text):
    assert "".join(split_sentences(text)) == text


# --------------------------------------------------------------------------- clause splitting


def test_short_sentence_is_not_split(tagger):
    s = "雨が降ったので、家にいた。"
    assert split_clauses(s, half_count, DEFAULT_CLAUSE_BUDGET, tagger) == [s]
    assert split_clauses("", half_count, 12, tagger) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # ので (の + だ's te-form で) and te-form いて come before the plain enumeration 、
        (
            "昨日は朝から雨が降っていたので、私は東京、大阪、名古屋の資料を読んだ。",
            ["昨日は朝から雨が降っていたので、", "私は東京、大阪、名古屋の資料を読んだ。"],
        ),
        # conjunctive が: the cut goes after 「が、」 even though 「A、B」 commas come first
        (
            "赤、青、黄色の三色を試したが、どれもうまく表示されなかった。",
            ["赤、青、黄色の三色を試したが、", "どれもうまく表示されなかった。"],
        ),
        # te-form て
        (
            "設定ファイルを少しだけ書き換えて、サーバーをもう一度起動し直した。",
            ["設定ファイルを少しだけ書き換えて、", "サーバーをもう一度起動し直した。"],
        ),
        # ば (conditional) and けど
        (
            "このオプションを有効にすれば、ビルドはかなり速くなるけど、メモリを食う。",
            ["このオプションを有効にすれば、", "ビルドはかなり速くなるけど、メモリを食う。"],
        ),
    ],
)
def test_tiny_budget_prefers_conjunctive_commas(tagger, sentence, expected):
    assert split_clauses(sentence, half_count, 12, tagger) == expected


def test_tiny_budget_falls_back_to_any_comma(tagger):
    s = "東京の本社、大阪の支社、名古屋の営業所、福岡の研究所に行った。"
    pieces = split_clauses(s, half_count, 12, tagger)
    # no conjunctive 、 here: packed greedily at plain commas
    assert pieces == ["東京の本社、大阪の支社、名古屋の営業所、", "福岡の研究所に行った。"]


def test_ascii_comma_needs_a_space(tagger):
    s = "Python, Go, Rust, Haskell を使った。値は1,000,000,000,000,000 だった。"
    pieces = split_clauses(s, half_count, 12, tagger)
    assert "".join(pieces) == s
    assert not any(p.endswith(("1,", "0,")) for p in pieces)
    assert pieces[0] == "Python, Go, Rust, "


def test_tiny_budget_falls_back_to_length(tagger):
    s = "今日は朝から晩までずっと部屋の中でプログラムを書き続けていたのでとても疲れてしまった。"
    pieces = split_clauses(s, half_count, 12, tagger)
    assert "".join(pieces) == s
    assert len(pieces) >= 2
    assert all(half_count(p) <= 12 for p in pieces)
    # cuts fall on morpheme boundaries
    starts = {m_start for m_start in _morpheme_starts(s, tagger)}
    pos = 0
    for p in pieces[:-1]:
        pos += len(p)
        assert pos in starts


def _morpheme_starts(s: str, tagger) -> list[int]:
    out, pos = [], 0
    for m in analyze(s, tagger):
        pos = s.index(m.surface, pos)
        out.append(pos)
        pos += len(m.surface)
    return out


def test_atom_runs_are_never_cut(tagger):
    atoms = "".join(chr(0xE000 + i) for i in range(30))
    s = "これは" + atoms + "です。"
    pieces = split_clauses(s, half_count, 12, tagger)
    assert "".join(pieces) == s
    assert atoms in pieces  # over budget, but whole: never cut, never truncated


def test_one_huge_word_is_cut_by_characters(tagger):
    s = "a" * 60
    pieces = split_clauses(s, half_count, 12, tagger)
    assert "".join(pieces) == s
    assert all(half_count(p) <= 12 for p in pieces)
    assert len(pieces) == 3  # 23 + 23 + 14 characters: not cut at MeCab's arbitrary boundaries


def test_whitespace_stays_with_the_preceding_clause(tagger):
    s = "First clause is here, second clause is here, third clause is here."
    pieces = split_clauses(s, half_count, 14, tagger)
    assert "".join(pieces) == s
    assert all(not p[0].isspace() for p in pieces)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_TEXT, st.integers(min_value=1, max_value=20))
def test_clauses_rejoin_and_fit(tagger, text, budget):
    pieces = split_clauses(text, half_count, budget, tagger)
    assert "".join(pieces) == text
    for p in pieces:
        # Over budget only when it cannot be cut: one character or a run of atom characters.
        assert half_count(p) <= budget or len(p.strip()) <= 1 or _is_atom_run(p.strip())


def _is_atom_run(s: str) -> bool:
    return all("\ue000" <= c <= "\uf8ff" for c in s)


# --------------------------------------------------------------------------- analysis


def test_analyze_gives_surface_lemma_pos(tagger):
    ms = analyze("雨が降ったので、家にいた。", tagger)
    assert "".join(m.surface for m in ms) == "雨が降ったので、家にいた。"
    assert Morpheme("降っ", "降る", "動詞") in ms
    assert ms[0] == Morpheme("雨", "雨", "名詞")


def test_analyze_unknown_word_falls_back_to_surface(tagger):
    ms = analyze("honyakuを使う", tagger)
    assert ms[0].surface == "honyaku"
    assert ms[0].lemma == "honyaku"


def test_content_lemmas(tagger):
    ms = analyze("Pythonで3つのファイルを書いて、テストを実行したら速かった。\ue000", tagger)
    assert content_lemmas(ms) == ("Python", "ファイル", "書く", "テスト", "実行", "速い")


def test_content_lemmas_drop_stop_words_and_symbols():
    ms = (
        Morpheme("する", "する", "動詞"),
        Morpheme("こと", "こと", "名詞"),
        Morpheme("3", "3", "名詞"),
        Morpheme("\ue000", "\ue000", "名詞"),
        Morpheme("%", "%", "名詞"),
        Morpheme("翻訳", "翻訳", "名詞"),
        Morpheme("は", "は", "助詞"),
    )
    assert content_lemmas(ms) == ("翻訳",)


# --------------------------------------------------------------------------- skipping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("日本語です", True),
        ("カタカナ", True),
        ("ｶﾀｶﾅ", True),
        ("漢字", True),
        ("Hello。", True),
        ("「x」", True),
        ("foo_bar", False),
        ("3.14", False),
        ("This is a pen.", False),
        ("!?()", False),
        ("\ue000\ue001", False),
        (" \n", False),
        ("🎉", False),
        ("", False),
    ],
)
def test_has_japanese_and_needs_translation(text, expected):
    assert has_japanese(text) is expected
    assert needs_translation(text) is expected


# --------------------------------------------------------------------------- corpus


def _corpus_prose(path: Path) -> list[str]:
    """Prose units as the orchestrator sees them (atoms as PUA characters), from the document
    stage; each paragraph's / heading's / list item's inline text from markdown-it-py when a file
    cannot be parsed there."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        from pipeline.document import parse_document

        return [u.text for u in parse_document(text).prose if u.text.strip()]
    except Exception:  # the document stage reports its own failures; still check this file's prose
        return _inline_contents(text)


def _inline_contents(text: str) -> list[str]:
    from markdown_it import MarkdownIt

    if text.startswith(("---", "+++")):
        marker = text[:3]
        end = text.find("\n" + marker, 3)
        if end >= 0:
            text = text[end + 4 :]
    md = MarkdownIt("commonmark").enable("table")
    return [t.content for t in md.parse(text) if t.type == "inline" and t.content.strip()]


def test_corpus_sentences_and_clauses(tagger):
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    files = sorted(CORPUS.rglob("*.md"))
    n_files = n_blocks = n_sentences = n_split = n_atoms = 0
    for path in files:
        n_files += 1
        for block in _corpus_prose(path):
            n_blocks += 1
            n_atoms += sum("\ue000" <= c <= "\uf8ff" for c in block)
            sentences = split_sentences(block)
            assert "".join(sentences) == block, path
            for s in sentences:
                n_sentences += 1
                pieces = split_clauses(s, half_count, DEFAULT_CLAUSE_BUDGET, tagger)
                assert "".join(pieces) == s, (path, s)
                assert all(half_count(p) <= DEFAULT_CLAUSE_BUDGET for p in pieces), (path, pieces)
                # A small budget makes real sentences go through every level of clause splitting.
                small = split_clauses(s, half_count, 24, tagger)
                assert "".join(small) == s, (path, s)
                for p in small:
                    assert half_count(p) <= 24 or _is_atom_run(p.strip()), (path, p)
                n_split += len(small) > 1
    print(
        f"corpus: {n_files} files, {n_blocks} blocks, {n_sentences} sentences, "
        f"{n_split} split into clauses at budget 24, {n_atoms} atom characters"
    )
    assert n_files > 0 and n_sentences > 0


def test_fast_feature_reading_matches_fugashi(tagger):
    from pipeline.segment.analysis import _features

    text = '1,000円の"quote"をhonyakuで食べた\ue000、ｗｗ（笑）。行かなかったので、来い！'
    for node in tagger(text):
        f = node.feature
        slow = tuple(
            "" if v is None or v == "*" else v for v in (f.pos1, f.pos2, f.cForm, f.orthBase)
        )
        fast = _features(node)
        assert fast[:3] == slow[:3], node.surface
        assert fast[3] == (slow[3] or ("" if f.lemma in (None, "*") else f.lemma)), node.surface
