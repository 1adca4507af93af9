"""A person's corrections teach the translation memory, and the per-post translator a batch runs.

When an update finds an English block a person edited whose Japanese did not change, the pair
(Japanese sentence -> the person's English) becomes a human entry of the memory, so the same
Japanese elsewhere on the site gets the person's wording and a model's output never replaces it.
Only pairs that line up without guessing are learned: both blocks hold one sentence, with no
inline code, link or other atom, on one line, and no glossary term (those go to the model in
another form than the Japanese as written).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import chars
from pipeline.api import (
    Engine,
    HonyakuError,
    Options,
    PostReport,
    parse_post,
    plan_post,
    translate_post,
)
from pipeline.site.run_context import PageError

if TYPE_CHECKING:
    from pipeline.site.blocks import Unchanged


def human_pairs(
    japanese: str, english: str, engine: Engine, options: Options
) -> list[tuple[str, str]]:
    """The memory entry a corrected block teaches: [(sentence as sent, person's English)] or []."""
    try:
        # A leading line break: a block such as `---` must not be read as front matter.
        plan = plan_post("\n" + japanese, engine, options)
        document = parse_post("\n" + english)
    except HonyakuError:
        return []
    if len(plan.batch) != 1 or len(document.prose) != 1 or document.prose[0].atoms:
        return []
    sentence = plan.batch[0].text
    if "\n" in sentence or any(chars.is_atom(c) for c in sentence):
        return []
    if engine.glossary_terms(sentence):
        return []
    text = document.prose[0].text.strip()
    if not text or "\n" in text:
        return []
    return [(sentence, text)]


class SiteTranslator:
    """The per-post translate function a batch calls: the whole post, or with an `Unchanged`
    only the blocks an update needs; `learn` records a person's corrections."""

    def __init__(
        self, engine: Engine, options: Options, reports: dict[Path, PostReport] | None = None
    ) -> None:
        self.engine, self.options, self.reports = engine, options, reports

    def __call__(
        self, text: str, source: Path, unchanged: Unchanged | None = None
    ) -> tuple[str, PostReport]:
        try:
            english, report = translate_post(text, self.engine, self.options, unchanged)
        except HonyakuError as exc:
            raise PageError(str(exc)) from exc
        if self.reports is not None:
            self.reports[source] = report
        return english, report

    def learn(self, pairs: list[tuple[str, str]]) -> int:
        """Store the corrections as human entries; returns how many were learned."""
        memory = self.engine.memory
        if memory is None:
            return 0
        found = [p for ja, en in pairs for p in human_pairs(ja, en, self.engine, self.options)]
        return memory.put_many(self.engine.identity, found, human=True) if found else 0


def forget_corrections() -> int:
    """Remove every human entry from the translation memory; returns how many."""
    from pipeline.memory import TranslationMemory

    with TranslationMemory() as memory:
        return memory.forget_human()
