"""What a post is while it goes through the stages: the options it is translated with, the
pieces of reader text it is cut into and the plan of what goes to the model, and the report of
what happened to it. Plain data; the orchestrator (`api`) fills it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import segment
from pipeline.document import Document
from pipeline.frontmatter import Field
from pipeline.notes import SentenceNote
from pipeline.translate import Sentence
from pipeline.wording import count


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
    # The site's own paired shortcodes whose template renders the inner text as Markdown: their
    # bodies stay as written (honyaku cannot parse them as Hugo does), and Japanese in them is
    # reported as kept.
    markdown_shortcodes: frozenset[str] = frozenset()


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
    # Japanese the body keeps as written where changing it is not safe (an HTML block's
    # `<pre>`, a tag's attributes…), each said as the report says it.
    kept: tuple[str, ...] = ()
