"""Per-sentence notes for review: what the orchestrator records beside the translation.

`ScoreBook` is the orchestrator's record, for one run, of each memory key's model score and note
(the translation stage asks it through `Capabilities.detail`; the memory stores it). After a post
is translated, `sentence_notes` turns the post's plan and results into one `SentenceNote` per
sentence: the Japanese and the English as written (atoms as their Markdown), the model score and
the confidence from `pipeline.confidence`, which `honyaku review` and the reports show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pipeline import chars
from pipeline.confidence import THRESHOLD, assess, problems
from pipeline.render import join_pieces

Detail = tuple[float | None, str | None]  # (model score, note)
ScoredTranslate = Callable[[list[str]], list[tuple[str, float | None]]]


@dataclass
class ScoreBook:
    """Scores and notes of the memory keys seen in a run (one per Engine, not global)."""

    details: dict[str, Detail] = field(default_factory=dict)

    def wrap(self, translate_scored: ScoredTranslate) -> Callable[[list[str]], list[str]]:
        """A plain translate function that records each output's score under its input."""

        def translate(sentences: list[str]) -> list[str]:
            pairs = translate_scored(sentences)
            for sentence, (_text, score) in zip(sentences, pairs, strict=True):
                self.details[sentence] = (score, None)
            return [text for text, _score in pairs]

        return translate

    def load(self, found: Mapping[str, Detail]) -> None:
        """Details read from the translation memory."""
        self.details.update(found)

    def detail(self, key: str) -> Detail:
        return self.details.get(key, (None, None))

    def remark(self, key: str, note: str) -> None:
        self.details[key] = (self.detail(key)[0], note)

    def for_keys(self, keys: Iterable[str]) -> dict[str, Detail]:
        return {k: self.details[k] for k in keys if k in self.details}


@dataclass(frozen=True)
class SentenceNote:
    unit: int  # the unit's index: body prose units in order, then front-matter fields
    source: str  # the Japanese as written (atoms as their Markdown, line breaks as "\n")
    english: str  # the English as rendered
    status: str  # translated | memory | kept | as-is (nothing in it needed translating)
    score: float | None  # the weakest clause's mean token log-probability, if known
    checks: tuple[str, ...]  # the checks that fired (see pipeline.confidence)
    confidence: float
    reasons: tuple[str, ...]
    flagged: bool


class _Plan(Protocol):
    @property
    def pieces(self) -> tuple[str, ...]: ...
    @property
    def sent(self) -> tuple[int | None, ...]: ...
    @property
    def sentence(self) -> tuple[int, ...]: ...


class _Result(Protocol):
    text: str
    status: str
    reason: str | None
    score: float | None
    note: str | None


@dataclass(frozen=True)
class NoteRules:
    """How sentences are judged: `terms` gives the glossary replacements a source text should
    bring into the English; `length` is off for a backend whose output is not English."""

    terms: Callable[[str], list[str]]
    threshold: float = THRESHOLD
    length: bool = True


def sentence_notes(
    units: Sequence[tuple[str, tuple[str, ...]]],
    plans: Sequence[_Plan | None],
    results: Sequence[Any],
    rules: NoteRules,
) -> list[SentenceNote]:
    """One note per sentence of every unit. `units` are (working text, atoms' raw Markdown);
    a unit without a plan (an opt-out block) is one untranslated note."""
    notes: list[SentenceNote] = []
    for index, ((text, atoms), plan) in enumerate(zip(units, plans, strict=True)):
        if plan is None:
            shown = display(text, atoms)
            notes.append(SentenceNote(index, shown, shown, "as-is", None, (), 1.0, (), False))
            continue
        for members in _groups(plan.sentence):
            notes.append(_note(index, atoms, plan, members, results, rules))
    return notes


def _note(
    index: int,
    atoms: tuple[str, ...],
    plan: _Plan,
    members: list[int],
    results: Sequence[_Result],
    rules: NoteRules,
) -> SentenceNote:
    pieces = [plan.pieces[m] for m in members]
    sent = [plan.sent[m] for m in members]
    outputs = [p if k is None else results[k].text for p, k in zip(pieces, sent, strict=True)]
    english = join_pieces(pieces, outputs, [k is not None for k in sent])
    used = [(p, results[k]) for p, k in zip(pieces, sent, strict=True) if k is not None]
    source = display("".join(pieces), atoms)
    if not used:
        return SentenceNote(index, source, source, "as-is", None, (), 1.0, (), False)
    checks: list[str] = []
    for piece, result in used:
        found = problems(
            piece,
            result.text,
            status=result.status,
            reason=result.reason,
            note=result.note,
            expected_terms=rules.terms(piece),
            length=rules.length,
        )
        checks.extend(c for c in found if c not in checks)
    scores = [r.score for _p, r in used if r.score is not None]
    score = min(scores) if scores else None
    statuses = {r.status for _p, r in used}
    status = (
        "kept" if "kept" in statuses else "translated" if "translated" in statuses else "memory"
    )
    verdict = assess(score, checks, rules.threshold)
    return SentenceNote(
        index,
        source,
        display(english, atoms),
        status,
        score,
        tuple(checks),
        verdict.confidence,
        verdict.reasons,
        verdict.flagged,
    )


def _groups(owners: Sequence[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for position, owner in enumerate(owners):
        groups.setdefault(owner, []).append(position)
    return list(groups.values())


def display(text: str, atoms: tuple[str, ...]) -> str:
    """A working text as the person wrote it: each atom character back to its Markdown."""
    out: list[str] = []
    for char in text:
        index = chars.atom_index(char)
        out.append(atoms[index] if index is not None and index < len(atoms) else char)
    return "".join(out)
