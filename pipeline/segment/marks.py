"""Character classes the sentence and clause splitters share, built on `pipeline.chars`."""

from __future__ import annotations

from pipeline import chars

WS = frozenset(" \t\n\r\f\v\u3000\u00a0")
HSPACE = frozenset(" \t\u3000\u00a0")
# Characters that start a sentence-ending run. "." is handled on its own (needs whitespace after).
TERMINATORS = frozenset(chars.STOPS + "!?")
# Characters that may continue a terminator run ("！？", "。。。", "……。").
RUN_CHARS = TERMINATORS | frozenset("…‥")
ELLIPSIS = frozenset("…‥")
PAIRS: dict[str, str] = {**chars.BRACKETS, "(": ")", "[": "]", "“": "”"}
CLOSERS = frozenset(chars.BRACKETS.values()) | frozenset(")]｝}”’\"'")
COMMAS = frozenset(chars.COMMAS)
CLAUSE_MARKS = COMMAS | TERMINATORS | frozenset(",;；:：")


def skip_ws(text: str, k: int) -> int:
    n = len(text)
    while k < n and text[k] in WS:
        k += 1
    return k
