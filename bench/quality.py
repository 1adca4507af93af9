"""Translation quality against hand-written ja-en pairs: BLEU and chrF (sacrebleu).

    .venv/bin/python bench/quality.py --model Helsinki-NLP/opus-mt-ja-en
    .venv/bin/python bench/quality.py --model /path/to/folder --backend ctranslate2

Three views of the same ~100 pairs (bench/data/ja_en_pairs.tsv, written for this project in
the samples' style: technical blog sentences with product names, commands and numbers):

1. sentence by sentence through the whole pipeline (each Japanese sentence as a one-line post:
   atoms, glossary-free, checks and recovery) and through the bare backend;
2. paragraphs of 3-5 consecutive sentences, translated whole by the bare backend, versus the
   same paragraphs sentence by sentence (bare backend, joined), versus the pipeline on the
   paragraph (which segments it itself).

With the test fixture model the figures say nothing about quality (it only knows its own
pairs); the script runs on it so that it is known to work when real weights are available.
Translation quality with the real model was not measured on the machines this was built on.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from pipeline.backends.base import DecodingConfig  # noqa: E402
from pipeline.checks import output_problem  # noqa: E402
from pipeline.modelstore import DEFAULT_MODEL, ModelUnavailable  # noqa: E402

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
PAIRS_FILE = BENCH / "data" / "ja_en_pairs.tsv"
GROUP_SIZES = (3, 4, 5)


@dataclass(frozen=True)
class Score:
    name: str
    bleu: float
    chrf: float
    segments: int
    empty: int
    flagged: int  # outputs output_problem() objects to
    japanese: int  # outputs still holding Japanese (kept as source by the pipeline)
    seconds: float


def read_pairs(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row["ja"].strip(), row["en"].strip()) for row in rows if row["ja"].strip()]


def paragraphs(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Consecutive groups of 3, 4, 5, 3, 4, 5... sentences (the last may be shorter)."""
    groups, start, i = [], 0, 0
    while start < len(pairs):
        size = GROUP_SIZES[i % len(GROUP_SIZES)]
        groups.append(pairs[start : start + size])
        start, i = start + size, i + 1
    return groups


def score(
    name: str, sources: list[str], hypotheses: list[str], refs: list[str], seconds: float
) -> Score:
    import sacrebleu

    return Score(
        name=name,
        bleu=sacrebleu.corpus_bleu(hypotheses, [refs]).score,
        chrf=sacrebleu.corpus_chrf(hypotheses, [refs]).score,
        segments=len(hypotheses),
        empty=sum(1 for h in hypotheses if not h.strip()),
        flagged=sum(1 for s, h in zip(sources, hypotheses, strict=True) if output_problem(s, h)),
        japanese=sum(1 for h in hypotheses if _JAPANESE.search(h)),
        seconds=seconds,
    )


def make_backend(kind: str, model: str, device: str, beams: int | None):
    decoding = DecodingConfig() if beams is None else DecodingConfig(num_beams=beams)
    if kind == "transformers":
        from pipeline.backends.transformers_backend import TransformersBackend

        return TransformersBackend(model, device, decoding)
    from pipeline.backends.ctranslate2_backend import CTranslate2Backend

    return CTranslate2Backend(model, device, decoding)


def pipeline_translator(backend) -> Callable[[str], str]:
    """One Japanese text through the whole pipeline (no memory, no summary)."""
    from pipeline.api import Engine, Options, translate_post

    engine = Engine(backend)
    options = Options(summary="off")

    def translate(text: str) -> str:
        return translate_post(text + "\n", engine, options)[0].strip()

    return translate


def timed(function: Callable[[], list[str]]) -> tuple[list[str], float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def evaluate(backend, pairs: list[tuple[str, str]], use_pipeline: bool) -> list[Score]:
    sources = [ja for ja, _ in pairs]
    refs = [en for _, en in pairs]
    scores = []
    through = pipeline_translator(backend) if use_pipeline else None

    if through is not None:
        out, took = timed(lambda: [through(s) for s in sources])
        scores.append(score("sentences, pipeline", sources, out, refs, took))
    out, took = timed(lambda: backend.translate(sources))
    scores.append(score("sentences, backend", sources, out, refs, took))

    groups = paragraphs(pairs)
    para_ja = ["".join(ja for ja, _ in g) for g in groups]
    para_en = [" ".join(en for _, en in g) for g in groups]
    out, took = timed(lambda: backend.translate(para_ja))
    scores.append(score("paragraphs whole, backend", para_ja, out, para_en, took))

    def sentence_by_sentence() -> list[str]:
        flat = backend.translate([ja for g in groups for ja, _ in g])
        joined, i = [], 0
        for g in groups:
            joined.append(" ".join(flat[i : i + len(g)]))
            i += len(g)
        return joined

    out, took = timed(sentence_by_sentence)
    scores.append(score("paragraphs by sentence, backend", para_ja, out, para_en, took))
    if through is not None:
        out, took = timed(lambda: [through(p) for p in para_ja])
        scores.append(score("paragraphs, pipeline", para_ja, out, para_en, took))
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help="hub id or local folder")
    parser.add_argument(
        "--backend", choices=("transformers", "ctranslate2"), default="transformers"
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--beams", type=int, default=None, help="override num_beams")
    parser.add_argument("--pairs", type=Path, default=PAIRS_FILE)
    parser.add_argument("--limit", type=int, default=None, help="first N pairs only")
    parser.add_argument("--no-pipeline", action="store_true", help="bare backend only")
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = parser.parse_args(argv)

    pairs = read_pairs(args.pairs)[: args.limit]
    try:
        backend = make_backend(args.backend, args.model, args.device, args.beams)
    except ModelUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    scores = evaluate(backend, pairs, use_pipeline=not args.no_pipeline)

    print(f"model {args.model} ({backend.identity}), {len(pairs)} pairs")
    header = f"{'view':34} {'BLEU':>6} {'chrF':>6} {'segs':>5} {'empty':>5} {'flag':>5} {'ja':>4} {'s':>7}"
    print(header)
    for s in scores:
        print(
            f"{s.name:34} {s.bleu:6.1f} {s.chrf:6.1f} {s.segments:5d} {s.empty:5d} "
            f"{s.flagged:5d} {s.japanese:4d} {s.seconds:7.1f}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "model": args.model,
                    "identity": backend.identity,
                    "scores": [vars(s) for s in scores],
                },
                indent=1,
            ),
            "utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
