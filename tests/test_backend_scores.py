"""Both real backends return the model's score for each output, on the trained Marian fixture:
the mean token log-probability (end of sentence included), the number generate's own scores
give, and the same number from ctranslate2."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pipeline.backends.base import DecodingConfig
from pipeline.backends.ctranslate2_backend import CTranslate2Backend
from pipeline.backends.transformers_backend import TransformersBackend
from tests.marian_fixture import PAIRS

KNOWN = [ja for ja, _en in PAIRS[:4]]
UNKNOWN = "全く関係のない文章をここに書きます。"


@pytest.fixture(scope="module")
def transformers_backend(marian_model_dir: Path) -> TransformersBackend:
    return TransformersBackend(str(marian_model_dir), "cpu", DecodingConfig(num_beams=4))


def test_transformers_scores_match_generate(transformers_backend: TransformersBackend) -> None:
    import torch

    backend = transformers_backend
    scored = backend.translate_scored([*KNOWN, UNKNOWN, ""])
    assert [text for text, _ in scored] == backend.translate([*KNOWN, UNKNOWN, ""])
    assert scored[-1] == ("", None)  # blank input: no model call, no score
    scores = [score for _text, score in scored[:-1]]
    assert all(isinstance(s, float) and s <= 0 and math.isfinite(s) for s in scores)
    assert all(s > -0.1 for s in scores[:4])  # the pairs it was trained on: near certain
    assert scores[4] < scores[0]  # a sentence it never saw: less sure
    # The reference: generate's own beam scores (length_penalty 1 = mean token log-prob).
    encoded = backend.tokenizer([*KNOWN, UNKNOWN], return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = backend.model.generate(
            **encoded,
            num_beams=4,
            max_new_tokens=64,
            do_sample=False,
            output_scores=True,
            return_dict_in_generate=True,
        )
    assert scores == pytest.approx(out.sequences_scores.tolist(), abs=1e-4)


def test_transformers_safe_scores(transformers_backend: TransformersBackend) -> None:
    safe = transformers_backend.translate_scored(KNOWN, safe=True)
    assert [t for t, _ in safe] == transformers_backend.translate_safe(KNOWN)
    assert all(s is not None and s > -0.1 for _t, s in safe)


def test_ctranslate2_scores(
    marian_model_dir: Path, tmp_path: Path, transformers_backend: TransformersBackend
) -> None:
    backend = CTranslate2Backend(
        str(marian_model_dir),
        "cpu",
        DecodingConfig(num_beams=4),
        "float32",
        cache_dir=tmp_path,
        threads=1,
    )
    scored = backend.translate_scored([*KNOWN, UNKNOWN, ""])
    assert [text for text, _ in scored] == backend.translate([*KNOWN, UNKNOWN, ""])
    assert scored[-1] == ("", None)
    reference = transformers_backend.translate_scored([*KNOWN, UNKNOWN])
    assert [t for t, _ in scored[:-1]] == [t for t, _ in reference]
    assert [s for _t, s in scored[:-1]] == pytest.approx([s for _t, s in reference], abs=1e-2)
