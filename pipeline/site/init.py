"""`honyaku init`: make a Japanese-only Hugo site bilingual by adding the language keys to its own
config file, and nothing else.

The change is planned first (a diff to show), and written only when asked. Every byte of the file
that is not one of the added keys stays as it was: TOML is edited through tomlkit (round-trip), YAML
and JSON get the keys as new text at the end (YAML) or after the opening brace (JSON); either way
the result is re-parsed and compared with the plan, and the diff against the old text must be
insertions only, or the config is refused with a one-line reason. Content never moves: one content
folder gets English copies beside each post (`*.en.md`); a site whose Japanese language already has
its own `contentDir` gets `content/en/`.

The site's `.gitignore` gets the files a run keeps for itself (the process lock, the lock journal,
an atomic write's temporary file), lines appended only; `honyaku.lock` is the site's and is not
among them.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.site.config import (
    CONFIG_NAMES,
    Layout,
    SiteError,
    _parse_config_file,
    defining_file,
    find_site_root,
    hugo_version,
    load_config,
)
from pipeline.site.files import TEMP_SUFFIX
from pipeline.site.lock_journal import JOURNAL_NAME
from pipeline.site.menus import MENU_KEYS, menu_urls, menus_text, menus_to_add, site_menus
from pipeline.site.site_language import site_language
from pipeline.site.site_lock import RUN_LOCK_NAME
from pipeline.site.templates import Variant

NAMES = {"ja": "日本語", "en": "English"}
IGNORED = (RUN_LOCK_NAME, JOURNAL_NAME, f"*{TEMP_SUFFIX}")
_IGNORE_HEADER = "# honyaku's own run files (honyaku.lock is committed)"


@dataclass(frozen=True)
class InitPlan:
    root: Path
    path: Path  # the config file to edit
    old: str
    new: str
    layout: Layout
    source: str
    target: str
    content_dir: str = "content"
    ignore_old: str = ""  # the site's .gitignore, before and after
    ignore_new: str = ""
    language_keys: LanguageKeys | None = None  # the keys written, where init adds a language
    menus_path: Path | None = None  # a new file with the English menus (see site.menus)
    menus_new: str = ""
    menus_notes: tuple[str, ...] = ()  # menus init cannot write, with the fix
    bilingual_in: Path | None = None  # the file that has the target language already
    variants: tuple[Variant, ...] = ()  # English variants of the site's templates (`templates`)
    template_notes: tuple[str, ...] = ()  # templates kept or not varied, by file and line

    @property
    def changes(self) -> bool:
        return any(old != new for _path, old, new in self.files())

    def files(self) -> list[tuple[Path, str, str]]:
        """Every file init writes: (path, old text, new text)."""
        files = [
            (self.path, self.old, self.new),
            (self.ignore_path, self.ignore_old, self.ignore_new),
        ]
        if self.menus_path is not None:
            files.append((self.menus_path, "", self.menus_new))
        files += [(self.root / v.target, v.old, v.new) for v in self.variants]
        return files

    @property
    def config_changes(self) -> bool:
        return self.old != self.new

    @property
    def ignore_changes(self) -> bool:
        return self.ignore_old != self.ignore_new

    @property
    def ignore_path(self) -> Path:
        return self.root / ".gitignore"

    def diff(self) -> str:
        return "".join(_unified(self.root, *file) for file in self.files())

    def notes(self) -> list[str]:
        where = (
            f"beside each post as *.{self.target}.md (no file moves)"
            if self.layout == "filename"
            else f"in content/{self.target}/"
        )
        keys = self.language_keys
        said = [f"Language keys {keys.code}/{keys.name}: {keys.because}."] if keys else []
        if self.menus_path is not None:
            name = self.menus_path.relative_to(self.root).as_posix()
            said.append(
                f"English menus go to {name}: their URLs go to the English pages; the names are "
                "copied from the Japanese menus, translate them there."
            )
        return [
            *said,
            *self.menus_notes,
            *self.template_notes,
            f"English copies will go {where}; Hugo publishes them under /{self.target}/.",
            "Your theme may need: a language switcher (.Translations / .AllTranslations in its "
            f"templates) and i18n/{self.target}.yaml for its own strings if it has none.",
            f"Next: honyaku batch {self.root / self.content_dir}  (then: hugo -s {self.root})",
        ]


def _unified(root: Path, path: Path, old: str, new: str) -> str:
    name = path.relative_to(root).as_posix()
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _ignored(root: Path) -> tuple[str, str]:
    """The site's .gitignore and the same with honyaku's run files appended (those missing)."""
    path = root / ".gitignore"
    try:
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteError(f"{path}: cannot be read ({exc})") from None
    present = {line.strip().lstrip("/") for line in old.splitlines()}
    missing = [name for name in IGNORED if name not in present]
    if not missing:
        return old, old
    sep = "" if not old or old.endswith("\n") else "\n"
    gap = "\n" if old.strip() else ""
    return old, old + sep + gap + "\n".join([_IGNORE_HEADER, *missing]) + "\n"


def _config_file(root: Path) -> Path:
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    folder = root / "config" / "_default"
    for path in sorted(folder.glob("languages.*")):
        raise SiteError(
            f"{path}: the languages are kept in their own file; add '{path.stem}.en' there "
            "by hand (honyaku init edits hugo.* or config.* only)"
        )
    for stem in ("hugo", "config"):
        for suffix in (".toml", ".yaml", ".yml", ".json"):
            if (folder / f"{stem}{suffix}").is_file():
                return folder / f"{stem}{suffix}"
    raise SiteError(f"{root}: no hugo.* or config.* file to add the languages to")


def plan_init(start: Path, source: str = "ja", target: str = "en") -> InitPlan:
    """The change `init` would make; SiteError (one line) when it cannot be made safely."""
    root = find_site_root(start)
    config = load_config(root)
    found_languages = config.get("languages")
    languages: dict[str, Any] = found_languages if isinstance(found_languages, dict) else {}
    # Already bilingual, in whichever file Hugo reads the languages from (a root config, or
    # config/_default/languages.*): nothing to add there, the .gitignore part still applies.
    bilingual = defining_file(root, ("languages", target)) if target in languages else None
    path = bilingual or _config_file(root)
    name = path.relative_to(root).as_posix()
    found = site_language(config, root, name)
    if found.code != source:
        said = f"'{found.code}' ({found.because})" if found.code else "not Japanese"
        raise SiteError(
            f"{root}: the site is {said}; honyaku init makes a '{source}' site bilingual"
        )
    old = path.read_text(encoding="utf-8")
    if old.startswith("\ufeff"):
        raise SiteError(f"{path}: starts with a byte-order mark; remove it and run init again")
    own_dir = bool((languages.get(source) or {}).get("contentdir"))
    layout: Layout = "content-dir" if own_dir else "filename"
    content = str(config.get("contentdir") or "content").strip("/")
    ignore = _ignored(root)
    menus = _english_menus(root, config, path.suffix, source, target)
    if bilingual:
        path, old, new, notes = _default_language(root, config, layout, source, path, old)
        menus["menus_notes"] = (*notes, *menus.get("menus_notes", ()))
        return InitPlan(
            root, path, old, new, layout, source, target, content, *ignore,
            bilingual_in=bilingual, **menus,
        )  # fmt: skip
    own = _lower_keys_of(_parse_config_file(path))
    names = language_keys(config)
    keys = _new_keys(own, source, target, own_dir, names)
    new = _edit(path, old, keys)
    _verify(path, old, new, keys)
    return InitPlan(root, path, old, new, layout, source, target, content, *ignore, names, **menus)


def _default_language(
    root: Path, config: dict[str, Any], layout: Layout, source: str, path: Path, old: str
) -> tuple[Path, str, str, tuple[str, ...]]:
    """A bilingual site with one content folder and no defaultContentLanguage: Hugo's default
    is then 'en', so it reads the unsuffixed Japanese posts as English and the English copies
    would take their URLs. The key goes into the main config file (path, old, new text), or,
    where the site has none to add it to, a note says where it belongs."""
    if layout != "filename" or config.get("defaultcontentlanguage"):
        return path, old, old, ()
    main = _main_file(root)
    if main is None:
        return path, old, old, (
            f'Add defaultContentLanguage = "{source}" to config/_default/hugo.toml: without it '
            "Hugo reads your posts as English and the English copies would take their URLs.",
        )  # fmt: skip
    text = main.read_text(encoding="utf-8")
    keys = {"defaultContentLanguage": source}
    new = _edit(main, text, keys)
    _verify(main, text, new, keys)
    return main, text, new, ()


def _main_file(root: Path) -> Path | None:
    """The file Hugo reads top-level settings from: the root config, else config/_default's."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    folder = root / "config" / "_default"
    return next((folder / n for n in CONFIG_NAMES if (folder / n).is_file()), None)


def _english_menus(
    root: Path, config: dict[str, Any], suffix: str, source: str, target: str
) -> dict[str, Any]:
    """The InitPlan fields for the English menus: a new `config/_default/menus.en.<ext>` (in the
    format of the site's config), or, where the English menus have a file already, the fix."""
    urls = menu_urls(
        str(config.get("baseurl") or ""),
        bool(config.get("canonifyurls")),
        bool(config.get("defaultcontentlanguageinsubdir")),
        source,
        target,
    )
    added = menus_to_add(site_menus(root, source, target), urls, target)
    if not added:
        return {}
    folder = root / "config" / "_default"
    taken = sorted(p for key in MENU_KEYS for p in folder.glob(f"{key}.{target}.*"))
    if taken:
        name = taken[0].relative_to(root).as_posix()
        return {
            "menus_notes": tuple(
                f"{name}: the English site has no '{menu}' menu: add it there (the Japanese "
                f"entries with each url under /{target}/; honyaku init does not edit that file)"
                for menu in added
            )
        }
    path = (
        folder
        / f"menus.{target}{suffix if suffix in ('.toml', '.yaml', '.yml', '.json') else '.toml'}"
    )
    try:
        text = menus_text(path.suffix, added)
        same = _loads(path, text) == added
    except Exception:  # a value the format cannot hold (a YAML null in TOML, say)
        same = False
    if not same:
        name = path.relative_to(root).as_posix()
        # The rest of init still applies; the menus are named for the person to add.
        return {
            "menus_notes": tuple(
                f"{name}: the English '{menu}' menu cannot be written in this format: add it by "
                f"hand (the Japanese entries with each url under /{target}/)"
                for menu in added
            )
        }
    return {"menus_path": path, "menus_new": text}


def _lower_keys_of(data: dict[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(k) for k in data}


@dataclass(frozen=True)
class LanguageKeys:
    code: str  # the key for the language's locale
    name: str  # the key for its name, as a language switcher shows it
    because: str  # which Hugo decided, for the notes


# Hugo 0.158 renamed languageCode/languageName to locale/label (the old keys warn from then on);
# an older Hugo ignores the new ones, so the old keys are the ones every Hugo reads.
_RENAMED_IN = (0, 158, 0)
_NEW_KEYS = ("locale", "label")
_OLD_KEYS = ("languageCode", "languageName")


def language_keys(config: dict[str, Any], hugo: str | None = None) -> LanguageKeys:
    """The language keys the site's Hugo reads: the lowest Hugo the site declares
    (`module.hugoVersion.min`), else the `hugo` on PATH (the one `hugo -s SITE` runs), else the
    old keys, which every Hugo reads."""
    module = config.get("module") if isinstance(config.get("module"), dict) else {}
    declared = (module.get("hugoversion") or {}) if isinstance(module, dict) else {}
    minimum = _version(str(declared.get("min") or "")) if isinstance(declared, dict) else None
    if minimum is not None:
        version, where = minimum, f"module.hugoVersion.min = {declared['min']}"
    else:
        found = hugo_version(hugo)
        if found is None:
            return LanguageKeys(*_OLD_KEYS, "no Hugo on PATH: the keys every Hugo reads")
        version, where = found, f"Hugo {'.'.join(map(str, found))} on PATH"
    keys = _NEW_KEYS if version >= _RENAMED_IN else _OLD_KEYS
    return LanguageKeys(*keys, f"{where} reads them")


def _version(text: str) -> tuple[int, int, int] | None:
    match = re.match(r"\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def _new_keys(
    own: dict[str, str], source: str, target: str, own_dir: bool, names: LanguageKeys
) -> dict[str, Any]:
    """What to add to the file: {key: value}, `languages` as {code: settings} to merge."""
    keys: dict[str, Any] = {}
    if "defaultcontentlanguage" not in own:
        keys["defaultContentLanguage"] = source
    langs: dict[str, Any] = {}
    if "languages" not in own:
        langs[source] = {names.code: source, names.name: NAMES[source], "weight": 1}
    settings: dict[str, Any] = {names.code: target, names.name: NAMES[target], "weight": 2}
    if own_dir:
        settings["contentDir"] = f"content/{target}"
    langs[target] = settings
    keys["languages"] = langs
    return keys


def _edit(path: Path, old: str, keys: dict[str, Any]) -> str:
    if path.suffix == ".toml":
        return _edit_toml(path, old, keys)
    if path.suffix == ".json":
        return _edit_json(path, old, keys)
    return _edit_yaml(path, old, keys)


def _edit_toml(path: Path, old: str, keys: dict[str, Any]) -> str:
    import tomlkit

    doc = tomlkit.parse(old)
    existing = next((k for k in doc if str(k).lower() == "languages"), None)
    if existing is not None and not isinstance(doc[existing], dict):
        raise SiteError(f"{path}: 'languages' is not a table; add the English language by hand")
    if "defaultContentLanguage" in keys:
        doc.add("defaultContentLanguage", keys["defaultContentLanguage"])
    if "languages" not in keys:
        return tomlkit.dumps(doc)
    table = doc[existing] if existing is not None else tomlkit.table(is_super_table=True)
    for code, settings in keys["languages"].items():
        sub = tomlkit.table()
        for key, value in settings.items():
            sub.add(key, value)
        table.add(code, sub)
    if existing is None:
        doc.add("languages", table)
    return tomlkit.dumps(doc)


def _edit_yaml(path: Path, old: str, keys: dict[str, Any]) -> str:
    if re.search(r"^(---|\.\.\.)\s*$", old, re.M) and not old.startswith("---"):
        raise SiteError(f"{path}: holds more than one YAML document; add the languages by hand")
    if old.lstrip().startswith("{"):
        raise SiteError(f"{path}: a flow-style YAML mapping; add the languages by hand")
    adds_languages = "languages" in keys
    if adds_languages and any(re.match(r"languages\s*:", line, re.I) for line in old.splitlines()):
        raise SiteError(f"{path}: already has 'languages'; add languages.en there by hand")
    lines = []
    if "defaultContentLanguage" in keys:
        lines.append(f"defaultContentLanguage: {keys['defaultContentLanguage']}")
    if adds_languages:
        lines.append("languages:")
    for code, settings in keys.get("languages", {}).items():
        lines.append(f"  {code}:")
        lines.extend(
            f"    {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in settings.items()
        )
    sep = "" if not old or old.endswith("\n") else "\n"
    return old + sep + "\n".join(lines) + "\n"


def _edit_json(path: Path, old: str, keys: dict[str, Any]) -> str:
    match = re.match(r"\s*\{", old)
    if match is None or re.match(r'\s*"', old[match.end() :]) is None:
        raise SiteError(f"{path}: not a JSON object with settings; add the languages by hand")
    if "languages" in keys and "languages" in _lower_keys_of(json.loads(old)):
        raise SiteError(f"{path}: already has 'languages'; add languages.en there by hand")
    body = old[match.end() :]
    # The new keys go first, in the file's own indentation, so no existing line changes.
    indented = re.match(r"\r?\n([ \t]*)", body)
    parts = []
    for key, value in keys.items():
        if indented:
            pad = indented.group(1)
            text = json.dumps(value, ensure_ascii=False, indent=pad or None)
            parts.append(f"\n{pad}{json.dumps(key)}: {text.replace(chr(10), chr(10) + pad)},")
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    return old[: match.end()] + "".join(parts) + body


def _verify(path: Path, old: str, new: str, keys: dict[str, Any]) -> None:
    """The edit adds lines only, and the file then parses to the old settings plus the keys."""
    opcodes = difflib.SequenceMatcher(
        None, old.splitlines(keepends=True), new.splitlines(keepends=True), autojunk=False
    ).get_opcodes()
    inserted_only = all(tag in ("equal", "insert") for tag, *_ in opcodes)
    try:
        before, after = _loads(path, old), _loads(path, new)
    except ValueError:
        after = None
    expected = _with_keys(before, keys) if after is not None else None
    if not inserted_only or after != expected:
        raise SiteError(
            f"{path}: cannot add the languages without changing other lines; add them by hand"
        )


def _loads(path: Path, text: str) -> dict[str, Any]:
    import tomllib

    try:
        if path.suffix == ".toml":
            return tomllib.loads(text)
        if path.suffix == ".json":
            return json.loads(text)
        from ruamel.yaml import YAML

        return YAML(typ="safe", pure=True).load(text) or {}
    except Exception as exc:  # every parser has its own error type
        raise ValueError(str(exc)) from None


def _with_keys(data: dict[str, Any], keys: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key, value in keys.items():
        if key == "languages":
            name = next((k for k in out if k.lower() == "languages"), "languages")
            out[name] = {**(out.get(name) or {}), **value}
        else:
            out[key] = value
    return out


def unignored_run_files(root: Path) -> list[str]:
    """honyaku's run files that git would show as untracked in the site: the `.gitignore` lines
    missing for them, as git itself reads every ignore file that applies (none outside a git
    work tree, or without git)."""
    samples = {name: name.replace("*", "page.md.x") for name in IGNORED}
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "--no-index", "--stdin", "-z"],
            input="\0".join(samples.values()) + "\0",
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode not in (0, 1):  # 128: not a git work tree
        return []
    ignored = set(filter(None, done.stdout.split("\0")))
    return [name for name, sample in samples.items() if sample not in ignored]


def run_files_note(root: Path) -> str:
    """The one line a run that created honyaku's run files prints when git would list them."""
    missing = unignored_run_files(root)
    if not missing:
        return ""
    return (
        f"{root / '.gitignore'}: add honyaku's run files so git does not list them: "
        f"{', '.join(missing)} (honyaku init --yes adds them)"
    )


def with_templates(plan: InitPlan, variants: list[Variant], notes: list[str]) -> InitPlan:
    """The plan with the English variants of the site's templates and what is said about the
    templates init leaves alone."""
    kept = [f"{v.target}: {v.kept}" for v in variants if v.kept]
    return replace(plan, variants=tuple(variants), template_notes=(*kept, *notes))
