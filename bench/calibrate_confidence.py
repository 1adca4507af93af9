"""Calibrate the review threshold: what share of sentences `honyaku review` would highlight.

Runs the whole pipeline (the orchestrator, transformers backend, no memory) over Japanese posts
and prints, per model, the model-score distribution and the flagged share at a few thresholds,
split into "flagged by the model score alone" and "flagged by a check":

    python bench/calibrate_confidence.py                       # trained fixture, sample site
    python bench/calibrate_confidence.py --corpus 5            # + the first 5 corpus posts
    python bench/calibrate_confidence.py --bench-model         # + the benchmark model (slow)

The trained fixture (tests/marian_fixture.py) is a tiny model that knows the fixture's pairs
and guesses elsewhere; the benchmark model (bench/benchmodel.py) is opus-mt's size but copies
its input, so every output keeps its Japanese. Neither is a translation model: the figures say
how the formula behaves on real scores and checks, not how often opus-mt-ja-en is wrong.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples" / "content"
CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"
THRESHOLDS = (0.2, 0.3, math.exp(-1.0), 0.5, 0.7)


def _posts(corpus: int) -> list[Path]:
    posts = sorted(p for p in SAMPLES.rglob("*.md") if "/ja/" in p.as_posix())
    if corpus and CORPUS.is_dir():
        posts += sorted(CORPUS.rglob("*.md"))[:corpus]
    return posts


def _notes(model: Path, posts: list[Path], beams: int) -> list:
    from pipeline.api import Engine, HonyakuError, Options, translate_post
    from pipeline.backends.base import DecodingConfig
    from pipeline.backends.transformers_backend import TransformersBackend

    engine = Engine(TransformersBackend(str(model), "cpu", DecodingConfig(num_beams=beams)))
    notes = []
    for post in posts:
        try:
            _english, report = translate_post(
                post.read_text("utf-8"), engine, Options(summary="off")
            )
        except HonyakuError as exc:
            print(f"  skipped {post.name}: {exc}", file=sys.stderr)
            continue
        notes += [n for n in report.sentences if n.status != "as-is"]
    return notes


def _report(name: str, notes: list, seconds: float) -> None:
    from pipeline.confidence import assess, model_probability

    scores = [n.score for n in notes if n.score is not None]
    print(f"\n{name}: {len(notes)} sentences ({len(scores)} with a model score), {seconds:.0f} s")
    if scores:
        q = statistics.quantiles(scores, n=10)
        print(
            f"  mean token log-prob: min {min(scores):.2f}  p10 {q[0]:.2f}  median "
            f"{statistics.median(scores):.2f}  p90 {q[-1]:.2f}  max {max(scores):.2f}"
        )
    checked = sum(1 for n in notes if n.checks)
    print(f"  a check fired: {checked} ({checked / max(1, len(notes)):.1%})")
    print("  threshold  flagged  (score only)")
    for threshold in THRESHOLDS:
        flagged = sum(assess(n.score, n.checks, threshold).flagged for n in notes)
        low = sum(1 for n in notes if not n.checks and model_probability(n.score) < threshold)
        mark = "  <- default" if abs(threshold - math.exp(-1.0)) < 1e-9 else ""
        print(
            f"  {threshold:9.3f}  {flagged / max(1, len(notes)):6.1%}  "
            f"({low / max(1, len(notes)):.1%}){mark}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=0, help="also this many corpus posts")
    parser.add_argument("--beams", type=int, default=1)
    parser.add_argument("--bench-model", action="store_true", help="also the benchmark model")
    args = parser.parse_args()
    posts = _posts(args.corpus)
    print(f"{len(posts)} posts, beam {args.beams}")
    from tests.marian_fixture import build_models

    models = [("trained fixture", build_models()[0])]
    if args.bench_model:
        from bench.benchmodel import bench_model

        models.append(("benchmark model", bench_model()))
    for name, folder in models:
        started = time.perf_counter()
        notes = _notes(folder, posts, args.beams)
        _report(name, notes, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
