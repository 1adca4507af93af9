"""The post's `summary` field: the sentences as the summarizer sees them (plain text, block kind,
lemmas, share of code) with their English, and the front matter with the summary filled, added or
kept. Part of the orchestrator: it hands the summary stage plain functions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pipeline import chars, segment
from pipeline.document import Atom, Document, Prose
from pipeline.frontmatter import (
    FrontMatterError,
    add_key,
    has_key,
    splice,
    split_front_matter,
    string_value,
)
from pipeline.post_plan import HonyakuError, Options, PostPlan, PostReport, UnitPlan
from pipeline.render import join_pieces
from pipeline.summary import Block, Candidate, japanese_summary, summarize
from pipeline.translate import Result

if TYPE_CHECKING:
    from pipeline.api import Engine


def front_matter_text(
    post: PostPlan,
    edits: dict[tuple, str],
    results: list[Result],
    engine: Engine,
    options: Options,
    report: PostReport,
) -> str:
    """The front matter with `edits` spliced in and the summary filled (or added) as the options
    say; `report` says what became of the summary."""
    document, plans = post.document, list(post.plans)
    fm = document.front_matter
    summary_path = _summary_path(fm)
    current = string_value(fm, summary_path) if summary_path else None
    # `summary: ""`, `summary: " "` and a bare `summary:` (null) all mean "fill me".
    empty = summary_path is not None and (current is None or not current.strip())
    wants_summary = options.summary != "off" and (
        empty or (summary_path is None and options.add_summary)
    )
    if summary_path and current and current.strip():
        report.summary = "translated" if summary_path in edits else "kept"
    source_summary = empty and options.source_summary and options.summary != "off"
    if not (wants_summary or source_summary):
        return _spliced(fm, edits)
    # Both summaries read the same sentences (each analysed by the tagger): cut them once.
    candidates, english = sentence_candidates(document, plans, results, engine)
    if source_summary:
        report.source_summary = japanese_summary(candidates, options.summary)  # type: ignore[arg-type]
    if wants_summary:
        result = _summary(candidates, english, engine, options)
        if result.text:
            report.summary = "filled"
            if summary_path is not None:
                edits[summary_path] = result.text
            else:
                return _added(fm, edits, result.text, document.body)
        else:
            report.summary = f"none: {result.reason}"
    return _spliced(fm, edits)


def _spliced(fm: Any, edits: dict[tuple, str]) -> str:
    if not edits:
        return fm.raw
    try:
        return splice(fm, edits)
    except FrontMatterError as exc:
        raise HonyakuError(f"front matter could not be edited: {exc}") from exc


def _added(fm: Any, edits: dict[tuple, str], summary: str, body: str) -> str:
    """The front matter with the other edits spliced in, then a `summary` key added (to a new
    YAML block, in the body's line ending, where the post has no front matter)."""
    spliced = _spliced(fm, edits)
    try:
        current = split_front_matter(fm.prefix + spliced)[0] if fm.kind else fm
        newline = "\r\n" if "\r\n" in body else "\n"
        return add_key(current, ("summary",), summary, newline=newline)
    except FrontMatterError as exc:
        raise HonyakuError(f"front matter could not be edited: {exc}") from exc


def _summary_path(fm: Any) -> tuple | None:
    if fm.kind is None:
        return None
    for key in fm.data:
        if isinstance(key, str) and key.lower() == "summary" and has_key(fm, (key,)):
            return (key,)
    return None


def _plain_atom(atom: Atom) -> str:
    """What a reader would say for an atom in plain text: inline code as its text, else nothing."""
    return atom.raw.strip("`").strip() if atom.kind == "code" else ""


def _plain(text: str, atoms: tuple[str, ...]) -> str:
    """A working text as plain reading text: code as its text, other atoms dropped."""
    out: list[str] = []
    for char in text:
        index = chars.atom_index(char)
        if index is not None and index < len(atoms):
            out.append(atoms[index])
        else:
            out.append(" " if char == "\n" else char)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _summary(
    candidates: list[Candidate], english: dict[str, str], engine: Engine, options: Options
) -> Any:
    return summarize(
        candidates,
        method=options.summary,  # type: ignore[arg-type]
        translate=lambda sentences: [english.get(s, "") for s in sentences],
        max_chars=options.summary_max_chars,
        abstractive=engine.abstractive,
    )


def sentence_candidates(
    document: Document,
    plans: list[UnitPlan | None],
    results: list[Result] | None,
    engine: Engine,
) -> tuple[list[Candidate], dict[str, str]]:
    """The post's sentences as the summarizer sees them (plain text, block kind, lemmas, share
    of code), and the English of each where it was translated."""
    candidates: list[Candidate] = []
    english: dict[str, str] = {}
    for index, unit in enumerate(document.prose):
        plan = plans[index]
        if plan is None or unit.block in ("table", "caption", "html", "attribute"):
            continue
        atoms = tuple(_plain_atom(a) for a in unit.atoms)
        for members in _sentences(plan):
            pieces = [plan.pieces[m] for m in members]
            sent = [plan.sent[m] for m in members]
            ja = _plain("".join(pieces), atoms)
            if all(k is None for k in sent) or not ja:
                continue
            if results is not None and all(k is None or results[k].status != "kept" for k in sent):
                outputs = [
                    p if k is None else results[k].text for p, k in zip(pieces, sent, strict=True)
                ]
                flags = [k is not None for k in sent]
                english[ja] = _plain(join_pieces(pieces, outputs, flags), atoms)
            lemmas = segment.content_lemmas(segment.analyze(ja, engine.tagger))
            share = _code_share("".join(pieces), unit)
            candidates.append(Candidate(len(candidates), ja, _candidate_block(unit), lemmas, share))
    return candidates, english


def _sentences(plan: UnitPlan) -> list[list[int]]:
    """Piece indexes grouped by the sentence they belong to (clauses join back up)."""
    groups: dict[int, list[int]] = {}
    for index, number in enumerate(plan.sentence):
        groups.setdefault(number, []).append(index)
    return list(groups.values())


def _code_share(piece: str, unit: Prose) -> float:
    """How much of a sentence, as written, is code, URLs and other atoms."""
    atom_chars = 0
    text_chars = 0
    for char in piece:
        index = chars.atom_index(char)
        if index is not None and index < len(unit.atoms):
            atom_chars += len(unit.atoms[index].raw)
        elif not char.isspace():
            text_chars += 1
    return atom_chars / max(1, atom_chars + text_chars)


_CANDIDATE_BLOCKS: dict[str, Block] = {"heading": "heading", "list": "list", "quote": "quote"}


def _candidate_block(unit: Prose) -> Block:
    return _CANDIDATE_BLOCKS.get(unit.block, "paragraph")
