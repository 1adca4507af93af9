"""Compare the extractive summary methods on the Japanese corpus; print a markdown report.

    .venv/bin/python bench/summary_eval.py [CORPUS_DIR]

For the posts whose authors wrote a `summary` or `description`, the Japanese sentences each
method picks (top 1, and top 2 joined) are scored against the author's text with
character-bigram F1 and ROUGE-1 F over fugashi tokens. Over the whole corpus, the picks are
checked for greetings/boilerplate, heading-like fragments and code-heavy sentences, with
detectors written here independently of the stage's filters (they are broader), so a filter
the stage lacks shows up as a non-zero rate. `first-2` is the unfiltered baseline: the first two
non-heading sentences.

Candidates come from `pipeline.api.summary_candidates` when it exists; otherwise from the
FALLBACK builder below (markdown-it block walk + naive sentence split + fugashi lemmas).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.summary import Candidate, japanese_summary, rank_candidates  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"
# Japanese characters that translate to about 200 English ones (opus-mt output runs ~2.2x).
FITTED = 90


# --------------------------------------------------------------------------------------------
# Front matter: a minimal reader (only the two string keys this script needs)


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    text = text.lstrip("\ufeff")
    for fence, loader in (("---", _load_yaml), ("+++", tomllib.loads)):
        if text.startswith(fence + "\n") or text.startswith(fence + "\r\n"):
            end = re.search(rf"^{re.escape(fence)}\s*$", text[len(fence) + 1 :], re.M)
            if end is None:
                return {}, text
            raw = text[len(fence) + 1 : len(fence) + 1 + end.start()]
            body = text[len(fence) + 1 + end.end() :]
            try:
                return loader(raw), body
            except Exception:  # a bad header only costs this post its author summary
                return {}, body
    if text.startswith("{"):
        decoder = json.JSONDecoder()
        try:
            meta, end = decoder.raw_decode(text)
            return meta, text[end:]
        except ValueError:
            return {}, text
    return {}, text


def _load_yaml(raw: str) -> dict[str, object]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(raw)
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


# --------------------------------------------------------------------------------------------
# FALLBACK candidate builder, used until pipeline.api.summary_candidates exists.

_SHORTCODE_CODE = re.compile(
    r"\{\{[<%]\s*(highlight|mermaid|math|tweet)\b.*?\{\{[<%]\s*/\s*\1\s*[%>]\}\}", re.S
)
# Hugo shortcodes, and Zola's ({{ figure(...) }}, {% … %}) which one blog in the corpus uses.
_SHORTCODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_URL = re.compile(r"https?://[\x21-\x7e]+")
_SENT_END = re.compile(r"[。！？]+[」』）)]*|[!?]+(?=\s|$|[^\x00-\x7f])")


def _inline_plain(children) -> tuple[str, list[bool]]:
    """Plain text of an inline token, with a mask of characters that were code/URLs."""
    out: list[str] = []
    mask: list[bool] = []
    for child in children or []:
        if child.type == "text":
            content = child.content
            atoms = [False] * len(content)
            for m in _URL.finditer(content):
                atoms[m.start() : m.end()] = [True] * (m.end() - m.start())
            out.append(content)
            mask.extend(atoms)
        elif child.type == "code_inline":
            out.append(child.content)
            mask.extend([True] * len(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
            mask.append(False)
    return "".join(out), mask


def naive_split(text: str) -> list[str]:
    """Pieces that concatenate back to `text`, cut after 。！？ (!? before space/Japanese) and
    at line breaks."""
    cuts = {m.end() for m in _SENT_END.finditer(text)}
    cuts |= {m.end() for m in re.finditer("\n", text)}
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _split(
    text: str, mask: list[bool], split: Callable[[str], list[str]]
) -> list[tuple[str, float]]:
    """Sentences of one block's plain text, each with its share of code/URL characters."""
    pieces: list[tuple[str, float]] = []
    start = 0
    for piece in split(text):
        end = start + len(piece)
        visible = [mask[i] for i in range(start, end) if not text[i].isspace()]
        start = end
        if visible:
            pieces.append((" ".join(piece.split()), sum(visible) / len(visible)))
    return pieces


def naive_lemmas(sentence: str, tagger) -> tuple[str, ...]:
    lemmas = []
    for word in tagger(sentence):
        f = word.feature
        if f.pos1 in ("名詞", "動詞", "形容詞") and f.pos2 not in ("数詞", "非自立可能"):
            lemmas.append(f.lemma or word.surface)
    return tuple(lemmas)


def fallback_candidates(
    text: str,
    split: Callable[[str], list[str]],
    lemmas: Callable[[str], tuple[str, ...]],
) -> list[Candidate]:
    from markdown_it import MarkdownIt

    _, body = split_front_matter(text)
    body = _SHORTCODE.sub("", _SHORTCODE_CODE.sub("", body))
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    context: list[str] = []
    cands: list[Candidate] = []
    opens = {
        "heading_open": "heading",
        "blockquote_open": "quote",
        "bullet_list_open": "list",
        "ordered_list_open": "list",
        "table_open": "table",
    }
    for tok in tokens:
        if tok.type in opens:
            context.append(opens[tok.type])
        elif tok.type.replace("_close", "_open") in opens and tok.nesting == -1:
            context.pop()
        elif tok.type == "inline":
            block = context[-1] if context else "paragraph"
            plain, mask = _inline_plain(tok.children)
            for sentence, share in _split(plain, mask, split):
                cands.append(
                    Candidate(
                        index=len(cands),
                        ja=sentence,
                        block=block,  # type: ignore[arg-type]
                        lemmas=lemmas(sentence),
                        code_share=share,
                    )
                )
    return cands


def candidate_builder() -> tuple[Callable[[str], list[Candidate]], str]:
    try:
        from pipeline.api import summary_candidates  # type: ignore[attr-defined]
    except ImportError:
        pass
    else:
        return summary_candidates, "pipeline.api.summary_candidates"
    try:  # the tokenizer stage, when it is there: its sentence splitter and lemmas
        from pipeline import segment

        tagger = segment.make_tagger()
        split = segment.split_sentences

        def lemmas(sentence: str) -> tuple[str, ...]:
            return segment.content_lemmas(segment.analyze(sentence, tagger))

        source = "fallback block walk (bench/summary_eval.py) + pipeline.segment"
    except ImportError:
        import fugashi

        tagger = fugashi.Tagger()
        split = naive_split

        def lemmas(sentence: str) -> tuple[str, ...]:
            return naive_lemmas(sentence, tagger)

        source = (
            "fallback block walk + naive split on 。！？ and line breaks (bench/summary_eval.py)"
        )
    return (lambda text: fallback_candidates(text, split, lemmas)), source


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
    build, source = candidate_builder()
    tagger = fugashi.Tagger()
    posts = []
    for path in sorted(corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        meta, _ = split_front_matter(text)
        posts.append(Post(path, author_summary(meta), build(text)))
    methods = ["lead", "rank", "first-2"]
    with_ref = [p for p in posts if p.reference and p.cands]
    no_prose = sum(1 for p in posts if p.reference and not p.cands)

    print(
        f"Corpus: {corpus} — {len(posts)} posts; {len(with_ref)} with an author summary and "
        f"prose (+{no_prose} with a summary but no Markdown prose, e.g. an HTML body)."
    )
    print(f"Candidates from: {source}.\n")
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
