from pathlib import Path

import pytest

from pipeline.glossary import (
    GLOSSARY_NAME,
    Glossary,
    GlossaryError,
    GlossaryMatch,
    find_glossary,
    load_glossary,
)

SAMPLE = """\
[keep]
terms = ["SageMaker", "SageMaker Studio", "Jupyter Lab", "Lab"]

[translate]
"推論" = "inference"
"機械学習基盤" = "machine learning platform"
"機械学習" = "machine learning"
"""


def write(tmp_path: Path, text: str, name: str = GLOSSARY_NAME) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_load_and_match(tmp_path):
    glossary = load_glossary(write(tmp_path, SAMPLE))
    text = "SageMaker StudioでJupyter Labを開き、推論を試す。SageMakerの機械学習基盤と機械学習。"
    got = [(text[m.start : m.end], m.replacement) for m in glossary.matches(text)]
    assert got == [
        ("SageMaker Studio", "SageMaker Studio"),
        ("Jupyter Lab", "Jupyter Lab"),
        ("推論", "inference"),
        ("SageMaker", "SageMaker"),
        ("機械学習基盤", "machine learning platform"),
        ("機械学習", "machine learning"),
    ]


def test_matches_are_sorted_and_disjoint(tmp_path):
    glossary = load_glossary(write(tmp_path, SAMPLE))
    text = "Jupyter LabとLabとSageMaker StudioとSageMaker。" * 3
    matches = glossary.matches(text)
    assert matches == sorted(matches, key=lambda m: m.start)
    for a, b in zip(matches, matches[1:], strict=False):
        assert a.end <= b.start


def test_latin_terms_match_whole_words_only():
    glossary = Glossary(keep=("Lab", "S3"))
    assert glossary.matches("Labels and S3x") == []
    assert glossary.matches("the Lab, S3!") == [
        GlossaryMatch(4, 7, "Lab"),
        GlossaryMatch(9, 11, "S3"),
    ]
    # Japanese around a Latin term is a word edge.
    assert glossary.matches("S3にアップロード") == [GlossaryMatch(0, 2, "S3")]


def test_japanese_terms_match_anywhere():
    glossary = Glossary(translate=(("推論", "inference"),))
    assert glossary.matches("リアルタイム推論エンドポイント") == [GlossaryMatch(6, 8, "inference")]


def test_translate_overrides_keep_for_the_same_term():
    glossary = Glossary(keep=("Studio",), translate=(("Studio", "the studio"),))
    assert glossary.matches("Studio") == [GlossaryMatch(0, 6, "the studio")]


def test_empty_glossary():
    assert not Glossary()
    assert Glossary().matches("SageMaker") == []
    assert Glossary(keep=("x",))


def test_find_glossary(tmp_path):
    assert find_glossary(tmp_path) is None
    path = write(tmp_path, SAMPLE)
    assert find_glossary(tmp_path) == path


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[keep\nterms = []", "invalid TOML"),
        ("[keep]\nterms = 'SageMaker'", "[keep] terms must be a list"),
        ("[keep]\nterms = ['']", "[keep] terms must be a list"),
        ("[keep]\nwords = ['x']", "[keep] must hold only terms"),
        ('[translate]\n"推論" = 3', "[translate] '推論' needs a non-empty English string"),
        ("[other]\nx = 1", "unknown table(s) other"),
    ],
)
def test_errors_are_one_line_and_name_the_file(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": ")
    assert fragment in message
    assert "\n" not in message


def test_unreadable_files(tmp_path):
    with pytest.raises(GlossaryError, match="cannot read glossary"):
        load_glossary(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe[keep]")
    with pytest.raises(GlossaryError, match="not UTF-8"):
        load_glossary(bad)
