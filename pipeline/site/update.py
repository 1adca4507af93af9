"""The three-way update of an English copy: its base (what honyaku wrote, block by block, in the
lock), the English copy as it is now (maybe edited by a person) and the new Japanese post.

Rules, block by block (body blocks and translated front-matter fields alike):
- a block whose Japanese did not change keeps the English that is in the copy now, byte for byte;
- a block whose Japanese changed, and a new block, get a fresh translation; a block removed from
  the Japanese is removed from the English;
- a block a person added to the English (no Japanese counterpart) stays, after the block it
  followed; a block a person deleted stays deleted unless its Japanese changed;
- a conflict (a person edited a block and its Japanese changed or went away): the new translation
  goes into the page and the person's English is appended to a sidecar file,
  `.honyaku/conflicts/<English page path>`, which the report names. Nothing is marked in the page.
- front matter: when the person did not touch it, it is the new translation's (so dates, tags,
  drafts follow the Japanese) with the unchanged fields' English kept; when they did, it is the
  person's, with only the fields whose Japanese changed replaced.

Blocks are matched by their hashes in order (difflib, no junk heuristic). Runs of edited blocks
pair up one to one; a run of several base blocks that became a different number of several
English blocks (sections merged or split) cannot be matched: `CannotMatch` says so, and the copy
is kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from pipeline.frontmatter import FrontMatterError, add_key, splice, split_front_matter
from pipeline.site.blocks import (
    FRONT,
    Block,
    Post,
    Unchanged,
    english_field,
    field_key,
    key_path,
    managed_fields,
    short_hash,
    split_post,
)
from pipeline.site.files import atomic_write
from pipeline.site.lock import BlockBase

CONFLICTS_DIR = Path(".honyaku") / "conflicts"


class CannotMatch(Exception):
    """The English copy's blocks no longer line up with the base; the message says why."""


@dataclass(frozen=True)
class Plan:
    """The update decided from hashes alone, before any translation (what --dry-run shows)."""

    ja: Post
    en: Post
    base: tuple[BlockBase, ...]  # body blocks only
    fields: tuple[BlockBase, ...]  # front-matter entries
    ja_of: dict[int, int]  # base index -> new Japanese block index (Japanese unchanged)
    en_of: dict[int, int]  # base index -> English block index (unedited or edited)
    edited: frozenset[int]  # base indexes whose English a person edited
    added: dict[int, int]  # English block index -> new Japanese index it follows (-1: first)
    taxonomies: bool = False

    @property
    def theirs(self) -> frozenset[int]:
        """Base indexes whose English in the copy is a person's: edited now or kept before."""
        kept = {i for i in self.en_of if self.base[i].person and self.base[i].source}
        return self.edited | kept

    @property
    def retranslate(self) -> list[int]:
        """New Japanese blocks that go to the model."""
        kept = set(self.ja_of.values())
        return [j for j in range(len(self.ja.blocks)) if j not in kept]

    @property
    def edits_kept(self) -> int:
        return sum(1 for i in self.theirs if i in self.ja_of) + sum(
            1 for key in self._field_status() if self._field_status()[key] == "edited"
        )

    @property
    def conflicts(self) -> int:
        body = sum(1 for i in self.theirs if i not in self.ja_of)
        return body + sum(1 for s in self._field_status().values() if s == "conflict")

    def unchanged(self) -> Unchanged:
        offset = len(self.ja.front_raw)
        body = tuple(
            (b.start - offset, b.start - offset + len(b.text))
            for j, b in enumerate(self.ja.blocks)
            if j in set(self.ja_of.values())
        )
        status = self._field_status()
        fields = frozenset(key_path(k) for k, s in status.items() if s in ("same", "edited"))
        return Unchanged(body, fields)

    def _field_status(self) -> dict[str, str]:
        """Per managed Japanese field: same | edited | changed | conflict | new."""
        base = {b.key: b for b in self.fields if b.key != FRONT}
        status = {}
        for key, value in managed_fields(self.ja.front, taxonomies=self.taxonomies).items():
            entry = base.get(key)
            english = english_field(self.en.front, key)
            edited = entry is not None and (
                entry.person
                or (short_hash(english) if english is not None else "") != entry.english
            )
            if entry is None:
                status[key] = "new"
            elif short_hash(value) == entry.source:
                status[key] = "edited" if edited else "same"
            else:
                status[key] = "conflict" if edited and english is not None else "changed"
        return status


@dataclass(frozen=True)
class Merged:
    text: str
    base: tuple[BlockBase, ...]
    retranslated: int
    edits_kept: int
    conflicts: tuple[str, ...] = ()  # the person's English of each block in conflict
    learned: tuple[tuple[str, str], ...] = field(default=())  # (Japanese, person's English)


def plan_update(
    japanese: str, english: str, base: tuple[BlockBase, ...], *, taxonomies: bool = False
) -> Plan:
    """Match the base with the new Japanese and the English copy. Raises CannotMatch."""
    ja, en = split_post(japanese), split_post(english)
    if ja.front is None or en.front is None:
        raise CannotMatch("its front matter cannot be read")
    body = tuple(b for b in base if not b.key)
    fields = tuple(b for b in base if b.key)
    ja_of, anchor = _match_japanese(body, ja.blocks)
    en_of, edited = _match_english(body, en.blocks)
    added = {}
    follows = -1  # the new Japanese position the last matched English block stands for
    owner = {k: i for i, k in en_of.items()}
    for k in range(len(en.blocks)):
        i = owner.get(k)
        if i is not None and body[i].source:
            follows = anchor[i]
        else:  # a block a person added (now or in an earlier update)
            added[k] = follows
    return Plan(ja, en, body, fields, ja_of, en_of, frozenset(edited), added, taxonomies)


def _match_japanese(
    body: tuple[BlockBase, ...], blocks: tuple[Block, ...]
) -> tuple[dict[int, int], dict[int, int]]:
    """Base index -> new Japanese index where the Japanese is unchanged, and for every base index
    the new Japanese position after which what followed it goes."""
    index = [i for i, b in enumerate(body) if b.source]
    matcher = SequenceMatcher(None, [body[i].source for i in index], [b.sha for b in blocks], False)
    ja_of: dict[int, int] = {}
    anchor: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for n in range(i1, i2):
            if tag == "equal":
                ja_of[index[n]] = j1 + n - i1
                anchor[index[n]] = j1 + n - i1
            else:  # changed or removed: what followed it goes after its replacement, if any
                anchor[index[n]] = min(j1 + n - i1, j2 - 1) if j2 > j1 else j1 - 1
    last = -1
    for i in range(len(body)):  # a person's block stands where the block before it went
        last = anchor.setdefault(i, last)
    return ja_of, anchor


def _match_english(
    body: tuple[BlockBase, ...], blocks: tuple[Block, ...]
) -> tuple[dict[int, int], set[int]]:
    index = [i for i, b in enumerate(body) if b.english]
    matcher = SequenceMatcher(
        None, [body[i].english for i in index], [b.sha for b in blocks], False
    )
    en_of: dict[int, int] = {}
    edited: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            en_of.update({index[i1 + n]: j1 + n for n in range(i2 - i1)})
        elif tag == "replace":
            if i2 - i1 > 1 and j2 - j1 > 1 and i2 - i1 != j2 - j1:
                raise CannotMatch(
                    f"{i2 - i1} blocks honyaku wrote became {j2 - j1} different blocks "
                    f"(from block {j1 + 1} of the English copy): sections merged or split"
                )
            # One to one, in order; an extra English block is the person's addition, an extra
            # base block the person's deletion.
            for n in range(min(i2 - i1, j2 - j1)):
                en_of[index[i1 + n]] = j1 + n
                edited.add(index[i1 + n])
    return en_of, edited


def merge(plan: Plan, fresh: str) -> Merged:
    """The updated English copy from the plan and `fresh`, the new Japanese translated with the
    plan's unchanged blocks left out (their text there does not matter). Raises CannotMatch."""
    new = split_post(fresh)
    if len(new.blocks) != len(plan.ja.blocks):
        raise CannotMatch(
            f"the translation has {len(new.blocks)} blocks, the Japanese {len(plan.ja.blocks)}"
        )
    owner = {j: i for i, j in plan.ja_of.items()}
    pieces: list[tuple[str, bool]] = []  # (text, last block of its own post)
    base: list[BlockBase] = []
    learned: list[tuple[str, str]] = []
    _added(plan, -1, pieces, base)
    for j, block in enumerate(plan.ja.blocks):
        i = owner.get(j)
        if i is None:
            fresh_block = new.blocks[j]
            pieces.append((fresh_block.text, j == len(new.blocks) - 1))
            base.append(BlockBase(block.sha, fresh_block.sha))
        elif i in plan.en_of:
            k = plan.en_of[i]
            kept = plan.en.blocks[k]
            pieces.append((kept.text, k == len(plan.en.blocks) - 1))
            base.append(BlockBase(block.sha, kept.sha, person=i in plan.theirs))
            if i in plan.edited:
                learned.append((block.text, kept.text))
        else:  # deleted by the person, Japanese unchanged: stays deleted
            base.append(BlockBase(block.sha, "", person=True))
        _added(plan, j, pieces, base)
    conflicts = [
        plan.en.blocks[plan.en_of[i]].text for i in sorted(plan.edited) if i not in plan.ja_of
    ]
    front, front_base, front_conflicts = _merge_front(plan, new)
    learned += [
        (value, english_field(plan.en.front, key) or "")
        for key, value in managed_fields(plan.ja.front, taxonomies=plan.taxonomies).items()
        if plan._field_status().get(key) == "edited" and english_field(plan.en.front, key)
    ]
    # The person's lines before the first block stay, unless no block is left at all (the
    # Japanese was emptied): then the body is what the fresh translation has.
    body = _join(pieces, plan.en.head if plan.en.blocks and pieces else new.head, fresh)
    return Merged(
        front + body,
        (*base, *front_base),
        len(plan.retranslate),
        plan.edits_kept,
        (*conflicts, *front_conflicts),
        tuple(learned),
    )


def _added(plan: Plan, after: int, pieces: list, base: list) -> None:
    for k, follows in plan.added.items():
        if follows == after:
            block = plan.en.blocks[k]
            pieces.append((block.text, k == len(plan.en.blocks) - 1))
            base.append(BlockBase("", block.sha, person=True))


def _join(pieces: list[tuple[str, bool]], head: str, fresh: str) -> str:
    """Blocks back into a body. A block that ended its own post gets a blank line when something
    follows it now, in the page's line ends (CRLF stays CRLF); the body ends the way the fresh
    translation ends."""
    newline = "\r\n" if "\r\n" in fresh else "\n"
    out = [head]
    for n, (text, was_last) in enumerate(pieces):
        if n == len(pieces) - 1:
            ending = fresh[len(fresh.rstrip()) :]
            text = text.rstrip() + ending
        elif was_last or not text.endswith("\n"):
            text = text.rstrip() + newline * 2
        out.append(text)
    return "".join(out)


def _merge_front(plan: Plan, new: Post) -> tuple[str, tuple[BlockBase, ...], list[str]]:
    """The English front matter, its base entries, and the person's values in conflict."""
    status = plan._field_status()
    front_entry = next((b for b in plan.fields if b.key == FRONT), None)
    untouched = (
        front_entry is not None
        and not front_entry.person
        and short_hash(plan.en.front_raw) == front_entry.english
    )
    assert plan.en.front is not None and new.front is not None
    start = new.front if untouched else plan.en.front
    edits: dict = {}
    conflicts: list[str] = []
    for key, state in status.items():
        path = key_path(key)
        if untouched and state in ("same", "edited"):
            value = english_field(plan.en.front, key)
            if value is not None:
                edits[path] = value
        elif not untouched and state in ("changed", "conflict", "new"):
            value = english_field(new.front, key)
            if value is not None:
                edits[path] = value
        if state == "conflict":
            conflicts.append(f"{key}: {english_field(plan.en.front, key)}")
    raw = _splice_all(start, edits)
    text = start.prefix + raw
    try:
        merged = split_front_matter(text)[0]
    except FrontMatterError as exc:
        raise CannotMatch(f"its front matter cannot take the new values ({exc})") from None
    ja_raw = plan.ja.front_raw
    entries = [BlockBase(short_hash(ja_raw), short_hash(text), FRONT, person=not untouched)]
    ja_fields = managed_fields(plan.ja.front, taxonomies=plan.taxonomies)
    for key, value in sorted(ja_fields.items()):
        english = english_field(merged, key)
        person = status.get(key) == "edited"
        english_sha = "" if english is None else short_hash(english)
        entries.append(BlockBase(short_hash(value), english_sha, key, person=person))
    return text, tuple(entries), conflicts


def _splice_all(front, edits: dict) -> str:
    existing = {p: v for p, v in edits.items() if english_field(front, field_key(p)) is not None}
    try:
        raw = splice(front, existing) if existing else front.raw
        for path, value in edits.items():
            if path not in existing:
                raw = add_key(split_front_matter(front.prefix + raw)[0], path, value)
    except FrontMatterError as exc:
        raise CannotMatch(f"its front matter cannot take the new values ({exc})") from None
    return raw


def write_conflicts(root: Path, target_key: str, conflicts: tuple[str, ...], source: str) -> str:
    """Append the person's English of each block in conflict to the sidecar; returns its path
    relative to the site root. Appended, never replaced: an earlier conflict is not lost."""
    path = CONFLICTS_DIR / target_key
    full = root / path
    old = full.read_text(encoding="utf-8") if full.exists() else ""
    parts = [
        old,
        f"<!-- {len(conflicts)} block(s) of {target_key} as you had written them; their "
        f"Japanese ({source}) changed, so the page now has the new translation. -->\n\n",
    ]
    parts += [text.rstrip() + "\n\n" for text in conflicts]
    atomic_write(full, "".join(parts))
    return path.as_posix()
