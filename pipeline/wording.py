"""Shared vocabulary for what honyaku prints: counts with the right plural ("1 sentence")."""

from __future__ import annotations


def count(number: int, noun: str, plural: str = "") -> str:
    """``number`` and ``noun``, plural unless it is exactly one: "1 sentence", "2 sentences"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
