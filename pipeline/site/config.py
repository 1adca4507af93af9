"""The Hugo site's setup: its config file, languages and content dirs, and where English copies go
(the layout). Also which Hugo is installed, for behaviour that changed between versions."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pipeline.site.templates import prose_shortcodes

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

Layout = Literal["content-dir", "filename"]


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
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SiteError(
            f"{path}: cannot read the Hugo config: not UTF-8 (byte 0x{raw[exc.start]:02x} at "
            f"offset {exc.start})"
        ) from None
    except OSError as exc:
        raise SiteError(f"{path}: cannot read the Hugo config ({exc.strerror or exc})") from None
    if "\x00" in text:
        raise SiteError(f"{path}: cannot read the Hugo config: binary data, not text")
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
    files: list[tuple[list[str], Path]] = []
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


def config_files(root: Path) -> list[tuple[list[str], Path]]:
    """Every config file Hugo reads for a production build, lowest precedence first, with the
    key path each one's content sits under (`config/_default/languages.yaml` -> languages)."""
    files: list[tuple[list[str], Path]] = []
    for env in ("_default", "production"):
        folder = root / "config" / env
        if folder.is_dir():
            files.extend(_config_dir_files(folder))
    # The root file takes precedence over the config folder.
    root_file = next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)
    return [*files, ([], root_file)] if root_file else files


def load_config(root: Path) -> dict[str, Any]:
    """The site config as Hugo merges it for a production build, keys lowercased."""
    merged: dict[str, Any] = {}
    for keys, path in config_files(root):
        data: Any = _lower_keys(_parse_config_file(path))
        for key in reversed(keys):
            data = {key: data}
        merged = _merge(merged, data)
    return merged


def defining_file(root: Path, key: tuple[str, ...]) -> Path | None:
    """The config file whose setting of `key` (lowercased) Hugo uses: the last one that has it."""
    found = None
    for prefix, path in config_files(root):
        node: Any = _lower_keys(_parse_config_file(path))
        for part in reversed(prefix):
            node = {part: node}
        for part in key:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            found = path
    return found


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
    base_url: str = ""  # `baseURL` as configured (links under a subpath must carry its path)
    canonify_urls: bool = False  # `canonifyURLs`: Hugo itself puts the base before "/..." links
    linkify: bool = True  # goldmark's `linkify` (on unless turned off): bare URLs are links
    # The site's own paired shortcodes whose template renders the inner text as Markdown.
    prose_shortcodes: frozenset[str] = frozenset()

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


def _dir_setting(value: object) -> str:
    """A contentDir as written: an absolute one stays absolute (the site checks it lies inside)."""
    text = str(value)
    return "/" + text.strip("/") if text.startswith("/") else text.strip("/")


def languages_of(config: Mapping[str, Any]) -> tuple[Language, ...]:
    """Every configured language with its content dirs, sorted by weight then code like Hugo."""
    default_dir = _dir_setting(config.get("contentdir") or "content")
    table = config.get("languages") or {}
    mounts = _content_mounts(config)
    shared = [src for src, langs in mounts if not langs]
    langs = []
    for code, settings in table.items() if isinstance(table, dict) else ():
        settings = settings if isinstance(settings, dict) else {}
        own = [src for src, ls in mounts if code in ls]
        if settings.get("contentdir"):
            own.insert(0, _dir_setting(settings["contentdir"]))
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
    # No layout is offered instead: without the language in the config, Hugo publishes English
    # copies as pages of the default language (see _forced_without_target).
    return (
        f"{root}: the site has no '{target}' language in {config_name}, so Hugo would not "
        f"publish English pages; run `honyaku init {root}` to see the change to make (and "
        f"`honyaku init --yes {root}` to make it)"
    )


def _forced_without_target(
    root: Path, config: Mapping[str, Any], config_name: str, target: str, layout: Layout
) -> str:
    """Why a forced layout cannot stand in for the language: Hugo reads `post.en.md` on a site
    with no `en` language as a page of the default language (Hugo's own default is `en`)."""
    default = str(config.get("defaultcontentlanguage") or "en").lower()
    shown = (
        "at the Japanese pages' URLs, in their place"
        if default == target
        else f"as '{default}' pages of their own (/post/x.{target}/), not under /{target}/"
    )
    return (
        f"{root}: --layout {layout} cannot make English pages here: {config_name} has no "
        f"'{target}' language, so Hugo would publish the English copies as the site's default "
        f"language, {shown}; run `honyaku init {root}` to add the language"
    )


def detect_site(
    start: Path,
    *,
    source_lang: str | None = None,
    target_lang: str = "en",
    layout: Layout | None = None,
) -> Site:
    """Find the site around `start` and decide where English copies go.

    Raises SiteError (one line, pointing to `honyaku init`) for a site whose config has no
    `target_lang` language, whatever the `layout`.
    """
    root = find_site_root(start)
    config = load_config(root)
    config_name = _config_format(root)
    default = str(config.get("defaultcontentlanguage") or "en").lower()
    source = (source_lang or _own_language(root, config, config_name, target_lang)).lower()
    target = target_lang.lower()
    if source == target:
        raise SiteError(
            f"{root}: source and target language are both '{source}' (pass --source-lang)"
        )
    by_code = _with_pair(root, config, config_name, (source, target), layout)
    by_code, decided = _decide_layout(root, by_code, (source, target), layout)
    if decided == "filename" and not config.get("defaultcontentlanguage") and target == "en":
        # Hugo's own default is 'en': it reads an unsuffixed post.md as English, and post.en.md
        # would be the same page at the same URL; the Japanese site would have no pages.
        raise SiteError(
            f"{root}: {config_name} sets no defaultContentLanguage, so Hugo's default language "
            "is 'en': it reads post.md as English and the English copies (post.en.md) would "
            f"take the Japanese pages' URLs; run `honyaku init {root}` to add "
            f'defaultContentLanguage = "{source}"'
        )
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
        base_url=str(config.get("baseurl") or ""),
        canonify_urls=bool(config.get("canonifyurls", False)),
        linkify=_linkify(config),
        prose_shortcodes=prose_shortcodes(root),
    )


def _linkify(config: Mapping[str, Any]) -> bool:
    """`markup.goldmark.extensions.linkify` (keys in any case; Hugo's default is on)."""
    node: Any = config
    for key in ("markup", "goldmark", "extensions", "linkify"):
        if not isinstance(node, Mapping):
            return True
        node = next((v for k, v in node.items() if str(k).lower() == key), None)
    return node is not False


def _own_language(root: Path, config: Mapping[str, Any], config_name: str, target: str) -> str:
    """The site's language (config, else content); a site that says nothing and whose posts are
    not Japanese gets an error that names what was looked at, not a guess of English."""
    from pipeline.site.site_language import site_language

    found = site_language(config, root, config_name)
    if found.code is None:
        raise SiteError(
            f"{root}: {config_name} names no language (defaultContentLanguage, languages, "
            "languageCode) and most posts are not Japanese; pass --source-lang"
        )
    if found.code == target.lower():
        raise SiteError(
            f"{root}: the site is '{found.code}' ({found.because}), the same as the target "
            "language; for a Japanese site pass --source-lang ja"
        )
    return found.code


def _with_pair(
    root: Path,
    config: Mapping[str, Any],
    config_name: str,
    pair: tuple[str, str],
    layout: Layout | None,
) -> dict[str, Language]:
    """The configured languages by code, with the source added where a forced `layout` allows
    it; SiteError (pointing to `honyaku init`) where the target language is not configured."""
    source, target = pair
    langs = languages_of(config)
    if not langs:
        # An unconfigured site is monolingual in its default language.
        default_dir = _dir_setting(config.get("contentdir") or "content")
        langs = (Language(source, 1, (default_dir,)),)
    by_code = {lang.code: lang for lang in langs}
    if target not in by_code:
        if layout is not None:
            raise SiteError(_forced_without_target(root, config, config_name, target, layout))
        raise SiteError(_monolingual_message(root, config_name, source, target))
    if source not in by_code:
        if layout is None:
            raise SiteError(_monolingual_message(root, config_name, source, target))
        by_code[source] = Language(source, 0, langs[0].content_dirs)
    return by_code


def _decide_layout(
    root: Path, by_code: dict[str, Language], pair: tuple[str, str], layout: Layout | None
) -> tuple[dict[str, Language], Layout]:
    """Content-dir when source and target have content dirs of their own, else filename; a
    forced filename layout gives the target the source's dirs."""
    source, target = pair
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
            by_code = {**by_code, target: replace(tgt, content_dirs=src.content_dirs)}
    return by_code, decided


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
