"""Issue 4 end to end: `honyaku translate` with a real (small, trained) Marian model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.backends.transformers_backend import TransformersBackend
from pipeline.cli import app
from pipeline.frontmatter import split_front_matter
from tests.marian_fixture import PAIRS
from tests.test_robustness import front_data, protected, structure

ROOT = Path(__file__).resolve().parents[1]
POST = Path("content/ja/post/sagemaker-overview/index.md")
ENGLISH = Path("content/en/post/sagemaker-overview/index.md")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "samples", tmp_path / "site")
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "site"


@pytest.fixture
def model_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    for name in ("translate", "translate_safe"):
        original = getattr(TransformersBackend, name)

        def spy(self, sentences, _original=original):  # type: ignore[no-untyped-def]
            calls.append(list(sentences))
            return _original(self, sentences)

        monkeypatch.setattr(TransformersBackend, name, spy)
    return calls


def _known_sentences(source: str) -> list[tuple[str, str]]:
    """Training pairs whose Japanese stands alone on a line of the post (title, headings,
    one-sentence paragraphs): their English must come out exactly."""
    lines = {line.strip().lstrip("#*-+ ").strip().strip('"') for line in source.splitlines()}
    lines |= {line.split(": ", 1)[-1].strip('"') for line in source.splitlines()}
    return [(ja, en) for ja, en in PAIRS if ja in lines]


def test_translate_into_the_site_with_a_trained_model(
    site: Path, marian_model_dir: Path, model_calls: list[list[str]]
) -> None:
    runner = CliRunner()
    args = ["translate", str(site / POST), "--model", str(marian_model_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    source = (site / POST).read_text(encoding="utf-8")
    english = (site / ENGLISH).read_text(encoding="utf-8")
    assert protected(english) == protected(source)
    assert structure(english) == structure(source)
    assert front_data(english) == front_data(source)
    known = _known_sentences(source)
    assert len(known) >= 8, known
    for ja, en in known:
        assert en in english, (ja, en)
    data = split_front_matter(english)[0].data
    assert data["title"] == "SageMaker Overview"
    assert data["summary"], "the empty summary is filled"
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("70 sentences: ") and "translated" in last, last
    assert model_calls, "the first run uses the model"

    # Same command again: the English copy is up to date, nothing is asked of the model.
    model_calls.clear()
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "up to date" in again.stderr
    assert model_calls == []


def test_rerun_to_stdout_comes_from_memory(
    site: Path, marian_model_dir: Path, model_calls: list[list[str]]
) -> None:
    runner = CliRunner()
    args = ["translate", str(site / POST), "--model", str(marian_model_dir), "--stdout"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    model_calls.clear()
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert model_calls == []
    assert second.stdout == first.stdout
    last = second.stderr.strip().splitlines()[-1]
    assert " 0 translated, " in last, last
    # Editing one sentence retranslates only that sentence.
    text = (site / POST).read_text(encoding="utf-8")
    (site / POST).write_text(text.replace("らしい。", "らしいです。"), encoding="utf-8")
    third = runner.invoke(app, args)
    assert third.exit_code == 0, third.output
    assert [s for batch in model_calls for s in batch] == ["らしいです。"]


def test_unavailable_model_offline_is_one_clear_line(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = CliRunner().invoke(
        app, ["translate", str(site / POST), "--model", "nobody-here/opus-mt-xx-yy", "--stdout"]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "--model PATH" in lines[0] and "--backend pseudo" in lines[0]
    assert "Traceback" not in result.output
    assert not (site / ENGLISH).exists()


def test_a_sentence_over_the_model_limit_is_split_and_every_piece_translated(
    tiny_limit_model_dir: Path,
) -> None:
    from pipeline.api import Engine, Options, translate_post
    from tests.marian_fixture import LONG_SENTENCE, LONG_SENTENCE_CLAUSES, TINY_LIMIT

    backend = TransformersBackend(str(tiny_limit_model_dir), device="cpu")
    assert backend.count_tokens(LONG_SENTENCE) > TINY_LIMIT
    out, report = translate_post(LONG_SENTENCE + "\n", Engine(backend), Options(summary="off"))
    assert not report.kept, report.kept
    for _, english in LONG_SENTENCE_CLAUSES:
        assert english.rstrip(".,") in out, (english, out)
    assert backend.rejected_too_long == 0  # nothing was sent over the limit, nothing cut


def test_models_convert_then_translate_with_ctranslate2(
    site: Path, marian_model_dir: Path, model_calls: list[list[str]]
) -> None:
    runner = CliRunner()
    converted = runner.invoke(app, ["models", "convert", str(marian_model_dir)])
    assert converted.exit_code == 0, converted.output
    folder = Path(converted.stdout.strip().splitlines()[-1])
    assert (folder / "model.bin").is_file()
    again = runner.invoke(app, ["models", "convert", str(marian_model_dir)])
    assert Path(again.stdout.strip().splitlines()[-1]) == folder  # cached, not converted twice
    result = runner.invoke(
        app,
        ["translate", str(site / POST), "--backend", "ctranslate2", "--model", str(marian_model_dir),
         "--stdout", "--summary", "off"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert 'title: "SageMaker Overview"' in result.stdout
    assert "# About the SageMaker updates" in result.stdout
    assert model_calls == []  # the transformers backend was never used


def test_models_convert_refuses_a_missing_model(site: Path) -> None:
    result = CliRunner().invoke(app, ["models", "convert", "/nonexistent/model"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
