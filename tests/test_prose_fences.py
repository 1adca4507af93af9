"""The opt-in for unlabelled fences that hold only Japanese prose (the seed quotes AWS's text
that way): translated on request, lossless either way, real code never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.api import Engine, Options, translate_post
from pipeline.backends.pseudo import PseudoBackend
from tests.standins import Identity, Marking, strip_marks

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples/content/ja/post/sagemaker-overview/index.md"
CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"
FENCES = Options(summary="off", prose_fences=True)


def _posts() -> list[Path]:
    posts = sorted((ROOT / "samples").rglob("*.md"))
    if CORPUS.is_dir():
        posts += sorted(CORPUS.glob("*/*.md"))
    return posts


@pytest.mark.parametrize("translator", [Identity, Marking], ids=lambda c: c.__name__)
def test_lossless_with_prose_fences(translator: type) -> None:
    for path in _posts():
        text = path.read_bytes().decode("utf-8")
        out, _ = translate_post(text, Engine(translator()), FENCES)
        assert strip_marks(out) == text, path.name


def test_prose_fences_are_translated_code_fences_are_not() -> None:
    text = SEED.read_text(encoding="utf-8")
    plain, plain_report = translate_post(text, Engine(PseudoBackend()), Options(summary="off"))
    out, report = translate_post(text, Engine(PseudoBackend()), FENCES)
    assert plain_report.code_fence_japanese > 0
    assert report.code_fence_japanese == 0
    assert "機械学習は、ただモデルを構築すればよいわけではありません。" in plain
    assert "機械学習は、ただモデルを構築すればよいわけではありません。" not in out
    assert "bash-4.2$ free" in out and "```\n‹" in out
    assert out.count("```") == text.count("```")


def test_code_with_japanese_comments_stays() -> None:
    text = "```\nprint('こんにちは')  # 挨拶する\n```\n\n```\n設定ファイルを開く。\n```\n"
    out, _ = translate_post(text, Engine(PseudoBackend()), FENCES)
    assert "print('こんにちは')  # 挨拶する" in out
    assert "設定ファイルを開く。" not in out
