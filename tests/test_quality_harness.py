"""bench/quality.py runs end to end on the trained fixture model."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.marian_fixture import marian_model_dir, single_thread_torch  # noqa: F401

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_quality():
    spec = importlib.util.spec_from_file_location("bench_quality", BENCH / "quality.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_quality"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_pairs_file_is_well_formed():
    quality = load_quality()
    pairs = quality.read_pairs(quality.PAIRS_FILE)
    assert 90 <= len(pairs) <= 120
    assert len({ja for ja, _ in pairs}) == len(pairs)
    for ja, en in pairs:
        assert quality._JAPANESE.search(ja) and not quality._JAPANESE.search(en), (ja, en)
    groups = quality.paragraphs(pairs)
    assert [p for g in groups for p in g] == pairs
    assert all(3 <= len(g) <= 5 for g in groups[:-1])


def test_runs_on_the_fixture_model(marian_model_dir, tmp_path, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    quality = load_quality()
    pairs = tmp_path / "pairs.tsv"
    # Pairs the fixture knows, so the scores are not all zero.
    from tests.marian_fixture import PAIRS

    pairs.write_text("ja\ten\n" + "".join(f"{ja}\t{en}\n" for ja, en in PAIRS[20:32]), "utf-8")
    out = tmp_path / "scores.json"
    code = quality.main(
        [
            "--model",
            str(marian_model_dir),
            "--device",
            "cpu",
            "--pairs",
            str(pairs),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    scores = {s["name"]: s for s in json.loads(out.read_text())["scores"]}
    assert scores["sentences, backend"]["bleu"] == pytest.approx(100.0)
    assert scores["paragraphs by sentence, backend"]["bleu"] == pytest.approx(100.0)
    assert "sentences, pipeline" in scores and "paragraphs, pipeline" in scores
    assert "BLEU" in capsys.readouterr().out


def test_missing_model_exits_2(tmp_path, capsys):
    quality = load_quality()
    assert quality.main(["--model", str(tmp_path / "nowhere")]) == 2
    assert "--backend pseudo" in capsys.readouterr().err
