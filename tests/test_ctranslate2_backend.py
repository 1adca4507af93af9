"""The ctranslate2 backend and the conversion cache, on the trained Marian fixture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import convert
from pipeline.backends.base import DecodingConfig, ModelBackend
from pipeline.backends.ctranslate2_backend import CTranslate2Backend
from tests.marian_fixture import (  # noqa: F401  (pytest fixtures)
    LONG_SENTENCE,
    PAIRS,
)

REPO = Path(__file__).resolve().parents[1]
GREEDY = DecodingConfig(num_beams=1)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def float32_backend(marian_model_dir: Path, tmp_path_factory) -> CTranslate2Backend:
    root = tmp_path_factory.mktemp("ct2")
    return CTranslate2Backend(
        str(marian_model_dir), "cpu", GREEDY, "float32", cache_dir=root, threads=1
    )


class Recorder:
    """Wraps a ctranslate2.Translator and records what each translate_batch call got."""

    def __init__(self, translator) -> None:
        self.translator = translator
        self.calls: list[tuple[list[list[str]], dict]] = []

    def translate_batch(self, source, **options):
        self.calls.append((source, options))
        return self.translator.translate_batch(source, **options)


def test_convert_writes_tokenizer_files_and_is_reused(
    marian_model_dir: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = convert.convert_model(str(marian_model_dir), "int8")
    assert path.parent == cache / "ct2" and path.name.endswith("-int8")
    for name in ("model.bin", "source.spm", "target.spm", "shared_vocabulary.json"):
        assert (path / name).is_file(), name
    meta = json.loads((path / convert.METADATA_FILE).read_text())
    assert meta["quantization"] == "int8" and meta["max_position_embeddings"] == 128
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp folder left

    def must_not_run(*args):
        raise AssertionError("reconverted a cached model")

    monkeypatch.setattr(convert, "_convert_into", must_not_run)
    assert convert.convert_model(str(marian_model_dir), "int8") == path
    assert convert.find_converted(str(marian_model_dir), "int8") == path
    assert convert.find_converted(str(path), "int8") == path  # a converted folder as --model
    assert convert.find_converted(str(marian_model_dir), "float32") is None
    with pytest.raises(AssertionError, match="reconverted"):
        convert.convert_model(str(marian_model_dir), "int8", force=True)
    assert convert.is_converted_model(path)  # a failed forced conversion keeps the old one


def test_unknown_quantization_and_devices_are_refused(marian_model_dir: Path) -> None:
    with pytest.raises(ValueError, match="quantization"):
        convert.convert_model(str(marian_model_dir), "int4")
    with pytest.raises(ValueError, match="cpu or cuda"):
        CTranslate2Backend(str(marian_model_dir), device="mps")
    with pytest.raises(ValueError, match="needs --device cuda"):
        CTranslate2Backend(str(marian_model_dir), device="cpu", quantization="float16")


def test_greedy_output_matches_transformers(
    marian_model_dir: Path,
    float32_backend: CTranslate2Backend,
) -> None:
    from pipeline.backends.transformers_backend import TransformersBackend

    sources = [ja for ja, _ in PAIRS]
    reference = TransformersBackend(str(marian_model_dir), "cpu", GREEDY).translate(sources)
    assert reference == [en for _, en in PAIRS]
    assert float32_backend.translate(sources) == reference
    assert isinstance(float32_backend, ModelBackend)


def test_int8_beam_search_translates_the_fixture(
    marian_model_dir: Path,
    cache: Path,
) -> None:
    backend = CTranslate2Backend(str(marian_model_dir), "cpu")  # defaults: int8, 4 beams
    assert backend.quantization == "int8"
    assert backend.translate([ja for ja, _ in PAIRS]) == [en for _, en in PAIRS]
    assert backend.translate_safe([PAIRS[0][0]]) == [PAIRS[0][1]]
    assert backend.identity.startswith("ctranslate2|local:") and backend.identity.endswith("|int8")


def test_no_torch_on_the_translation_path(marian_model_dir: Path, cache: Path) -> None:
    convert.convert_model(str(marian_model_dir), "int8")  # needs torch; done ahead of time
    script = (
        "import sys, json\n"
        "from pipeline.backends.ctranslate2_backend import CTranslate2Backend\n"
        f"backend = CTranslate2Backend({str(marian_model_dir)!r}, 'cpu')\n"
        f"out = backend.translate({[ja for ja, _ in PAIRS[:5]]!r})\n"
        "print(json.dumps([out, sorted(m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'transformers'))]))\n"
    )
    env = {**os.environ, "HONYAKU_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outputs, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    assert outputs == [en for _, en in PAIRS[:5]]
    assert heavy == []


def test_batches_respect_the_token_budget_and_order(float32_backend: CTranslate2Backend) -> None:
    backend = float32_backend
    sources = [ja for ja, _ in PAIRS[:12]]
    sentences = sources + sources[::-1] + [""]  # duplicates and a blank one
    recorder = Recorder(backend._translator)
    backend._translator, original = recorder, backend._translator
    budget = 40
    small = DecodingConfig(num_beams=1, batch_tokens=budget)
    backend.decoding, saved = small, backend.decoding
    before = backend.sentences_translated
    try:
        outputs = backend.translate(sentences)
    finally:
        backend._translator, backend.decoding = original, saved
    expected = dict(PAIRS)
    assert outputs == [expected[s] for s in sources + sources[::-1]] + [""]
    assert backend.sentences_translated - before == len(sources)  # each unique sentence once
    assert len(recorder.calls) > 1
    for batch, options in recorder.calls:
        longest = max(len(tokens) for tokens in batch)
        assert len(batch) == 1 or longest * len(batch) <= budget
        assert all(tokens[-1] == "</s>" for tokens in batch)
        assert options["batch_type"] == "tokens" and options["max_batch_size"] == budget
        # The cap from the source length, within the decoder's 128 positions (one for start).
        cap = min(small.max_new_tokens(longest), backend.max_input_tokens - 1)
        assert options["max_decoding_length"] == cap
        assert options["max_input_length"] == 0  # never truncated by ctranslate2


def test_decoding_length_cap_reaches_the_decoder(float32_backend: CTranslate2Backend) -> None:
    backend = float32_backend
    ja, en = PAIRS[2]
    capped = DecodingConfig(num_beams=1, max_length_ratio=0.0, max_length_extra=3)
    backend.decoding, saved = capped, backend.decoding
    try:
        (output,) = backend.translate([ja])
    finally:
        backend.decoding = saved
    assert output and en.startswith(output) and output != en
    assert len(backend._target_sp.encode(output)) <= 3


def test_over_long_input_is_rejected_not_truncated(
    tiny_limit_model_dir: Path,
    cache: Path,
) -> None:
    backend = CTranslate2Backend(str(tiny_limit_model_dir), "cpu", GREEDY)
    assert backend.max_input_tokens == 32
    assert backend.count_tokens(LONG_SENTENCE) > 32
    ja, en = PAIRS[-4]
    assert backend.translate([LONG_SENTENCE, ja]) == ["", en]
    assert backend.rejected_too_long == 1


def test_tokens_and_roundtrips_agree_with_transformers(
    marian_model_dir: Path,
    float32_backend: CTranslate2Backend,
) -> None:
    from pipeline.backends.transformers_backend import TransformersBackend

    reference = TransformersBackend(str(marian_model_dir), "cpu", GREEDY)
    for text in ["SageMaker概要", "まとめ", "Jupyter Lab", "x", "⟦1⟧", "—"]:
        assert float32_backend.count_tokens(text) == reference.count_tokens(text), text
        assert float32_backend.roundtrips(text) == reference.roundtrips(text), text


def test_zero_start_models_use_ctranslate2s_marian_conversion(
    marian_model_dir: Path,
    tmp_path: Path,
) -> None:
    """opus-mt models (converted from Marian C++) have a zero <pad> row: the usual ctranslate2
    Marian conversion applies, and greedy tokens match transformers step for step."""
    import shutil

    import torch
    from transformers import MarianMTModel, MarianTokenizer

    folder = tmp_path / "zero-start"
    folder.mkdir()
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copyfile(marian_model_dir / name, folder / name)
    torch.manual_seed(1)
    model = MarianMTModel(MarianMTModel.from_pretrained(str(marian_model_dir)).config).eval()
    assert not model.get_decoder().embed_tokens.weight[model.config.pad_token_id].any()
    model.save_pretrained(str(folder))
    backend = CTranslate2Backend(
        str(folder), "cpu", GREEDY, "float32", cache_dir=tmp_path / "ct2", threads=1
    )
    meta = json.loads((backend.model_path / convert.METADATA_FILE).read_text())
    assert meta["decoder_start"] == "zero" and backend._suppress is None

    tokenizer = MarianTokenizer.from_pretrained(str(folder))
    steps = 10
    for ja, _ in PAIRS[:3]:
        encoded = tokenizer([ja], return_tensors="pt")
        with torch.inference_mode():
            ids = model.generate(**encoded, num_beams=1, do_sample=False, max_new_tokens=steps)
        # Drop the decoder start, and the last step, where transformers forces </s>.
        expected = tokenizer.convert_ids_to_tokens(ids[0, 1:steps].tolist())
        result = backend._translator.translate_batch(
            [backend._pieces(ja)], beam_size=1, max_decoding_length=steps
        )
        assert result[0].hypotheses[0][: steps - 1] == expected
