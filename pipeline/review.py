"""`honyaku review`: what a person post-editing the English pages should read first.

For each Japanese post, the orchestrator translates it again (from the translation memory, so
normally without a model call: the scores were stored when the post was translated) and the
per-sentence notes of its report are laid out block by block: front-matter fields, prose blocks
(Japanese and English sentence by sentence, flagged ones with their reasons) and what is kept as
written (code, HTML, shortcodes) as it is. `review_html` renders it as one page; `to_json` gives
the same data.

Marking reviewed travels with the site, not the cache: `honyaku-reviewed.toml` at the site root
(commit it) records each reviewed post's source path and the SHA-256 of its Japanese source, so a
post drops out of the review list until its source changes.
"""

from __future__ import annotations

import hashlib
import json
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pipeline import chars
from pipeline.confidence import THRESHOLD, assess
from pipeline.notes import SentenceNote

REVIEWED_FILE = "honyaku-reviewed.toml"
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")
_MARKER_CHARS = 6  # a verbatim span this short on one line is block syntax ("## ", "- ", "|")


@dataclass(frozen=True)
class Row:
    kind: str  # front | prose | verbatim
    label: str  # the block kind, or the front-matter key
    sentences: tuple[SentenceNote, ...] = ()
    text: str = ""  # a verbatim row's text, as written
    prefix: str = ""  # block syntax before a prose block ("## ", "- "), as written


@dataclass(frozen=True)
class PostReview:
    source: str  # as shown: relative to the site root when there is one
    english: str | None  # the English copy's path, relative to the site root
    english_path: str | None  # its absolute path, for links
    source_sha256: str
    reviewed: bool
    sentences: int
    flagged: int
    rows: tuple[Row, ...]
    error: str = ""


@dataclass(frozen=True)
class PostFile:
    path: Path
    root: Path  # the site root (or the post's folder outside a site): where reviews are kept
    key: str  # the post's path relative to `root`, as recorded
    english: Path | None


def sha256_text(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the reviewed record ------------------------------------------------------------------------


def load_reviewed(root: Path) -> dict[str, str]:
    """Reviewed posts of the site at `root`: source key -> SHA-256 of the source reviewed."""
    path = root / REVIEWED_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from exc
    posts = data.get("posts", {})
    return {k: str(v.get("source_sha256", "")) for k, v in posts.items() if isinstance(v, dict)}


def mark_reviewed(root: Path, marks: dict[str, str]) -> Path:
    """Record posts as reviewed (key -> source SHA-256), keeping the others; returns the file."""
    from pipeline.site import atomic_write

    known = load_reviewed(root)
    known.update(marks)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    previous = _read_dates(root)
    lines = [
        "# Posts a person has reviewed after machine translation (honyaku review --done POST).",
        "# Commit this file with the site: a post drops out of `honyaku review` until its",
        "# Japanese source changes (its SHA-256 no longer matches).",
    ]
    for key in sorted(known):
        date = stamp if key in marks else previous.get(key, stamp)
        lines += ["", f"[posts.{json.dumps(key, ensure_ascii=False)}]"]
        lines += [f'source_sha256 = "{known[key]}"', f'reviewed = "{date}"']
    path = root / REVIEWED_FILE
    atomic_write(path, "\n".join(lines) + "\n")
    return path


def _read_dates(root: Path) -> dict[str, str]:
    path = root / REVIEWED_FILE
    if not path.is_file():
        return {}
    posts = tomllib.loads(path.read_text("utf-8")).get("posts", {})
    return {k: str(v.get("reviewed", "")) for k, v in posts.items() if isinstance(v, dict)}


# --- finding posts ------------------------------------------------------------------------------


def find_posts(paths: Sequence[Path]) -> list[PostFile]:
    """Japanese posts under `paths` (posts, folders or a site), with where their English copy
    goes and where their review record is kept. English copies are passed by."""
    found: dict[Path, PostFile] = {}
    for start in paths:
        site = _site(start)
        files = [start] if start.is_file() else sorted(_markdown_files(start))
        for path in files:
            post = _post_file(path.resolve(), site, explicit=start.is_file())
            if post is not None:
                found.setdefault(post.path, post)
    return sorted(found.values(), key=lambda p: (str(p.root), p.key))


def _markdown_files(folder: Path) -> Iterable[Path]:
    return (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _MARKDOWN)


def _site(start: Path) -> Any:
    from pipeline.site import SiteError, detect_site

    try:
        return detect_site(start)
    except (SiteError, OSError, ValueError):
        return None


def _post_file(path: Path, site: Any, *, explicit: bool) -> PostFile | None:
    from pipeline.site import SiteError, english_path, is_translation_source, relative_key

    if not explicit:
        if site is not None and not is_translation_source(path, site):
            return None
        if not chars.has_japanese_letters(path.read_text("utf-8", errors="replace")):
            return None
    if site is None:
        return PostFile(path, path.parent, path.name, None)
    try:
        english = english_path(path, site)
    except SiteError:
        english = None
    return PostFile(path, site.root, relative_key(path, site.root), english)


# --- building a review --------------------------------------------------------------------------

TranslatePost = Callable[[str], tuple[str, Any]]  # text -> (English, PostReport)


def review_post(
    post: PostFile,
    translate: TranslatePost,
    reviewed: dict[str, str],
    *,
    options: Any,
    threshold: float = THRESHOLD,
) -> PostReview:
    """Translate the post through `translate` (memory first) and lay its notes out as rows;
    `options` are the api Options the post is translated with."""
    from pipeline.api import HonyakuError, parse_post

    data = post.path.read_bytes()
    digest = sha256_text(data)
    english = _relative(post.english, post.root)
    english_path = str(post.english) if post.english is not None else None
    done = reviewed.get(post.key) == digest
    try:
        text = data.decode("utf-8")
        _english, report = translate(text)
        document = parse_post(
            text,
            prose_fences=options.prose_fences,
            markdown_shortcodes=options.markdown_shortcodes,
        )
    except (HonyakuError, UnicodeDecodeError) as exc:
        error = str(exc).splitlines()[0]
        return PostReview(post.key, english, english_path, digest, done, 0, 0, (), error)
    notes = [rethreshold(n, threshold) for n in report.sentences]
    rows = layout(document, notes, _front_labels(document, options.translate_taxonomies))
    counted = [n for n in notes if n.status != "as-is"]
    flagged = sum(n.flagged for n in counted)
    return PostReview(post.key, english, english_path, digest, done, len(counted), flagged, rows)


def rethreshold(note: SentenceNote, threshold: float) -> SentenceNote:
    """The note judged against another threshold than the report's default."""
    if note.status == "as-is" or threshold == THRESHOLD:
        return note
    verdict = assess(note.score, note.checks, threshold)
    return replace(
        note, confidence=verdict.confidence, reasons=verdict.reasons, flagged=verdict.flagged
    )


def _relative(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _front_labels(document: Any, taxonomies: bool) -> dict[int, str]:
    """Front-matter units follow the body's prose units, in `reader_fields` order (as in api)."""
    from pipeline.frontmatter import reader_fields

    body = len(document.prose)
    fields = reader_fields(document.front_matter, include_taxonomies=taxonomies)
    return {body + k: ".".join(str(p) for p in f.path) for k, f in enumerate(fields)}


def layout(document: Any, notes: Sequence[SentenceNote], labels: dict[int, str]) -> tuple[Row, ...]:
    """Rows in reading order: front-matter fields, then the body's blocks as written."""
    by_unit: dict[int, list[SentenceNote]] = {}
    for note in notes:
        by_unit.setdefault(note.unit, []).append(note)
    body = len(document.prose)
    rows = [
        Row("front", labels.get(unit, "front matter"), tuple(by_unit[unit]))
        for unit in sorted(u for u in by_unit if u >= body)
    ]
    prose_index = 0
    prefix = ""
    for span in document.spans:
        if hasattr(span, "text"):  # a prose unit
            block = tuple(by_unit.get(prose_index, ()))
            rows.append(Row("prose", span.block, block, prefix=prefix))
            prose_index += 1
            prefix = ""
            continue
        raw = document.body[span.start : span.end]
        core = raw.strip()
        if not core:
            continue
        if len(core) <= _MARKER_CHARS and "\n" not in core:
            prefix += core + " "
        else:
            rows.append(Row("verbatim", "as written", text=raw.strip("\n")))
    return tuple(rows)


def to_json(reviews: Sequence[PostReview], threshold: float) -> str:
    data = {
        "threshold": round(threshold, 4),
        "posts": [asdict(r) for r in reviews],
        "flagged": sum(r.flagged for r in reviews if not r.reviewed),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
