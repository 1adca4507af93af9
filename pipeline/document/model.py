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
    # Offsets in `raw` of characters that were literal text in the source although English
    # could read them as markup (a `*` the parser did not pair): render escapes them there.
    literal: tuple[int, ...] = ()
    # A shortcut or collapsed reference's close: its label, where it goes in `raw` (just after
    # the `]`), and the index of the atom that opens the link.
    label: str = ""
    label_at: int = -1
    partner: int = -1
    start: int = -1  # where `raw` starts in the body (nested prose units are spliced into it)


@dataclass(frozen=True)
class Prose:
    start: int
    end: int
    text: str
    atoms: tuple[Atom, ...]
    breaks: tuple[str, ...]
    # heading | paragraph | list | quote | table | caption | html | attribute | footnote
    # (`attribute`: a reader attribute's value in an HTML tag, `alt="…"`)
    block: str
    line_start: bool  # the unit starts where Markdown block syntax would be recognised
    # The quote around the value (a shortcode parameter, a link title, an attribute), escaped
    # in the output: with a backslash in Markdown, as an entity in HTML.
    quote: str = ""


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
class Kept:
    """Japanese a reader sees that the document stage leaves as written, because changing it is
    not safe (inside an HTML block's `<pre>` or `<script>`, in a tag's attribute, text it cannot
    read as plain HTML text): the orchestrator reports it."""

    start: int
    end: int
    why: str
    what: str = "HTML"


@dataclass(frozen=True)
class Document:
    front_matter: FrontMatter
    body: str
    spans: tuple[Span, ...]
    code_blocks: tuple[CodeBlock, ...] = field(default=())
    # Prose inside an atom of a prose span (a link's or image's title): translated like any
    # unit, put back into that atom when it is rendered.
    nested: tuple[Prose, ...] = field(default=())
    kept: tuple[Kept, ...] = field(default=())

    @property
    def prose(self) -> tuple[Prose, ...]:
        """The units in reading order of the spans, then the nested ones."""
        return (*(s for s in self.spans if isinstance(s, Prose)), *self.nested)
