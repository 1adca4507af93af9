"""The options of `honyaku translate` and `honyaku batch`, declared once.

Each option is a keyword parameter named like its `Settings` field. `with_options` puts a group
of them into a command's signature (typer reads `__signature__`) and hands the command their
values as one mapping, from which the command builds its `Settings`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.choices import Device, Layout, english_code
from pipeline.modelstore import DEFAULT_MODEL
from pipeline.settings import DEFAULT_BEAMS, DEFAULT_SUMMARY_MODEL, Backend, SummaryMethod

Command = Callable[..., None]


def _option(
    name: str, kind: Any, default: Any, *flags: str, help: str, check: Any = None
) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[kind, typer.Option(*flags, help=help, callback=check)],
        default=default,
    )


SHARED = (
    _option(
        "backend",
        Backend,
        Backend.transformers,
        help="transformers (default), ctranslate2, or pseudo (no model: marks text to preview).",
    ),  # fmt: skip
    _option(
        "model",
        str,
        DEFAULT_MODEL,
        help="Preset name (honyaku models list), Hugging Face hub id or local model folder.",
    ),
    _option("device", Device, Device.auto, help="Where the model runs."),
    _option(
        "beams", int, DEFAULT_BEAMS, help="Beam size (the model's own default, 6, is slow on CPU)."
    ),  # fmt: skip
    _option("no_cache", bool, False, "--no-cache", help="Bypass the translation memory."),
    _option(
        "glossary",
        Path | None,
        None,
        help="TOML glossary (default: honyaku-glossary.toml at the site root).",
    ),  # fmt: skip
    _option("summary", SummaryMethod, SummaryMethod.lead, help="How to fill an empty `summary`."),
    _option(
        "summary_model", str, DEFAULT_SUMMARY_MODEL, help="Summarization model for --summary model."
    ),  # fmt: skip
    _option("add_summary", bool, False, help="Add a `summary` to posts that have none."),
    _option(
        "fill_source_summary",
        bool,
        False,
        help="Also write a Japanese summary into the source post's empty `summary` (the only time honyaku writes a source file).",
    ),  # fmt: skip
    _option(
        "prose_fences",
        bool,
        False,
        "--translate-prose-fences",
        help="Also translate unlabelled code fences that hold only Japanese prose.",
    ),  # fmt: skip
    _option(
        "translate_taxonomies",
        bool,
        False,
        "--translate-taxonomies",
        help="Also translate tags and categories (they are URLs too: off by default).",
    ),  # fmt: skip
    _option("strict", bool, False, help="Partly translated posts count as failures."),
    _option(
        "quantization",
        str | None,
        None,
        help="ctranslate2 only: int8 (CPU default), float16 (CUDA default), bfloat16, int8_float16.",
    ),  # fmt: skip
    _option(
        "force",
        bool,
        False,
        help="Retranslate whole what honyaku wrote, a person's edits too (the old page is kept under .honyaku/replaced/).",
    ),  # fmt: skip
    _option(
        "replace_hand_written",
        bool,
        False,
        help="Also replace English pages honyaku did not write (each kept under .honyaku/replaced/).",
    ),  # fmt: skip
    _option(
        "learn",
        bool,
        True,
        "--learn/--no-learn",
        help="Record a person's corrections in the translation memory as human entries.",
    ),  # fmt: skip
    _option(
        "no_wait",
        bool,
        False,
        "--no-wait",
        help="When another honyaku run is writing the site, exit 3 at once instead of waiting.",
    ),
)

BATCH_ONLY = (
    _option("dry_run", bool, False, help="Print what would be written where; change nothing."),
    _option(
        "check",
        bool,
        False,
        help="Write nothing; exit 1 when an English copy is missing or out of date (pre-commit, CI).",
    ),  # fmt: skip
    _option("quiet", bool, False, help="No progress output."),
    _option(
        "verbose",
        bool,
        False,
        help="List every skipped page (hand-written, opted out, nothing to translate), not only their counts.",
    ),  # fmt: skip
    _option("json_out", bool, False, "--json", help="Print a JSON report."),
    _option(
        "layout",
        Layout | None,
        None,
        help="Force where English copies go: content/en/… or index.en.md beside the post "
        "(the site needs an English language either way: honyaku init adds it).",
    ),
    _option(
        "target_lang",
        str,
        "en",
        help="The site's code for English (en, en-us, …).",
        check=english_code,
    ),
    _option(
        "source_lang", str | None, None, help="Source language (default: the site's default)."
    ),  # fmt: skip
    _option(
        "rebuild_lock",
        bool,
        False,
        help="Rebuild an empty or unreadable honyaku.lock: English pages whose bytes match a translation now are recorded again; the rest are listed.",
    ),  # fmt: skip
)


def with_options(*groups: tuple[inspect.Parameter, ...]) -> Callable[[Command], Command]:
    """Give a command the declared options of `groups` after its own parameters; it receives
    their values as `options` (a mapping keyed by the Settings field names)."""
    declared = [param for group in groups for param in group]

    def wrap(func: Command) -> Command:
        own = [
            param
            for param in inspect.signature(func, eval_str=True).parameters.values()
            if param.name != "options"
        ]

        def command(**values: Any) -> None:
            options: Mapping[str, Any] = {p.name: values.pop(p.name) for p in declared}
            func(**values, options=options)

        command.__name__ = func.__name__
        command.__qualname__ = func.__qualname__
        command.__doc__ = func.__doc__
        command.__module__ = func.__module__
        command.__signature__ = inspect.Signature([*own, *declared])  # type: ignore[attr-defined]
        return command

    return wrap
