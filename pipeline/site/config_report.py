"""What honyaku cannot translate in the site config, named once per run with file and key.

honyaku translates content, never the Hugo config (a person's file, with comments and layout a
rewrite would lose). What the English site still shows from it is reported instead:

- `languages.en` missing, or without a key `languages.ja` sets (`languageName`, `title`, …);
- Japanese text that applies to the English pages too: a shared `title`, `params` label or
  menu entry that `languages.en` does not override;
- English menu entries whose `parent` names no English entry (Hugo then shows the parent's
  identifier as a bare menu item with no link);
- shared menu entries whose `url` goes to a Japanese page (English pages link there too), and
  Japanese text in the English language's own settings (menu names `honyaku init` copied).

Each config file is read on its own, so a finding names the file and the key in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.chars import has_japanese
from pipeline.site.config import (
    CONFIG_NAMES,
    SiteError,
    _parse_config_file,
    config_files,
)
from pipeline.site.menus import english_url, menu_urls

Key = tuple[str | int, ...]
_MENUS = ("menu", "menus")


@dataclass(frozen=True)
class Leaf:
    value: Any
    file: str  # posix path relative to the site root
    local: Key  # the key inside that file


@dataclass(frozen=True)
class ConfigFinding:
    file: str
    key: str  # dotted, as written in that file
    message: str

    def line(self) -> str:
        return (
            f"{self.file}: {self.key}: {self.message}"
            if self.key
            else f"{self.file}: {self.message}"
        )


def config_findings(root: Path, source: str = "ja", target: str = "en") -> list[ConfigFinding]:
    """Everything in the site config the English site shows untranslated (see the module doc)."""
    try:
        leaves = _leaves(root)
    except SiteError:
        return []  # detecting the site reports an unreadable config already
    found = _language_findings(leaves, root, source, target)
    found += _missing_menus(leaves, source, target)
    found += _shared_japanese(leaves, target)
    found += _english_japanese(leaves, target)
    found += _shared_menu_urls(leaves, source, target)
    found += _menu_parents(leaves, target)
    return list(dict.fromkeys(found))


def _english_has_menus(leaves: dict[Key, Leaf], target: str) -> bool:
    # Hugo gives a language with menus of its own only those: the root menus no longer show.
    return any(k[:2] == ("languages", target) and len(k) > 2 and k[2] in _MENUS for k in leaves)


def _leaves(root: Path) -> dict[Key, Leaf]:
    """Every scalar of the merged config by its full key, with the file that set it last."""
    leaves: dict[Key, Leaf] = {}
    for prefix, path in config_files(root):
        data = _parse_config_file(path)
        rel = path.relative_to(root).as_posix()
        # Hugo's keys are case-insensitive: matched lowercased, named as the file spells them.
        found = [((*prefix, *_lower(local)), local, v) for local, v in _walk(data, ())]
        # A later file replaces a whole list (a menu, say), not its items one by one.
        lists = {_list_head(full) for full, _, _ in found} - {None}
        for key in [k for k in leaves if _list_head(k) in lists]:
            del leaves[key]
        for full, local, value in found:
            leaves[full] = Leaf(value, rel, local)
    return leaves


def _walk(value: Any, key: Key) -> Iterator[tuple[Key, Any]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _walk(item, (*key, str(name)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*key, index))
    else:
        yield key, value


def _lower(key: Key) -> Key:
    return tuple(part.lower() if isinstance(part, str) else part for part in key)


def _list_head(key: Key) -> Key | None:
    """The key of the outermost list `key` sits in, or None."""
    cut = next((i for i, part in enumerate(key) if isinstance(part, int)), None)
    return None if cut is None else key[:cut]


def _dotted(key: Key) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _language_findings(
    leaves: dict[Key, Leaf], root: Path, source: str, target: str
) -> list[ConfigFinding]:
    """`languages.en` missing, or lacking a setting `languages.ja` has (menus aside)."""
    if not any(k[:2] == ("languages", source) for k in leaves):
        return []  # not a multilingual setup honyaku can compare
    config = next((n for n in CONFIG_NAMES if (root / n).is_file()), "config/_default")
    if not any(k[:2] == ("languages", target) for k in leaves):
        return [
            ConfigFinding(config, f"languages.{target}", "missing: Hugo publishes no English pages")
        ]
    found = []
    for key, leaf in leaves.items():
        if key[:2] != ("languages", source) or len(key) < 3 or key[2] in _MENUS:
            continue
        rest = key[2:]
        if isinstance(rest[0], str) and rest[0] in ("weight", "contentdir", "disabled"):
            continue  # per-language by nature: the layout check handles contentDir
        if ("languages", target, *rest) in leaves or _list_covered(leaves, target, rest):
            continue
        if (
            isinstance(leaf.value, str)
            and not has_japanese(leaf.value)
            and rest[0] != "languagename"
        ):
            continue  # the English site falls back to the same non-Japanese value
        english = _dotted(("languages", target, *leaf.local[-len(rest) :]))
        found.append(ConfigFinding(leaf.file, _dotted(leaf.local), f"{english} is missing"))
    return found


def _list_covered(leaves: dict[Key, Leaf], target: str, rest: Key) -> bool:
    """A list item (`params.links[2].label`) is covered when English has that list at all."""
    cut = next((i for i, p in enumerate(rest) if isinstance(p, int)), None)
    if cut is None:
        return False
    head = ("languages", target, *rest[:cut])
    return any(k[: len(head)] == head for k in leaves)


def _shared_japanese(leaves: dict[Key, Leaf], target: str) -> list[ConfigFinding]:
    """Japanese text outside `languages.*`: every language shows it unless English overrides."""
    found = []
    for key, leaf in leaves.items():
        if key[0] == "languages" or not isinstance(leaf.value, str):
            continue
        if key[0] in _MENUS and _english_has_menus(leaves, target):
            continue  # English shows its own menus, not these
        if not has_japanese(leaf.value):
            continue
        if ("languages", target, *key) in leaves or _list_covered(leaves, target, key):
            continue
        where = f"languages.{target}.{key[0]}" if key[0] not in _MENUS else f"menus.{target}"
        found.append(
            ConfigFinding(
                leaf.file,
                _dotted(leaf.local),
                f"Japanese text {leaf.value!r} shows on English pages (set it in {where})",
            )
        )
    return found


def _english_japanese(leaves: dict[Key, Leaf], target: str) -> list[ConfigFinding]:
    """Japanese text in the English language's own settings (menu names init copied, say)."""
    return [
        ConfigFinding(
            leaf.file,
            _dotted(leaf.local),
            f"Japanese text {leaf.value!r} in the English settings shows on English pages "
            "(translate it there)",
        )
        for key, leaf in leaves.items()
        if key[:2] == ("languages", target)
        and isinstance(leaf.value, str)
        and has_japanese(leaf.value)
    ]


def _shared_menu_urls(leaves: dict[Key, Leaf], source: str, target: str) -> list[ConfigFinding]:
    """Root menu entries whose `url` goes to a Japanese page: English pages show them as they
    are unless English has menus of its own."""
    if _english_has_menus(leaves, target):
        return []

    def value(key: str) -> Any:
        return leaf.value if (leaf := leaves.get((key,))) else None

    urls = menu_urls(
        str(value("baseurl") or ""),
        bool(value("canonifyurls")),
        bool(value("defaultcontentlanguageinsubdir")),
        source,
        target,
    )
    found = []
    for key, leaf in leaves.items():
        if key[0] not in _MENUS or len(key) != 4 or key[3] != "url":
            continue
        english = english_url(str(leaf.value), urls, target)
        if english is None:
            continue
        menu = f"languages.{target}.menus.{key[1]}"
        found.append(
            ConfigFinding(
                leaf.file,
                _dotted(leaf.local),
                f"{leaf.value!r} takes English pages to the Japanese page (honyaku init adds "
                f"the English menus; by hand: {menu} with url {english!r})",
            )
        )
    return found


def _missing_menus(leaves: dict[Key, Leaf], source: str, target: str) -> list[ConfigFinding]:
    """Menus the Japanese site has and the English one lacks entirely."""
    first: dict[str, Leaf] = {}
    english = {
        k[3] for k in leaves if k[:2] == ("languages", target) and len(k) > 3 and k[2] in _MENUS
    }
    for key, leaf in leaves.items():
        if key[:2] == ("languages", source) and len(key) > 3 and key[2] in _MENUS:
            first.setdefault(str(key[3]), leaf)
    return [
        ConfigFinding(
            leaf.file,
            _dotted(leaf.local[: -len(_tail(leaf))] or leaf.local[:1]),
            f"the English site has no '{menu}' menu (no menus.{target}.{menu})",
        )
        for menu, leaf in first.items()
        if menu not in english
    ]


def _tail(leaf: Leaf) -> Key:
    """The part of a menu entry's key after the menu's name (`[0].name`)."""
    cut = next((i for i, part in enumerate(leaf.local) if isinstance(part, int)), len(leaf.local))
    return leaf.local[cut:]


def _menu_parents(leaves: dict[Key, Leaf], target: str) -> list[ConfigFinding]:
    """English menu entries whose `parent` is no English entry's identifier (or name)."""
    menus: dict[tuple[str, str], dict[int, dict[str, Leaf]]] = {}
    for key, leaf in leaves.items():
        if key[:2] != ("languages", target) or len(key) != 6 or key[2] not in _MENUS:
            continue
        menu, index, field = key[3], key[4], key[5]
        if isinstance(menu, str) and isinstance(index, int) and isinstance(field, str):
            menus.setdefault((key[2], menu), {}).setdefault(index, {})[field] = leaf
    found = []
    for entries in menus.values():
        names = {
            str(fields[f].value).lower()
            for fields in entries.values()
            for f in ("identifier", "name")
            if f in fields
        }
        for fields in entries.values():
            parent = fields.get("parent")
            if parent is not None and str(parent.value).lower() not in names:
                found.append(
                    ConfigFinding(
                        parent.file,
                        _dotted(parent.local),
                        f"parent {parent.value!r} has no English entry (Hugo shows a bare "
                        f"{parent.value!r} item with no link)",
                    )
                )
    return found
