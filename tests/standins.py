"""Stand-in translators for tests: deterministic, no model, each misbehaving in one known way.

Every stand-in has `translate(sentences) -> list[str]` (same length, same order) and records the
batches it received in `calls`, so a test can see exactly what reached the "model".
"""

from __future__ import annotations

import hashlib
import re

MARK_OPEN, MARK_CLOSE = "⟦", "⟧"

# Placeholders the translation stage may use (ZX1, QZ1, XQ1, ZQ1: the first not in the text).
PLACEHOLDER = re.compile(r"(?:ZX|QZ|XQ|ZQ)\d+")
_JA_PUNCT = {
    "、": ",", "。": ".", "，": ",", "．": ".", "「": '"', "」": '"', "『": '"', "』": '"',
    "（": "(", "）": ")", "！": "!", "？": "?", "：": ":", "；": ";", "・": ",", "〜": "~",
    "…": "...", "\u3000": " ", "【": "[", "】": "]",
}  # fmt: skip
# Anything East Asian that is not an atom placeholder: kana, kanji, CJK symbols, full-width forms.
JAPANESE_RUN = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
_WORDS = (
    "model", "data", "server", "simple", "setting", "result", "value", "first", "check",
    "build", "page", "small", "write", "change", "example", "system", "local", "time",
    "training", "file", "use", "new", "good", "this", "run", "we", "can", "see", "make",
)  # fmt: skip


def english_word(run: str) -> str:
    """Deterministic English words for a run of Japanese: about one word per 2.5 characters."""
    digest = hashlib.sha256(run.encode("utf-8")).digest()
    count = max(1, round(len(run) / 2.5))
    return " ".join(_WORDS[digest[i % len(digest)] % len(_WORDS)] for i in range(count))


def to_english(sentence: str) -> str:
    """Plausible English for a sentence: Japanese runs become words, Japanese punctuation its
    ASCII counterpart, everything else (placeholders, ASCII words) stays."""
    text = "".join(_JA_PUNCT.get(c, c) for c in sentence)
    text = JAPANESE_RUN.sub(lambda m: f" {english_word(m.group())} ", text)
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    text = re.sub(r" ([,.!?;:)])", r"\1", text)
    text = re.sub(r"([(\"]) ", r"\1", text)
    return text[:1].upper() + text[1:] if text[:1].islower() else text


class Recording:
    """Base: keeps every batch it was asked to translate."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate(self, sentences: list[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [self.one(s) for s in sentences]

    def one(self, sentence: str) -> str:
        raise NotImplementedError

    @property
    def sentences(self) -> list[str]:
        return [s for batch in self.calls for s in batch]


class Identity(Recording):
    def one(self, sentence: str) -> str:
        return sentence


class Marking(Recording):
    """Reversible: each sentence wrapped in markers the test strips from the output again."""

    def one(self, sentence: str) -> str:
        return MARK_OPEN + sentence + MARK_CLOSE


def strip_marks(text: str) -> str:
    return text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


class EnglishWords(Recording):
    def one(self, sentence: str) -> str:
        return to_english(sentence)


class StripPunct(Recording):
    """English words without any punctuation (placeholders are letters and digits only)."""

    def one(self, sentence: str) -> str:
        text = re.sub(r"[^\w\s]|_", "", to_english(sentence))
        return re.sub(r" {2,}", " ", text).strip()


class Empty(Recording):
    def one(self, sentence: str) -> str:
        return ""


class Repeat(Recording):
    """A decoding loop: one phrase sixty times."""

    def one(self, sentence: str) -> str:
        return " ".join(["the model is"] * 60)


class DropPlaceholders(Recording):
    def one(self, sentence: str) -> str:
        return re.sub(r" {2,}", " ", PLACEHOLDER.sub("", to_english(sentence))).strip()


class DuplicatePlaceholders(Recording):
    def one(self, sentence: str) -> str:
        return PLACEHOLDER.sub(lambda m: f"{m.group()} {m.group()}", to_english(sentence))


class MangledPlaceholders(Recording):
    """ZX1 comes back as "Zx 1" or "ZX-1" (alternating), the way a subword model breaks it."""

    def one(self, sentence: str) -> str:
        count = 0

        def mangle(match: re.Match[str]) -> str:
            nonlocal count
            count += 1
            token = match.group()
            letters, digits = token[:2], token[2:]
            if count % 2:
                return f"{letters[0]}{letters[1].lower()} {digits}"
            return f"{letters}-{digits}"

        return PLACEHOLDER.sub(mangle, to_english(sentence))


class DropSentence(Recording):
    """Only the first half of the sentence comes back (a model that stops early)."""

    def one(self, sentence: str) -> str:
        return to_english(sentence[: len(sentence) // 2])


MISBEHAVING = (
    EnglishWords,
    StripPunct,
    Empty,
    Repeat,
    DropPlaceholders,
    DuplicatePlaceholders,
    MangledPlaceholders,
    DropSentence,
)


class SpaceShuffling(Recording):
    """English words, with spaces and words moved around the placeholders the way Marian models
    move them: a placeholder spaced on both sides, glued to the word before or after it, or with
    its neighbouring word moved across it (placeholders keep their order). Deterministic per
    sentence."""

    def one(self, sentence: str) -> str:
        tokens = re.split(r"((?:ZX|QZ|XQ|ZQ)\d+)", to_english(sentence))
        digest = hashlib.sha256(sentence.encode("utf-8")).digest()
        for k in range(1, len(tokens), 2):
            move = digest[k % len(digest)] % 4
            before, after = tokens[k - 1], tokens[k + 1]
            if move == 0:  # spaced on both sides
                tokens[k - 1], tokens[k + 1] = before.rstrip() + " ", " " + after.lstrip()
            elif move == 1:  # glued to the word before
                tokens[k - 1] = before.rstrip()
            elif move == 2:  # glued to the word after
                tokens[k + 1] = after.lstrip()
            else:  # the word after moves in front of the placeholder
                words = after.split(" ")
                lead = next((i for i, w in enumerate(words) if w), None)
                if lead is not None and k + 2 < len(tokens):
                    word = words.pop(lead)
                    tokens[k - 1] = before.rstrip() + " " + word + " "
                    tokens[k + 1] = " ".join(words)
        return re.sub(r" {2,}", " ", "".join(tokens)).strip()
