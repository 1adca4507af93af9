"""Summarizer stage: choose what goes into an empty front-matter `summary`.

The stage receives plain data (one `Candidate` per prose sentence of the post, in reading order)
and capabilities as callables (`translate`, and for the `model` method `abstractive`), so it never
imports another stage.

Methods:

- ``lead``: the first informative sentences.
- ``rank``: centrality over content-word lemma overlap (personalised PageRank over a cosine
  similarity graph, LexRank style) with a teleport vector that slightly prefers early sentences.
- ``model``: an abstractive summarisation model run on the English text of the post.
- ``off``: nothing.

The English summary is plain text, one or two sentences, at most ``max_chars`` characters, cut
only at sentence boundaries. When even the best usable sentence is longer than ``max_chars``, the
others are tried first; when none fits, the best one is shortened at its last clause boundary
(``", "`` or ``"; "``) that fits and closed with ``"."``. A sentence with no such boundary is never
cut inside: the summary then stays empty with a reason, because a sentence cut mid-clause reads
as a broken sentence on a list page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pipeline.plaintext import shorten_at_clause, usable_english

Block = Literal["heading", "paragraph", "list", "quote", "table", "caption"]
ExtractiveMethod = Literal["lead", "rank"]
Method = Literal["lead", "rank", "model", "off"]


@dataclass(frozen=True)
class Candidate:
    """One prose sentence of the post, as the summarizer sees it."""

    index: int  # position in the post's prose order
    ja: str  # plain text: inline code as its text, links as their text, no Markdown
    block: Block
    lemmas: tuple[str, ...]  # content-word lemmas (fugashi)
    code_share: float  # share of characters that were inline code / URLs / atoms, 0..1


@dataclass(frozen=True)
class SummaryResult:
    text: str | None
    method: str
    chosen: tuple[int, ...]  # Candidate.index values, in the order they appear in the text
    reason: str | None  # why there is no text, or a note on a fallback that was taken


# --------------------------------------------------------------------------------------------
# Filtering: which sentences may stand in a summary at all

MIN_JA_CHARS = 15
MAX_CODE_SHARE = 0.5
# Blocks whose sentences never make a summary: headings are labels, tables hold data, captions
# describe a picture, and quotes are somebody else's words.
_EXCLUDED_BLOCKS = frozenset({"heading", "table", "caption", "quote"})
_SENTENCE_END = "。．.！!？?」』）)"

# Greetings, self-introductions, sign-offs and pointers that open or close Japanese posts.
_BOILERPLATE = re.compile(
    r"^(?:こんにちは|こんにちわ|こんばんは|こんばんわ|おはようございます|はじめまして|初めまして"
    r"|お疲れ様|おつかれさま|お久しぶり|どうも|ども[、。]|毎度|以上|参考|補足|追記|注[:：]|※"
    r"|ではまた|それではまた|また次回|最後まで|読んでいただき|お読みいただき"
    r"|ありがとうございま|よろしくお願い|宜しくお願い)"
    r"|と申します|担当の|日目の(?:記事|エントリ|投稿)|[Aa]dvent\s*[Cc]alendar|アドベントカレンダー"
    r"|参考になれば|参考にして|お役に立て|ご覧いただき|以上です|以上となります|おわりに"
    r"|ご覧ください|ご参照ください|参照(?:して)?ください|をご確認ください"
)
# "Link: …", "著者: …": a label line, not a sentence.
_LABEL = re.compile(r"^[^\s:：、。]{1,20}\s?[:：]\s*\S")
# A line that stops on a particle or a conjunctive form has been cut mid-sentence.
_OPEN_END = re.compile(r"(?:[がをにはでとものへやばてし]|から|けど|ので|そもそも)$")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HIRAGANA_END = re.compile(r"[\u3040-\u309f]$")
_QUESTION_END = re.compile(r"[？?]\s*$")


def skip_reason(cand: Candidate) -> str | None:
    """Why a candidate cannot be part of a summary, or None when it can."""
    text = cand.ja.strip()
    if cand.block in _EXCLUDED_BLOCKS:
        return cand.block
    if len(text) < MIN_JA_CHARS:
        return "short"
    if cand.code_share > MAX_CODE_SHARE:
        return "code"
    # No kana at all: an English sentence, a title or a list of names, not Japanese prose.
    if not _KANA.search(text):
        return "not Japanese"
    if _BOILERPLATE.search(text):
        return "boilerplate"
    # A question addresses the reader ("Do you use Datadog?"); it does not say what the post is.
    if _QUESTION_END.search(text):
        return "question"
    # A list item without a sentence end is a fragment ("Ubuntu 24.04", "設定の自動検出").
    if cand.block == "list" and text[-1] not in _SENTENCE_END:
        return "fragment"
    # Cut off at a line break mid-sentence ("…ため、"), a label line, or a line ending in a noun
    # with no sentence end (a title or 体言止め caption, "SpinnakerによるContinuous Delivery").
    if text[-1] in "、，,:：" or _LABEL.match(text) or _OPEN_END.search(text):
        return "fragment"
    if text[-1] not in _SENTENCE_END and not _HIRAGANA_END.search(text):
        return "fragment"
    return None


def informative(cands: Iterable[Candidate]) -> list[Candidate]:
    """The candidates that pass every filter, in prose order."""
    return sorted((c for c in cands if skip_reason(c) is None), key=lambda c: c.index)


# --------------------------------------------------------------------------------------------
# Ranking

# Lemmas too common in Japanese technical prose to say what a sentence is about.
_STOP_TEXT = """
    する 為る ある 有る 在る いる 居る なる 成る できる 出来る 思う 言う いう 行う おる 居る くる
    来る いく 行く やる 遣る 見る みる しまう 仕舞う おく 置く もらう 貰う くれる 呉れる あげる
    上げる 考える 感じる 分かる わかる 知る 書く 良い 好い よい いい ない 無い 多い 少ない
    こと 事 もの 物 よう 様 ため 為 これ 此れ それ 其れ あれ 彼れ どれ 何れ ここ 此処 そこ 其処
    今回 場合 方 人 時 等 的 感じ 必要 自分 私 僕 筆者 今 前 後 中 上 下 次 際 点 他 所 ところ
    記事 ブログ ブログ-blog 紹介 以下 下記 上記 本 皆 みなさん 皆さん さん 何 なに 一 二 三 さ
    化 者 的 気 形 際 ほう 通り 通す
"""
STOP_LEMMAS = frozenset(_STOP_TEXT.split())

DAMPING = 0.85
_ITERATIONS = 100
_TOLERANCE = 1e-10


_UNIDIC_GLOSS = re.compile(r"(?<=[^\x00-\x7f])-[\x00-\x7f]+$")


def _lemma_set(cand: Candidate) -> frozenset[str]:
    # unidic writes loanword lemmas with an English gloss ("ブログ-blog"); the gloss is noise.
    lemmas = (_UNIDIC_GLOSS.sub("", lem) for lem in cand.lemmas)
    return frozenset(lem for lem in lemmas if lem and lem not in STOP_LEMMAS)


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _position_prior(n: int) -> list[float]:
    # 1/(k+1), as in PositionRank: the teleport share (1 - DAMPING) favours the lead, while a
    # sentence that many others point to can still win. (1/sqrt(k+1) did worse on the corpus.)
    raw = [1.0 / (k + 1) for k in range(n)]
    total = sum(raw)
    return [r / total for r in raw]


def centrality(sets: Sequence[frozenset[str]]) -> list[float]:
    """Personalised PageRank over the cosine graph of lemma sets; deterministic."""
    n = len(sets)
    if n == 0:
        return []
    prior = _position_prior(n)
    weights = [[0.0 if i == j else _cosine(sets[i], sets[j]) for j in range(n)] for i in range(n)]
    out_sum = [sum(row) for row in weights]
    score = list(prior)
    for _ in range(_ITERATIONS):
        # Mass of sentences with no neighbour goes back through the prior (dangling nodes).
        dangling = sum(score[i] for i in range(n) if out_sum[i] == 0.0)
        new = []
        for j in range(n):
            incoming = sum(
                score[i] * weights[i][j] / out_sum[i] for i in range(n) if out_sum[i] > 0.0
            )
            new.append((1 - DAMPING) * prior[j] + DAMPING * (incoming + dangling * prior[j]))
        delta = sum(abs(a - b) for a, b in zip(new, score, strict=True))
        score = new
        if delta < _TOLERANCE:
            break
    return score


def rank_candidates(cands: Sequence[Candidate], *, method: ExtractiveMethod) -> list[Candidate]:
    """The informative candidates, best first."""
    pool = informative(cands)
    if method == "lead":
        return pool
    if method != "rank":
        raise ValueError(f"unknown extractive method {method!r} (lead or rank)")
    scores = centrality([_lemma_set(c) for c in pool])
    # Rounding makes ties (and so the order) independent of float summation noise.
    order = sorted(range(len(pool)), key=lambda k: (-round(scores[k], 12), k))
    return [pool[k] for k in order]


# --------------------------------------------------------------------------------------------
# Composition

MAX_SENTENCES = 2
_TRANSLATE_CHUNK = 8  # the orchestrator's memory answers these; chunking bounds the rare misses
_SECOND_WINDOW = 4  # how far down the ranking a second sentence is looked for


def _fit(sentences: list[str], max_chars: int) -> list[str]:
    """The longest prefix of whole sentences (at most MAX_SENTENCES) within max_chars."""
    kept: list[str] = []
    for sentence in sentences[:MAX_SENTENCES]:
        if len(" ".join([*kept, sentence])) > max_chars:
            break
        kept.append(sentence)
    return kept


def _translated(
    ranked: Sequence[Candidate], translate: Callable[[list[str]], list[str]]
) -> Iterable[tuple[Candidate, list[str] | None]]:
    for start in range(0, len(ranked), _TRANSLATE_CHUNK):
        chunk = ranked[start : start + _TRANSLATE_CHUNK]
        english = translate([c.ja for c in chunk])
        if len(english) != len(chunk):
            raise ValueError("translate returned a different number of sentences")
        for cand, en in zip(chunk, english, strict=True):
            yield cand, usable_english(en)


def _extractive(
    ranked: Sequence[Candidate],
    translate: Callable[[list[str]], list[str]],
    max_chars: int,
    method: str,
) -> SummaryResult:
    usable = [(c, s) for c, s in _translated(ranked, translate) if s is not None]
    if not usable:
        return SummaryResult(None, method, (), "no sentence with a usable English translation")
    first_pos = next((k for k, (_, s) in enumerate(usable) if _fit(s, max_chars)), None)
    if first_pos is None:
        cand, sentences = usable[0]
        short = shorten_at_clause(sentences[0], max_chars)
        if short is None:
            return SummaryResult(None, method, (), f"no sentence fits in {max_chars} characters")
        return SummaryResult(short, method, (cand.index,), None)
    cand, sentences = usable[first_pos]
    parts = [(cand.index, _fit(sentences, max_chars))]
    if len(parts[0][1]) < MAX_SENTENCES:
        room = max_chars - len(" ".join(parts[0][1])) - 1
        window = usable[first_pos + 1 : first_pos + 1 + _SECOND_WINDOW]
        for other, other_sentences in window:
            if len(other_sentences[0]) <= room:
                parts.append((other.index, other_sentences[:1]))
                break
    parts.sort()  # reading order reads better than rank order
    text = " ".join(s for _, group in parts for s in group)
    return SummaryResult(text, method, tuple(i for i, _ in parts), None)


def _from_model(
    cands: Sequence[Candidate],
    translate: Callable[[list[str]], list[str]],
    max_chars: int,
    abstractive: Callable[[str], str],
) -> SummaryResult:
    pool = informative(cands)
    english = translate([c.ja for c in pool]) if pool else []
    # Sentences the translator left in Japanese would be copied into the summary by the model.
    kept = [" ".join(s) for en in english if (s := usable_english(en))]
    if not kept:
        return SummaryResult(None, "model", (), "no prose")
    sentences = usable_english(abstractive(" ".join(kept)))
    fitted = _fit(sentences, max_chars) if sentences else []
    if not fitted and sentences:
        short = shorten_at_clause(sentences[0], max_chars)
        fitted = [short] if short else []
    if fitted:
        return SummaryResult(" ".join(fitted), "model", (), None)
    fallback = _extractive(rank_candidates(cands, method="rank"), translate, max_chars, "rank")
    note = "model output unusable; used rank" if fallback.text else fallback.reason
    return SummaryResult(fallback.text, "rank", fallback.chosen, note)


def summarize(
    cands: Sequence[Candidate],
    *,
    method: Method,
    translate: Callable[[list[str]], list[str]],
    max_chars: int = 200,
    abstractive: Callable[[str], str] | None = None,
) -> SummaryResult:
    """An English summary for the post whose prose sentences are `cands`.

    `translate` maps Japanese sentences to English (same length, same order). With method
    ``model`` the abstractive output is cleaned and fitted by the same rules; when nothing
    usable comes out, the ``rank`` summary is returned with a note in `reason`.
    """
    if method == "off":
        return SummaryResult(None, "off", (), "off")
    if max_chars < 20:
        raise ValueError("max_chars below 20 leaves no room for a sentence")
    if not informative(cands):
        reason = (
            "no prose"
            if not any(c.block != "heading" for c in cands)
            else "no informative sentence"
        )
        return SummaryResult(None, method, (), reason)
    if method == "model":
        if abstractive is None:
            raise ValueError("method 'model' needs an abstractive summarizer")
        return _from_model(cands, translate, max_chars, abstractive)
    return _extractive(rank_candidates(cands, method=method), translate, max_chars, method)


def japanese_summary(
    cands: Sequence[Candidate], method: Method, max_chars: int = 120
) -> str | None:
    """A Japanese summary from the extractive methods (``model`` uses ``rank``), or None."""
    if method == "off":
        return None
    ranked = rank_candidates(cands, method="lead" if method == "lead" else "rank")
    texts = [(c.index, " ".join(c.ja.split())) for c in ranked]
    first = next((k for k, (_, t) in enumerate(texts) if len(t) <= max_chars), None)
    if first is None:
        if not texts:
            return None
        head, _, _ = texts[0][1][:max_chars].rpartition("、")
        return head + "。" if len(head) >= MIN_JA_CHARS else None
    parts = [texts[first]]
    for other in texts[first + 1 : first + 1 + _SECOND_WINDOW]:
        if len(parts[0][1]) + len(other[1]) <= max_chars:
            parts.append(other)
            break
    parts.sort()
    return "".join(t for _, t in parts)
