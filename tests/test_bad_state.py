"""Bad state files and bad setups (issue 14): one line and an exit code, never a traceback, and
nothing written; a hand-edited lock is checked before it is trusted; the lock can be rebuilt."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.site import load_lock
from tests.cli_run import run_honyaku
from tests.hugo_sites import BILINGUAL_DIRS

ROOT = Path(__file__).resolve().parents[1]
POSTS = {
    "content/ja/post/a.md": '---\ntitle: "一つ目"\n---\n\n最初の記事です。\n',
    "content/ja/post/b/index.md": '---\ntitle: "二つ目"\n---\n\n画像です。\n\n![図](fig.png)\n',
    "content/ja/post/b/fig.png": "\x89PNG fig",
}


def make_site(root: Path, config: str = BILINGUAL_DIRS) -> Path:
    root.mkdir(parents=True)
    (root / "hugo.toml").write_text(config, encoding="utf-8")
    for rel, text in POSTS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def honyaku(args: list[str], cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess:
    return run_honyaku(args, cwd, cache or cwd.parent / "cache")


def batch(site: Path, *extra: str, cache: Path | None = None) -> subprocess.CompletedProcess:
    return honyaku(["batch", "--backend", "pseudo", "--quiet", *extra, "content/ja"], site, cache)


def one_line(result: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """The run's stderr is one line with `words` in it, and no traceback anywhere."""
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def sources(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in (site / "content/ja").rglob("*")
        if p.is_file()
    }


# --- the lock, edited by hand -------------------------------------------------------------


def test_hand_edited_lock_entries_are_reported_by_line_and_never_acted_on(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.md").write_text("overwritten from outside the site\n", encoding="utf-8")
    (outside / "secret.txt").write_text("a file from outside the site\n", encoding="utf-8")
    assert batch(site).returncode == 0
    before = sources(site)
    a_sha = hashlib.sha256(before["content/ja/post/a.md"]).hexdigest()
    page = "content/en/post/b/index.md"
    bad = [
        # a Japanese source as an English page
        ("file", f'target = "content/ja/post/a.md"\nsource = "content/ja/post/a.md"\n'
         f'source_sha256 = "{a_sha}"\nsettings = "x"\noutput_sha256 = "{a_sha}"\nhonyaku = "0"'),
        # a source outside the site, through `..`
        ("file", 'target = "content/en/post/z.md"\nsource = "../outside/evil.md"\n'
         'source_sha256 = "0"\nsettings = "x"\noutput_sha256 = "0"\nhonyaku = "0"'),
        # a "resource" that would overwrite a Japanese post with a file from outside the site
        ("resource", f'target = "content/ja/post/a.md"\nsource = "../outside/evil.md"\n'
         f'page = "{page}"\nsource_sha256 = "{a_sha}"'),
        # one that would copy a file from outside the site into the English bundle
        ("resource", f'target = "content/en/post/b/secret.txt"\nsource = "../outside/secret.txt"\n'
         f'page = "{page}"\nsource_sha256 = "0"'),
        # `..` inside the target
        ("resource", 'target = "content/en/post/../../ja/post/b/fig.png"\n'
         f'source = "content/ja/post/b/fig.png"\npage = "{page}"\nsource_sha256 = "0"'),
    ]  # fmt: skip
    lock = site / "honyaku.lock"
    text = lock.read_text(encoding="utf-8")
    lines = []
    for kind, body in bad:
        lines.append(text.count("\n") + 2)
        text += f"\n[[{kind}]]\n{body}\n"
    lock.write_text(text, encoding="utf-8")

    result = batch(site)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    reported = [line for line in result.stderr.splitlines() if "entry ignored" in line]
    assert len(reported) == len(bad), result.stderr
    for line, report in zip(lines, reported, strict=True):
        assert f"honyaku.lock:{line}:" in report
    assert sources(site) == before  # no Japanese file written
    assert not (site / "content/en/post/b/secret.txt").exists()
    assert not (site / "content/en/post/z.md").exists()
    assert {"content/en/post/a.md", page} <= set(load_lock(site).entries)


def test_an_empty_lock_is_an_error_unless_rebuilt(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    assert batch(site).returncode == 0
    good = (site / "honyaku.lock").read_bytes()
    pages = {p: p.read_bytes() for p in (site / "content/en").rglob("*.md")}
    edited = site / "content/en/post/a.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA person's note.\n", "utf-8")
    (site / "honyaku.lock").write_bytes(b"")

    one_line(batch(site), 2, "honyaku.lock", "empty", "--rebuild-lock")
    assert (site / "honyaku.lock").read_bytes() == b""

    result = honyaku(["batch", "--backend", "pseudo", "--rebuild-lock", "content/ja"], site)
    assert result.returncode == 0, result.stderr
    assert "a.md" in result.stdout and "not adopted" in result.stdout  # listed, kept
    lock = load_lock(site)
    assert sorted(lock.entries) == ["content/en/post/b/index.md"]
    assert edited.read_text(encoding="utf-8").endswith("A person's note.\n")
    # With the page restored, a rebuild gives back the lock a clean run wrote.
    edited.write_bytes(pages[edited])
    assert batch(site, "--rebuild-lock").returncode == 0
    assert (site / "honyaku.lock").read_bytes() == good


def test_truncated_lock_is_one_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    assert batch(site).returncode == 0
    lock = site / "honyaku.lock"
    whole = lock.read_bytes()
    lock.write_bytes(whole[: len(whole) // 2])
    one_line(batch(site), 2, "honyaku.lock", "cut short", "--rebuild-lock")
    # Cut exactly between two tables: valid TOML with entries missing, still caught.
    lock.write_bytes(whole[: whole.rindex(b"\n[[file]]") + 1])
    one_line(batch(site), 2, "honyaku.lock", "cut short", "--rebuild-lock")
    # A lock from before the end mark (no notice in its header) is read as it always was.
    old = whole.replace(b"# Its last line is the end mark: a lock without it was cut short.\n", b"")
    old = old.replace(b"\n# end of honyaku.lock\n", b"")
    lock.write_bytes(old)
    result = batch(site)
    assert result.returncode == 0 and "kept" not in result.stdout + result.stderr
    assert lock.read_bytes() == old  # nothing to do: nothing written


# --- the translation memory ---------------------------------------------------------------


def test_corrupt_memory_is_one_line_and_cache_clear_fixes_it(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    cache = tmp_path / "cache"
    cache.mkdir()
    memory = cache / "memory.sqlite"
    memory.write_bytes(b"SQLite format 3\x00" + b"\x13" * 3000)
    before = sources(site)
    one_line(batch(site, cache=cache), 2, str(memory), "honyaku cache clear", "--no-cache")
    assert not (site / "content/en").exists() and sources(site) == before
    post = site / "content/ja/post/a.md"
    one_line(
        honyaku(["translate", "--backend", "pseudo", str(post), "--stdout"], site, cache),
        2,
        str(memory),
    )
    assert batch(site, "--no-cache", cache=cache).returncode == 0

    one_line(honyaku(["cache", "verify"], site, cache), 2, str(memory), "honyaku cache clear")
    shown = honyaku(["cache"], site, cache)
    assert str(memory) in shown.stdout and "Traceback" not in shown.stderr
    cleared = honyaku(["cache", "clear"], site, cache)
    assert cleared.returncode == 0 and not memory.exists()
    assert batch(site, "--force", cache=cache).returncode == 0
    shown = honyaku(["cache"], site, cache)
    assert shown.returncode == 0 and "translations: " in shown.stdout and "size: " in shown.stdout
    verified = honyaku(["cache", "verify"], site, cache)
    assert verified.returncode == 0 and "ok" in verified.stdout


# --- an unwritable lock or English folder, found before anything is written ---------------


def test_lock_that_cannot_be_written_stops_before_any_page(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "honyaku.lock").mkdir()
    one_line(batch(site), 2, "honyaku.lock")
    assert not (site / "content/en").exists()


def test_english_folder_that_cannot_be_written_stops_before_any_page(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "content/en").write_text("not a folder", encoding="utf-8")
    one_line(batch(site), 2, "content/en")
    assert not (site / "honyaku.lock").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_read_only_lock_stops_before_any_page(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    assert batch(site).returncode == 0
    (site / "content/ja/post/a.md").write_text("---\ntitle: 変更\n---\n\n変えた。\n", "utf-8")
    page = (site / "content/en/post/a.md").read_bytes()
    (site / "honyaku.lock").chmod(0o444)
    try:
        one_line(batch(site), 2, "honyaku.lock", "not writable")
    finally:
        (site / "honyaku.lock").chmod(0o644)
    assert (site / "content/en/post/a.md").read_bytes() == page


# --- bad setups: -o, contentDir, config ---------------------------------------------------


def test_output_naming_a_folder_is_one_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (tmp_path / "out").mkdir()
    post = site / "content/ja/post/a.md"
    result = honyaku(
        ["translate", "--backend", "pseudo", str(post), "-o", str(tmp_path / "out")], site
    )
    one_line(result, 2, "is a folder")
    assert list((tmp_path / "out").iterdir()) == []


def test_output_naming_another_japanese_post_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    before = sources(site)
    post = site / "content/ja/post/a.md"
    other = site / "content/ja/post/b/index.md"
    one_line(
        honyaku(["translate", "--backend", "pseudo", str(post), "-o", str(other)], site),
        2,
        "source",
    )
    loose = tmp_path / "loose.md"
    loose.write_text("日本語の記事です。\n", encoding="utf-8")
    one_line(
        honyaku(["translate", "--backend", "pseudo", str(post), "-o", str(loose)], site),
        2,
        "source",
    )
    assert sources(site) == before and loose.read_text(encoding="utf-8") == "日本語の記事です。\n"


OUTSIDE = BILINGUAL_DIRS.replace('contentDir = "content/en"', 'contentDir = "../elsewhere/en"')


@pytest.mark.parametrize(
    "config, bad",
    [
        (OUTSIDE, "outside the site"),
        (BILINGUAL_DIRS.replace('"content/en"', '"/tmp/honyaku-elsewhere/en"'), "outside the site"),
    ],
    ids=["dotdot", "absolute-outside"],
)
def test_content_dir_outside_the_site_is_one_line(config: str, bad: str, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", config)
    one_line(batch(site), 2, bad, "hugo.toml")
    assert not (tmp_path / "elsewhere").exists() and not Path("/tmp/honyaku-elsewhere").exists()


def test_absolute_content_dir_inside_the_site_is_used_as_it_is(tmp_path: Path) -> None:
    root = tmp_path / "site"
    config = BILINGUAL_DIRS.replace('"content/en"', f'"{root}/content/en"')
    site = make_site(root, config)
    result = batch(site)
    assert result.returncode == 0, result.stderr
    assert (site / "content/en/post/a.md").is_file()
    assert "content/en/post/a.md" in load_lock(site).entries


@pytest.mark.parametrize(
    "data, why",
    [(b"\x00\x01\x02binary\xff", "not UTF-8"), ("title = '技術'\n".encode("shift_jis"), "not UTF-8"),
     (b"title = 'x'\x00\n", "binary")],
    ids=["binary", "shift-jis", "nul"],
)  # fmt: skip
def test_unreadable_config_is_one_line(data: bytes, why: str, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "hugo.toml").write_bytes(data)
    one_line(batch(site), 2, "hugo.toml", why)
    assert not (site / "content/en").exists()


def test_symlinked_english_folder_is_one_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "content/en").symlink_to(site / "content/ja")  # English pages would land on sources
    before = sources(site)
    one_line(batch(site), 2, "symbolic link", "content/en")
    assert sources(site) == before


def test_linked_japanese_folder_is_read_like_hugo_reads_it(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    shared = tmp_path / "shared-posts"
    (site / "content/ja").rename(shared)
    (site / "content/ja").symlink_to(shared)  # Hugo follows a linked content folder
    first = honyaku(["batch", "--backend", "pseudo", "--quiet"], site)  # from the site root
    assert first.returncode == 0, first.stderr
    assert (site / "content/en/post/a.md").is_file()
    assert (site / "content/en/post/b/fig.png").is_file()
    again = honyaku(["batch", "--backend", "pseudo", "--json"], site)
    assert again.returncode == 0 and "entry ignored" not in again.stderr, again.stderr
    assert '"translated": 0' in again.stdout


def test_a_bug_asks_to_be_reported(tmp_path: Path) -> None:
    code = (
        "from pipeline.crash import reporting_bugs\n"
        "with reporting_bugs():\n    raise RuntimeError('boom')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 70
    assert "Traceback" in result.stderr and "bug in honyaku" in result.stderr.splitlines()[-1]
