"""A quiet report on a partly hand-translated site (issue 27, point 3): kept hand-written pages,
opted-out pages and pages with nothing to translate are one line per kind with the count; what
changed, failed or needs a person stays one line per page. The same for `--check` and the
pre-commit hook's command; `--verbose` and `--json` list every page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.hugo_sites import BILINGUAL_DIRS

HAND = 150


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    pages = {
        **{
            f"content/ja/hand/p{i}.md": f"---\ntitle: 手{i}\n---\n\n本文{i}。\n"
            for i in range(HAND)
        },
        **{
            f"content/en/hand/p{i}.md": f"---\ntitle: Hand {i}\n---\n\nBody.\n" for i in range(HAND)
        },
        **{f"content/ja/out/o{i}.md": "---\ntitle: 外\nnotranslate: true\n---\n" for i in range(3)},
        **{f"content/ja/en/e{i}.md": "---\ntitle: English\n---\n\nEnglish.\n" for i in range(2)},
        **{f"content/ja/new/n{i}.md": f"---\ntitle: 新{i}\n---\n\n新しい{i}。\n" for i in range(4)},
    }
    for rel, text in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "hugo.toml").write_text('title = "Site"\n' + BILINGUAL_DIRS, encoding="utf-8")
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    return root


def batch(root: Path, *flags: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        app, ["batch", str(root / "content/ja"), "--backend", "pseudo", *flags]
    )
    return result.exit_code, result.stdout.splitlines()


QUIET_LINES = [
    "  150 hand-written English pages kept (honyaku replaces them only with --replace-hand-written); list: --verbose or --json",
    "  3 opted-out pages skipped (notranslate: true); list: --verbose or --json",
    "  2 pages skipped: no Japanese prose or title; list: --verbose or --json",
]


def test_kept_pages_are_counted_not_listed(site: Path) -> None:
    code, lines = batch(site)
    assert code == 0
    assert lines == ["honyaku batch: 4 translated, 155 skipped", *QUIET_LINES]
    # An edited copy needs its person's attention: still one line of its own.
    edited = site / "content/en/new/n0.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    code, lines = batch(site)
    assert lines[0] == "honyaku batch: 3 up to date, 156 skipped"
    assert lines[1].startswith("  skipped content/ja/new/n0.md: kept content/en/new/n0.md: edited")
    assert lines[2:] == QUIET_LINES
    # The pre-commit hook's command prints only when it fails, and then quietly too.
    (site / "content/ja/new/n1.md").write_text("---\ntitle: 新1\n---\n\n変えた。\n", "utf-8")
    code, lines = batch(site, "--check", "--quiet")
    assert code == 1
    assert lines[:2] == [
        "honyaku batch: 2 up to date, 1 would translate, 156 skipped",
        "  1 English copy missing or out of date",
    ]
    assert lines[2].startswith("  would update content/en/new/n1.md")
    assert lines[-3:] == QUIET_LINES and len(lines) == 7, lines


def test_verbose_and_json_list_every_page(site: Path) -> None:
    _code, lines = batch(site, "--verbose")
    assert sum(line.startswith("  skipped content/ja/hand/") for line in lines) == HAND
    assert not any("list: --verbose" in line for line in lines)
    result = CliRunner().invoke(
        app, ["batch", str(site / "content/ja"), "--backend", "pseudo", "--json"]
    )
    files = json.loads(result.stdout)["files"]
    assert sum(f["copy"] == "hand-written" for f in files) == HAND
