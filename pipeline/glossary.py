"""The glossary: terms kept as they are, and terms with a fixed English translation.

File format (TOML), `honyaku-glossary.toml` at the site root or given with `--glossary`:

    [keep]
    terms = ["SageMaker", "Jupyter Lab"]

    [translate]
    "推論" = "inference"

`Glossary.matches` finds the terms in a text; the caller protects them like inline atoms so
that they survive the model.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GLOSSARY_NAME = "honyaku-glossary.toml"


class GlossaryError(Exception):
    """A glossary file cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class GlossaryMatch:
    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Glossary:
    keep: tuple[str, ...] = ()
    translate: tuple[tuple[str, str], ...] = ()
    # term -> replacement, longest term first; built once.
    _entries: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {term: term for term in self.keep}
        table.update(dict(self.translate))
        entries = sorted(table.items(), key=lambda item: (-len(item[0]), item[0]))
        object.__setattr__(self, "_entries", tuple(entries))

    def __bool__(self) -> bool:
        return bool(self._entries)

    def matches(self, text: str) -> list[GlossaryMatch]:
        """Non-overlapping occurrences, in text order; where terms overlap, the longest wins
        (and among equals, the earliest)."""
        candidates: list[tuple[int, int, str]] = []
        for term, replacement in self._entries:
            start = text.find(term)
            while start != -1:
                if _at_word_edges(text, start, start + len(term), term):
                    candidates.append((start, start + len(term), replacement))
                start = text.find(term, start + 1)
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[GlossaryMatch] = []
        for start, end, replacement in candidates:
            if all(end <= m.start or start >= m.end for m in taken):
                taken.append(GlossaryMatch(start, end, replacement))
        return sorted(taken, key=lambda m: m.start)


def _is_ascii_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _at_word_edges(text: str, start: int, end: int, term: str) -> bool:
    """Latin terms match whole words only ("Lab" not inside "Labels"); Japanese has no spaces,
    so Japanese terms match anywhere."""
    if _is_ascii_word_char(term[0]) and start > 0 and _is_ascii_word_char(text[start - 1]):
        return False
    return not (
        _is_ascii_word_char(term[-1]) and end < len(text) and _is_ascii_word_char(text[end])
    )


def load_glossary(path: Path) -> Glossary:
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as error:
        raise GlossaryError(f"{path}: cannot read glossary ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise GlossaryError(f"{path}: glossary is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise GlossaryError(f"{path}: invalid TOML ({error})") from None
    unknown = sorted(set(data) - {"keep", "translate"})
    if unknown:
        raise GlossaryError(
            f"{path}: unknown table(s) {', '.join(unknown)} (use [keep], [translate])"
        )
    keep_table = data.get("keep", {})
    if not isinstance(keep_table, dict) or set(keep_table) - {"terms"}:
        raise GlossaryError(f'{path}: [keep] must hold only terms = ["...", ...]')
    terms = keep_table.get("terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        raise GlossaryError(f"{path}: [keep] terms must be a list of non-empty strings")
    table = data.get("translate", {})
    if not isinstance(table, dict):
        raise GlossaryError(f'{path}: [translate] must be a table of "term" = "English"')
    pairs: list[tuple[str, str]] = []
    for term, english in table.items():
        if not term.strip() or not isinstance(english, str) or not english.strip():
            raise GlossaryError(f"{path}: [translate] {term!r} needs a non-empty English string")
        pairs.append((term, english))
    return Glossary(keep=tuple(terms), translate=tuple(pairs))


def find_glossary(site_root: Path) -> Path | None:
    candidate = Path(site_root) / GLOSSARY_NAME
    return candidate if candidate.is_file() else None
