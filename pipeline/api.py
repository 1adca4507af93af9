"""The orchestrator: owns the shared resources and runs a post through the stages.

document → segment → translate → summary → render. The stages never import each other; this
module hands each one what it needs as plain functions (the tagger-backed clause splitter, the
memory-backed translator, the model's token counter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline import chars, segment
from pipeline.checks import output_problem
from pipeline.document import Document, Kept, Prose, parse_document, skipped_kept, skipped_units
from pipeline.frontmatter import (
    FrontMatterError,
    reader_fields,
)
from pipeline.notes import NoteRules, ScoreBook, sentence_notes
from pipeline.post_plan import (
    HonyakuError,
    Options,
    PostPlan,
    PostReport,
    ReaderUnit,
    UnitPlan,
)
from pipeline.render import (
    RenderError,
    escape_line_starts,
    join_pieces,
    joined_hard_breaks,
    render_body,
)
from pipeline.summary import Candidate
from pipeline.summary_field import front_matter_text, sentence_candidates
from pipeline.translate import Capabilities, Result, Sentence, translate_sentences

if TYPE_CHECKING:
    from pipeline.site.blocks import Unchanged


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


def translate_markdown(text: str, translator: Any, *, summarize: bool = True) -> str:
    """Translate one post; `translator` is anything with translate(list[str]) -> list[str]."""
    options = Options(summary="lead" if summarize else "off")
    return translate_post(text, Engine(translator), options)[0]


def translate_texts(texts: list[str], engine: Engine) -> list[str]:
    """Pieces of reader text outside any post (a site template's text between tags, an alt),
    each translated the way a paragraph of a post is, summary off; what the model could not
    translate comes back as it was."""
    out = []
    for text in texts:
        # A leading line break: a text such as `---` must not be read as front matter.
        english, _report = translate_post("\n" + text + "\n", engine, Options(summary="off"))
        out.append(english.strip())
    return out


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
    report.kept.extend(post.kept)
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
    front = front_matter_text(post, edits, results, engine, options, report)
    return document.front_matter.prefix + front + body, report


def plan_post(
    text: str, engine: Engine, options: Options = Options(), unchanged: Unchanged | None = None
) -> PostPlan:
    """Cut a post into the sentences (and clauses) translate sends, as translate does it: skip
    comments, prose fences and the clause budget applied. Raises HonyakuError."""
    document = parse_post(
        text, prose_fences=options.prose_fences, markdown_shortcodes=options.markdown_shortcodes
    )
    skipped = skipped_units(document)
    fm = document.front_matter
    fields = tuple(reader_fields(fm, include_taxonomies=options.translate_taxonomies))
    kept = [k for i, k in enumerate(document.kept) if i not in skipped_kept(document)]
    if unchanged is not None:  # an update: these blocks keep the English in the page
        skipped |= unchanged.units([u.start for u in document.prose], [f.path for f in fields])
        left = unchanged.units([k.start for k in kept], [])
        kept = [k for i, k in enumerate(kept) if i not in left]
    body_units = [_body_unit(u) for u in document.prose]
    units = (*body_units, *(ReaderUnit(f.value, (), "front", False) for f in fields))
    batch: list[Sentence] = []
    plans = tuple(
        _plan_unit(u, engine, options, batch) if i not in skipped else None
        for i, u in enumerate(units)
    )
    reasons = tuple(_kept_reason(document.body, k) for k in kept)
    return PostPlan(document, fields, units, plans, tuple(batch), reasons)


def _kept_reason(body: str, kept: Kept) -> str:
    text = " ".join(body[kept.start : kept.end].split())
    excerpt = text if len(text) <= 40 else text[:39] + "…"
    return f"{kept.what} left as written ({kept.why}): {excerpt!r}"


def parse_post(
    text: str, *, prose_fences: bool = False, markdown_shortcodes: frozenset[str] = frozenset()
) -> Document:
    """The document stage, with bad input turned into a HonyakuError."""
    if "\x00" in text:
        raise HonyakuError("binary data (NUL bytes), not a Markdown post")
    try:
        return parse_document(
            text, prose_fences=prose_fences, markdown_shortcodes=markdown_shortcodes
        )
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


# What stays around a sentence as written: spaces, line breaks and the ideographic space that
# indents a Japanese paragraph's lines (inside the sentence it would carry a line break into
# the translated text, where it has no place).
_EDGE = " \t\n\u3000"


def _plan_unit(
    unit: ReaderUnit, engine: Engine, options: Options, batch: list[Sentence]
) -> UnitPlan:
    pieces: list[str] = []
    sent: list[int | None] = []
    owner: list[int] = []
    for number, sentence in enumerate(segment.split_sentences(unit.text)):
        clauses = [sentence]
        core = sentence.strip(_EDGE)
        if segment.needs_translation(core) and engine.count_tokens(core) > engine.budget(options):
            clauses = segment.split_clauses(
                sentence, engine.count_tokens, engine.budget(options), engine.tagger
            )
        for clause in clauses:
            core = clause.strip(_EDGE)
            lead = clause[: len(clause) - len(clause.lstrip(_EDGE))]
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
    return escape_line_starts(unit.text, text, unit.line_start, unit.block)


def summary_candidates(text: str, engine: Engine | None = None) -> list[Candidate]:
    """The summarizer's view of a post without translating it (for evaluation scripts)."""
    engine = engine or Engine(translator=None)
    post = plan_post(text, engine)
    return sentence_candidates(post.document, list(post.plans), None, engine)[0]


def _body_unit(unit: Prose) -> ReaderUnit:
    return ReaderUnit(unit.text, tuple(a.role for a in unit.atoms), unit.block, unit.line_start)
