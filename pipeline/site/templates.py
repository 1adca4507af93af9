"""The site's own templates that show Japanese on English pages, and their English variants.

A shortcode or layout of the site (`layouts/`, or a theme inside the site) can hold Japanese text
and root-relative links to Japanese posts; every English page that uses it shows them. Hugo picks
a language variant of a template for that language's pages (`shortcodes/series.en.html`,
`_default/single.en.html`; checked with Hugo 0.168 and 0.111), so `honyaku init` plans one: the
template's text between tags and its reader attributes (alt, title, …) translated, its links to
pages that have an English version pointed at those, every other byte as written. The original
is never touched; a theme's template gets its variant in the site's own `layouts/`.

What cannot be varied safely is reported by file and line instead: Japanese inside a template
action (`{{ … "日本語" }}`), in a script or style, in an attribute that is not reader text, in text
that an action interrupts (`{{ .Count }}件`), and any partial (Hugo 0.168 also gives a partial's
`.en.html` variant to Japanese pages, 0.111 never uses it: use `i18n` there).

A variant's first bytes are a template comment (no output) naming its source and the hashes of
both, so a later run knows a variant a person edited (kept, like an edited copy) and a template
that changed after its variant was written (reported by `batch`).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import chars
from pipeline.wording import count

Translate = Callable[[list[str]], list[str]]  # texts -> English texts, same length and order
EnglishLink = Callable[[str], str]  # a link of a template -> the link for its English variant

READER_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder", "label"})
LINK_ATTRIBUTES = frozenset({"href"})
_HEADER = re.compile(
    r"\{\{/\* honyaku: English variant of (?P<source>\S+); source (?P<source_sha>[0-9a-f]{12}), "
    r"variant (?P<variant_sha>[0-9a-f]{12})\. [^*]*\*/\}\}"
)
# A template's pieces, in order: comments and actions, HTML comments, script/style elements,
# tags; text is what lies between.
_PIECE = re.compile(
    r"(?P<comment>\{\{-?\s*/\*.*?\*/\s*-?\}\})"
    r"|(?P<action>\{\{.*?\}\})"
    r"|(?P<html_comment><!--.*?-->)"
    r"|(?P<raw><(?P<raw_name>script|style)\b.*?</(?P=raw_name)\s*>)"
    r"|(?P<tag></?[A-Za-z][^<>]*>)",
    re.S | re.I,
)
_ATTRIBUTE = re.compile(
    r"""(?P<name>[^\s"'=<>/]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+)))?"""
)


# A link made from the site's base URL is the same on every language's pages: English readers
# are taken to the Japanese site. Only the template can say it otherwise (`absLangURL`).
_SITE_BASE = re.compile(r"\{\{-?\s*(?:\$?\.Site|site)\.BaseURL\b")
_SITE_BASE_WHY = (
    "a link made from .Site.BaseURL goes to the Japanese site on English pages too; write it "
    'with absLangURL (for a feed: {{ "index.xml" | absLangURL }})'
)


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Finding:
    """A place in a template whose Japanese honyaku cannot translate safely."""

    path: str  # from the site root
    line: int
    why: str

    def line_text(self) -> str:
        return f"{self.path}:{self.line}: {self.why}"


@dataclass(frozen=True)
class Variant:
    """The English variant of one template: what is there now ("" for none) and what init
    writes (equal when nothing is to change)."""

    source: str  # from the site root
    target: str
    old: str
    new: str
    kept: str = ""  # why an existing variant is kept as it is

    @property
    def changes(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    japanese: str  # the text to translate ("" for a link edit)
    english: str = ""  # a link edit's new text
    attribute: bool = False  # escaped for a quoted attribute value


def templates_of(root: Path) -> list[tuple[Path, Path]]:
    """(template, where its English variant goes) for every HTML template of the site and of the
    themes inside it that a site layout does not override; variants and other languages' own
    templates are not templates to vary."""
    own = root / "layouts"
    found: dict[str, tuple[Path, Path]] = {}
    themes = sorted((root / "themes").glob("*/layouts")) if (root / "themes").is_dir() else []
    for folder in (own, *themes):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.html")):
            rel = path.relative_to(folder).as_posix()
            if _language_of(path.name) is not None or rel in found or not path.is_file():
                continue
            found[rel] = (path, own / Path(rel).with_suffix(f".en{path.suffix}"))
    return sorted(found.values())


def _language_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[-2] if len(parts) >= 3 and re.fullmatch(r"[a-z]{2}(-[a-z]+)?", parts[-2]) else None


def plan_variants(
    root: Path, translate: Translate, english_link: EnglishLink
) -> tuple[list[Variant], list[Finding]]:
    """The English variants of the site's templates that show Japanese (or links honyaku would
    point at English pages), and the places that cannot be translated safely."""
    variants: list[Variant] = []
    findings: list[Finding] = []
    for path, target in templates_of(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        source = path.relative_to(root).as_posix()
        edits, unsafe = _scan(text, source, english_link)
        findings += unsafe
        if "/partials/" in f"/{source}":
            if edits:
                findings.append(_partial_finding(text, source, edits))
            continue
        if not edits:
            continue
        variants.append(_variant(root, path, target, text, edits, translate))
    return variants, findings


def _partial_finding(text: str, source: str, edits: list[_Edit]) -> Finding:
    first = min(edits, key=lambda e: e.start)
    why = (
        "a partial with Japanese text or links to Japanese pages: Hugo has no language variant "
        "of a partial that 0.111 and 0.168 agree on; move the text to i18n/ and use {{ i18n }}"
    )
    return Finding(source, text.count("\n", 0, first.start) + 1, why)


def _variant(
    root: Path, path: Path, target: Path, text: str, edits: list[_Edit], translate: Translate
) -> Variant:
    source, where = path.relative_to(root).as_posix(), target.relative_to(root).as_posix()
    old = _read(target)
    header = _HEADER.match(old) if old else None
    if old and header is None:
        return Variant(source, where, old, old, "an English variant honyaku did not write: kept")
    if header is not None and short_hash(old[header.end() :]) != header["variant_sha"]:
        return Variant(source, where, old, old, "edited by a person since honyaku wrote it: kept")
    if header is not None and header["source_sha"] == short_hash(text):
        return Variant(source, where, old, old)
    body = _apply(text, edits, translate)
    stamp = (
        f"{{{{/* honyaku: English variant of {source}; source {short_hash(text)}, variant "
        f"{short_hash(body)}. Edit it freely: honyaku keeps an edited variant. */}}}}"
    )
    return Variant(source, where, old, stamp + body)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _apply(text: str, edits: list[_Edit], translate: Translate) -> str:
    wanted = [e.japanese for e in edits if e.japanese]
    english = iter(translate(wanted) if wanted else [])
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        new = edit.english
        if edit.japanese:
            new = html.escape(_plain(next(english)), quote=edit.attribute)
        out += [text[at : edit.start], new]
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def _plain(english: str) -> str:
    """The translator's English as plain text: its Markdown escapes undone (a template's text is
    HTML, where a backslash would show)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", english).strip()


def _scan(text: str, source: str, english_link: EnglishLink) -> tuple[list[_Edit], list[Finding]]:
    edits: list[_Edit] = []
    findings: list[Finding] = []

    def line(at: int) -> int:
        return text.count("\n", 0, at) + 1

    def unsafe(at: int, why: str) -> None:
        findings.append(Finding(source, line(at), why))

    for kind, start, end in _pieces(text):
        piece = text[start:end]
        if kind in ("comment", "html_comment") or not (
            chars.has_japanese_letters(piece) or kind == "tag"
        ):
            continue
        if kind == "action":
            unsafe(start, "Japanese inside a template action; move it to i18n/ and use {{ i18n }}")
        elif kind == "raw":
            unsafe(start, "Japanese inside a script or style element")
        elif kind == "text":
            edits += _text_edit(text, start, end, unsafe)
        else:
            edits += _tag_edits(text, start, end, english_link, unsafe)
    return edits, findings


def _pieces(text: str) -> Iterator[tuple[str, int, int]]:
    at = 0
    for match in _PIECE.finditer(text):
        if match.start() > at:
            yield "text", at, match.start()
        yield str(match.lastgroup if match.lastgroup != "raw_name" else "raw"), *match.span()
        at = match.end()
    if at < len(text):
        yield "text", at, len(text)


def _text_edit(text: str, start: int, end: int, unsafe: Callable[[int, str], None]) -> list[_Edit]:
    piece = text[start:end]
    core = piece.strip()
    lead = len(piece) - len(piece.lstrip())
    # Text an action interrupts (`{{ .Count }}件の記事`) reads as one sentence with the action's
    # output inside: translating its pieces apart would not.
    before, after = text[:start].rstrip(" \t"), text[end:].lstrip(" \t")
    if before.endswith("}}") or after.startswith("{{"):
        unsafe(start, "Japanese text around a template action; move it to i18n/ with the value")
        return []
    return [_Edit(start + lead, start + lead + len(core), html.unescape(core))]


def _tag_edits(
    text: str, start: int, end: int, english_link: EnglishLink, unsafe: Callable[[int, str], None]
) -> list[_Edit]:
    edits = []
    name_end = re.match(r"</?[A-Za-z][^\s/>]*", text[start:end])
    body_start = start + (name_end.end() if name_end else 1)
    for match in _ATTRIBUTE.finditer(text, body_start, end - 1):
        group = next((g for g in ("dq", "sq", "bare") if match.group(g) is not None), None)
        if group is None:
            continue
        name, value = match["name"].lower(), match.group(group)
        value_start, value_end = match.span(group)
        if name in LINK_ATTRIBUTES and _SITE_BASE.search(value):
            unsafe(value_start, _SITE_BASE_WHY)
        elif name in LINK_ATTRIBUTES:
            new = english_link(html.unescape(value))
            if new != html.unescape(value):
                edits.append(_Edit(value_start, value_end, "", html.escape(new, quote=True)))
        elif chars.has_japanese_letters(value):
            if name in READER_ATTRIBUTES and "{{" not in value:
                edits.append(_Edit(value_start, value_end, html.unescape(value), attribute=True))
            else:
                unsafe(value_start, f"Japanese in the '{name}' attribute, which is not reader text")
    return edits


def template_notes(root: Path, english_link: EnglishLink) -> list[str]:
    """What `batch` says about the site's templates, once per run: each English variant honyaku
    wrote whose template changed since, and how many templates show Japanese on English pages
    with no variant yet (`honyaku init` plans them)."""
    lines, missing = [], 0
    for path, target in templates_of(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        old = _read(target)
        header = _HEADER.match(old) if old else None
        source, where = path.relative_to(root).as_posix(), target.relative_to(root).as_posix()
        if header is not None and short_hash(text) != header["source_sha"]:
            lines.append(
                f"{source} changed after its English variant {where} was written: run honyaku "
                "init to see the new variant"
            )
        elif not old and "/partials/" not in f"/{source}":
            missing += bool(_scan(text, source, english_link)[0])
    if missing:
        lines.append(
            f"{count(missing, 'site template')} with Japanese text or links to Japanese pages on "
            "English pages and no English variant: honyaku init plans them"
        )
    return lines


# A shortcode template that renders its inner text as Markdown: `.Inner | markdownify`,
# `markdownify .Inner`, `.Page.RenderString .Inner` (and `.InnerDeindent`).
_RENDERS_INNER = re.compile(
    r"\.Inner(?:Deindent)?\b[^}]*\|\s*(?:markdownify|\$?\.Page\.RenderString)\b"
    r"|(?:markdownify|RenderString)\s*\(?\s*\$?\.Inner"
)


def prose_shortcodes(root: Path) -> frozenset[str]:
    """The names of the site's own shortcodes (`layouts/shortcodes/`, a theme's) whose template
    renders the inner text as Markdown: links inside a pair of them are links on the page."""
    names = set()
    themes = sorted((root / "themes").glob("*/layouts")) if (root / "themes").is_dir() else []
    for folder in (root / "layouts", *themes):
        for path in sorted((folder / "shortcodes").glob("*.html")):
            if _language_of(path.name) is None and _RENDERS_INNER.search(_read(path)):
                names.add(path.stem.lower())
    return frozenset(names)
