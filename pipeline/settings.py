"""One run's settings: every option of `translate` and `batch`, built once by the CLI.

The batch reads what it needs from here, the orchestrator gets `options()`, and the lock gets
`lock_key()`: the part of the settings that changes what an English copy says. A copy written
under another key is stale and written again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from pipeline.api import Options
from pipeline.backends.base import DecodingConfig
from pipeline.glossary import find_glossary
from pipeline.modelstore import DEFAULT_MODEL
from pipeline.site.templates import prose_shortcodes

DEFAULT_BEAMS = DecodingConfig().num_beams
DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"


class Backend(StrEnum):
    transformers = "transformers"
    ctranslate2 = "ctranslate2"
    pseudo = "pseudo"


class SummaryMethod(StrEnum):
    lead = "lead"
    rank = "rank"
    model = "model"
    off = "off"


@dataclass(frozen=True)
class Settings:
    """The options of a run. `glossary` is the glossary file used (the one given, or the site's
    own `honyaku-glossary.toml`), `glossary_sha256` the hash of its content when it was read."""

    backend: Backend = Backend.transformers
    model: str = DEFAULT_MODEL
    device: str = "auto"
    beams: int = DEFAULT_BEAMS
    quantization: str | None = None
    no_cache: bool = False
    glossary: Path | None = None
    glossary_sha256: str = ""
    summary: SummaryMethod = SummaryMethod.lead
    summary_model: str = DEFAULT_SUMMARY_MODEL
    add_summary: bool = False
    fill_source_summary: bool = False
    prose_fences: bool = False
    translate_taxonomies: bool = False
    strict: bool = False
    force: bool = False
    dry_run: bool = False
    quiet: bool = False
    verbose: bool = False  # the text report lists every skipped page
    json_out: bool = False
    layout: str | None = None
    target_lang: str = "en"
    source_lang: str | None = None
    check: bool = False  # write nothing; exit 1 when an English copy is missing or out of date
    replace_hand_written: bool = False  # replace English pages honyaku did not write (kept aside)
    learn: bool = True  # a person's corrections become human entries of the translation memory
    no_wait: bool = False
    rebuild_lock: bool = False
    # The site's own paired shortcodes whose template renders the inner text as Markdown.
    markdown_shortcodes: frozenset[str] = frozenset()

    @classmethod
    def from_options(cls, values: Mapping[str, Any], site_root: Path | None = None) -> Settings:
        """From the CLI's option values (named like the fields); the glossary is resolved here,
        against the site root, so the key hashes the file the run actually uses."""
        known = {f.name for f in fields(cls)}
        settings = {name: value for name, value in values.items() if name in known}
        glossary = settings.get("glossary")
        if glossary is None and site_root is not None:
            glossary = find_glossary(site_root)
        settings["glossary"] = glossary
        settings["glossary_sha256"] = _file_sha256(glossary) if glossary is not None else ""
        if site_root is not None:
            settings["markdown_shortcodes"] = prose_shortcodes(site_root)
        return cls(**settings)

    def options(self) -> Options:
        """What the per-post orchestrator needs."""
        return Options(
            summary=self.summary.value,
            add_summary=self.add_summary,
            source_summary=self.fill_source_summary,
            prose_fences=self.prose_fences,
            translate_taxonomies=self.translate_taxonomies,
            markdown_shortcodes=self.markdown_shortcodes,
        )

    def lock_key(self, identity: str) -> str:
        """The lock's settings key: `identity` (the translator's: backend, model, decoding,
        quantization) and every option that changes the English copy.

        The summary model counts only with `--summary model` (no other mode uses it); the
        glossary only when one is used. Both are appended, so the keys of runs without them are
        the ones earlier versions wrote and existing locks stay valid.
        """
        key = (
            f"{identity}|summary={self.summary.value}|add={self.add_summary}"
            f"|fences={self.prose_fences}|taxonomies={self.translate_taxonomies}"
        )
        if self.summary == SummaryMethod.model:
            key += f"|summary_model={self.summary_model}"
        if self.glossary is not None:
            key += f"|glossary={self.glossary_sha256 or 'unreadable'}"
        return key


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""  # loading the glossary reports the problem with the file's name
