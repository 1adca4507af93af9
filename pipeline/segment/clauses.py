"""Clause splitting: an over-long sentence cut where a clause ends, so no piece exceeds the
translator's token budget and nothing is ever truncated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline import chars
from pipeline.segment.analysis import Token, tokens
from pipeline.segment.marks import CLAUSE_MARKS, CLOSERS, COMMAS, WS, skip_ws

DEFAULT_CLAUSE_BUDGET = 128


def _is_clause_end(tok: Token) -> bool:
    """A conjunctive particle (が, けど, ので's で, て, ば, から, し) or a te-/renyou-form."""
    if tok.pos2 == "接続助詞":
        return True
    return tok.pos1 in ("動詞", "助動詞", "形容詞") and tok.cform.startswith("連用形")


def _clause_cuts(sentence: str, toks: list[Token]) -> tuple[list[int], list[int]]:
    """Cut positions after 、 following a clause end (strong), and after any comma-like mark."""
    strong: list[int] = []
    weak: list[int] = []
    n = len(sentence)
    for idx, tok in enumerate(toks):
        surface = sentence[tok.start : tok.end]
        if not surface or surface[-1] not in CLAUSE_MARKS:
            continue
        mark = surface[-1]
        if mark in ",.;:!?" and (tok.end >= n or sentence[tok.end] not in WS):
            continue  # "1,000", "a.b", "foo:bar" are not clause boundaries
        cut = skip_ws(sentence, tok.end)
        if cut >= n:
            continue
        weak.append(cut)
        if mark in COMMAS and idx > 0 and _is_clause_end(toks[idx - 1]):
            strong.append(cut)
    return strong, weak


def _length_cuts(sentence: str, toks: list[Token]) -> tuple[list[int], list[int]]:
    """Morpheme starts where a last-resort cut may go, never between two atom characters.

    Preferred: outside ASCII runs and not just before a closing bracket or punctuation. Others:
    the remaining ones, except between two ASCII letters/digits (MeCab's cuts inside a long ASCII
    word are arbitrary, so the character fallback does as well there).
    """
    preferred: list[int] = []
    other: list[int] = []
    for tok in toks[1:]:
        p = tok.start
        left, right = sentence[p - 1], sentence[p]
        if chars.is_atom(left) and chars.is_atom(right):
            continue
        inside_ascii = left.isascii() and right.isascii() and left not in WS
        if inside_ascii and left.isalnum() and right.isalnum():
            continue
        if inside_ascii or right in CLOSERS or right in CLAUSE_MARKS:
            other.append(p)
        else:
            preferred.append(p)
    return preferred, other


def _pack(
    sentence: str, a: int, b: int, cuts: list[int], count: Callable[[str], int], budget: int
) -> list[tuple[int, int]]:
    """Greedily merge the segments between ``cuts`` (within a..b) while they fit the budget."""
    inner = [c for c in cuts if a < c < b]
    if not inner:
        return [(a, b)]
    bounds = [a, *inner, b]
    out: list[tuple[int, int]] = []
    cur_a, cur_b = bounds[0], bounds[1]
    for nb in bounds[2:]:
        if count(sentence[cur_a:nb]) <= budget:
            cur_b = nb
        else:
            out.append((cur_a, cur_b))
            cur_a, cur_b = cur_b, nb
    out.append((cur_a, cur_b))
    return out


def _largest_fitting(
    sentence: str, a: int, cands: list[int], count: Callable[[str], int], budget: int
) -> int | None:
    """Largest candidate c with count(sentence[a:c]) <= budget (counts grow with length)."""
    if not cands or count(sentence[a : cands[0]]) > budget:
        return None
    lo, hi = 0, len(cands) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(sentence[a : cands[mid]]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return cands[lo]


def _split_by_length(
    sentence: str,
    a: int,
    b: int,
    tiers: tuple[list[int], ...],
    count: Callable[[str], int],
    budget: int,
) -> list[tuple[int, int]]:
    """Cut off the longest prefix that fits, trying each tier of cut positions, then characters."""
    out: list[tuple[int, int]] = []
    while count(sentence[a:b]) > budget:
        p = None
        for cuts in tiers:
            p = _largest_fitting(sentence, a, [c for c in cuts if a < c < b], count, budget)
            if p is not None:
                break
        if p is None:
            char_cuts = _char_cuts(sentence, a, b)
            p = _largest_fitting(sentence, a, char_cuts, count, budget)
            if p is None and char_cuts:
                p = char_cuts[0]  # one character over budget: as small a piece as there can be
        if p is None:
            break  # one unbreakable unit (a run of atoms): returned whole, never truncated
        out.append((a, p))
        a = p
    out.append((a, b))
    return out


def _char_cuts(sentence: str, a: int, b: int) -> list[int]:
    """Character positions inside one over-long morpheme, keeping atoms and whitespace intact."""
    return [
        p
        for p in range(a + 1, b)
        if not (chars.is_atom(sentence[p - 1]) and chars.is_atom(sentence[p]))
        and sentence[p] not in WS
        and not ("\udc00" <= sentence[p] <= "\udfff")
    ]


def split_clauses(
    sentence: str, count_tokens: Callable[[str], int], budget: int, tagger: Any
) -> list[str]:
    """Split an over-budget sentence at clause boundaries; pieces re-join to it exactly.

    Order of preference: 、 after a conjunctive particle or te-/renyou-form, then any comma-like
    mark, then (last resort) morpheme boundaries by length. Never truncates: a piece that cannot be
    brought under the budget (a single huge atom run) is returned whole.
    """
    if not sentence or count_tokens(sentence) <= budget:
        return [sentence] if sentence else []
    toks = tokens(sentence, tagger)
    strong, weak = _clause_cuts(sentence, toks)
    preferred, other = _length_cuts(sentence, toks)
    ranges: list[tuple[int, int]] = [(0, len(sentence))]
    for cuts in (strong, weak):
        nxt: list[tuple[int, int]] = []
        for a, b in ranges:
            if count_tokens(sentence[a:b]) <= budget:
                nxt.append((a, b))
            else:
                nxt.extend(_pack(sentence, a, b, cuts, count_tokens, budget))
        ranges = nxt
    out: list[str] = []
    for a, b in ranges:
        if count_tokens(sentence[a:b]) <= budget:
            out.append(sentence[a:b])
        else:
            out.extend(
                sentence[x:y]
                for x, y in _split_by_length(
                    sentence, a, b, (preferred, sorted(preferred + other)), count_tokens, budget
                )
            )
    return out
