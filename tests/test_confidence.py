"""Per-sentence confidence: the formula, the stand-ins' failures flagged with their reason, the
pseudo backend's stand-in score, and scores kept in the translation memory (computed once)."""

from __future__ import annotations

import math
import sqlite3

import pytest

from pipeline.api import Engine, Options, translate_post
from pipeline.backends.pseudo import PseudoBackend
from pipeline.confidence import THRESHOLD, assess, model_probability, problems
from pipeline.glossary import Glossary
from pipeline.memory import TranslationMemory
from tests.standins import DropPlaceholders, EnglishWords, Repeat, to_english

OFF = Options(summary="off")
POST = "---\ntitle: テスト\n---\n\n設定は`config.toml`に書きます。\n\nモデルを学習します。\n"


class Scored(EnglishWords):
    """Plausible English with a score per sentence: low for sentences holding `低`."""

    def translate_scored(self, sentences: list[str], *, safe: bool = False):
        self.calls.append(list(sentences))
        return [(to_english(s), -2.5 if "低" in s else -0.2) for s in sentences]


def test_formula() -> None:
    assert model_probability(None) == 1.0
    assert model_probability(-1.0) == pytest.approx(math.exp(-1.0))
    assert pytest.approx(math.exp(-1.0)) == THRESHOLD
    good = assess(-0.2, ())
    assert not good.flagged and good.confidence == pytest.approx(math.exp(-0.2), abs=1e-4)
    low = assess(-2.0, ())
    assert low.flagged and low.reasons[0].startswith("low model score (p=0.14)")
    vetoed = assess(-0.1, ("Japanese left",))
    assert vetoed.flagged and vetoed.confidence == 0.0 and vetoed.reasons == ("Japanese left",)
    assert not assess(None, ()).flagged  # no score: judged by the checks alone


def test_checks_name_their_reason() -> None:
    source = "機械学習の基盤を作るための設定について説明します。"
    assert problems(source, "About the settings.", status="translated") == ()
    assert problems(source, "About 設定 settings.", status="translated") == ("Japanese left",)
    assert problems(source, "Ok.", status="translated")[0].startswith("length ratio")
    looped = problems(source, " ".join(["the model is"] * 8), status="translated")
    assert any(p.startswith("repeats") for p in looped)
    missing = problems(source, "About the settings.", status="translated", expected_terms=["ML"])
    assert missing == ("glossary term missing: 'ML'",)
    kept = problems(source, source, status="kept", reason="empty")
    assert kept == ("not translated: empty",)


@pytest.mark.parametrize(
    ("standin", "reason"),
    [(Repeat, "repeats 'the model is'"), (DropPlaceholders, "dropped or repeated a placeholder")],
)
def test_standin_failures_are_flagged_with_their_reason(standin, reason) -> None:
    _english, report = translate_post(POST, Engine(standin()), OFF)
    flagged = [n for n in report.sentences if n.flagged]
    assert flagged and report.flagged == len(flagged)
    assert all(any(reason in r for r in n.reasons) for n in flagged), flagged
    if standin is DropPlaceholders:  # only the sentence with an atom loses a placeholder
        assert [n.source for n in flagged] == ["設定は`config.toml`に書きます。"]


def test_model_score_flags_and_glossary() -> None:
    post = "---\ntitle: 低い点数のタイトル\n---\n\nモデルを学習します。\n"
    glossary = Glossary(translate=(("モデル", "MODEL-X"),))
    _english, report = translate_post(post, Engine(Scored(), glossary=glossary), OFF)
    by_source = {n.source: n for n in report.sentences}
    assert by_source["低い点数のタイトル"].flagged
    assert by_source["低い点数のタイトル"].reasons[0].startswith("low model score")
    assert by_source["低い点数のタイトル"].score == -2.5
    body = by_source["モデルを学習します。"]
    assert not body.flagged and body.score == -0.2 and "MODEL-X" in body.english
    assert report.flagged == 1


def test_pseudo_backend_score_is_a_defined_stand_in() -> None:
    backend = PseudoBackend()
    assert backend.translate_scored(["日本語です。", "テスト"]) == [
        (t, 0.0) for t in backend.translate(["日本語です。", "テスト"])
    ]
    _english, report = translate_post(POST, Engine(PseudoBackend()), OFF)
    translated = [n for n in report.sentences if n.status != "as-is"]
    assert translated and all(n.score == 0.0 for n in translated)
    assert all(n.confidence == 1.0 for n in translated if not n.checks)


def test_scores_are_stored_once_and_come_back_from_memory(tmp_path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite")
    first = Scored()
    _english, cold = translate_post(POST, Engine(first, memory=memory, identity="id"), OFF)
    second = Scored()
    _english, warm = translate_post(POST, Engine(second, memory=memory, identity="id"), OFF)
    assert first.calls and not second.calls  # no model call the second time
    assert [n.status for n in warm.sentences if n.status != "as-is"] == ["memory"] * 3
    assert [n.score for n in warm.sentences] == [n.score for n in cold.sentences]


def test_rejection_note_survives_in_memory(tmp_path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite")
    _english, cold = translate_post(POST, Engine(Repeat(), memory=memory, identity="id"), OFF)
    _english, warm = translate_post(POST, Engine(Repeat(), memory=memory, identity="id"), OFF)
    assert [n.reasons for n in warm.sentences] == [n.reasons for n in cold.sentences]
    assert warm.flagged == cold.flagged > 0


def test_old_memory_files_gain_the_details_table(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE translations (identity TEXT NOT NULL, source TEXT NOT NULL, "
        "target TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (identity, source)) WITHOUT ROWID"
    )
    db.execute("INSERT INTO translations VALUES ('id', 'まとめ', 'Summary', 0)")
    db.commit()
    db.close()
    with TranslationMemory(path) as memory:
        assert memory.get_many("id", ["まとめ"]) == {"まとめ": "Summary"}
        assert memory.get_details("id", ["まとめ"]) == {}  # an old row has no score
        memory.put_many("id", [("参考", "References")], details={"参考": (-0.3, None)})
        assert memory.get_details("id", ["参考"]) == {"参考": (-0.3, None)}
        memory.put_many("id", [("参考", "See also")])  # replaced: its old score is gone
        assert memory.get_details("id", ["参考"]) == {}


def test_pseudo_marks_are_not_judged_by_length() -> None:
    """The pseudo backend's stand-in words are shorter than any translation: a length ratio
    would flag every long sentence of a preview (it did, on the sample site's demo)."""
    from pathlib import Path

    post = Path(__file__).resolve().parents[1] / "samples/content/ja/post/python-files.md"
    report = translate_post(post.read_text(encoding="utf-8"), Engine(PseudoBackend()))[1]
    assert report.sentences
    assert not any(c.startswith("length ratio") for n in report.sentences for c in n.checks)
    source = "長い文章がここに続いていて、まだまだ終わらない。" * 2
    assert any(c.startswith("length ratio") for c in problems(source, "Yes.", status="translated"))
    assert not problems(source, "Yes.", status="translated", length=False)
