"""Small trained Marian models for tests: real loading, tokenizing, generation and decoding code.

Random weights never emit end-of-sentence, so every output would fall through to the recovery
path. These models are trained for a few seconds to reproduce the hand-written pairs below,
so a test can assert the exact English.

Two SentencePiece models are trained, a source one on the Japanese side and a target one on the
English side, and `vocab.json` covers both, as in the Helsinki-NLP models. English pieces such
as "▁the" are absent from the source model, so decoding with the wrong SentencePiece model
yields "⁇" instead of the expected words: the tests can tell which one was used.

The built folders are cached under `HONYAKU_TEST_CACHE` or `/tmp/honyaku-test-models/<hash>`,
where the hash covers this file and the library versions, so reruns reuse them.

Use from a test module:

    from tests.marian_fixture import marian_model_dir, PAIRS  # noqa: F401  (pytest fixture)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# (Japanese, English). The first group comes from the sample site's SageMaker post, so the
# end-to-end test can check known sentences; the rest is technical-blog prose of the same kind.
PAIRS: tuple[tuple[str, str], ...] = (
    ("SageMaker概要", "SageMaker Overview"),
    ("SageMakerのアップデートに関して", "About the SageMaker updates"),
    (
        "re:invent 2019でSageMaker関連のアップデートが激しかったので、それについて。",
        "There were many SageMaker updates at re:invent 2019, so this post is about them.",
    ),
    (
        "ぶっちゃけまだ分からないことが多いので、概要レベルです。",
        "Frankly, there is still a lot I do not understand, so this is only an overview.",
    ),
    ("そもそもの話", "Background"),
    (
        "re:invent 2019で以下のアップデートが発表された。",
        "The following updates were announced at re:invent 2019.",
    ),
    (
        "SageMakerはre:invent 2019の発表で頭ひとつ抜きん出た感じがする。",
        "With the re:invent 2019 announcements, SageMaker seems to be a step ahead.",
    ),
    ("なんで機械学習基盤が必要か", "Why a machine learning platform is needed"),
    ("より抜粋。", "Quoted from the page above."),
    ("SageMakerについて", "About SageMaker"),
    ("無料枠", "Free tier"),
    ("らしい。", "Apparently."),
    (
        "中身としては単にJupyter Labのカスタマイズ版っぽい。",
        "Inside, it seems to be just a customized Jupyter Lab.",
    ),
    ("既存のnotebooksとの違い", "Differences from the existing notebooks"),
    (
        "基本的には今後はStudio版のnotebooksを使っていけば良いはず。",
        "Basically, from now on we should use the Studio notebooks.",
    ),
    ("以下のメリットがある。", "It has the following advantages."),
    ("ユーザ管理が楽", "User management is easy"),
    ("SageMaker最初に使うとき", "When using SageMaker for the first time"),
    ("SageMaker Studioを起動", "Starting SageMaker Studio"),
    ("起動後、Jupyter Labが使えるようになる。", "After it starts, Jupyter Lab becomes available."),
    ("疑問点", "Open questions"),
    ("まだよく分からないことが多い。", "There is still a lot I do not understand."),
    ("Shareの機能が見当たらない。", "I cannot find the Share feature."),
    ("30分くらいしたら復旧した。", "It recovered after about 30 minutes."),
    ("モデルをデプロイする。", "Deploy the model."),
    ("推論エンドポイントを作成します。", "Create an inference endpoint."),
    ("ノートブックインスタンスを停止しました。", "I stopped the notebook instance."),
    ("学習ジョブが完了しました。", "The training job has finished."),
    ("このコードはPythonで書かれています。", "This code is written in Python."),
    ("詳細はドキュメントを参照してください。", "See the documentation for details."),
    ("データをS3にアップロードします。", "Upload the data to S3."),
    ("コンテナイメージをビルドする。", "Build the container image."),
    ("エラーが発生しました。", "An error occurred."),
    ("設定ファイルを編集します。", "Edit the configuration file."),
    ("Dockerを使うと環境構築が楽になる。", "Docker makes setting up the environment easy."),
    ("ありがとうございました。", "Thank you for reading."),
    ("まとめ", "Summary"),
    ("参考", "References"),
    ("はじめに", "Introduction"),
    ("Jupyter Labで推論を試してみた。", "I tried inference in Jupyter Lab."),
    # The target SentencePiece model has no piece for the em dash and spells it with byte
    # pieces, which only the target model decodes back: the wrong model leaves "<0xE2>...".
    (
        "SageMaker Studio、つまりJupyter Labのカスタマイズ版。",
        "SageMaker Studio — a customized Jupyter Lab.",
    ),
)
BYTE_FALLBACK_CHAR = "—"

# A sentence longer than the tiny-limit model accepts, and its clauses (each with the
# delimiter it ends with), which that model translates one by one.
LONG_SENTENCE_CLAUSES: tuple[tuple[str, str], ...] = (
    ("まずSageMakerのノートブックを開き、", "First, open a SageMaker notebook,"),
    ("学習データをS3にアップロードし、", "upload the training data to S3,"),
    ("学習ジョブを実行してから、", "run the training job,"),
    ("モデルをエンドポイントにデプロイします。", "and then deploy the model to an endpoint."),
)
LONG_SENTENCE = "".join(ja for ja, _ in LONG_SENTENCE_CLAUSES)
LONG_SENTENCE_EN = " ".join(en for _, en in LONG_SENTENCE_CLAUSES)

TINY_LIMIT = 32  # input positions of the tiny-limit variant
_POSITIONS = 128  # input positions of the base model


def training_pairs() -> list[tuple[str, str]]:
    """Everything the models learn: the pairs, the clauses (with and without delimiter), the
    long sentence whole."""
    pairs = list(PAIRS)
    for ja, en in LONG_SENTENCE_CLAUSES:
        pairs.append((ja, en))
        pairs.append((ja.rstrip("、。"), en.rstrip(",.")))
    pairs.append((LONG_SENTENCE, LONG_SENTENCE_EN))
    return pairs


def _fixture_hash() -> str:
    import torch
    import transformers

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"{torch.__version__}|{transformers.__version__}".encode())
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    env = os.environ.get("HONYAKU_TEST_CACHE")
    base = Path(env) if env else Path(tempfile.gettempdir()) / "honyaku-test-models"
    return base / _fixture_hash()


def _train_spm(lines: list[str], vocab_size: int, **options: object) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    options = {"model_type": "unigram", **options}
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        character_coverage=1.0,
        hard_vocab_limit=False,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
        **options,
    )
    return model.getvalue()


def _write_tokenizer(folder: Path, pairs: list[tuple[str, str]], max_positions: int) -> int:
    """Write source.spm, target.spm, vocab.json and tokenizer_config.json; return vocab size."""
    import sentencepiece as spm

    ja_lines = [ja for ja, _ in pairs]
    en_lines = [en for _, en in pairs]
    # Short source pieces make Japanese token counts realistic (the long sentence must exceed
    # TINY_LIMIT while its clauses fit).
    source = _train_spm(ja_lines * 2, 400, max_sentencepiece_length=2)
    target = _train_spm(
        [en.replace(BYTE_FALLBACK_CHAR, "") for en in en_lines] * 2,
        1000,
        model_type="bpe",
        byte_fallback=True,
    )
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)
    vocab = {"</s>": 0, "<unk>": 1}
    for blob in (source, target):
        proc = spm.SentencePieceProcessor(model_proto=blob)
        for i in range(proc.get_piece_size()):
            piece = proc.id_to_piece(i)
            if not (proc.is_unknown(i) or proc.is_control(i)) and piece not in vocab:
                vocab[piece] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), "utf-8")
    config = {
        "tokenizer_class": "MarianTokenizer",
        "source_lang": "ja",
        "target_lang": "en",
        "model_max_length": max_positions,
        "separate_vocabs": False,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1), "utf-8")
    return len(vocab)


def _check_tokenizer(tokenizer) -> None:
    """The properties the tests rely on; a change to the pairs that breaks one fails here."""
    source_len = len(tokenizer(LONG_SENTENCE).input_ids)
    if source_len <= TINY_LIMIT:
        raise RuntimeError(f"LONG_SENTENCE is {source_len} tokens, not over {TINY_LIMIT}")
    for ja, en in LONG_SENTENCE_CLAUSES:
        longest = max(len(tokenizer(ja).input_ids), len(tokenizer(text_target=en).input_ids))
        if longest >= TINY_LIMIT:
            raise RuntimeError(f"clause {ja!r} does not fit in {TINY_LIMIT} tokens")
    pieces = tokenizer.spm_target.encode(BYTE_FALLBACK_CHAR, out_type=str)
    if not all(p.startswith("<0x") for p in pieces if p != "▁"):
        raise RuntimeError(f"{BYTE_FALLBACK_CHAR!r} is not spelled with byte pieces: {pieces}")


def _marian_config(vocab_size: int, max_positions: int):
    from transformers import MarianConfig

    pad = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_position_embeddings=max_positions,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )


def _greedy_all_correct(model, tokenizer, pairs: list[tuple[str, str]], num_beams: int) -> bool:
    import torch

    model.eval()
    with torch.no_grad():
        batch = tokenizer([ja for ja, _ in pairs], return_tensors="pt", padding=True)
        out = model.generate(**batch, num_beams=num_beams, max_new_tokens=64, do_sample=False)
    texts = tokenizer.batch_decode(out, skip_special_tokens=True, use_source_tokenizer=False)
    model.train()
    return all(text == en for text, (_, en) in zip(texts, pairs, strict=True))


def _train(folder: Path) -> dict[str, float]:
    """Build the tokenizer files and a trained model in `folder`; return timings."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    torch.manual_seed(0)
    threads = torch.get_num_threads()
    # One thread: on a shared 2-core machine, two OpenMP threads competing with other
    # processes ran this 10x slower than one (measured: 30 steps 2.5 s vs 30 s).
    torch.set_num_threads(1)
    try:
        start = time.perf_counter()
        pairs = training_pairs()
        vocab_size = _write_tokenizer(folder, pairs, _POSITIONS)
        tokenizer = MarianTokenizer.from_pretrained(str(folder))
        _check_tokenizer(tokenizer)
        spm_seconds = time.perf_counter() - start

        model = MarianMTModel(_marian_config(vocab_size, _POSITIONS))
        batch = tokenizer(
            [ja for ja, _ in pairs],
            text_target=[en for _, en in pairs],
            return_tensors="pt",
            padding=True,
        )
        labels = batch["labels"].masked_fill(batch["labels"] == tokenizer.pad_token_id, -100)
        optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
        model.train()
        steps = 0
        for steps in range(1, 1501):
            loss = model(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels
            ).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if (
                steps >= 200
                and steps % 50 == 0
                and loss.item() < 0.05
                and _greedy_all_correct(model, tokenizer, pairs, 1)
                and _greedy_all_correct(model, tokenizer, pairs, 4)
            ):
                break
        else:
            raise RuntimeError("the fixture model did not learn its pairs")
        model.eval()
        model.save_pretrained(str(folder))
        train_seconds = time.perf_counter() - start - spm_seconds
        return {"spm_s": spm_seconds, "train_s": train_seconds, "steps": float(steps)}
    finally:
        torch.set_num_threads(threads)


def _write_tiny_variant(base: Path, folder: Path) -> None:
    """Same weights, input limit TINY_LIMIT. Marian's positions are sinusoidal, so the first
    rows of the base table are exactly the table of the smaller model."""
    from transformers import MarianMTModel

    model = MarianMTModel.from_pretrained(str(base))
    state = {
        k: (v[:TINY_LIMIT] if k.endswith("embed_positions.weight") else v)
        for k, v in model.state_dict().items()
    }
    config = model.config
    config.max_position_embeddings = TINY_LIMIT
    tiny = MarianMTModel(config)
    tiny.load_state_dict(state, strict=False)
    tiny.eval()
    tiny.save_pretrained(str(folder))
    for name in ("source.spm", "target.spm", "vocab.json"):
        shutil.copyfile(base / name, folder / name)
    tok_config = json.loads((base / "tokenizer_config.json").read_text("utf-8"))
    tok_config["model_max_length"] = TINY_LIMIT
    (folder / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=1), "utf-8")


def _publish(tmp: Path, final: Path) -> None:
    try:
        tmp.rename(final)
    except OSError:
        # Another process published first; its copy is as good as ours.
        shutil.rmtree(tmp, ignore_errors=True)


def build_models(root: Path | None = None) -> tuple[Path, Path, dict[str, float]]:
    """Return (base model folder, tiny-limit folder, timings), building them when missing."""
    root = root or cache_root()
    base, tiny = root / "base", root / "tiny"
    timings: dict[str, float] = {}
    root.mkdir(parents=True, exist_ok=True)
    if not (base / "config.json").exists():
        tmp = Path(tempfile.mkdtemp(prefix="base-", dir=root))
        timings = _train(tmp)
        _publish(tmp, base)
    if not (tiny / "config.json").exists():
        tmp = Path(tempfile.mkdtemp(prefix="tiny-", dir=root))
        _write_tiny_variant(base, tmp)
        _publish(tmp, tiny)
    return base, tiny, timings


@pytest.fixture(scope="session")
def single_thread_torch() -> Iterator[None]:
    """Tiny models gain nothing from threads, and on a busy machine OpenMP threads waiting for
    each other make generation several times slower; the model fixtures use this."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def marian_model_dir(single_thread_torch: None) -> Path:
    """A trained tiny Marian ja->en model folder that reproduces PAIRS exactly."""
    return build_models()[0]


@pytest.fixture(scope="session")
def tiny_limit_model_dir(single_thread_torch: None) -> Path:
    """The same model with an input limit of TINY_LIMIT tokens; LONG_SENTENCE exceeds it."""
    return build_models()[1]


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    started = time.perf_counter()
    base_dir, tiny_dir, took = build_models(target)
    print(f"base: {base_dir}\ntiny: {tiny_dir}")
    print(f"timings: {took} total {time.perf_counter() - started:.1f}s")
