"""The benchmark's model and text: a Marian of opus-mt-ja-en's size whose outputs stop on their own.

Real weights cannot be downloaded where this project is built, and random weights never emit
end-of-sentence (every output would run to the length cap), so the benchmark builds a model of
the real architecture (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 60716, 512
positions, tied embeddings, swish, post-norm, sinusoidal positions) that copies its input, and
caches it in `bench/.cache/` keyed by a hash of its settings.

Plain training does not get there on a 2-core CPU: measured, 330 steps (about 20 minutes) left
the loss at 7.7 and every output either one token or the length cap. So the copy is built in,
then trained briefly:

1. circuit: the token embeddings live in 127 of the 512 dimensions where the sinusoidal
   position code is nearly constant; the position code keeps its 32 fastest frequencies. Two
   cross-attention heads of the first decoder layer match decoder position i to source position
   i (query and key read the position code, minus a near-zero reference dimension so that layer
   norm's mean subtraction cancels) and carry the source token's dimensions to the output,
   amplified; every other sublayer's output projection starts at zero, so post-norm passes the
   residual through. The tied output layer then scores the source token highest, `</s>`
   included, so outputs are as long as their sources and end on their own.
2. training: `steps` Adam steps of copying corpus sentences (4-32 pieces), cross-entropy over
   the vocabulary entries the text can contain (the padding entries' share of the output layer
   would be 40% of a step), which turns the zero projections into ordinary dense weights.

Compute per token is the real model's whatever the weights are (dense matrices, full 60716-way
output layer at inference); only the output lengths depend on them. Entries beyond the corpus's
8,000 SentencePiece pieces are padding with tiny embeddings, so they are never chosen; the
`<pad>` row (the decoder's start) stays zero, as in opus-mt, so ctranslate2 converts the model
with its usual Marian start.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import time
from dataclasses import asdict, dataclass
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


def _used_ids(tokenizer) -> int:
    """How many leading vocabulary ids are real pieces (`</s>`, `<unk>`, the corpus's pieces)."""
    return sum(1 for t in tokenizer.encoder if not (t.startswith("<unused") or t == "<pad>"))


@dataclass(frozen=True)
class CopySettings:
    """Everything that decides the cached model; its hash names the cache folder."""

    steps: int = 120
    batch_size: int = 32
    max_pieces: int = 32
    lr: float = 1e-4
    warmup: int = 10
    seed: int = 0
    query_gain: float = 30.0  # attention logit margin ~ gain * 0.5 between neighbouring positions
    copy_gain: float = 6.0  # how strongly the copied token outweighs the decoder's own input
    frequencies: int = 32  # fastest sinusoidal frequencies used to match positions
    version: int = 2

    def key(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k != "steps"}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:10]


_TOKEN_SIN = range(191, 255)  # low-frequency sine dimensions: nearly 0 at every position
_REFERENCE = 255  # the slowest sine: ~0 everywhere, subtracted to cancel layer norm's mean
_TOKEN_COS = range(448, 512)  # low-frequency cosine dimensions: nearly 1 at every position


def _install_copy_circuit(model, used: int, settings: CopySettings) -> None:
    """Set the weights so that the model copies its source (see the module docstring)."""
    import torch

    d_model = model.config.d_model
    half = d_model // 2
    head = d_model // model.config.decoder_attention_heads
    token_dims = list(_TOKEN_SIN) + list(_TOKEN_COS)
    generator = torch.Generator().manual_seed(settings.seed)
    with torch.no_grad():
        rows = torch.randn(used, len(token_dims), generator=generator)
        # Zero mean within each block: layer norm's mean subtraction and the cosine block's
        # constant then add nothing to any token's score.
        for block in (slice(0, len(_TOKEN_SIN)), slice(len(_TOKEN_SIN), None)):
            rows[:, block] -= rows[:, block].mean(dim=1, keepdim=True)
        embedding = torch.zeros_like(model.model.shared.weight)
        embedding[:used, token_dims] = rows / rows.norm(dim=1, keepdim=True)
        padding = torch.randn(len(embedding) - used, len(token_dims), generator=generator)
        embedding[used:, token_dims] = 0.01 * padding / padding.norm(dim=1, keepdim=True)
        embedding[model.config.pad_token_id] = 0.0  # the decoder's start, as in opus-mt
        model.model.shared.weight.copy_(embedding)

        def zero(linear) -> None:
            linear.weight.zero_()
            linear.bias.zero_()

        for layer in model.model.encoder.layers:
            zero(layer.self_attn.out_proj)
            zero(layer.fc2)
        for layer in model.model.decoder.layers:
            zero(layer.self_attn.out_proj)
            zero(layer.encoder_attn.out_proj)
            zero(layer.fc2)
        cross = model.model.decoder.layers[0].encoder_attn
        for linear in (cross.q_proj, cross.k_proj, cross.v_proj):
            zero(linear)
        for h in (0, 1):  # two heads, because each carries 64 of the 127 token dimensions
            for j in range(settings.frequencies):
                for linear, gain in ((cross.q_proj, settings.query_gain), (cross.k_proj, 1.0)):
                    for row, dim in ((h * head + j, j), (h * head + head // 2 + j, half + j)):
                        linear.weight[row, dim] = gain
                        linear.weight[row, _REFERENCE] = -gain
        for j, dim in enumerate(token_dims):
            cross.v_proj.weight[j, dim] = 1.0
            cross.out_proj.weight[dim, j] = settings.copy_gain


def _copy_batch(pieces: list[list[int]], rng: random.Random, settings: CopySettings, pad: int):
    """A batch of corpus sentences cut to at most `max_pieces` pieces, each ending in </s>."""
    import torch

    chosen = []
    for ids in rng.sample(pieces, settings.batch_size):
        if len(ids) > settings.max_pieces:
            start = rng.randrange(len(ids) - settings.max_pieces + 1)
            ids = ids[start : start + settings.max_pieces]
        chosen.append(ids + [0])
    width = max(len(ids) for ids in chosen)
    batch = torch.full((len(chosen), width), pad, dtype=torch.long)
    for row, ids in enumerate(chosen):
        batch[row, : len(ids)] = torch.tensor(ids)
    return batch


def _subset_copy_loss(model, ids, used: int, pad: int):
    """Cross-entropy of copying `ids`, over the first `used` vocabulary entries only."""
    import torch
    import torch.nn.functional as F

    start = torch.full_like(ids[:, :1], pad)
    hidden = model.model(
        input_ids=ids,
        attention_mask=(ids != pad).long(),
        decoder_input_ids=torch.cat([start, ids[:, :-1]], dim=1),
    ).last_hidden_state
    logits = F.linear(hidden, model.get_output_embeddings().weight[:used])
    logits = logits + model.final_logits_bias[:, :used]
    targets = ids.masked_fill(ids == pad, -100)
    return F.cross_entropy(logits.reshape(-1, used), targets.reshape(-1))


def _trained_steps(folder: Path) -> int:
    done = folder / "DONE"
    if not done.is_file():
        return 0
    fields = dict(part.split("=", 1) for part in done.read_text().split())
    return int(fields.get("steps", 0))


def _new_model(work: Path, paragraphs: list[list[str]], settings: CopySettings):
    from transformers import MarianMTModel

    work.mkdir(parents=True)
    _train_spm([s for p in paragraphs for s in p], work)
    _write_vocab(work)
    tokenizer = _tokenizer(work)
    model = MarianMTModel(_config())
    model.generation_config = _generation_config()
    _install_copy_circuit(model, _used_ids(tokenizer), settings)
    return model, tokenizer


def _tokenizer(folder: Path):
    from transformers import MarianTokenizer

    return MarianTokenizer(
        source_spm=str(folder / "source.spm"),
        target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"),
        source_lang="ja",
        target_lang="en",
    )


def build_model(settings: CopySettings | None = None, *, log=None) -> Path:
    """Build (once) and return the copy model's folder, `bench/.cache/copy-marian-ja-<hash>`.

    A cached model trained for fewer than `settings.steps` steps is trained further, so asking
    for more training never starts from scratch.
    """
    import shutil

    import torch

    settings = settings or CopySettings()
    folder = CACHE / f"{MODEL_NAME}-{settings.key()}"
    done = _trained_steps(folder)
    if done >= settings.steps:
        return folder
    from transformers import MarianMTModel

    log = log or (lambda line: print(line, flush=True))
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    rng = random.Random(settings.seed + done)
    torch.manual_seed(settings.seed + done)
    paragraphs = bench_paragraphs()
    work = folder.with_name(folder.name + ".tmp")
    if work.exists():
        shutil.rmtree(work)
    if done:
        shutil.copytree(folder, work)
        model, tokenizer = MarianMTModel.from_pretrained(str(work)), _tokenizer(work)
    else:
        model, tokenizer = _new_model(work, paragraphs, settings)
    model.config.dropout = model.config.attention_dropout = model.config.activation_dropout = 0.0
    pad, used = model.config.pad_token_id, _used_ids(tokenizer)
    pieces = [
        ids[:-1]
        for s in (s for p in paragraphs for s in p)
        if len(ids := tokenizer(s)["input_ids"]) >= 5
    ]
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (done + s + 1) / settings.warmup)
    )
    embedding = model.model.shared.weight
    model.train()
    started = time.perf_counter()
    for step in range(done, settings.steps):
        loss = _subset_copy_loss(model, _copy_batch(pieces, rng, settings, pad), used, pad)
        loss.backward()
        embedding.grad[pad] = 0.0  # keep the start row zero (ctranslate2's usual Marian start)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 10 == 0 or step == settings.steps - 1:
            log(f"  step {step:4d}  loss {loss.item():.4f}  {time.perf_counter() - started:.0f}s")
    model.eval()
    model.save_pretrained(str(work))
    tokenizer.save_pretrained(str(work))
    (work / "DONE").write_text(f"steps={settings.steps} key={settings.key()}\n")
    if folder.exists():
        shutil.rmtree(folder)
    work.rename(folder)
    return folder


def held_out_sentences(count: int = 40) -> list[str]:
    """Corpus sentences from the end of the corpus (the benchmark reads from its start)."""
    sentences = [s for p in bench_paragraphs() for s in p if len(s) >= 6]
    return sentences[-count:]


def length_check(folder: Path, sentences: list[str]) -> list[tuple[int, int]]:
    """(source pieces, greedy output pieces) per sentence, with transformers, eos excluded."""
    import torch
    from transformers import MarianMTModel

    tokenizer = _tokenizer(folder)
    model = MarianMTModel.from_pretrained(str(folder)).eval()
    pad = model.config.pad_token_id
    pairs: list[tuple[int, int]] = []
    with torch.inference_mode():
        for start in range(0, len(sentences), 16):
            enc = tokenizer(sentences[start : start + 16], return_tensors="pt", padding=True)
            out = model.generate(**enc, num_beams=1, max_new_tokens=256)
            src = ((enc["input_ids"] != pad) & (enc["input_ids"] != 0)).sum(dim=1)
            new = ((out != pad) & (out != 0)).sum(dim=1)
            pairs.extend(zip(src.tolist(), new.tolist(), strict=True))
    return pairs


def bench_model(settings: CopySettings | None = None) -> Path:
    """The benchmark's model: the copy circuit, trained briefly (done once, cached)."""
    return build_model(settings)


if __name__ == "__main__":
    import statistics

    model_folder = bench_model()
    print(model_folder)
    lengths = length_check(model_folder, held_out_sentences())
    ratios = [out / src for src, out in lengths]
    within = sum(1 for r in ratios if 0.7 <= r <= 1.3)
    print(
        f"held-out greedy (transformers): median output/input {statistics.median(ratios):.2f}, "
        f"{within}/{len(ratios)} within +-30%"
    )
