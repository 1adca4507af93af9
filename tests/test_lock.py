"""honyaku.lock is read and written with tomlkit, byte for byte in the layout earlier versions
wrote (so a lock in git does not churn), and awkward strings survive the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.site.lock import Lock, LockEntry, ResourceEntry, dump_lock, load_lock, save_lock

AWKWARD = [
    'a "quoted" name',
    "back\\slash\\",
    "日本語/記事.md",
    "line\nbreak\r\nand\ttab",
    "control \x01\x1b\x08\x0c end",
    "emoji 🎌 and \u2028 separator",
    "'single' and '''triple''' and \"\"\"triple\"\"\"",
    "",
]


def _entry(i: int, text: str) -> LockEntry:
    return LockEntry(f"content/en/{i}.md", text, "s" * 64, f"id|{text}", "o" * 64, "0.1.0")


def _lock(root: Path) -> Lock:
    entries = {e.target: e for e in (_entry(i, s) for i, s in enumerate(AWKWARD))}
    res = ResourceEntry("content/en/x/a b.png", 'content/ja/x/a "b".png', "content/en/x.md", "h")
    return Lock(root, entries, {res.target: res})


def _old_dump(lock: Lock) -> str:
    """The hand-written writer this replaced: JSON string escapes are TOML basic-string ones."""
    lines = [
        "# honyaku.lock: what honyaku wrote, so re-runs skip unchanged posts and never overwrite",
        "# an English copy someone edited. Generated; commit it with the site.",
        "# Its last line is the end mark: a lock without it was cut short.",
        "format = 1",
    ]
    for name, records in (("file", lock.entries), ("resource", lock.resources)):
        for key in sorted(records):
            lines += ["", f"[[{name}]]"]
            record = records[key]
            for field in type(record).__dataclass_fields__:
                if getattr(record, field) == ():  # issue 13's per-block fields: absent when empty
                    continue
                if field == "links" and not getattr(record, field):
                    continue  # added later (link dependencies); not written while empty
                lines.append(f"{field} = {json.dumps(getattr(record, field), ensure_ascii=False)}")
    return "\n".join([*lines, "", "# end of honyaku.lock"]) + "\n"


def test_awkward_strings_round_trip(tmp_path: Path) -> None:
    lock = _lock(tmp_path)
    save_lock(lock)
    assert load_lock(tmp_path) == lock
    text = (tmp_path / "honyaku.lock").read_text(encoding="utf-8")
    assert text == dump_lock(lock) == _old_dump(lock)


@pytest.mark.parametrize("entries", [0, 1])
def test_small_locks_keep_their_layout(tmp_path: Path, entries: int) -> None:
    lock = Lock(tmp_path, {e.target: e for e in [_entry(0, "a")][:entries]})
    assert dump_lock(lock) == _old_dump(lock)
    save_lock(lock)
    assert load_lock(tmp_path) == lock


def test_delete_character_is_escaped(tmp_path: Path) -> None:
    # The old writer left U+007F raw, which TOML forbids (tomllib could not read it back).
    entry = _entry(0, "del\x7f")
    lock = Lock(tmp_path, {entry.target: entry})
    save_lock(lock)
    assert "\\u007f" in (tmp_path / "honyaku.lock").read_text(encoding="utf-8")
    assert load_lock(tmp_path) == lock


def test_table_by_table_rendering_equals_the_whole_document(tmp_path: Path) -> None:
    """The lock is rendered table by table (remembered between saves); the text must be what
    tomlkit writes for the whole document."""
    from pipeline.site.lock import Lock, LockEntry, ResourceEntry, dump_lock, dump_lock_whole

    odd = ["plain", 'quote " and \\ backslash', "tab\tnew\nline", "日本語", "\x7f", "'"]
    entries = {
        f"content/en/{i}.md": LockEntry(
            f"content/en/{i}.md", f"content/ja/{i}.md", "a" * 64, value, "b" * 64, "0.1.0"
        )
        for i, value in enumerate(odd)
    }
    resources = {
        "content/en/x.png": ResourceEntry("content/en/x.png", "content/ja/x.png", "p", "c" * 64)
    }
    for lock in (
        Lock(tmp_path),
        Lock(tmp_path, entries),
        Lock(tmp_path, {}, resources),
        Lock(tmp_path, entries, resources),
    ):
        assert dump_lock(lock) == dump_lock_whole(lock)
