"""The CLI states its rules: `--version`, choices validated with the valid values named, help
that names the opt-outs, the lock and the exit codes, and one example per command."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import __version__
from tests.test_batch import make_site
from tests.test_cli import honyaku

COMMANDS = [
    ["translate"],
    ["batch"],
    ["inspect"],
    ["review"],
    ["version"],
    ["models", "convert"],
    ["models", "list"],
    ["models", "download"],
]


def test_version_flag(tmp_path: Path) -> None:
    result = honyaku(["--version"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == __version__ == honyaku(["version"], tmp_path).stdout.strip()


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--layout", "foo", ["content-dir", "filename"]),
        ("--device", "gpu", ["auto", "cpu", "cuda", "mps"]),
        ("--target-lang", "de", ["English", "en-us"]),
        ("--backend", "marian", ["transformers", "ctranslate2", "pseudo"]),
    ],
)
def test_bad_choice_names_the_valid_values(
    option: str, value: str, named: list[str], tmp_path: Path
) -> None:
    root = make_site(tmp_path / "site")
    result = honyaku(["batch", "content/ja", "--backend", "pseudo", option, value], root)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr  # one line, not a box wrapped over several
    assert option in errors[0] and value in errors[0]
    assert all(name in errors[0] for name in named), errors[0]
    assert not (root / "content" / "en").exists()


def test_regional_english_code_is_accepted(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    result = honyaku(["batch", "content/ja", "--backend", "pseudo", "--target-lang", "EN"], root)
    assert result.returncode == 0, result.stderr


def test_help_names_the_rules(tmp_path: Path) -> None:
    text = " ".join(honyaku(["--help"], tmp_path).stdout.split())
    for rule in ("notranslate: true", "<!-- honyaku: skip -->", "honyaku.lock", "Exit codes"):
        assert rule in text, rule
    assert "--version" in text
    batch = " ".join(honyaku(["batch", "--help"], tmp_path).stdout.split())
    assert "notranslate: true" in batch and "2 bad input" in batch and "config" in batch


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_command_shows_an_example(command: list[str], tmp_path: Path) -> None:
    result = honyaku([*command, "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Example: honyaku {' '.join(command)}" in " ".join(result.stdout.split())
