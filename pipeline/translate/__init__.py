"""Translation stage: sentences in, checked English out, whatever the model does.

A sentence arrives as working text: prose with one Private Use Area character per protected atom
and "\\n" for each line break inside its block. The model never sees either. Atoms become
placeholders made of pieces the model copies (checked with the backend's `roundtrips`), line
breaks are removed and put back at the same relative place in the English. Every output is
checked: each placeholder back exactly once and in an order that keeps links well formed, not
empty, not a runaway repeat. A bad output is retried with safer settings, then translated piece by
piece between its atoms, then clause by clause; what still fails keeps its source text and is
reported — never silently.

Each result carries the model's score for the output kept (when the backend gives one) and a
note when the first output was rejected, so that a reviewer is pointed at it; both come from the
orchestrator (`Capabilities.detail`), which keeps them with the translation memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pipeline import chars
from pipeline.translate.shaping import CLOSE as _CLOSE
from pipeline.translate.shaping import OPEN as _OPEN
from pipeline.translate.shaping import finish as _finish
from pipeline.translate.shaping import wide as _wide

_SCHEMES = ("ZX{}", "QZ{}", "XQ{}", "ZQ{}")
PIECEWISE = "\x00piecewise\x00"  # memory key prefix for sentences assembled piece by piece
KEPT = "\x00kept\x00"  # memory value prefix for a sentence that could not be translated

Translate = Callable[[list[str]], list[str]]
Check = Callable[[str, str], "str | None"]
Detail = tuple["float | None", "str | None"]  # (model score, note) of a memory key


@dataclass(frozen=True)
class Sentence:
    text: str  # working text
    roles: tuple[str, ...] = ()  # role of each atom index (open/close/solo); may be shorter


@dataclass(frozen=True)
class Result:
    source: str
    text: str  # working text: same atoms, same number of line breaks as `source`
    status: str  # translated | memory | kept
    reason: str | None = None
    score: float | None = None  # the model's mean token log-probability for the output kept
    note: str | None = None  # why the first output was not kept, when it was not


@dataclass
class Capabilities:
    """What the orchestrator hands this stage, as plain functions."""

    translate: Translate
    check: Check
    translate_safe: Translate | None = None
    lookup: Callable[[list[str]], dict[str, str]] = lambda sentences: {}
    store: Callable[[list[tuple[str, str]]], None] = lambda pairs: None
    split_clauses: Callable[[str], list[str]] = lambda text: [text]
    placeholder_ok: Callable[[str], bool] = lambda text: True
    needs_translation: Callable[[str], bool] = lambda text: True
    glossary: Callable[[str], list[tuple[int, int, str]]] = lambda text: []
    # The score and note known for a memory key (after `translate` or `lookup`), and a way to
    # attach a note to a key before it is stored.
    detail: Callable[[str], Detail] = lambda key: (None, None)
    remark: Callable[[str, str], None] = lambda key, note: None


@dataclass(frozen=True)
class _Slot:
    token: str
    char: str  # the atom's working character, or "" for a glossary term
    replacement: str  # the glossary term's output text
    role: str
    space_before: bool  # spaces this stage added around the placeholder for tokenization
    space_after: bool


@dataclass(frozen=True)
class _Prepared:
    source: Sentence
    flat: str  # the working text without line breaks (each break becomes its separator)
    breaks: tuple[tuple[int, str], ...]  # (position in flat, separator used)
    sent: str  # what the model gets
    slots: tuple[_Slot, ...]
    pattern: re.Pattern[str]


def translate_sentences(sentences: Sequence[Sentence], caps: Capabilities) -> list[Result]:
    """Translate a batch (a post, or many posts) in one pass through memory and model."""
    edges = [_enclosing(s) for s in sentences]
    inner = _translate_inner([inside for _, inside, _ in edges], caps)
    return [
        replace(result, source=sentence.text, text=head + result.text + tail)
        for sentence, (head, _, tail), result in zip(sentences, edges, inner, strict=True)
    ]


_SPACE = " \t\n\u3000"


def _enclosing(sentence: Sentence) -> tuple[str, Sentence, str]:
    """(head, inside, tail): a pair of atoms that encloses the whole sentence (a paired
    shortcode, a link, emphasis), with the spaces just inside it, stays out of what the model
    gets, so no word can move outside it (Hugo prints a paragraph that is only a shortcode
    without `<p>`, and a link's words belong inside the link)."""
    text, head, tail = sentence.text, "", ""
    while (pair := _outer_pair(text, sentence.roles)) is not None:
        start, end = pair
        inside = text[start:end]
        core = inside.strip(_SPACE)
        lead = inside[: len(inside) - len(inside.lstrip(_SPACE))]
        head += text[:start] + lead
        tail = inside[len(lead) + len(core) :] + text[end:] + tail
        text = core
    return head, replace(sentence, text=text), tail


def _outer_pair(text: str, roles: tuple[str, ...]) -> tuple[int, int] | None:
    """The span inside the text's first and last character when they are an opening atom and
    the closing atom that matches it; else None."""
    if len(text) < 2 or _role(text[0], roles) != _OPEN or _role(text[-1], roles) != _CLOSE:
        return None
    depth = 0
    for k, char in enumerate(text):
        depth += {_OPEN: 1, _CLOSE: -1}.get(_role(char, roles), 0)
        if depth == 0:
            return (1, len(text) - 1) if k == len(text) - 1 else None
    return None


def _role(char: str, roles: tuple[str, ...]) -> str:
    index = ord(char) - chars.ATOM_BASE if chars.is_atom(char) else -1
    return roles[index] if 0 <= index < len(roles) else ""


def _translate_inner(sentences: Sequence[Sentence], caps: Capabilities) -> list[Result]:
    prepared = [_prepare(s, caps) for s in sentences]
    results: list[Result | None] = [None] * len(prepared)
    # Sentences that needed the piecewise fallback before are remembered whole, so a re-run
    # makes no model call for them either.
    pieced = caps.lookup([PIECEWISE + p.sent for p in prepared])
    todo = [i for i, p in enumerate(prepared) if PIECEWISE + p.sent not in pieced]
    for i, prep in enumerate(prepared):
        if PIECEWISE + prep.sent in pieced:
            note = caps.detail(PIECEWISE + prep.sent)[1]
            results[i] = replace(_remembered(prep, pieced[PIECEWISE + prep.sent]), note=note)
    outputs = dict(
        zip(
            todo,
            _through_memory([prepared[i].sent for i in todo], caps.translate, caps),
            strict=True,
        )
    )
    retry: list[int] = []
    rejected: dict[int, str] = {}  # why each retried sentence's first output was not kept
    accepted: list[tuple[str, str]] = []
    for i in todo:
        prep = prepared[i]
        output, from_memory = outputs[i]
        decoded = _accept(prep, output, caps)
        if decoded is None:
            retry.append(i)
            rejected[i] = _rejection(prep, output, caps)
        else:
            if not from_memory:
                accepted.append((prep.sent, output))
            text = _finish(prep, decoded)
            results[i] = Result(
                prep.source.text, text, _status(from_memory), None, *caps.detail(prep.sent)
            )
    if retry and caps.translate_safe is not None:
        retry = _retry_safe(prepared, retry, rejected, caps, accepted, results)
    for i in retry:
        result, decoded = _piecewise(prepared[i], caps)
        note = f"first output rejected ({rejected[i]}); translated piece by piece"
        caps.remark(PIECEWISE + prepared[i].sent, note)
        results[i] = replace(result, note=note)
        # What could not be translated is remembered too (with why), so a re-run with the
        # same model and settings does not spend model calls on it again; --no-cache retries.
        value = decoded if result.status != "kept" else f"{KEPT}{result.reason}\x00{decoded}"
        accepted.append((PIECEWISE + prepared[i].sent, value))
    caps.store(list(dict(accepted).items()))  # one write for the whole batch
    return [r for r in results if r is not None]


def _retry_safe(
    prepared: list[_Prepared],
    retry: list[int],
    rejected: dict[int, str],
    caps: Capabilities,
    accepted: list[tuple[str, str]],
    results: list[Result | None],
) -> list[int]:
    """Translate the rejected sentences again with safer settings; returns those still failing."""
    assert caps.translate_safe is not None
    safe = caps.translate_safe([prepared[i].sent for i in retry])
    still: list[int] = []
    for i, output in zip(retry, safe, strict=True):
        decoded = _accept(prepared[i], output, caps)
        if decoded is None:
            still.append(i)
            continue
        accepted.append((prepared[i].sent, output))
        caps.remark(prepared[i].sent, f"first output rejected ({rejected[i]}); retried")
        text = _finish(prepared[i], decoded)
        results[i] = Result(
            prepared[i].source.text, text, "translated", None, *caps.detail(prepared[i].sent)
        )
    return still


def _remembered(prep: _Prepared, value: str) -> Result:
    if value.startswith(KEPT):
        reason, _, decoded = value[len(KEPT) :].partition("\x00")
        return Result(prep.source.text, _finish(prep, decoded), "kept", reason)
    return Result(prep.source.text, _finish(prep, value), "memory")


def _status(from_memory: bool) -> str:
    return "memory" if from_memory else "translated"


def _through_memory(
    sent: list[str], translate: Translate, caps: Capabilities
) -> list[tuple[str, bool]]:
    unique = list(dict.fromkeys(sent))
    known = caps.lookup(unique)
    missing = [s for s in unique if s not in known]
    fresh = dict(zip(missing, translate(missing), strict=True)) if missing else {}
    return [(known[s], True) if s in known else (fresh[s], False) for s in sent]


# --- preparing what the model sees ------------------------------------------------------------


def _flatten(text: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """Remove line breaks; Japanese lines join with nothing, anything else with a space."""
    out: list[str] = []
    breaks: list[tuple[int, str]] = []
    for i, char in enumerate(text):
        if char != "\n":
            out.append(char)
            continue
        left = out[-1] if out else ""
        right = text[i + 1] if i + 1 < len(text) else ""
        joined = not left or not right or (_wide(left) and _wide(right))
        sep = "" if joined else " "
        breaks.append((len(out), sep))
        out.extend(sep)
    return "".join(out), tuple(breaks)


def _choose_scheme(flat: str, count: int, caps: Capabilities) -> str:
    for scheme in _SCHEMES:
        tokens = [scheme.format(i + 1) for i in range(count)]
        prefix = scheme.split("{")[0]
        if prefix.lower() in flat.lower():
            continue
        if all(caps.placeholder_ok(t) for t in tokens[:3]):
            return scheme
    return _SCHEMES[0]


def _prepare(sentence: Sentence, caps: Capabilities) -> _Prepared:
    flat, breaks = _flatten(sentence.text)
    terms = [t for t in caps.glossary(flat) if not any(chars.is_atom(c) for c in flat[t[0] : t[1]])]
    marks: list[tuple[int, int, str, str, str]] = []  # start, end, char, replacement, role
    for i, char in enumerate(flat):
        if chars.is_atom(char):
            index = ord(char) - chars.ATOM_BASE
            role = sentence.roles[index] if index < len(sentence.roles) else "solo"
            marks.append((i, i + 1, char, "", role))
    for start, end, replacement in terms:
        if all(end <= m[0] or start >= m[1] for m in marks):
            marks.append((start, end, "", replacement, "solo"))
    marks.sort()
    scheme = _choose_scheme(flat, len(marks), caps)
    prefix = scheme.split("{")[0]
    pattern = re.compile(
        r"(?<![A-Za-z])" + r"\s?".join(re.escape(c) for c in prefix) + r"\s?(\d{1,4})(?!\d)",
        re.IGNORECASE,
    )
    sent: list[str] = []
    slots: list[_Slot] = []
    pos = 0
    for number, (start, end, char, replacement, role) in enumerate(marks, start=1):
        sent.append(flat[pos:start])
        token = scheme.format(number)
        before = start > 0 and _word_char(flat[start - 1])
        after = end < len(flat) and _word_char(flat[end])
        sent.append((" " if before else "") + token + (" " if after else ""))
        slots.append(_Slot(token, char, replacement, role, before, after))
        pos = end
    sent.append(flat[pos:])
    return _Prepared(sentence, flat, breaks, "".join(sent), tuple(slots), pattern)


def _word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "_-")


# --- checking and decoding what came back -----------------------------------------------------


def _accept(prep: _Prepared, output: str, caps: Capabilities) -> str | None:
    """The decoded working text (atoms as characters, no line breaks), or None when unusable."""
    if caps.check(prep.sent, output) is not None:
        return None
    return _decode(prep, output)


def _rejection(prep: _Prepared, output: str, caps: Capabilities) -> str:
    """Why `_accept` refused an output, in a few words."""
    problem = caps.check(prep.sent, output)
    if problem is not None:
        return problem
    numbers = [int(m.group(1)) for m in prep.pattern.finditer(re.sub(r"[\r\n\t]+", " ", output))]
    if sorted(numbers) != list(range(1, len(prep.slots) + 1)):
        return "dropped or repeated a placeholder"
    return "put a link's placeholders out of order"


def _decode(prep: _Prepared, output: str) -> str | None:
    output = re.sub(r"[\r\n\t]+", " ", output)
    found = list(prep.pattern.finditer(output))
    numbers = [int(m.group(1)) for m in found]
    if sorted(numbers) != list(range(1, len(prep.slots) + 1)):
        return None
    if not _pairs_in_order(prep.slots, numbers) or _emptied_pair(prep, output, found):
        return None
    out: list[str] = []
    pos = 0
    for match in found:
        slot = prep.slots[int(match.group(1)) - 1]
        text = output[pos : match.start()]
        if slot.space_before and text.endswith(" "):
            text = text[:-1]
        out.append(text)
        out.append(slot.char or slot.replacement)
        pos = match.end()
        if slot.space_after and output[pos : pos + 1] == " ":
            pos += 1
    out.append(output[pos:])
    return "".join(out)


def _pairs_in_order(slots: tuple[_Slot, ...], numbers: list[int]) -> bool:
    """An opening atom (a link's `[`) must come back before its closing one (`](url)`)."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, slot in enumerate(slots):
        if slot.role == _OPEN:
            stack.append(i)
        elif slot.role == _CLOSE and stack:
            pairs[stack.pop()] = i
    where = {n - 1: k for k, n in enumerate(numbers)}
    return all(where[o] < where[c] for o, c in pairs.items())


def _emptied_pair(prep: _Prepared, output: str, found: list[re.Match[str]]) -> bool:
    """A link or emphasis whose text the model moved out (`[](/url)`, `** **`) is lost."""
    stack: list[int] = []
    at = {int(m.group(1)) - 1: m for m in found}
    for i, slot in enumerate(prep.slots):
        if slot.role == _OPEN:
            stack.append(i)
        elif slot.role == _CLOSE and stack:
            o = stack.pop()
            source = prep.flat[prep.flat.find(prep.slots[o].char) + 1 : prep.flat.find(slot.char)]
            english = output[at[o].end() : at[i].start()]
            if source.strip() and not english.strip():
                return True
    # Two openers (or closers) the model pushed together, where the source had text between
    # them, change the nesting (`**a *b***` read as `***b***`).
    ordered = sorted(found, key=lambda m: m.start())
    for left, right in zip(ordered, ordered[1:], strict=False):
        first, second = (prep.slots[int(m.group(1)) - 1] for m in (left, right))
        if first.role != second.role or first.role not in (_OPEN, _CLOSE):
            continue
        lo, hi = sorted((prep.flat.find(first.char), prep.flat.find(second.char)))
        if prep.flat[lo + 1 : hi].strip() and not output[left.end() : right.start()].strip():
            return True
    return False


# --- the fallbacks ------------------------------------------------------------------------------


def _piecewise(prep: _Prepared, caps: Capabilities) -> tuple[Result, str]:
    """Translate the text between atoms on its own and join in source order; clause by clause
    where a piece still fails; keep the source text of what cannot be translated."""
    pieces = re.split(r"([\ue000-\uf8ff])", prep.flat)
    out: list[str] = []
    reasons: list[str] = []
    for piece in pieces:
        if (
            not piece
            or (len(piece) == 1 and chars.is_atom(piece))
            or not caps.needs_translation(piece)
        ):
            out.append(piece)
            continue
        core = piece.strip()
        lead = piece[: len(piece) - len(piece.lstrip())]
        trail = piece[len(piece.rstrip()) :]
        translated = _translate_plain(core, caps, reasons)
        out.append(lead + translated + trail)
    decoded = "".join(out)
    status = "kept" if reasons else "translated"
    reason = "; ".join(reasons) if reasons else None
    return Result(prep.source.text, _finish(prep, decoded), status, reason), decoded


def _translate_plain(text: str, caps: Capabilities, reasons: list[str], depth: int = 0) -> str:
    ((output, from_memory),) = _through_memory([text], caps.translate, caps)
    if caps.check(text, output) is None and not _placeholder_like(output):
        if not from_memory:
            caps.store([(text, output)])
        return output.replace("\n", " ").strip()
    if caps.translate_safe is not None:
        output = caps.translate_safe([text])[0]
        if caps.check(text, output) is None:
            caps.store([(text, output)])
            return output.replace("\n", " ").strip()
    clauses = caps.split_clauses(text) if depth == 0 else [text]
    if len(clauses) > 1:
        return _join_clauses(
            [
                (c, _translate_plain(c.strip(), caps, reasons, depth + 1))
                for c in clauses
                if c.strip()
            ]
        )
    reasons.append(f"could not translate {text[:40]!r}: {caps.check(text, output) or 'bad output'}")
    return text


def _join_clauses(parts: list[tuple[str, str]]) -> str:
    """Clauses translated one by one: English ones need a space between them, Japanese ones
    that had to be kept join as they were written."""
    out = ""
    for source, text in parts:
        if out and (source[:1].isspace() or (chars.ends_latin(out[-1]) and text[:1].isascii())):
            out += " "
        out += text
    return out


def _placeholder_like(text: str) -> bool:
    return any(chars.is_atom(c) for c in text)
