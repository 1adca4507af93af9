"""The site's menus in its config, and the English menus that make them link to English pages.

What Hugo does (0.111 and 0.168 alike, checked by tests/test_init_menus.py): every language gets
the root `menus` (or `menu`) unless it has menus of its own under `languages.<code>`, and then
only those (they replace the root menus as a whole). An entry's `url` is used as written (Hugo
adds only baseURL's path in front of a `/...` one), so a shared `url = "/about/"` is the Japanese
page on English pages too; a `pageRef` resolves to the page of the current language.

So the English menus are the Japanese site's menus with each `url` into the site given the
English prefix (`/about/` -> `/en/about/`), everything else as written (the names are the
person's to translate). `honyaku init` writes them as a file of their own,
`config/_default/menus.en.<ext>`, which Hugo reads as `languages.en.menus` beside any root
config: a new file is an insertion whatever the site's config looks like.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.site.config import _parse_config_file, config_files
from pipeline.site.site_urls import SiteUrls

Menus = dict[str, list[dict[str, Any]]]  # menu name -> entries, keys as the config spells them
MENU_KEYS = ("menus", "menu")


@dataclass(frozen=True)
class SiteMenus:
    source: Menus  # the menus the source-language pages show
    english_own: frozenset[str]  # menus the target language has of its own (lowercased names)
    shared: Menus  # the root menus: what a language without menus of its own shows


def _get(data: Any, key: str) -> Any:
    if not isinstance(data, dict):
        return None
    return next((v for k, v in data.items() if str(k).lower() == key), None)


def _menus_in(data: Any) -> Menus:
    found: Menus = {}
    for key in MENU_KEYS:
        table = _get(data, key)
        for name, entries in table.items() if isinstance(table, dict) else ():
            if isinstance(entries, list):
                found[str(name)] = [e for e in entries if isinstance(e, dict)]
    return found


def site_menus(root: Path, source: str, target: str) -> SiteMenus:
    """The config's menus, each file in Hugo's order (a later file's menu replaces the list)."""
    shared: Menus = {}
    own: dict[str, Menus] = {source: {}, target: {}}
    for prefix, path in config_files(root):
        data: Any = _parse_config_file(path)
        for part in reversed(prefix):
            data = {part: data}
        shared.update(_menus_in(data))
        for code in own:
            own[code].update(_menus_in(_get(_get(data, "languages"), code)))
    return SiteMenus(
        source=own[source] or shared,
        english_own=frozenset(name.lower() for name in own[target]),
        shared=shared,
    )


def english_url(url: str, urls: SiteUrls, target: str) -> str | None:
    """The English form of a menu `url` into the site, or None where it does not go into the
    site (another host, a relative URL) or already goes to an English page."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    link = urls.split(url[:cut])
    if link is None or link.lang == target:
        return None
    prefix = dict(urls.prefixes).get(target, "/" + target)
    # A full URL carries baseURL's path; a root-relative one gets it from Hugo.
    base = urls.base_path if link.origin else ""
    return f"{link.origin}{base}{prefix}{link.url}{url[cut:]}"


def _url_key(entry: dict[str, Any]) -> str | None:
    return next((k for k in entry if str(k).lower() == "url"), None)


def english_entries(entries: list[dict[str, Any]], urls: SiteUrls, target: str) -> list[dict]:
    out = []
    for entry in entries:
        key = _url_key(entry)
        english = english_url(str(entry[key]), urls, target) if key else None
        out.append({**entry, key: english} if key and english else dict(entry))
    return out


def menu_urls(base_url: str, canonify: bool, in_subdir: bool, source: str, target: str) -> SiteUrls:
    """The site's URLs as menus see them once the target language exists (under /<target>/)."""
    prefixes = {source: f"/{source}" if in_subdir else "", target: f"/{target}"}
    return SiteUrls.under(base_url, canonify, prefixes)


def _links_japanese(entries: list[dict[str, Any]], urls: SiteUrls, target: str) -> bool:
    return any(
        (key := _url_key(entry)) and english_url(str(entry[key]), urls, target) for entry in entries
    )


def menus_to_add(menus: SiteMenus, urls: SiteUrls, target: str) -> Menus:
    """The English menus the config lacks. Where English has menus of its own: those it lacks
    entirely. Where it shows the shared menus: as soon as one of them links to a Japanese page,
    or a Japanese menu is not among them, every menu (menus of its own replace the shared ones
    as a whole), the source's own first, then the shared ones English would lose."""
    if menus.english_own:
        wanted = {n: e for n, e in menus.source.items() if n.lower() not in menus.english_own}
    elif any(_links_japanese(e, urls, target) for e in menus.shared.values()) or any(
        n not in menus.shared for n in menus.source
    ):
        wanted = {
            **menus.source,
            **{n: e for n, e in menus.shared.items() if n not in menus.source},
        }
    else:
        wanted = {}
    return {name: english_entries(entries, urls, target) for name, entries in wanted.items()}


MENUS_HEADER = (
    "English menus added by honyaku init: the URLs go to the English pages; translate the names"
)


def menus_text(suffix: str, menus: Menus) -> str:
    """A config file of its own holding `menus` (TOML, YAML or JSON by `suffix`)."""
    if suffix == ".json":
        return json.dumps(menus, ensure_ascii=False, indent=2) + "\n"
    if suffix == ".toml":
        import tomlkit

        return f"# {MENUS_HEADER}\n\n" + tomlkit.dumps(menus)
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(menus, out)
    return f"# {MENUS_HEADER}\n" + out.getvalue()
