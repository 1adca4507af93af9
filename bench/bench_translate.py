"""Translation speed: the naive way against honyaku's backends, each in its own child process.

    .venv/bin/python bench/bench_translate.py            # full run on CPU
    .venv/bin/python bench/bench_translate.py --quick    # fewer sentences, while developing
    .venv/bin/python bench/bench_translate.py --device cuda   # float16, larger batches

Configurations (issue 7):
  a   naive: `model.generate` per paragraph with the model's defaults (beam 6, max_length 512),
      no batching, no deduplication — what tutorials do
  b   transformers backend, default decoding (DecodingConfig())
  b6  transformers backend at beam 6
  c   ctranslate2 backend, int8 on CPU (float16 on CUDA), default decoding
  c6  ctranslate2 backend at beam 6
  pb  the whole pipeline (pipeline.api.translate_post: parse, segment, translate with checks
      and recovery, summary, render, write) over the same posts, transformers backend
  pc  the same with the ctranslate2 backend; also reports the share of time outside the model
  d   ctranslate2 pipeline with a translation memory, in one process: a cold run over the
      posts, one sentence of one post changed, then a warm re-run of all of them
  a/b/b6/c/c6 translate the posts' sentences (a: paragraphs); pb/pc/d translate the posts.

The model is `bench/benchmodel.py`'s briefly trained Marian of opus-mt-ja-en's size, whose
outputs stop on their own at about the source's length; the text is
a fixed list of Japanese paragraphs from the shared corpus (the samples when it is absent).
Model loading and conversion are not timed; each configuration's peak RSS includes loading.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import benchmodel  # noqa: E402

TARGETS = """targets (issue 7, this 2-core machine, same model and text):
  (b) >= 3x (a) sentences/s;  (c) >= 2.5x (b) at equal beam size
  (d) <= 3% of the cold run's time;  time outside the model <= 5% of (c)
  peak memory: (c) <= 1 GB, (b) <= 1.5 GB"""

CONFIGS = ("a", "b", "b6", "c", "c6", "pb", "pc", "d")
DESCRIPTIONS = {
    "a": "naive generate per paragraph (beam 6, max_length 512)",
    "b": "transformers backend, default decoding",
    "b6": "transformers backend, beam 6",
    "c": "ctranslate2 backend, default decoding",
    "c6": "ctranslate2 backend, beam 6",
    "pb": "pipeline, transformers backend, default decoding",
    "pc": "pipeline, ctranslate2 backend, default decoding",
    "d": "pipeline, ctranslate2 + memory: cold run, then warm re-run after one edit",
}


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: this process's own peak, loading included.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _output_tokens(model: Path, texts: list[str]) -> int:
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(model / "target.spm"))
    return sum(len(sp.encode(t)) + 1 for t in texts)  # +1: the end-of-sentence step


def _length_ratios(model: Path, sources: list[str], outputs: list[str]) -> list[float]:
    """Output pieces / source pieces per unit: ~1 for this copy model when decoding stops on its
    own, far above 1 when it runs to a length cap, far below when it stops early."""
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(model / "source.spm"))
    return [
        len(sp.encode(o)) / max(1, len(sp.encode(s))) for s, o in zip(sources, outputs, strict=True)
    ]


def _median(values: list[float]) -> float:
    import statistics

    return statistics.median(values) if values else float("nan")


def _run_naive(model: Path, paragraphs: list[list[str]], device: str) -> tuple[list[str], float]:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(model))
    dtype = torch.float16 if device == "cuda" else torch.float32
    net = MarianMTModel.from_pretrained(str(model), dtype=dtype).to(device).eval()
    outputs: list[str] = []
    started = time.perf_counter()
    with torch.inference_mode():
        for sentences in paragraphs:
            enc = tokenizer(
                ["".join(sentences)], return_tensors="pt", truncation=True, max_length=512
            ).to(device)
            generated = net.generate(**enc)  # the model's defaults: beam 6, max_length 512
            outputs.append(tokenizer.decode(generated[0], skip_special_tokens=True))
    return outputs, time.perf_counter() - started


def _backend(config: str, model: Path, device: str):
    from pipeline.backends.base import DecodingConfig

    beams = 6 if config.endswith("6") else DecodingConfig().num_beams
    batch = int(os.environ.get("BENCH_BATCH_TOKENS", 0)) or (
        8192 if device == "cuda" else DecodingConfig().batch_tokens
    )
    decoding = DecodingConfig(num_beams=beams, batch_tokens=batch)
    if config.startswith("b"):
        from pipeline.backends.transformers_backend import TransformersBackend

        backend = TransformersBackend(str(model), device, decoding)
        backend.count_tokens("warm-up")  # loads the model outside the timed part
        return backend
    from pipeline.backends.ctranslate2_backend import CTranslate2Backend

    return CTranslate2Backend(str(model), device, decoding)


class TimedTranslator:
    """The backend as the orchestrator sees it, with the time spent inside the model."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.identity = backend.identity
        self.model_seconds = 0.0
        self.count_tokens = backend.count_tokens
        self.roundtrips = backend.roundtrips

    def _timed(self, call, sentences: list[str]) -> list[str]:
        started = time.perf_counter()
        try:
            return call(sentences)
        finally:
            self.model_seconds += time.perf_counter() - started

    def translate(self, sentences: list[str]) -> list[str]:
        return self._timed(self.backend.translate, sentences)

    def translate_safe(self, sentences: list[str]) -> list[str]:
        return self._timed(self.backend.translate_safe, sentences)


def _pipeline_pass(posts: list[Path], engine, out: Path) -> tuple[list[str], int, int]:
    """Translate and write every post; return (outputs, sentences, sentences kept)."""
    from pipeline.api import Options, translate_post

    outputs: list[str] = []
    total = kept = 0
    for k, post in enumerate(posts):
        english, report = translate_post(post.read_text(encoding="utf-8"), engine, Options())
        (out / f"{k}.md").write_text(english, encoding="utf-8")
        outputs.append(english)
        total += report.sentences_total
        kept += len(report.kept)
    return outputs, total, kept


def _edit_one_sentence(text: str) -> str:
    """The same post with one sentence changed (a word appended before its full stop)."""
    position = text.find("。", len(text) // 2)
    position = position if position != -1 else text.find("。")
    return text[:position] + "（追記）" + text[position:]


def pipeline_child(config: str, model: Path, posts: list[Path], device: str) -> dict:
    import tempfile

    from pipeline.api import Engine

    backend = _backend("b" if config == "pb" else "c", model, device)
    timed = TimedTranslator(backend)
    work = Path(tempfile.mkdtemp(prefix="honyaku-bench-"))
    memory = None
    if config == "d":
        from pipeline.memory import TranslationMemory

        memory = TranslationMemory(work / "memory.sqlite3")
    engine = Engine(timed, memory=memory, identity=backend.identity)
    started = time.perf_counter()
    outputs, sentences, kept = _pipeline_pass(posts, engine, work)
    seconds = time.perf_counter() - started
    result = {
        "config": config,
        "sentences": sentences,
        "units": len(outputs),
        "seconds": seconds,
        "model_seconds": timed.model_seconds,
        "kept": kept,
        "output_tokens": _output_tokens(model, outputs),
        "output_chars": sum(len(o) for o in outputs),
        "empty_outputs": 0,
        "length_ratios": _length_ratios(
            model, [p.read_text(encoding="utf-8") for p in posts], outputs
        ),
    }
    if config == "d":
        edited = work / "edited"
        edited.mkdir()
        changed = [edited / p.name if i == 0 else p for i, p in enumerate(posts)]
        changed[0].write_text(_edit_one_sentence(posts[0].read_text(encoding="utf-8")), "utf-8")
        calls_before, sent_before = backend.calls, backend.sentences_translated
        timed.model_seconds = 0.0
        started = time.perf_counter()
        _pipeline_pass(changed, engine, work)
        result.update(
            warm_seconds=time.perf_counter() - started,
            warm_model_seconds=timed.model_seconds,
            warm_model_calls=backend.calls - calls_before,
            warm_sentences_translated=backend.sentences_translated - sent_before,
        )
        memory.close()
    result.update(peak_rss_mb=_peak_rss_mb(), torch_loaded="torch" in sys.modules)
    return result


def child(config: str, model: Path, paragraphs: list[list[str]], device: str) -> dict:
    sentences = [s for p in paragraphs for s in p]
    sources = ["".join(p) for p in paragraphs] if config == "a" else sentences
    load_started = time.perf_counter()
    if config == "a":
        outputs, seconds = _run_naive(model, paragraphs, device)
        load = 0.0
    else:
        backend = _backend(config, model, device)
        load = time.perf_counter() - load_started
        started = time.perf_counter()
        outputs = backend.translate(sentences)
        seconds = time.perf_counter() - started
    return {
        "config": config,
        "sentences": len(sentences),
        "units": len(outputs),
        "seconds": seconds,
        "load_seconds": load,
        "output_tokens": _output_tokens(model, outputs),
        "output_chars": sum(len(o) for o in outputs),
        "empty_outputs": sum(1 for o in outputs if not o.strip()),
        "length_ratios": _length_ratios(model, sources, outputs),
        "peak_rss_mb": _peak_rss_mb(),
        "torch_loaded": "torch" in sys.modules,
    }


def _spawn(args: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ratio(value: float, base: float) -> str:
    return f"{value / base:5.2f}x" if base else "   n/a"


def report(results: dict[str, dict], device: str) -> None:
    base = results.get("a")
    base_rate = base["sentences"] / base["seconds"] if base else 0.0
    print(
        f"\n{'config':6} {'sent/s':>8} {'tok/s':>8} {'vs (a)':>7} {'peak MB':>8} "
        f"{'out tok':>8} {'secs':>7}  description"
    )
    for name, r in results.items():
        rate = r["sentences"] / r["seconds"]
        print(
            f"{name:6} {rate:8.2f} {r['output_tokens'] / r['seconds']:8.1f} "
            f"{_ratio(rate, base_rate):>7} {r['peak_rss_mb']:8.0f} {r['output_tokens']:8d} "
            f"{r['seconds']:7.1f}  {DESCRIPTIONS.get(name, name)}"
        )
    rates = {n: r["sentences"] / r["seconds"] for n, r in results.items()}
    print()
    if "b" in rates and "a" in rates:
        print(f"(b)/(a) = {rates['b'] / rates['a']:.2f}  (target >= 3)")
    if "c" in rates and "b" in rates:
        print(f"(c)/(b) = {rates['c'] / rates['b']:.2f}  (target >= 2.5, same beam size)")
    if "c6" in rates and "b6" in rates:
        print(f"(c6)/(b6) = {rates['c6'] / rates['b6']:.2f}")
    for name, limit in (("c", 1024), ("b", 1536)):
        if name in results and device == "cpu":
            peak = results[name]["peak_rss_mb"]
            print(f"peak memory ({name}) = {peak:.0f} MB  (target <= {limit} MB)")
    if "pc" in results:
        pc = results["pc"]
        outside = (pc["seconds"] - pc["model_seconds"]) / pc["seconds"]
        print(
            f"time outside the model in (pc) = {outside:.1%} of {pc['seconds']:.1f}s "
            "(parse, segment, checks, summary, render, write; target <= 5%)"
        )
    for name in ("pb", "pc"):
        if name in results:
            r = results[name]
            print(f"({name}): {r['sentences']} pipeline sentences, {r['kept']} kept untranslated")
    if "d" in results:
        d = results["d"]
        print(
            f"(d) warm re-run after one edited sentence: {d['warm_seconds']:.2f}s = "
            f"{d['warm_seconds'] / d['seconds']:.1%} of the cold {d['seconds']:.1f}s "
            f"(target <= 3%); {d['warm_model_calls']} model call(s), "
            f"{d['warm_sentences_translated']} sentence(s) sent to the model"
        )
    print(
        "\noutput lengths (pieces of everything returned; output/input per unit: paragraph "
        "for a, sentence for b/c, whole post for pb/pc/d):"
    )
    for name, r in results.items():
        ratios = r.get("length_ratios", [])
        within = sum(1 for x in ratios if 0.7 <= x <= 1.3)
        print(
            f"  {name:3} {r['output_tokens']:7d} tokens, {r['output_chars']:7d} chars, "
            f"{r['empty_outputs']} empty of {r['units']} outputs; output/input median "
            f"{_median(ratios):.2f} (min {min(ratios, default=0):.2f}, max "
            f"{max(ratios, default=0):.2f}), {within}/{len(ratios)} within +-30%"
        )
    print("\n" + TARGETS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 sentences instead of 300")
    parser.add_argument("--sentences", type=int, help="how many sentences (overrides --quick)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset")
    parser.add_argument(
        "--batch-tokens",
        type=int,
        help="backends' token budget per batch (default: DecodingConfig's)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help="print the report of a saved --json file")
    args = parser.parse_args(argv)
    if args.report:
        report(json.loads(args.report.read_text()), args.device)
        return 0
    count = args.sentences or (60 if args.quick else 300)
    posts = benchmodel.bench_posts(count)
    paragraphs = benchmodel.bench_paragraphs(posts=posts)

    if args.child:
        if args.child in ("pb", "pc", "d"):
            result = pipeline_child(args.child, args.model, posts, args.device)
        else:
            result = child(args.child, args.model, paragraphs, args.device)
        print(json.dumps(result))
        return 0

    print(f"building/loading the benchmark model (cached in {benchmodel.CACHE}) ...", flush=True)
    model = benchmodel.bench_model()
    env = {**os.environ, "HONYAKU_CACHE_DIR": str(benchmodel.CACHE / "honyaku")}
    if args.batch_tokens:
        env["BENCH_BATCH_TOKENS"] = str(args.batch_tokens)
    sentences = [s for p in paragraphs for s in p]
    print(
        f"text: {len(posts)} posts, {len(sentences)} sentences in {len(paragraphs)} "
        f"paragraphs from {benchmodel.source_files()[0].parent.parent}; device {args.device}"
        f"{' (' + _gpu_name() + ')' if args.device == 'cuda' else ''}; cores {os.cpu_count()}"
    )
    configs = [c for c in args.configs.split(",") if c]
    if any(c.startswith("c") for c in configs):
        quantization = "float16" if args.device == "cuda" else "int8"
        # Conversion is ahead-of-time work (`honyaku models convert`), not part of the timing.
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pipeline.convert import convert_model; "
                f"print(convert_model(sys.argv[1], {quantization!r}))",
                str(model),
            ],
            env={**env, "PYTHONPATH": str(BENCH.parent)},
            check=True,
            capture_output=True,
        )
    results: dict[str, dict] = {}
    common = ["--model", str(model), "--device", args.device, "--sentences", str(count)]
    for config in configs:
        print(f"running ({config}) {DESCRIPTIONS.get(config, config)} ...", flush=True)
        results[config] = _spawn(["--child", config, *common], env)
    report(results, args.device)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _gpu_name() -> str:
    try:
        return subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return "unknown GPU"


if __name__ == "__main__":
    raise SystemExit(main())
