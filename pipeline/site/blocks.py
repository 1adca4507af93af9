"""A post cut into the blocks the update matches: each top-level block of the body (paragraph,
heading, table, code block, quote, each item of a top-level list, as `markdown.block_starts` cuts
them) and each translated front-matter field, with short content hashes.

The per-block base in `honyaku.lock` pairs, in order, the hash of each Japanese block with the
hash of its English as written. Hashes ignore a block's trailing blank lines, so only its content
counts; 12 hex digits (48 bits) keep the lock small and cannot collide within one post in
practice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from pipeline.frontmatter import (
    FrontMatter,
    FrontMatterError,
    reader_fields,
    split_front_matter,
    string_value,
)
from pipeline.site.lock import BlockBase
from pipeline.site.markdown import block_starts

FieldPath = tuple[str | int, ...]
Range = tuple[int, int]
FRONT = "(front matter)"  # the key of the whole front matter's base entry


def short_hash(text: str) -> str:
    return hashlib.sha256(text.rstrip().encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Block:
    start: int  # offset in the whole text
    text: str  # as written, with the blank lines after it

    @property
    def sha(self) -> str:
        return short_hash(self.text)


@dataclass(frozen=True)
class Post:
    text: str
    front: FrontMatter | None  # None: front matter that cannot be read
    head: str  # the body before its first block
    blocks: tuple[Block, ...]

    @property
    def front_raw(self) -> str:
        return self.front.prefix + self.front.raw if self.front is not None else ""


@dataclass(frozen=True)
class Unchanged:
    """What the orchestrator must not send to the model: body ranges (offsets into the body, after
    the front matter) and front-matter fields whose Japanese did not change."""

    body: tuple[Range, ...] = ()
    fields: frozenset[FieldPath] = frozenset()

    def units(self, starts: list[int], fields: list[FieldPath]) -> set[int]:
        """Which of a post's units to leave out, given where each body prose unit starts and
        the path of each front-matter field (numbered after the body's units)."""
        body = {i for i, at in enumerate(starts) if any(lo <= at < hi for lo, hi in self.body)}
        return body | {len(starts) + k for k, path in enumerate(fields) if path in self.fields}


def split_post(text: str) -> Post:
    try:
        front: FrontMatter | None = split_front_matter(text)[0]
    except FrontMatterError:
        front = None
    starts = block_starts(text)
    body = len(front.prefix + front.raw) if front is not None else 0
    ends = [*starts[1:], len(text)] if starts else []
    blocks = tuple(Block(s, text[s:e]) for s, e in zip(starts, ends, strict=True))
    head = text[body : starts[0]] if starts else text[body:]
    return Post(text, front, head, blocks)


def field_key(path: FieldPath) -> str:
    return "/".join(str(part) for part in path)


def key_path(key: str) -> FieldPath:
    return tuple(int(part) if part.isdigit() else part for part in key.split("/"))


def managed_fields(front: FrontMatter | None, *, taxonomies: bool = False) -> dict[str, str]:
    """The front-matter fields honyaku translates, by key: the reader fields, and `summary` even
    when empty (honyaku fills it)."""
    if front is None or front.kind is None:
        return {}
    fields = {
        field_key(f.path): f.value for f in reader_fields(front, include_taxonomies=taxonomies)
    }
    for key in front.data:
        if isinstance(key, str) and key.lower() == "summary" and key not in fields:
            value = string_value(front, (key,))
            fields[key] = value or ""
    return fields


def english_field(front: FrontMatter | None, key: str) -> str | None:
    if front is None or front.kind is None:
        return None
    try:
        return string_value(front, key_path(key))
    except (KeyError, IndexError, TypeError):
        return None


def full_base(japanese: str, english: str, *, taxonomies: bool = False) -> tuple[BlockBase, ...]:
    """The base of an English copy translated whole from `japanese`: block i of one is block i of
    the other. Empty when they do not pair up (then an edited copy is kept as a whole, as before
    per-block bases existed)."""
    ja, en = split_post(japanese), split_post(english)
    if len(ja.blocks) != len(en.blocks) or ja.front is None or en.front is None:
        return ()
    body = tuple(BlockBase(j.sha, e.sha) for j, e in zip(ja.blocks, en.blocks, strict=True))
    return (*body, *front_base(ja, en, taxonomies=taxonomies))


def front_base(ja: Post, en: Post, *, taxonomies: bool) -> tuple[BlockBase, ...]:
    fields = managed_fields(ja.front, taxonomies=taxonomies)
    entries = [BlockBase(short_hash(ja.front_raw), short_hash(en.front_raw), FRONT)]
    for key, value in sorted(fields.items()):
        english = english_field(en.front, key)
        entries.append(
            BlockBase(short_hash(value), "" if english is None else short_hash(english), key)
        )
    return tuple(entries)


def rebased(base: tuple[BlockBase, ...], english: str) -> tuple[BlockBase, ...]:
    """The base with the English hashes taken from `english`, a copy whose blocks changed only
    inside (link URLs rewritten in place): block for block, front-matter fields by key. Empty
    when the blocks no longer pair up (the copy is then kept whole if edited, as with no base)."""
    if not base:
        return base
    en = split_post(english)
    present = [i for i, b in enumerate(base) if not b.key and b.english]
    if len(present) != len(en.blocks):
        return ()
    out = list(base)
    for i, block in zip(present, en.blocks, strict=True):
        out[i] = replace(out[i], english=block.sha)
    for i, b in enumerate(out):
        if b.key == FRONT:
            out[i] = replace(b, english=short_hash(en.front_raw))
        elif b.key and b.english:
            value = english_field(en.front, b.key)
            out[i] = replace(b, english="" if value is None else short_hash(value))
    return tuple(out)
