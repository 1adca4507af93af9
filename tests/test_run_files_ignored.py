"""Run files out of git on any site (issue 27, point 4): on a site that was bilingual before
honyaku (so `init` never ran), the run that creates honyaku's run files says once which lines
`.gitignore` needs; git itself decides what is ignored (a parent folder's `.gitignore` counts)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import run_honyaku
from tests.hugo_sites import BILINGUAL_DIRS

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def make_site(root: Path, *, git: bool = True) -> Path:
    (root / "content/ja").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "Site"\n' + BILINGUAL_DIRS, encoding="utf-8")
    (root / "content/ja/a.md").write_text("---\ntitle: 記事\n---\n\n本文。\n", encoding="utf-8")
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def batch(root: Path, cache: Path) -> str:
    done = run_honyaku(["batch", "content/ja", "--backend", "pseudo"], root, cache)
    assert done.returncode == 0, done.stderr
    return done.stderr


def untracked(root: Path) -> list[str]:
    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line[3:] for line in status.stdout.splitlines()]


def test_the_first_run_says_once_which_lines_gitignore_needs(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    first = batch(root, tmp_path / "cache")
    note = [line for line in first.splitlines() if ".gitignore" in line]
    assert note == [
        f"{root / '.gitignore'}: add honyaku's run files so git does not list them: "
        ".honyaku-run.lock, .honyaku.lock.journal, *.honyaku-tmp (honyaku init --yes adds them)"
    ]
    assert ".honyaku-run.lock" in untracked(root)
    assert ".gitignore" not in batch(root, tmp_path / "cache")  # once
    # With the lines added as the note says, git lists none of honyaku's run files.
    (root / ".gitignore").write_text(".honyaku-run.lock\n.honyaku.lock.journal\n*.honyaku-tmp\n")
    assert not [p for p in untracked(root) if "honyaku-run" in p or "journal" in p]


def test_no_note_where_git_ignores_them_or_there_is_no_git(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text(".honyaku-run.lock\n.honyaku.lock.journal\n*.honyaku-tmp\n")
    site = make_site(repo / "blog", git=False)  # the repository's own .gitignore applies
    assert ".gitignore" not in batch(site, tmp_path / "cache")
    plain = make_site(tmp_path / "plain", git=False)
    assert ".gitignore" not in batch(plain, tmp_path / "cache")
