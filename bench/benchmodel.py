"""The benchmark's model and text: a Marian of opus-mt-ja-en's size whose outputs stop on their own.

Real weights cannot be downloaded where this project is built, and random weights never emit
end-of-sentence (every output would run to the length cap), so the benchmark trains a model of
the real architecture (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 60716, 512
positions, tied embeddings, swish) on the corpus text, in two phases, cached in `bench/.cache/`:

1. copy: a few hundred steps of reproducing the input. On a shared 2-core CPU (about 2-5 s a
   step) this reaches only a bigram-like model, which answers every input with "。</s>": far
   too short to measure decoding.
2. lengths: about a hundred steps of a task meant to be quicker to learn: for a source of n
   pieces, emit n distinct pieces counting down, then `</s>`.

MEASURED ON THIS MACHINE, NEITHER PHASE WORKED: after 330 copy steps (loss ~7.7) and 120
length steps (loss ~3.4), ctranslate2's beam search ends after one token while transformers'
beam search and every greedy search run to the length cap, so output lengths are not
realistic and the speed ratios of `bench_translate.py` are not evidence. `build_model(steps=N)`
continues a cached model's training; a GPU (minutes) or a much longer CPU run is needed.

Weights beyond the corpus's ~8,000 SentencePiece pieces are padding that brings the embedding
and output layer to the real 60,716 entries, so the per-step cost is the real model's.
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
CORPUS = REPO.parent / "shared" / "corpus" / "ja-posts"
SAMPLES = REPO / "samples" / "content"

VOCAB_SIZE = 60716  # opus-mt-ja-en's, <pad> last
SPM_PIECES = 8000  # what the corpus supports; the rest of the vocabulary is padding
MODEL_NAME = "copy-marian-ja"

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])\s*")
_FENCE = re.compile(r"^(```|~~~)")
_SKIP_LINE = re.compile(r"^\s*(\{\{|<|\||!\[|\[\^|---|\+\+\+|    |\t)")
_BLOCK_MARKER = re.compile(r"(#+|>+|[-*+]|\d+\.)\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def source_files() -> list[Path]:
    """Japanese posts: the shared corpus when present, else the sample site."""
    files = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []
    return files or sorted(SAMPLES.rglob("*.md"))


def _strip_front_matter(text: str) -> str:
    for fence in ("---", "+++"):
        if text.startswith(fence + "\n"):
            end = text.find("\n" + fence, len(fence))
            if end != -1:
                return text[end + len(fence) + 1 :]
    return text


def extract_paragraphs(text: str) -> list[str]:
    """Prose paragraphs of a Markdown post, roughly: the fixed text the benchmark translates.

    Deliberately simple and independent of the pipeline's own parser, so the benchmark's text
    does not change when the parser does.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    in_fence = False
    for line in _strip_front_matter(text.replace("\r\n", "\n")).split("\n"):
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
            continue
        if in_fence or _SKIP_LINE.match(line) or not line.strip():
            if current:
                paragraphs.append("".join(current))
                current = []
            continue
        stripped = line.strip()
        marker = _BLOCK_MARKER.match(stripped)
        # Headings and list items are blocks of their own, not part of the running paragraph.
        if current and marker:
            paragraphs.append("".join(current))
            current = []
        current.append(_LINK.sub(r"\1", stripped[marker.end() if marker else 0 :]))
        if stripped.startswith("#"):
            paragraphs.append("".join(current))
            current = []
    if current:
        paragraphs.append("".join(current))
    return [p for p in paragraphs if _JAPANESE.search(p)]


def split_sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _post_paragraphs(file: Path) -> list[list[str]]:
    text = file.read_text(encoding="utf-8", errors="replace")
    return [ss for p in extract_paragraphs(text) if (ss := split_sentences(p))]


def bench_posts(min_sentences: int | None = None) -> list[Path]:
    """A fixed, ordered list of whole posts holding at least `min_sentences` sentences."""
    posts: list[Path] = []
    total = 0
    for file in source_files():
        paragraphs = _post_paragraphs(file)
        if not paragraphs:
            continue
        posts.append(file)
        total += sum(len(p) for p in paragraphs)
        if min_sentences is not None and total >= min_sentences:
            break
    return posts


def bench_paragraphs(posts: list[Path] | None = None) -> list[list[str]]:
    """The posts' paragraphs (each a list of sentences), in order; all posts by default."""
    return [p for file in (posts or source_files()) for p in _post_paragraphs(file)]


def _train_spm(sentences: list[str], folder: Path) -> None:
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_prefix=str(folder / "spm"),
        vocab_size=SPM_PIECES,
        hard_vocab_limit=False,
        character_coverage=0.9995,
        model_type="unigram",
        unk_id=0,
        bos_id=-1,
        eos_id=1,
        pad_id=-1,
        minloglevel=2,
        num_threads=2,
    )
    # A copy model: the same SentencePiece model on both sides.
    for side in ("source", "target"):
        (folder / f"{side}.spm").write_bytes((folder / "spm.model").read_bytes())
    (folder / "spm.model").unlink()
    (folder / "spm.vocab").unlink()


def _write_vocab(folder: Path) -> dict[str, int]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    # Padding entries bring the embedding and output layer to the real model's size, which is
    # what the decoder's per-step cost depends on.
    while len(vocab) < VOCAB_SIZE - 1:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = VOCAB_SIZE - 1
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return vocab


def _config():
    from transformers import MarianConfig

    pad = VOCAB_SIZE - 1
    # The fields of Helsinki-NLP/opus-mt-ja-en's config.json that shape speed and generation.
    return MarianConfig(
        vocab_size=VOCAB_SIZE,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        static_position_embeddings=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
    )


def _generation_config():
    from transformers import GenerationConfig

    pad = VOCAB_SIZE - 1
    # opus-mt-ja-en's generation defaults: what a naive `model.generate(...)` call gets.
    return GenerationConfig(
        num_beams=6,
        max_length=512,
        bad_words_ids=[[pad]],
        forced_eos_token_id=0,
        decoder_start_token_id=pad,
        eos_token_id=0,
        pad_token_id=pad,
    )


def _training_texts(paragraphs: list[list[str]], rng: random.Random) -> list[str]:
    """Single sentences and runs of 2–3 sentences, so whole paragraphs copy too."""
    texts: list[str] = []
    for sentences in paragraphs:
        texts.extend(sentences)
        for start in range(0, len(sentences) - 1, 2):
            texts.append("".join(sentences[start : start + rng.choice((2, 3))]))
    return texts


def _copy_loss(model, enc, used: int, pad: int):
    """Cross-entropy over the vocabulary entries the text can contain.

    The padding entries never occur, so training skips their share of the output layer (40% of
    a step's time on CPU); at inference the model still scores all 60716 entries.
    """
    import torch

    labels = enc["labels"]
    start = torch.full_like(labels[:, :1], pad)
    decoder_inputs = torch.cat([start, labels[:, :-1]], dim=1)
    hidden = model.model(
        input_ids=enc["input_ids"],
        attention_mask=enc["attention_mask"],
        decoder_input_ids=decoder_inputs,
    ).last_hidden_state
    weight = model.get_output_embeddings().weight[:used]
    logits = hidden @ weight.T + model.final_logits_bias[:, :used]
    targets = labels.masked_fill(labels == pad, -100)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, used), targets.reshape(-1))


def _trained_steps(folder: Path) -> int:
    done = folder / "DONE"
    if not done.is_file():
        return 0
    fields = dict(part.split("=", 1) for part in done.read_text().split())
    return int(fields.get("steps", 0))


def build_model(
    folder: Path | None = None, *, steps: int = 300, batch_size: int = 12, log=None
) -> Path:
    """Build (once) and return the copy-trained Marian model folder.

    A cached model trained for fewer than `steps` steps is trained further (at a constant,
    lower learning rate), so more training never starts from scratch.
    """
    folder = folder or CACHE / MODEL_NAME
    done = _trained_steps(folder)
    if done >= steps:
        return folder
    import shutil

    import torch
    from transformers import MarianMTModel, MarianTokenizer

    log = log or (lambda line: print(line, flush=True))
    rng = random.Random(done)
    torch.manual_seed(done)
    paragraphs = bench_paragraphs()
    work = folder.with_name(folder.name + ".tmp")
    if work.exists():
        shutil.rmtree(work)
    if done:
        shutil.copytree(folder, work)
        model = MarianMTModel.from_pretrained(str(work))
        config = model.config
        lr, warmup, total = 3e-4, 10, steps - done
    else:
        work.mkdir(parents=True)
        _train_spm([s for p in paragraphs for s in p], work)
        _write_vocab(work)
        config = _config()
        model = MarianMTModel(config)
        model.generation_config = _generation_config()
        lr, total = 1e-3, steps
        warmup = max(1, total // 10)
    tokenizer = MarianTokenizer(
        source_spm=str(work / "source.spm"),
        target_spm=str(work / "target.spm"),
        vocab=str(work / "vocab.json"),
        source_lang="ja",
        target_lang="en",
    )
    texts = [t for t in _training_texts(paragraphs, rng) if len(t) < 400]
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min((s + 1) / warmup, 1.0 if done else max(0.1, (total - s) / (total - warmup))),
    )
    used = max(i for t, i in tokenizer.encoder.items() if not t.startswith("<unused")) + 1
    model.train()
    started = time.perf_counter()
    for step in range(done, steps):
        batch = rng.sample(texts, batch_size)
        enc = tokenizer(batch, text_target=batch, return_tensors="pt", padding=True,
                        truncation=True, max_length=64)
        loss = _copy_loss(model, enc, used, config.pad_token_id)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 10 == 0 or step == steps - 1:
            log(f"  step {step:4d}  loss {loss.item():.3f}  {time.perf_counter() - started:.0f}s")
    model.eval()
    model.save_pretrained(work)
    tokenizer.save_pretrained(work)
    (work / "DONE").write_text(f"steps={steps} batch={batch_size}\n")
    if folder.exists():
        shutil.rmtree(folder)
    work.rename(folder)
    return folder


def _countdown_labels(enc, pad: int):
    """For each source of n pieces: n distinct pieces counting down, then </s>.

    A token that names how many tokens are left is predictable from the previous token alone,
    which a briefly trained model learns in a few dozen steps; only the first one needs the
    source length (through cross-attention). Outputs then stop on their own, at about the
    source's length, as a copy model's would.
    """
    import torch

    lengths = (enc["input_ids"] != pad).sum(dim=1) - 1  # without </s>
    width = int(lengths.max()) + 1
    labels = torch.full((len(lengths), width), -100, dtype=torch.long)
    for row, n in enumerate(lengths.tolist()):
        labels[row, :n] = torch.arange(n + 1, 1, -1)  # vocabulary ids n+1 … 2: real pieces
        labels[row, n] = 0  # </s>
    return labels


def teach_lengths(folder: Path, steps: int, *, batch_size: int = 16, log=None) -> None:
    """Second phase: train the countdown task (see `_countdown_labels`) on the corpus text."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    log = log or (lambda line: print(line, flush=True))
    rng = random.Random(1)
    torch.manual_seed(1)
    model = MarianMTModel.from_pretrained(str(folder))
    tokenizer = MarianTokenizer.from_pretrained(str(folder))
    pad = model.config.pad_token_id
    texts = [s for p in bench_paragraphs() for s in p]
    used = max(i for t, i in tokenizer.encoder.items() if not t.startswith("<unused")) + 1
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.0)
    model.train()
    started = time.perf_counter()
    for step in range(steps):
        enc = tokenizer(rng.sample(texts, batch_size), return_tensors="pt", padding=True,
                        truncation=True, max_length=96)
        labels = _countdown_labels(enc, pad)
        enc["labels"] = labels.masked_fill(labels == -100, pad)
        loss = _copy_loss(model, enc, used, pad)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        if step % 10 == 0 or step == steps - 1:
            log(f"  lengths step {step:4d}  loss {loss.item():.3f}  "
                f"{time.perf_counter() - started:.0f}s")
    model.eval()
    model.save_pretrained(str(folder))
    done = folder / "DONE"
    done.write_text(done.read_text().strip() + f" lengths={steps}\n")


def length_steps(folder: Path) -> int:
    done = folder / "DONE"
    if not done.is_file():
        return 0
    fields = dict(part.split("=", 1) for part in done.read_text().split())
    return int(fields.get("lengths", 0))


def bench_model(copy_steps: int = 330, length_training: int = 120) -> Path:
    """The benchmark's model: copy training, then the length phase (each done once, cached)."""
    folder = build_model(steps=copy_steps)
    if length_steps(folder) < length_training:
        teach_lengths(folder, length_training)
    return folder


if __name__ == "__main__":
    print(bench_model())
