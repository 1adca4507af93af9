"""Character classes every stage agrees on (a shared vocabulary, not a stage)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

# Kana, kanji (with the compatibility and extension-B blocks), half-width katakana, 々〆ヵヶ.
LETTERS = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f々〆ヵヶ"
)
# Japanese and full-width punctuation: 、。「」（）！？ and the like (a regex class range).
PUNCTUATION = "\u3001-\u303f\uff01-\uff65"

# The one table of Japanese punctuation. Sentence-final marks, commas and bracket pairs (what
# the tokenizer cuts at and keeps together), then the English mark each one stands for, bare:
# each stage adds the spacing and quote style its output needs.
STOPS = "。｡．！？"
COMMAS = "、，､"
BRACKETS: Mapping[str, str] = MappingProxyType(
    {"「": "」", "『": "』", "（": "）", "【": "】", "〔": "〕", "〈": "〉", "《": "》", "［": "］"}
)
ENGLISH_PUNCTUATION: Mapping[str, str] = MappingProxyType(
    {
        "、": ",", "，": ",", "。": ".", "．": ".", "！": "!", "？": "?", "：": ":", "；": ";",
        "・": ",", "（": "(", "）": ")", "「": "“", "」": "”", "『": "“", "』": "”",
        "《": "“", "》": "”", "【": "[", "】": "]", "〈": "<", "〉": ">",
        "〜": "~", "…": "...", "‥": "..", "\u3000": " ",
    }
)  # fmt: skip

JAPANESE_LETTER = re.compile(f"[{LETTERS}]")
JAPANESE_LETTERS_RUN = re.compile(f"[{LETTERS}ー]+")
JAPANESE = re.compile(f"[{LETTERS}{PUNCTUATION}]")


def has_japanese_letters(text: str) -> bool:
    """Kana or kanji: text that is Japanese, not English with a stray `。`."""
    return JAPANESE_LETTER.search(text) is not None


def has_japanese(text: str) -> bool:
    """Kana, kanji or Japanese punctuation: worth sending to the translator."""
    return JAPANESE.search(text) is not None


# Each protected atom of a prose unit (code, link syntax, URL, tag…) travels through the stages as
# one Private Use Area character: U+E000 plus its index in the unit.
ATOM_BASE = 0xE000
ATOM_LIMIT = 0xF8FF - ATOM_BASE


def atom_char(index: int) -> str:
    return chr(ATOM_BASE + index)


def atom_index(char: str) -> int | None:
    code = ord(char) - ATOM_BASE
    return code if 0 <= code <= ATOM_LIMIT else None


def is_atom(char: str) -> bool:
    return atom_index(char) is not None


def ends_latin(char: str) -> bool:
    """The last character of an English word or sentence (a space follows it in English)."""
    return char.isascii() and (char.isalnum() or char in ".,!?;:)\"'")


# A line break of the source that the translation had no place for (a one-word answer over two
# lines): it travels in the working text as this control character, and render joins the lines.
DROPPED_BREAK = "\x1f"
