"""The transformers backend on trained tiny Marian models (see tests/marian_fixture.py)."""

from dataclasses import replace

import pytest

from pipeline.backends.base import DecodingConfig, ModelBackend
from pipeline.backends.transformers_backend import TransformersBackend, pick_device
from pipeline.modelstore import ModelUnavailable
from tests.marian_fixture import (
    BYTE_FALLBACK_CHAR,
    LONG_SENTENCE,
    LONG_SENTENCE_CLAUSES,
    PAIRS,
    TINY_LIMIT,
)

SOURCES = [ja for ja, _ in PAIRS]
EXPECTED = [en for _, en in PAIRS]


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HONYAKU_CACHE_DIR", str(tmp_path_factory.mktemp("honyaku-cache")))
        yield


@pytest.fixture(scope="module")
def backend(marian_model_dir):
    return TransformersBackend(str(marian_model_dir), device="cpu")


@pytest.fixture(scope="module")
def tiny(tiny_limit_model_dir):
    return TransformersBackend(str(tiny_limit_model_dir), device="cpu")


class GenerateSpy:
    """Wraps model.generate to record its keyword arguments and batch sizes."""

    def __init__(self, model):
        self.model = model
        self.real = model.generate
        self.records: list[dict] = []

    def __enter__(self):
        def spy(**kwargs):
            self.records.append(
                {k: v for k, v in kwargs.items() if k not in ("input_ids", "attention_mask")}
                | {
                    "batch": kwargs["input_ids"].shape[0],
                    "source_len": kwargs["input_ids"].shape[1],
                }
            )
            return self.real(**kwargs)

        self.model.generate = spy
        return self

    def __exit__(self, *exc):
        del self.model.generate


def test_is_a_model_backend(backend):
    assert isinstance(backend, ModelBackend)


def test_translates_the_known_pairs_exactly(backend):
    calls_before = backend.calls
    outputs = backend.translate(SOURCES)
    assert outputs == EXPECTED
    assert not set(outputs) & set(SOURCES)  # nothing kept as source
    assert backend.calls > calls_before


def test_dedupes_sorts_and_restores_order(backend):
    sources = [SOURCES[5], SOURCES[0], SOURCES[5], SOURCES[20], SOURCES[0], ""]
    before = backend.sentences_translated
    assert backend.translate(sources) == [
        EXPECTED[5],
        EXPECTED[0],
        EXPECTED[5],
        EXPECTED[20],
        EXPECTED[0],
        "",
    ]
    assert backend.sentences_translated - before == 3  # unique, non-empty only


def test_nothing_to_translate_makes_no_model_call(backend):
    calls = backend.calls
    assert backend.translate([]) == []
    assert backend.translate(["", "  "]) == ["", ""]
    assert backend.calls == calls


def test_token_budget_cuts_batches(marian_model_dir):
    small = TransformersBackend(
        str(marian_model_dir), device="cpu", decoding=DecodingConfig(batch_tokens=60)
    )
    with GenerateSpy(small.model) as spy:
        outputs = small.translate(SOURCES[:12])
    assert outputs == EXPECTED[:12]
    assert len(spy.records) == small.calls > 1
    for record in spy.records:
        assert record["batch"] == 1 or record["batch"] * record["source_len"] <= 60


def test_decoding_settings_and_length_cap(backend):
    with GenerateSpy(backend.model) as spy:
        backend.translate([SOURCES[0]])
        backend.translate_safe([SOURCES[0]])
    plain, safe = spy.records
    source_len = plain["source_len"]
    assert plain["num_beams"] == backend.decoding.num_beams
    assert plain["max_new_tokens"] == backend.decoding.max_new_tokens(source_len)
    assert plain["max_new_tokens"] < 512
    assert "no_repeat_ngram_size" not in plain
    safer = backend.decoding.safer()
    assert safe["num_beams"] == safer.num_beams
    assert safe["no_repeat_ngram_size"] == safer.no_repeat_ngram_size
    assert safe["repetition_penalty"] == safer.repetition_penalty


def test_translate_safe_still_translates(backend):
    assert backend.translate_safe(SOURCES[:4]) == EXPECTED[:4]


def test_decoding_uses_the_target_sentencepiece_model(backend):
    index = next(i for i, en in enumerate(EXPECTED) if BYTE_FALLBACK_CHAR in en)
    assert backend.translate([SOURCES[index]]) == [EXPECTED[index]]
    # The fixture can tell the two apart: the same ids decoded with the source model (what
    # transformers 5 does by default for a shared vocabulary) leave byte pieces in the text.
    tokenizer = backend.tokenizer
    ids = tokenizer(text_target=EXPECTED[index]).input_ids
    wrong = tokenizer.decode(ids, skip_special_tokens=True, use_source_tokenizer=True)
    right = tokenizer.decode(ids, skip_special_tokens=True, use_source_tokenizer=False)
    assert right == EXPECTED[index]
    assert wrong != right and "<0x" in wrong


def test_count_tokens_and_limits(backend, tiny):
    assert backend.max_input_tokens == 128
    assert tiny.max_input_tokens == TINY_LIMIT
    assert backend.count_tokens("まとめ") == len(backend.tokenizer("まとめ").input_ids)
    assert tiny.count_tokens(LONG_SENTENCE) > TINY_LIMIT
    for clause, _ in LONG_SENTENCE_CLAUSES:
        assert tiny.count_tokens(clause) <= TINY_LIMIT


def test_over_long_input_is_refused_never_truncated(tiny):
    calls, rejected = tiny.calls, tiny.rejected_too_long
    assert tiny.translate([LONG_SENTENCE]) == [""]
    assert tiny.calls == calls  # not sent to the model at all
    assert tiny.rejected_too_long == rejected + 1


def test_every_clause_of_a_long_sentence_translates(tiny):
    clauses = [ja for ja, _ in LONG_SENTENCE_CLAUSES]
    outputs = tiny.translate([LONG_SENTENCE, *clauses])
    assert outputs == ["", *(en for _, en in LONG_SENTENCE_CLAUSES)]


def test_roundtrips(backend):
    assert backend.roundtrips("SageMaker")
    assert backend.roundtrips("Jupyter Lab")
    assert not backend.roundtrips("☃")  # outside the vocabulary: <unk>
    assert not backend.roundtrips(BYTE_FALLBACK_CHAR)  # source model lacks it


def test_identity_covers_model_and_decoding(backend, marian_model_dir, tiny):
    assert backend.identity.startswith("transformers|local:")
    assert backend.decoding.key() in backend.identity
    other = TransformersBackend(
        str(marian_model_dir), device="cpu", decoding=replace(DecodingConfig(), num_beams=1)
    )
    assert other.identity != backend.identity
    assert tiny.identity.split("|")[1] != backend.identity.split("|")[1]


def test_cpu_runs_float32(backend):
    import torch

    assert backend.device == "cpu"
    assert backend.model.dtype == torch.float32


def test_devices():
    assert pick_device("cpu") == "cpu"
    assert pick_device("auto") in {"cpu", "cuda", "mps"}
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")


def test_unavailable_model_fails_at_construction(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="--backend pseudo"):
        TransformersBackend("honyaku-tests/no-such-model")
    with pytest.raises(ModelUnavailable, match="no such folder"):
        TransformersBackend(str(tmp_path / "missing"))
