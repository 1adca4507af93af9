"""Issue 13: a person's English edits survive a change of the Japanese post (block-level
three-way update), with the real orchestrator and a deterministic stand-in translator."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.api import Engine
from pipeline.corrections import SiteTranslator
from pipeline.frontmatter import split_front_matter
from pipeline.memory import TranslationMemory
from pipeline.settings import Settings as RunSettings
from pipeline.settings import SummaryMethod
from pipeline.site import load_lock
from pipeline.site.batch import run_batch
from pipeline.site.blocks import split_post
from tests.hugo_sites import BILINGUAL_DIRS
from tests.standins import EnglishWords, to_english

POST = """---
title: "記事の題名"
summary: "記事の要約です。"
date: 2024-01-01
---

## はじめに

これは最初の段落です。

- 一つ目の項目
- 二つ目の項目

これは二番目の段落です。

## まとめ

最後の段落です。
"""
JA = "content/ja/post/a.md"
EN = "content/en/post/a.md"


def make_site(root: Path, text: str = POST) -> Path:
    (root / "content/ja/post").mkdir(parents=True)
    (root / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    (root / JA).write_text(text, encoding="utf-8")
    return root


def run(root: Path, translator: EnglishWords | None = None, memory=None, **kw):
    """One batch over the site with the real orchestrator; returns (report, translator)."""
    translator = translator or EnglishWords()
    settings = RunSettings(quiet=True, summary=SummaryMethod.off, **kw)
    engine = Engine(translator, memory=memory, identity="words")
    one = SiteTranslator(engine, settings.options())
    report = run_batch(
        [root / "content/ja"], settings, one, identity="words", out=io.StringIO(), err=io.StringIO()
    )
    return report, translator


def printed(report) -> str:
    return "\n".join(report.summary_lines())


def fresh(text: str, tmp: Path) -> str:
    """The English a first run writes for `text`, in a site of its own."""
    root = make_site(tmp, text)
    run(root)
    return (root / EN).read_text(encoding="utf-8")


def blocks(text: str) -> list[str]:
    return [b.text.rstrip() for b in split_post(text).blocks]


def edit_block(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_edit_kept_changed_and_new_blocks_translated(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root)
    english = (root / EN).read_text()
    first = blocks(english)[1]
    mine = "This is **my** first paragraph, corrected by hand."
    (root / EN).write_text(edit_block(english, first, mine))
    ja = POST.replace("これは二番目の段落です。", "これは書き直した段落です。")
    ja = ja.replace("最後の段落です。\n", "最後の段落です。\n\n新しい段落です。\n")
    (root / JA).write_text(ja)
    report, translator = run(root)
    done = report.files[0]
    assert (done.status, done.copy, done.reason) == ("translated", "edited-stale", "update")
    assert (done.retranslated, done.edits_kept, done.conflicts) == (2, 1, 0)
    # Only the changed and the new paragraph went to the model.
    assert translator.sentences == ["これは書き直した段落です。", "新しい段落です。"]
    now = blocks((root / EN).read_text())
    want = blocks(fresh(ja, tmp_path / "fresh"))
    assert now[1] == mine  # the person's words, byte for byte
    assert now[:1] + now[2:] == want[:1] + want[2:]
    assert "updated content/en/post/a.md: 2 blocks retranslated, 1 edited block kept" in printed(
        report
    )
    # The next run: nothing to do, and the copy is still reported as the person's.
    report, translator = run(root)
    assert translator.calls == [] and report.files[0].copy == "edited"
    # ... in words that are true: honyaku wrote the page last, keeping the person's block.
    assert (
        "kept content/en/post/a.md: edited by a person; source unchanged: kept (1 block a "
        "person wrote, kept by the last update)" in printed(report)
    )


def test_deleted_and_added_blocks(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root)
    english = (root / EN).read_text()
    en = blocks(english)
    # The person deletes the second paragraph and adds a note after the first one.
    text = edit_block(english, en[4] + "\n\n", "")
    text = edit_block(text, en[1] + "\n", en[1] + "\n\nA note of mine.\n")
    (root / EN).write_text(text)
    ja = POST.replace("最後の段落です。", "最後の段落を直しました。")
    (root / JA).write_text(ja)
    run(root)
    now = blocks((root / EN).read_text())
    want = blocks(fresh(ja, tmp_path / "fresh"))
    assert now == [want[0], want[1], "A note of mine.", want[2], want[3], want[5], want[6]]
    # The deleted block comes back when its Japanese changes.
    (root / JA).write_text(ja.replace("これは二番目の段落です。", "二番目を直した。"))
    report, _ = run(root)
    assert report.files[0].conflicts == 0  # a block the person added is no conflict
    now = blocks((root / EN).read_text())
    assert now[5] == to_english("二番目を直した。") and "A note of mine." in now


def test_conflict_new_translation_in_page_person_text_in_sidecar(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root)
    english = (root / EN).read_text()
    para = blocks(english)[4]
    mine = "My own wording of the second paragraph."
    (root / EN).write_text(edit_block(english, para, mine))
    (root / JA).write_text(POST.replace("これは二番目の段落です。", "二番目の段落を変えた。"))
    report, _ = run(root)
    done = report.files[0]
    assert done.conflicts == 1 and done.conflict_file == ".honyaku/conflicts/content/en/post/a.md"
    page = (root / EN).read_text()
    assert mine not in page and to_english("二番目の段落を変えた。") in page
    assert "<!--" not in page and "<<<<" not in page
    assert mine in (root / done.conflict_file).read_text()
    assert f"your English of those blocks: {done.conflict_file}" in printed(report)
    # A second conflict is appended: the first stays recoverable.
    page = (root / EN).read_text()
    para = blocks(page)[4]
    (root / EN).write_text(edit_block(page, para, "Second wording."))
    (root / JA).write_text(POST.replace("これは二番目の段落です。", "三度目の変更。"))
    run(root)
    sidecar = (root / done.conflict_file).read_text()
    assert mine in sidecar and "Second wording." in sidecar


def test_title_summary_list_item_and_heading_edits(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root)
    text = (root / EN).read_text()
    en = blocks(text)
    text = edit_block(text, en[0], "## Getting started")  # heading
    text = edit_block(text, en[3], "- The second item, as I say it")  # list item
    text = text.replace(to_english("記事の題名"), "My title")
    text = text.replace(to_english("記事の要約です。"), "My summary.")
    (root / EN).write_text(text)
    ja = POST.replace("最後の段落です。", "最後を変えた。").replace(
        "date: 2024-01-01", "date: 2024-02-02"
    )
    (root / JA).write_text(ja)
    report, translator = run(root)
    assert report.files[0].edits_kept == 4
    assert translator.sentences == ["最後を変えた。"]
    page = (root / EN).read_text()
    for mine in ("## Getting started", "- The second item, as I say it", "My title", "My summary."):
        assert mine in page
    # The person edited the front matter: keys honyaku does not translate stay as in the copy.
    assert "date: 2024-01-01" in page
    # Now the Japanese title changes: a conflict; the new title goes in, the person's is kept.
    (root / JA).write_text(ja.replace("記事の題名", "新しい題名"))
    report, _ = run(root)
    page = (root / EN).read_text()
    assert to_english("新しい題名") in page and "My summary." in page
    assert "title: My title" in (root / report.files[0].conflict_file).read_text()


def test_unedited_front_matter_follows_the_japanese(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root)
    (root / JA).write_text(POST.replace("2024-01-01", "2024-03-03").replace("最後", "最終"))
    report, translator = run(root)
    assert report.files[0].copy == "stale" and translator.sentences == ["最終の段落です。"]
    assert (root / EN).read_text() == fresh(
        POST.replace("2024-01-01", "2024-03-03").replace("最後", "最終"), tmp_path / "f"
    )


def test_reordered_sections_are_skipped_with_why(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root)
    text = (root / EN).read_text()
    en = blocks(text)
    # Three paragraphs merged into two: blocks no longer line up.
    merged = en[1] + " " + en[2] + "\n\n" + en[3] + " " + en[4]
    start = text.index(en[1])
    end = text.index(en[4]) + len(en[4])
    text = text[:start] + merged.replace(en[1], "Mine. " + en[1], 1) + text[end:]
    (root / EN).write_text(text)
    (root / JA).write_text(POST.replace("最後の段落です。", "最後を変えた。"))
    report, _ = run(root)
    done = report.files[0]
    assert done.status == "skipped" and done.copy == "edited-stale"
    assert done.reason.startswith("kept content/en/post/a.md:")
    assert "no longer line up" in done.reason and "--force" in done.reason
    assert (root / EN).read_text() == text
    assert report.exit_code == 0
    run(root, force=True)
    assert "Mine." not in (root / EN).read_text()
    assert "Mine." in (root / ".honyaku/replaced" / EN).read_text()


def test_old_format_lock_keeps_edited_copy_and_says_why(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root)
    lock = root / "honyaku.lock"
    old = [line for line in lock.read_text().splitlines() if not line.startswith("    ")]
    old = [line for line in old if line not in ("blocks = [", "]")]
    lock.write_text("\n".join(old) + "\n")
    assert load_lock(root).entries[EN].blocks == ()
    page = (root / EN).read_text() + "\nMine.\n"
    (root / EN).write_text(page)
    (root / JA).write_text(POST.replace("最後", "最終"))
    report, _ = run(root)
    done = report.files[0]
    assert done.status == "skipped" and "next plain translation records one" in done.reason
    assert (root / EN).read_text() == page
    # An unedited copy under an old lock is translated whole, and gets its base.
    (root / EN).unlink()
    run(root)
    assert load_lock(root).entries[EN].blocks


def test_page_without_body_keeps_edits_when_its_japanese_changes(tmp_path: Path) -> None:
    """A front-matter-only page has a per-block base with no body block (its front matter is
    one): it is updated like any other, not kept whole as if an older honyaku wrote it (found by
    the generated-site test)."""
    root = make_site(tmp_path / "s", '---\ntitle: "はじめに"\n---')
    run(root)
    page = (root / EN).read_text() + "\n\nA person wrote this.\n"
    (root / EN).write_text(page)
    (root / JA).write_text('---\ntitle: "はじめに"\n---\n\n追記しました。\n')
    report, _ = run(root)
    done = report.files[0]
    assert (done.status, done.copy, done.reason) == ("translated", "edited-stale", "update")
    english = (root / EN).read_text()
    assert "A person wrote this." in english and to_english("追記しました。") in english
    report, translator = run(root)
    assert translator.calls == [] and report.files[0].copy == "edited"


def test_crlf_page_keeps_edits_when_its_japanese_changes(tmp_path: Path) -> None:
    """A CRLF copy is read with its own line ends: read as LF, no block matched the base and the
    edited copy was kept whole, out of date (found by the generated-site test)."""
    root = make_site(tmp_path / "s")
    (root / JA).write_bytes(POST.replace("\n", "\r\n").encode())
    run(root)
    page = (root / EN).read_bytes() + b"\r\nA person wrote this.\r\n"
    (root / EN).write_bytes(page)
    (root / JA).write_bytes((POST + "\n新しい段落です。\n").replace("\n", "\r\n").encode())
    report, _ = run(root)
    done = report.files[0]
    assert (done.status, done.copy, done.reason) == ("translated", "edited-stale", "update")
    english = (root / EN).read_bytes()
    assert (
        b"A person wrote this.\r\n" in english
        and to_english("新しい段落です。").encode() in english
    )
    assert b"\n" not in english.replace(b"\r\n", b"")  # every line end is still CRLF


def test_fresh_clone_with_empty_cache_updates_the_same(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    run(root, memory=TranslationMemory(tmp_path / "m1.sqlite"))
    text = (root / EN).read_text()
    (root / EN).write_text(edit_block(text, blocks(text)[1], "Mine."))
    (root / JA).write_text(POST.replace("最後", "最終"))
    clone = tmp_path / "clone"
    shutil.copytree(root, clone, copy_function=shutil.copy)
    for path in clone.rglob("*"):
        path.touch()
    run(root, memory=TranslationMemory(tmp_path / "m1.sqlite"))
    _report, translator = run(clone, memory=TranslationMemory(tmp_path / "m2.sqlite"))
    assert translator.sentences == ["最終の段落です。"]
    assert (clone / EN).read_bytes() == (root / EN).read_bytes()
    assert (clone / "honyaku.lock").read_bytes() == (root / "honyaku.lock").read_bytes()


def test_corrections_teach_the_memory(tmp_path: Path) -> None:
    post = POST + "\n同じ文です。\n"
    other = '---\ntitle: "別の記事"\n---\n\n同じ文です。\n'
    root = make_site(tmp_path / "s", post)
    memory = TranslationMemory(tmp_path / "m.sqlite")
    run(root, memory=memory)
    text = (root / EN).read_text()
    text = edit_block(text, blocks(text)[-1], "The same sentence, my way.")
    (root / EN).write_text(text.replace(to_english("記事の題名"), "My title"))
    (root / JA).write_text(post.replace("最後", "最終"))
    run(root, memory=memory)
    assert memory.get_many("words", ["同じ文です。"]) == {
        "同じ文です。": "The same sentence, my way."
    }
    assert memory.get_many("words", ["記事の題名"]) == {"記事の題名": "My title"}
    # A model output never replaces it; a new post with the same sentence gets the person's.
    memory.put_many("words", [("同じ文です。", "model")])
    (root / "content/ja/post/b.md").write_text(other)
    _report, translator = run(root, memory=memory)
    assert "同じ文です。" not in translator.sentences
    assert "The same sentence, my way." in (root / "content/en/post/b.md").read_text()
    assert memory.forget_human() == 2
    # --no-learn: nothing recorded.
    text = (root / EN).read_text()
    (root / EN).write_text(text.replace("## " + to_english("まとめ"), "## Wrap-up"))
    (root / JA).write_text(post.replace("最後", "最後の最後"))
    run(root, memory=memory, learn=False)
    assert memory.get_many("words", ["まとめ"]) != {"まとめ": "Wrap-up"}


def _append(text: str, index: int, mark: str) -> str:
    """`text` with body block `index` given `mark` at the end of its content (same structure)."""
    block = split_post(text).blocks[index]
    content = block.text.rstrip()
    changed = content + mark + block.text[len(content) :]
    return text[: block.start] + changed + text[block.start + len(block.text) :]


@given(
    ja_edits=st.sets(st.integers(0, 6)),
    en_edits=st.sets(st.integers(0, 6)),
    title=st.sampled_from(["same", "ja", "en", "both"]),
)
@settings(max_examples=20, deadline=None)
def test_property_unchanged_japanese_keeps_english_changed_equals_fresh(
    ja_edits: set[int], en_edits: set[int], title: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_site(Path(tmp) / "s")
        run(root)
        english = (root / EN).read_text()
        for k in sorted(en_edits):
            english = _append(english, k, f" (edited {k})")
        if title in ("en", "both"):
            english = english.replace(to_english("記事の題名"), "Edited title", 1)
        (root / EN).write_text(english)
        ja = POST
        for j in sorted(ja_edits):
            ja = _append(ja, j, f"変更{'一二三四五六七'[j]}")
        if title in ("ja", "both"):
            ja = ja.replace("記事の題名", "新題名")
        (root / JA).write_text(ja)
        report, translator = run(root)
        if not ja_edits and title not in ("ja", "both"):
            assert report.files[0].copy in ("edited", "up-to-date")
            return
        now = split_post((root / EN).read_text())
        want = split_post(fresh(ja, Path(tmp) / "fresh"))
        before = split_post(english)
        for j, block in enumerate(now.blocks):
            expected = want.blocks[j] if j in ja_edits else before.blocks[j]
            assert block.text.rstrip() == expected.text.rstrip()
        title_now = split_front_matter((root / EN).read_text())[0].data["title"]
        wanted = {"same": to_english("記事の題名"), "en": "Edited title"}
        assert title_now == wanted.get(title, to_english("新題名"))
        # Nothing whose Japanese did not change went to the model.
        unchanged = [b.text for j, b in enumerate(split_post(ja).blocks) if j not in ja_edits]
        assert not any(s in u for s in translator.sentences for u in unchanged)
