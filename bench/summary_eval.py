"""Compare the extractive summary methods on the Japanese corpus; print a markdown report.

    .venv/bin/python bench/summary_eval.py [CORPUS_DIR]

For the posts whose authors wrote a `summary` or `description`, the Japanese sentences each
method picks (top 1, and top 2 joined) are scored against the author's text with
character-bigram F1 and ROUGE-1 F over fugashi tokens. Over the whole corpus, the picks are
checked for greetings/boilerplate, heading-like fragments and code-heavy sentences, with
detectors written here independently of the stage's filters (they are broader), so a filter
the stage lacks shows up as a non-zero rate. `first-2` is the unfiltered baseline: the first two
non-heading sentences.

Candidates come from `pipeline.api.summary_candidates`, the same sentences (whole sentences,
plain text, block kind, content-word lemmas, share of code) that `honyaku` itself summarizes.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.api import Engine, HonyakuError, summary_candidates  # noqa: E402
from pipeline.frontmatter import FrontMatterError, split_front_matter  # noqa: E402
from pipeline.summary import Candidate, japanese_summary, rank_candidates  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"
# Japanese characters that translate to about 200 English ones (opus-mt output runs ~2.2x).
FITTED = 90


# --------------------------------------------------------------------------------------------
# Posts: the author's summary and the summarizer's candidates, both from the pipeline itself


def front_matter(text: str) -> dict[str, object]:
    try:
        data = split_front_matter(text)[0].data
    except FrontMatterError:  # a bad header only costs this post its author summary
        return {}
    return data if isinstance(data, dict) else {}


def author_summary(meta: dict[str, object]) -> str | None:
    # Hugo reads front-matter keys case-insensitively (old posts write "Description").
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for key in ("summary", "description"):
        value = lowered.get(key)
        if isinstance(value, str):
            value = value.strip()
            # A URL is not a summary (one post puts a link there).
            if value and not re.match(r"https?://", value):
                return value
    return None


def candidates(text: str, engine: Engine) -> list[Candidate] | None:
    """The summarizer's view of the post, exactly as `honyaku` builds it; None if unreadable."""
    try:
        return summary_candidates(text, engine)
    except HonyakuError:
        return None


# --------------------------------------------------------------------------------------------
# Metrics


def _f1(a: Counter, b: Counter) -> float:
    overlap = sum((a & b).values())
    if overlap == 0:
        return 0.0
    p, r = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * p * r / (p + r)


def bigram_f1(candidate: str, reference: str) -> float:
    def grams(s: str) -> Counter:
        s = "".join(s.split())
        return Counter(s[i : i + 2] for i in range(len(s) - 1))

    return _f1(grams(candidate), grams(reference))


def rouge1_f(candidate: str, reference: str, tagger) -> float:
    def toks(s: str) -> Counter:
        return Counter(w.surface for w in tagger(s) if w.feature.pos1 not in ("補助記号", "空白"))

    return _f1(toks(candidate), toks(reference))


_GREETING = re.compile(
    r"こんにち|こんばん|おはよう|はじめまして|初めまして|お疲れ|おつかれ|お久しぶり|以上|参考"
    r"|ありがとうござ|よろしく|宜しく|申します|[@＠]\w+\s*です|Advent|アドベント|日目の"
    r"|ではまた|それでは|ご覧ください|参照ください|をご確認"
)


def is_greeting(c: Candidate) -> bool:
    # Broader than the stage's filter on purpose (matches anywhere, not only at the start).
    return bool(_GREETING.search(c.ja))


def is_fragment(c: Candidate, tagger) -> bool:
    if c.block in ("heading", "table", "caption"):
        return True
    if c.ja.rstrip()[-1:] in "。．.！!？?」』）)":
        return False
    words = [w for w in tagger(c.ja) if w.feature.pos1 not in ("補助記号", "空白")]
    # No predicate at the end (体言止め, a label): a heading or list-style fragment.
    return not words or words[-1].feature.pos1 not in ("動詞", "助動詞", "形容詞", "助詞")


def is_code_heavy(c: Candidate) -> bool:
    return c.code_share > 0.5


# --------------------------------------------------------------------------------------------


@dataclass
class Post:
    path: Path
    reference: str | None
    cands: list[Candidate]


def picks(post: Post, method: str) -> list[Candidate]:
    if method == "first-2":
        return [c for c in post.cands if c.block != "heading"][:2]
    return rank_candidates(post.cands, method=method)[:2]  # type: ignore[arg-type]


def main(argv: list[str]) -> int:
    import fugashi

    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    if not corpus.is_dir():
        print(f"corpus not found: {corpus}", file=sys.stderr)
        return 2
    engine = Engine(translator=None)  # one tagger for every post; nothing is translated
    tagger = fugashi.Tagger()
    posts = []
    unreadable = 0
    for path in sorted(corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        cands = candidates(text, engine)
        if cands is None:
            unreadable += 1
            continue
        posts.append(Post(path, author_summary(front_matter(text)), cands))
    methods = ["lead", "rank", "first-2"]
    with_ref = [p for p in posts if p.reference and p.cands]
    no_prose = sum(1 for p in posts if p.reference and not p.cands)

    print(
        f"Corpus: {corpus} — {len(posts)} posts; {len(with_ref)} with an author summary and "
        f"prose (+{no_prose} with a summary but no Markdown prose, e.g. an HTML body"
        f"{f'; {unreadable} unreadable posts left out' if unreadable else ''})."
    )
    print("Candidates from: pipeline.api.summary_candidates.\n")
    print(
        "| method | bigram F1 top-1 | bigram F1 top-2 | bigram F1 fitted | ROUGE-1 F top-1 "
        "| ROUGE-1 F top-2 | ROUGE-1 F fitted | posts without pick |"
    )
    print("|---|---|---|---|---|---|---|---|")
    per_post: dict[str, list[float]] = {}
    for method in methods:
        sums = [0.0] * 6
        empty = 0
        for post in with_ref:
            chosen = picks(post, method)
            if not chosen:
                empty += 1
            top1 = chosen[0].ja if chosen else ""
            top2 = "".join(c.ja for c in sorted(chosen, key=lambda c: c.index))
            fitted = "" if method == "first-2" else japanese_summary(post.cands, method, FITTED)
            fitted = fitted or ""
            sums[0] += bigram_f1(top1, post.reference)
            sums[1] += bigram_f1(top2, post.reference)
            sums[2] += bigram_f1(fitted, post.reference)
            sums[3] += rouge1_f(top1, post.reference, tagger)
            sums[4] += rouge1_f(top2, post.reference, tagger)
            sums[5] += rouge1_f(fitted, post.reference, tagger)
            per_post.setdefault(method, []).append(rouge1_f(fitted, post.reference, tagger))
        n = max(1, len(with_ref))
        cells = [f"{s / n:.3f}" for s in sums]
        if method == "first-2":
            cells[2] = cells[5] = "—"
        print(f"| {method} | {' | '.join(cells)} | {empty}/{len(with_ref)} |")
    pairs = list(zip(per_post["rank"], per_post["lead"], strict=True))
    print(
        f"\nFitted ROUGE-1 per post: rank better on {sum(r > q for r, q in pairs)}, "
        f"lead better on {sum(q > r for r, q in pairs)}, tied on {sum(r == q for r, q in pairs)}."
        f' "Fitted" is `japanese_summary(cands, method, max_chars={FITTED})`: 1-2 sentences'
        " within the length that about 200 English characters translate from."
    )

    print()
    print("Across the whole corpus (top-2 picks of every post):\n")
    print(
        "| method | picks | greeting/boilerplate | heading-like fragment | code-heavy "
        "| posts without pick |"
    )
    print("|---|---|---|---|---|---|")
    for method in methods:
        total = greet = frag = code = empty = 0
        for post in posts:
            chosen = picks(post, method)
            empty += not chosen
            total += len(chosen)
            greet += sum(is_greeting(c) for c in chosen)
            frag += sum(is_fragment(c, tagger) for c in chosen)
            code += sum(is_code_heavy(c) for c in chosen)

        def pct(k: int, total: int = total) -> str:
            return f"{k} ({100 * k / max(1, total):.0f}%)"

        print(
            f"| {method} | {total} | {pct(greet)} | {pct(frag)} | {pct(code)} "
            f"| {empty}/{len(posts)} |"
        )

    if "-v" in argv:
        print()
        for post in with_ref:
            print(f"- {post.path.name}\n  author: {post.reference}")
            for method in ("lead", "rank"):
                joined = " / ".join(c.ja for c in picks(post, method))
                print(f"  {method}: {joined}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
