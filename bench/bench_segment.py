"""Benchmark the tokenizer stage: sentences/s and characters/s.

Prose comes from the document stage (atoms as Private Use Area characters, as the orchestrator
hands it over) for every post in ../shared/corpus/ja-posts/ and samples/content/. Measures:
split_sentences alone; split + analyze (one fugashi tagger, one call per sentence); and
split + analyze + content_lemmas + split_clauses at the default budget (len//2+1 stands in for
the model's subword count).

Run: .venv/bin/python bench/bench_segment.py [--min-seconds 2]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.segment import (
    DEFAULT_CLAUSE_BUDGET,
    analyze,
    content_lemmas,
    make_tagger,
    split_clauses,
    split_sentences,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT.parent / "shared" / "corpus" / "ja-posts", ROOT / "samples" / "content")


def prose_units(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        from pipeline.document import parse_document

        return [u.text for u in parse_document(text).prose if u.text.strip()]
    except Exception:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark").enable("table")
        return [t.content for t in md.parse(text) if t.type == "inline" and t.content.strip()]


def timed(fn: Callable[[], int], min_seconds: float) -> tuple[float, int]:
    """Seconds per run (best of repeated runs lasting at least min_seconds in all) and result."""
    best = float("inf")
    spent = 0.0
    result = 0
    while spent < min_seconds or best == float("inf"):
        t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0
        best = min(best, dt)
        spent += dt
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-seconds", type=float, default=2.0)
    args = parser.parse_args()

    files = [p for src in SOURCES if src.is_dir() for p in sorted(src.rglob("*.md"))]
    units = [u for p in files for u in prose_units(p)]
    if not units:
        raise SystemExit("no prose found (corpus and samples missing)")
    sentences = [s for u in units for s in split_sentences(u)]
    n_chars = sum(len(u) for u in units)
    print(
        f"{len(files)} files, {len(units)} prose units, {len(sentences)} sentences, {n_chars} chars"
    )

    t0 = time.perf_counter()
    tagger = make_tagger()
    print(f"make_tagger: {time.perf_counter() - t0:.3f} s (once per run)")

    def split_only() -> int:
        return sum(len(split_sentences(u)) for u in units)

    def split_analyze() -> int:
        n = 0
        for u in units:
            for s in split_sentences(u):
                analyze(s, tagger)
                n += 1
        return n

    def count(text: str) -> int:
        return len(text) // 2 + 1

    def full_stage() -> int:
        n = 0
        for u in units:
            for s in split_sentences(u):
                content_lemmas(analyze(s, tagger))
                split_clauses(s, count, DEFAULT_CLAUSE_BUDGET, tagger)
                n += 1
        return n

    for name, fn in (
        ("split_sentences", split_only),
        ("split + analyze", split_analyze),
        ("split + analyze + lemmas + clauses", full_stage),
    ):
        secs, n = timed(fn, args.min_seconds)
        print(
            f"{name:36s} {n / secs:10.0f} sentences/s {n_chars / secs:12.0f} chars/s"
            f"  ({secs * 1000:.1f} ms per pass)"
        )


if __name__ == "__main__":
    main()
