"""Site-level rewrites of an English copy: links to other pages, heading anchors, `url` prefixes."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from pipeline.site.config import Site
from pipeline.site.headings import _FENCE, heading_ids
from pipeline.site.paths import (
    _abs,
    content_file_for_url,
    english_path,
    lang_url_prefix,
    page_url_dir,
)

HasTranslation = Callable[[Path], bool]

_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_INLINE_DEST = re.compile(r"(\]\(\s*)(<[^>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)", re.M)
_HREF = re.compile(r"""(\bhref\s*=\s*)(["'])([^"'\n]*)\2""")
_REF_SHORTCODE = re.compile(
    r"""(\{\{[<%]\s*)(rel)?ref\s+(?:path\s*=\s*)?(["'`])([^"'`\n]+)\3([^}]*?)(\s*[>%]\}\})"""
)


def _outside_code(text: str, edit: Callable[[str], str]) -> str:
    """Apply `edit` to the parts of `text` outside fenced code blocks and inline code spans."""
    out: list[str] = []
    chunk: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if chunk:
            joined = "".join(chunk)
            pieces, last = [], 0
            for match in _CODE_SPAN.finditer(joined):
                pieces.append(edit(joined[last : match.start()]))
                pieces.append(match.group(0))
                last = match.end()
            pieces.append(edit(joined[last:]))
            out.append("".join(pieces))
            chunk.clear()

    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            flush()
            fence = match.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not line.strip()[len(match.group(1)) :].strip()
            ):
                fence = None
        else:
            chunk.append(line)
    flush()
    return "".join(out)


def _split_dest(dest: str) -> tuple[str, str]:
    for mark in ("#", "?"):
        if mark in dest:
            index = dest.index(mark)
            return dest[:index], dest[index:]
    return dest, ""


def _resolve_ref(ref: str, page: Path, site: Site) -> Path | None:
    """The source-language file a `ref`/`relref` argument names, the way Hugo looks it up."""
    ref = ref.split("#")[0]
    if not ref:
        return None
    dirs = [d for d in site.source_dirs if d.is_dir()]
    if ref.startswith("/"):
        candidates = [d / ref.lstrip("/") for d in dirs]
    else:
        candidates = [page.parent / ref] + [d / ref for d in dirs]
    for candidate in candidates:
        for path in (
            candidate,
            candidate / "index.md",
            candidate / "_index.md",
            candidate.with_name(candidate.name + ".md"),
        ):
            if path.is_file():
                return _abs(path)
    if "/" not in ref:
        # Hugo also accepts a base name that is unique in the site.
        pattern = ref if ref.endswith(".md") else f"{ref}/index.md"
        hits = [p for d in dirs for p in d.rglob(pattern)]
        if len(hits) == 1:
            return _abs(hits[0])
    return None


def rewrite_links(
    en_text: str, source: Path, site: Site, *, has_translation: HasTranslation | None = None
) -> str:
    """Point links to other pages of the site at their English version when one exists.

    - an absolute link to a source-language page with an English version gets the English prefix
      (`/post/x/` -> `/en/post/x/`);
    - a relative link (`../x/`) already lands in the English tree; when that page has no English
      version it is pointed at the Japanese page instead (`/post/x/`);
    - `{{< ref >}}`/`{{< relref >}}` resolve per language by themselves; to a page without an
      English version they get `lang="ja"` (Hugo 0.111 fails the build otherwise).
    Code blocks and inline code are left alone.
    """
    source = _abs(source)
    exists = has_translation or (lambda page: english_path(page, site).exists())
    src_prefix = lang_url_prefix(site, site.source_lang)
    en_prefix = lang_url_prefix(site, site.target_lang)
    here = page_url_dir(source, site)

    def new_dest(dest: str) -> str:
        bracketed = dest.startswith("<") and dest.endswith(">")
        raw = dest[1:-1] if bracketed else dest
        path, rest = _split_dest(raw)
        if not path or "://" in path or path.startswith(("//", "mailto:")) or ":" in path:
            return dest
        if path.startswith("/"):
            if en_prefix and (path + "/").startswith(en_prefix + "/"):
                return dest
            if src_prefix and not (path + "/").startswith(src_prefix + "/"):
                return dest
            url = path[len(src_prefix) :] or "/"
            page = content_file_for_url(url, site)
            if page is None or not exists(page):
                return dest
            new = en_prefix + url
        else:
            url = str(PurePosixPath(os.path.normpath(PurePosixPath(here) / path)))
            if path.endswith("/") and not url.endswith("/"):
                url += "/"
            page = content_file_for_url(url, site)
            if page is None or _abs(page) == source or exists(page):
                return dest
            new = (src_prefix + url) if url.startswith("/") else dest
        new += rest
        return f"<{new}>" if bracketed else new

    def ref_lang(match: re.Match[str]) -> str:
        if re.search(r"\blang\s*=", match.group(5)):
            return match.group(0)
        page = _resolve_ref(match.group(4), source, site)
        if page is None or exists(page):
            return match.group(0)
        kind = "relref" if match.group(2) else "ref"
        quote = match.group(3)
        return (
            f"{match.group(1)}{kind} path={quote}{match.group(4)}{quote} "
            f'lang="{site.source_lang}"{match.group(5)}{match.group(6)}'
        )

    def edit(chunk: str) -> str:
        chunk = _INLINE_DEST.sub(lambda m: m.group(1) + new_dest(m.group(2)), chunk)
        chunk = _REF_DEF.sub(lambda m: m.group(1) + new_dest(m.group(2)), chunk)
        chunk = _HREF.sub(
            lambda m: m.group(1) + m.group(2) + new_dest(m.group(3)) + m.group(2), chunk
        )
        return _REF_SHORTCODE.sub(ref_lang, chunk)

    return _outside_code(en_text, edit)


def alias_needs_prefix(version: tuple[int, int, int] | None) -> bool:
    """Absolute aliases became language-relative in Hugo 0.155; before that they need `/en`."""
    return version is not None and version < (0, 155, 0)


def url_prefix_for(site: Site) -> str:
    """The prefix honyaku gives `url` (and, for Hugo < 0.155, `aliases`) in English copies."""
    return lang_url_prefix(site, site.target_lang)


def prefix_url(value: str, prefix: str) -> str:
    """'/custom/x/' -> '/en/custom/x/'; relative and already-prefixed values are unchanged."""
    if (
        not prefix
        or not value.startswith("/")
        or value.startswith("//")
        or (value + "/").startswith(prefix + "/")
    ):
        return value
    return prefix + value


FrontMatterEdit = Callable[[str, str], str]


def prefix_front_matter_urls(en_text: str, prefix: str, edit: FrontMatterEdit) -> str:
    """Give `url` (and aliases) the English prefix through the front-matter splicer.

    `edit(text, prefix)` is the front-matter module's operation (parse, `prefix_urls`, `splice`);
    it is passed in so the site stage does not import another stage.
    """
    return edit(en_text, prefix) if prefix else en_text


_ANCHOR_LINK = re.compile(
    r"(\]\(\s*<?#|\bhref\s*=\s*[\"']#|^ {0,3}\[[^\]\n]+\]:[ \t]*<?#)"
    r"([^\s)\"'>]+)",
    re.M,
)


def anchor_map(ja_text: str, en_text: str) -> dict[str, str]:
    """Japanese heading ID -> English heading ID, when both posts have the same headings."""
    ja_ids, en_ids = heading_ids(ja_text), heading_ids(en_text)
    if len(ja_ids) != len(en_ids):
        return {}
    return {ja: en for (ja, _), (en, _) in zip(ja_ids, en_ids, strict=True) if ja != en}


def rewrite_anchors(ja_text: str, en_text: str) -> str:
    """Rewrite `](#id)` targets from the Japanese headings' IDs to the English headings' IDs."""
    mapping = anchor_map(ja_text, en_text)
    if not mapping:
        return en_text

    def swap(match: re.Match[str]) -> str:
        target = match.group(2)
        new = mapping.get(target) or mapping.get(unquote(target))
        return match.group(1) + new if new else match.group(0)

    return _outside_code(en_text, lambda chunk: _ANCHOR_LINK.sub(swap, chunk))
