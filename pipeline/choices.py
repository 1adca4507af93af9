"""Option values the CLI accepts from a fixed set, validated where they are parsed, so a wrong
one stops the run at once with the valid values named (not later, with a confusing message)."""

from __future__ import annotations

import re
from enum import StrEnum

import typer


class Layout(StrEnum):
    content_dir = "content-dir"
    filename = "filename"


class Device(StrEnum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"


# The model translates into English: the target is the site's code for English (Hugo codes are
# lowercased; regional ones such as en-us and en-gb are common).
_ENGLISH = re.compile(r"en(?:[-_][a-z0-9]+)*")


def english_code(value: str) -> str:
    """`--target-lang`: the site's English language code, lowercased."""
    code = value.strip().lower()
    if not _ENGLISH.fullmatch(code):
        raise typer.BadParameter(
            f"{value!r} is not an English language code: honyaku translates Japanese into "
            "English only; use the code the site gives English (en, en-us, en-gb, …)"
        )
    return code
