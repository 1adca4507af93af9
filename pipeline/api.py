"""The orchestrator: owns the shared resources and runs a post through the stages.

document → segment → translate → summary → render. The stages never import each other; this
module hands each one what it needs as plain functions (the tagger-backed clause splitter, the
memory-backed translator, the model's token counter).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline import chars, segment
from pipeline.checks import output_problem
from pipeline.document import Atom, Document, Prose, parse_document, skipped_units
from pipeline.frontmatter import (
    Field,
    FrontMatterError,
    add_key,
    has_key,
    reader_fields,
    splice,
    split_front_matter,
    string_value,
)
from pipeline.notes import NoteRules, ScoreBook, SentenceNote, sentence_notes
from pipeline.render import (
    RenderError,
    escape_line_starts,
    join_pieces,
    joined_hard_breaks,
    render_body,
)
from pipeline.summary import Candidate, japanese_summary, summarize
from pipeline.translate import Capabilities, Result, Sentence, translate_sentences
from pipeline.wording import count

if TYPE_CHECKING:
    from pipeline.site.blocks import Unchanged


class HonyakuError(ValueError):
    """Bad input: the message is one line; the caller adds the file name."""


@dataclass(frozen=True)
class Options:
    summary: str = "lead"  # lead | rank | model | off (lead measured best: README)
    summary_max_chars: int = 200
    add_summary: bool = False
    source_summary: bool = False  # also compute a Japanese summary for the source post
    prose_fences: bool = False  # translate unlabelled fences that hold only Japanese prose
    translate_taxonomies: bool = False
    clause_budget: int = segment.DEFAULT_CLAUSE_BUDGET


@dataclass
class PostReport:
    sentences_total: int = 0
    translated: int = 0
    from_memory: int = 0
    kept: list[str] = field(default_factory=list)
    summary: str = "off"  # filled | translated | kept | none: <why> | off
    code_fence_japanese: int = 0  # Japanese characters left in code blocks, which stay as written
    source_summary: str | None = None  # Japanese summary for an empty source `summary`
    flagged: int = 0  # sentences a reviewer should read (`honyaku review`)
    sentences: list[SentenceNote] = field(default_factory=list)
    hard_breaks_joined: int = 0  # hard line breaks the English had no place for (lines joined)

    @property
    def partial(self) -> bool:
        return bool(self.kept)

    def line(self) -> str:
        return (
            f"{count(self.sentences_total, 'sentence')}: {self.translated} translated, "
            f"{self.from_memory} from memory, {len(self.kept)} kept"
        )


@dataclass
class Engine:
    """Shared resources for every post of a run: the translator, its memory, the tagger."""

    translator: Any  # anything with translate(list[str]) -> list[str]
    memory: Any = None  # TranslationMemory-like: get_many/put_many(identity, …)
    identity: str = ""
    glossary: Any = None  # Glossary with .matches(text)
    abstractive: Callable[[str], str] | None = None
    _tagger: Any = None
    _input_limit: int | None = None  # the model's, asked once (it may load the model)
    scores: ScoreBook = field(default_factory=ScoreBook)  # model scores and notes, for review

    @property
    def tagger(self) -> Any:
        if self._tagger is None:
            self._tagger = segment.make_tagger()
        return self._tagger

    def count_tokens(self, text: str) -> int:
        counter = getattr(self.translator, "count_tokens", None)
        # Without the model's tokenizer, one token per character over-counts Japanese, which
        # only makes clause splitting start a little early.
        return counter(text) if counter else len(text)

    def budget(self, options: Options) -> int:
        """The clause budget, never above what the model can read (placeholders need room)."""
        if self._input_limit is None:
            limit = getattr(self.translator, "max_input_tokens", None)
            self._input_limit = limit if isinstance(limit, int) and limit > 0 else 0
        if self._input_limit:
            return max(4, min(options.clause_budget, self._input_limit - 4))
        return options.clause_budget

    def capabilities(self, options: Options) -> Capabilities:
        safe = getattr(self.translator, "translate_safe", None)
        roundtrips = getattr(self.translator, "roundtrips", None)
        translate = self.translator.translate
        scored = getattr(self.translator, "translate_scored", None)
        if scored is not None:  # the same outputs, with the model's score of each
            translate = self.scores.wrap(scored)
            safe = self.scores.wrap(lambda sentences: scored(sentences, safe=True))
        english = getattr(self.translator, "english", True)
        return Capabilities(
            translate=translate,
            translate_safe=safe,
            check=lambda source, output: output_problem(source, output, english=english),
            lookup=self._lookup,
            store=self._store,
            split_clauses=lambda text: segment.split_clauses(
                text, self.count_tokens, max(8, self.budget(options) // 2), self.tagger
            ),
            placeholder_ok=roundtrips or (lambda text: True),
            needs_translation=segment.needs_translation,
            glossary=self._glossary_matches,
            detail=self.scores.detail,
            remark=self.scores.remark,
        )

    def _lookup(self, sentences: list[str]) -> dict[str, str]:
        if self.memory is None or not sentences:
            return {}
        found = self.memory.get_many(self.identity, sentences)
        if found and hasattr(self.memory, "get_details"):
            self.scores.load(self.memory.get_details(self.identity, found))
        return found

    def _store(self, pairs: list[tuple[str, str]]) -> None:
        if self.memory is not None and pairs:
            details = self.scores.for_keys(source for source, _ in pairs)
            extra = {"details": details} if details else {}
            self.memory.put_many(self.identity, pairs, **extra)

    def glossary_terms(self, text: str) -> list[str]:
        return [replacement for _s, _e, replacement in self._glossary_matches(text)]

    def _glossary_matches(self, text: str) -> list[tuple[int, int, str]]:
        if self.glossary is None:
            return []
        return [(m.start, m.end, m.replacement) for m in self.glossary.matches(text)]


@dataclass(frozen=True)
class ReaderUnit:
    """A piece of reader text: a body prose span or a front-matter value."""

    text: str
    roles: tuple[str, ...]
    block: str  # the prose unit's block kind, or "front" for a front-matter value
    line_start: bool


@dataclass(frozen=True)
class UnitPlan:
    pieces: tuple[str, ...]  # the unit text cut into sentences (and clauses)
    sent: tuple[int | None, ...]  # for each piece, its index in the batch, or None if kept
    sentence: tuple[int, ...]  # for each piece, which sentence of the unit it belongs to


@dataclass(frozen=True)
class PostPlan:
    """What translate sends for a post, decided before any model call; `inspect` shows it."""

    document: Document
    fields: tuple[Field, ...]  # front-matter reader text
    units: tuple[ReaderUnit, ...]  # the body's prose units, then one per field
    plans: tuple[UnitPlan | None, ...]  # None: kept as written (a skip comment)
    batch: tuple[Sentence, ...]  # what goes to the translation stage, in order


def translate_markdown(text: str, translator: Any, *, summarize: bool = True) -> str:
    """Translate one post; `translator` is anything with translate(list[str]) -> list[str]."""
    options = Options(summary="lead" if summarize else "off")
    return translate_post(text, Engine(translator), options)[0]


def translate_post(
    text: str, engine: Engine, options: Options = Options(), unchanged: Unchanged | None = None
) -> tuple[str, PostReport]:
    """The English post and what happened to it. Raises HonyakuError for unreadable input.

    With `unchanged` (an update keeping a person's edits), the prose of those body ranges and
    those front-matter fields is not sent to the model and stays as written in the output: the
    caller puts the English it keeps there."""
    post = plan_post(text, engine, options, unchanged)
    document, fields, plans = post.document, post.fields, post.plans
    report = PostReport(code_fence_japanese=_fence_japanese(document))
    results = translate_sentences(post.batch, engine.capabilities(options))
    _count(results, report)
    atoms = [tuple(a.raw for a in u.atoms) for u in document.prose] + [()] * len(fields)
    texts = [(u.text, a) for u, a in zip(post.units, atoms, strict=True)]
    # A backend whose output is not English (pseudo) says so; its length ratio means nothing.
    rules = NoteRules(engine.glossary_terms, length=getattr(engine.translator, "english", True))
    report.sentences = sentence_notes(texts, plans, results, rules)
    report.flagged = sum(note.flagged for note in report.sentences)
    outputs = {
        i: _assemble(post.units[i], plan, results)
        for i, plan in enumerate(plans)
        if plan is not None
    }
    body_count = len(document.prose)
    body_texts = {i: t for i, t in outputs.items() if i < body_count}
    try:
        body = render_body(document, body_texts)
        report.hard_breaks_joined = joined_hard_breaks(document, body_texts)
    except RenderError as exc:  # a bug, not bad input: say so plainly
        raise RuntimeError(f"internal error while rendering: {exc}") from exc
    edits: dict[tuple, str] = {}
    for k, fld in enumerate(fields):
        new = outputs.get(body_count + k)
        if new is not None and new != fld.value:
            edits[fld.path] = new
    front = _front_matter(post, edits, results, engine, options, report)
    return document.front_matter.prefix + front + body, report


def plan_post(
    text: str, engine: Engine, options: Options = Options(), unchanged: Unchanged | None = None
) -> PostPlan:
    """Cut a post into the sentences (and clauses) translate sends, as translate does it: skip
    comments, prose fences and the clause budget applied. Raises HonyakuError."""
    document = parse_post(text, prose_fences=options.prose_fences)
    skipped = skipped_units(document)
    fm = document.front_matter
    fields = tuple(reader_fields(fm, include_taxonomies=options.translate_taxonomies))
    if unchanged is not None:  # an update: these blocks keep the English in the page
        skipped |= unchanged.units([u.start for u in document.prose], [f.path for f in fields])
    body_units = [_body_unit(u) for u in document.prose]
    units = (*body_units, *(ReaderUnit(f.value, (), "front", False) for f in fields))
    batch: list[Sentence] = []
    plans = tuple(
        _plan_unit(u, engine, options, batch) if i not in skipped else None
        for i, u in enumerate(units)
    )
    return PostPlan(document, fields, units, plans, tuple(batch))


def parse_post(text: str, *, prose_fences: bool = False) -> Document:
    """The document stage, with bad input turned into a HonyakuError."""
    if "\x00" in text:
        raise HonyakuError("binary data (NUL bytes), not a Markdown post")
    try:
        return parse_document(text, prose_fences=prose_fences)
    except FrontMatterError as exc:
        raise HonyakuError(str(exc)) from exc


def japanese_in_code(document: Document) -> list[int]:
    """Japanese characters in each code block of the post (they stay as written)."""
    return [
        len(chars.JAPANESE.findall(document.body[b.start : b.end])) for b in document.code_blocks
    ]


def _fence_japanese(document: Document) -> int:
    counts = japanese_in_code(document)
    return sum(n for b, n in zip(document.code_blocks, counts, strict=True) if not b.translated)


def _plan_unit(
    unit: ReaderUnit, engine: Engine, options: Options, batch: list[Sentence]
) -> UnitPlan:
    pieces: list[str] = []
    sent: list[int | None] = []
    owner: list[int] = []
    for number, sentence in enumerate(segment.split_sentences(unit.text)):
        clauses = [sentence]
        core = sentence.strip(" \t\n")
        if segment.needs_translation(core) and engine.count_tokens(core) > engine.budget(options):
            clauses = segment.split_clauses(
                sentence, engine.count_tokens, engine.budget(options), engine.tagger
            )
        for clause in clauses:
            core = clause.strip(" \t\n")
            lead = clause[: len(clause) - len(clause.lstrip(" \t\n"))]
            trail = clause[len(lead) + len(core) :]
            for piece, translate in ((lead, False), (core, True), (trail, False)):
                if not piece:
                    continue
                pieces.append(piece)
                owner.append(number)
                if translate and segment.needs_translation(piece):
                    sent.append(len(batch))
                    batch.append(Sentence(piece, unit.roles))
                else:
                    sent.append(None)
    return UnitPlan(tuple(pieces), tuple(sent), tuple(owner))


def _count(results: list[Result], report: PostReport) -> None:
    report.sentences_total = len(results)
    for result in results:
        if result.status == "memory":
            report.from_memory += 1
        elif result.status == "translated":
            report.translated += 1
        else:
            report.kept.append(result.reason or "kept")


def _assemble(unit: ReaderUnit, plan: UnitPlan, results: list[Result]) -> str:
    outputs = [
        results[k].text if k is not None else piece
        for piece, k in zip(plan.pieces, plan.sent, strict=True)
    ]
    text = join_pieces(list(plan.pieces), outputs, [k is not None for k in plan.sent])
    return escape_line_starts(unit.text, text, unit.line_start)


def _front_matter(
    post: PostPlan,
    edits: dict[tuple, str],
    results: list[Result],
    engine: Engine,
    options: Options,
    report: PostReport,
) -> str:
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
    if empty and options.source_summary and options.summary != "off":
        candidates, _english = _candidates(document, plans, results, engine)
        report.source_summary = japanese_summary(candidates, options.summary)  # type: ignore[arg-type]
    if wants_summary:
        result = _summary(document, plans, results, engine, options)
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
    document: Document,
    plans: list[UnitPlan | None],
    results: list[Result],
    engine: Engine,
    options: Options,
) -> Any:
    candidates, english = _candidates(document, plans, results, engine)
    return summarize(
        candidates,
        method=options.summary,  # type: ignore[arg-type]
        translate=lambda sentences: [english.get(s, "") for s in sentences],
        max_chars=options.summary_max_chars,
        abstractive=engine.abstractive,
    )


def _candidates(
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
        if plan is None or unit.block in ("table", "caption", "html"):
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


def summary_candidates(text: str, engine: Engine | None = None) -> list[Candidate]:
    """The summarizer's view of a post without translating it (for evaluation scripts)."""
    engine = engine or Engine(translator=None)
    post = plan_post(text, engine)
    return _candidates(post.document, list(post.plans), None, engine)[0]


def _body_unit(unit: Prose) -> ReaderUnit:
    return ReaderUnit(unit.text, tuple(a.role for a in unit.atoms), unit.block, unit.line_start)


def _candidate_block(unit: Prose) -> str:
    return unit.block if unit.block in ("heading", "paragraph", "list", "quote") else "paragraph"
