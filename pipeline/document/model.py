"""The document model the later stages work on: verbatim spans and prose units of one post."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.frontmatter import FrontMatter
from pipeline.inline import SOLO


@dataclass(frozen=True)
class Atom:
    kind: str
    raw: str
    role: str = SOLO


@dataclass(frozen=True)
class Prose:
    start: int
    end: int
    text: str
    atoms: tuple[Atom, ...]
    breaks: tuple[str, ...]
    block: str  # heading | paragraph | list | quote | table | caption | html | footnote
    line_start: bool  # the unit starts where Markdown block syntax would be recognised
    quote: str = ""  # a shortcode parameter's quote character, escaped in the output


@dataclass(frozen=True)
class Verbatim:
    start: int
    end: int


Span = Prose | Verbatim


@dataclass(frozen=True)
class CodeBlock:
    start: int
    end: int
    info: str
    translated: bool = False  # an unlabelled fence of prose, translated on request


@dataclass(frozen=True)
class Document:
    front_matter: FrontMatter
    body: str
    spans: tuple[Span, ...]
    code_blocks: tuple[CodeBlock, ...] = field(default=())

    @property
    def prose(self) -> tuple[Prose, ...]:
        return tuple(s for s in self.spans if isinstance(s, Prose))
