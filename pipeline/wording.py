"""Shared vocabulary for what honyaku prints: counts with the right plural ("1 sentence")."""

from __future__ import annotations


def count(number: int, noun: str, plural: str = "") -> str:
    """``number`` and ``noun``, plural unless it is exactly one: "1 sentence", "2 sentences"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def joined_breaks_note(number: int) -> str:
    """What to say when hard line breaks had no place in the English (see render)."""
    return (
        f"{count(number, 'hard line break')} joined with the line after it: the English has no "
        "sentence end to move it to (add the break back by hand where it belongs)"
    )
