"""Issue 15, point 9: whether `aliases` get the English prefix comes from the site's config, not
from which Hugo is on PATH, so two machines write the same English page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.hugo_sites import BILINGUAL_DIRS

POST = '---\ntitle: 最初\naliases: ["/old/a/"]\nurl: "/custom/a/"\n---\n\n本文です。\n'


def fake_hugo(folder: Path, version: str) -> Path:
    """A `hugo` that only answers `hugo version`, as the one a machine happens to have."""
    folder.mkdir(parents=True)
    exe = folder / "hugo"
    exe.write_text(f"#!/bin/sh\necho 'hugo v{version}-abc linux/amd64 BuildDate=unknown'\n")
    exe.chmod(0o755)
    return folder


def english_copy(root: Path, config: str, path_dirs: list[Path]) -> str:
    for rel, text in {"hugo.toml": config, "content/ja/post/a.md": POST}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    env = {"PATH": os.pathsep.join(str(p) for p in path_dirs) + os.pathsep + "/usr/bin:/bin"}
    result = CliRunner().invoke(
        app, ["batch", str(root / "content/ja"), "--backend", "pseudo", "--no-cache"], env=env
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return (root / "content/en/post/a.md").read_text(encoding="utf-8")


@pytest.fixture
def hugos(tmp_path: Path) -> tuple[Path, Path]:
    return fake_hugo(tmp_path / "old", "0.111.3"), fake_hugo(tmp_path / "new", "0.168.0")


def test_the_hugo_on_path_does_not_change_the_page(
    tmp_path: Path, hugos: tuple[Path, Path]
) -> None:
    old, new = hugos
    one = english_copy(tmp_path / "one", BILINGUAL_DIRS, [old])
    two = english_copy(tmp_path / "two", BILINGUAL_DIRS, [new])
    assert one == two
    assert 'url: "/en/custom/a/"' in one and 'aliases: ["/old/a/"]' in one


def test_a_site_declaring_an_old_hugo_gets_prefixed_aliases(
    tmp_path: Path, hugos: tuple[Path, Path]
) -> None:
    config = BILINGUAL_DIRS + '[module.hugoVersion]\nmin = "0.100.0"\nmax = "0.120.0"\n'
    old, new = hugos
    one = english_copy(tmp_path / "one", config, [old])
    two = english_copy(tmp_path / "two", config, [new])
    assert one == two and 'aliases: ["/en/old/a/"]' in one
