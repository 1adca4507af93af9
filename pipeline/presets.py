"""Models by name: the presets shipped inside the package (`pipeline/presets.toml`).

`--model NAME` accepts a preset name as well as a hub id or a folder: `modelstore.resolve_model`
asks `hub_id_for`, so the identity (and the translation memory) is the hub model's whichever way
it was named. `honyaku models list` shows each preset and what this machine has of it; nothing
here touches the network except `download`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

PRESETS_FILE = "presets.toml"


class PresetError(ValueError):
    """An unknown preset name; the message is one line listing the known ones."""


@dataclass(frozen=True)
class Preset:
    name: str
    hub_id: str
    licence: str
    default: bool = False
    size: str = "not recorded"
    note: str = ""


@dataclass(frozen=True)
class PresetStatus:
    preset: Preset
    cached: bool  # a complete snapshot is in the Hugging Face cache
    disk_bytes: int | None  # the cached snapshot's files, when cached
    conversions: tuple[str, ...]  # quantizations converted for the ctranslate2 backend


def load_presets(text: str | None = None) -> tuple[Preset, ...]:
    """The presets, in file order (`text` replaces the shipped file, for tests)."""
    if text is None:
        text = resources.files("pipeline").joinpath(PRESETS_FILE).read_text("utf-8")
    models = tomllib.loads(text).get("models", {})
    return tuple(
        Preset(
            name=name,
            hub_id=str(entry["hub_id"]),
            licence=str(entry.get("licence", "unknown")),
            default=bool(entry.get("default", False)),
            size=str(entry.get("size", "not recorded")),
            note=str(entry.get("licence_note") or entry.get("note") or ""),
        )
        for name, entry in models.items()
    )


def find_preset(name: str) -> Preset | None:
    return next((p for p in load_presets() if p.name == name.strip()), None)


def get_preset(name: str) -> Preset:
    preset = find_preset(name)
    if preset is None:
        known = ", ".join(p.name for p in load_presets())
        raise PresetError(f"no preset named {name!r} (known: {known}; see honyaku models list)")
    return preset


def hub_id_for(spec: str) -> str:
    """The hub id a preset name stands for; any other spec unchanged."""
    preset = find_preset(spec) if "/" not in spec else None
    return preset.hub_id if preset is not None else spec


def preset_status(preset: Preset, *, hub_cache: Path | None = None) -> PresetStatus:
    """What this machine has of a preset, without any download."""
    from pipeline import convert
    from pipeline.modelstore import ModelUnavailable, resolve_model

    try:
        resolved = resolve_model(preset.hub_id, offline=True, hub_cache=hub_cache)
    except ModelUnavailable:
        return PresetStatus(preset, False, None, ())
    size = sum(p.stat().st_size for p in resolved.path.iterdir() if p.is_file())
    done = tuple(
        q
        for q in convert.QUANTIZATIONS
        if convert.is_converted_model(convert.converted_path(resolved.identity, q))
    )
    return PresetStatus(preset, True, size, done)


def download(preset: Preset, *, hub_cache: Path | None = None) -> Path:
    """Fetch a preset into the Hugging Face cache (nothing when it is there already).
    Raises ModelUnavailable with a one-line message offline or when the download fails."""
    from pipeline.modelstore import resolve_model

    return resolve_model(preset.hub_id, hub_cache=hub_cache).path


def human_size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
