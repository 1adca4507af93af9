"""The `honyaku` command line: bad input gets one clear line and exit code 2, nothing written;
odd but valid input translates; inspect shows what would be sent."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli_run import run_honyaku

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "content" / "ja" / "post" / "sagemaker-overview" / "index.md"


def honyaku(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run_honyaku(args, tmp_path, tmp_path / "cache", COLUMNS="40")


BAD = {
    "shift_jis.md": "---\ntitle: テスト\n---\n日本語の本文です。\n".encode("shift_jis"),
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01",
    "unclosed.md": "---\ntitle: テスト\n\n本文です。\n".encode(),
    "bad_yaml.md": '---\ntitle: "閉じていない\ntags: [a, b\n---\n本文。\n'.encode(),
    "bad_toml.md": "+++\ntitle = テスト\n+++\n本文。\n".encode(),
    "bad_json.md": '{\n  "title": "テスト",\n}\n\n本文。\n'.encode(),
}


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("command", ["translate", "inspect"])
def test_bad_input_one_line_exit_2_nothing_written(name: str, command: str, tmp_path: Path) -> None:
    post = tmp_path / name
    post.write_bytes(BAD[name])
    out = tmp_path / "out" / "en.md"
    args = [command, str(post)]
    if command == "translate":
        args += ["--backend", "pseudo", "-o", str(out)]
    result = honyaku(args, tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()
    assert post.read_bytes() == BAD[name]


def test_pseudo_stdout_on_the_seed_post(tmp_path: Path) -> None:
    result = honyaku(["translate", str(SEED), "--backend", "pseudo", "--stdout"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "‹" in result.stdout
    assert "Traceback" not in result.stderr
    assert "sentences" in result.stderr  # the report line


def test_pseudo_writes_to_output(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    result = honyaku(["translate", str(SEED), "--backend", "pseudo", "-o", str(target)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "‹" in target.read_text(encoding="utf-8")


def test_inspect_shows_sentences_and_fence_japanese(tmp_path: Path) -> None:
    result = honyaku(["inspect", str(SEED)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sentences to translate" in result.stdout
    assert "→" in result.stdout
    assert "Japanese characters in them" in result.stdout
    counts = [line for line in result.stdout.splitlines() if line.startswith("code blocks:")]
    assert counts and " 0 Japanese" not in counts[0]  # the seed quotes Japanese in a fence


def test_missing_model_is_one_line_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    result = honyaku(
        ["translate", str(SEED), "--model", "/nonexistent", "-o", str(target)], tmp_path
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "/nonexistent" in lines[0]
    assert "Traceback" not in result.stderr
    assert not target.exists()


VALID = {
    "empty.md": b"",
    "front_only.md": '---\ntitle: "タイトル"\n---\n'.encode(),
    "crlf.md": "---\r\ntitle: テスト\r\n---\r\n本文です。\r\n次の行です。\r\n".encode(),
    "bom.md": '\ufeff+++\ntitle = "テスト"\n+++\n本文です。\n'.encode(),
    "no_newline.md": "本文です。".encode(),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_odd_but_valid_input_exit_0(name: str, tmp_path: Path) -> None:
    post = tmp_path / name
    post.write_bytes(VALID[name])
    target = tmp_path / "out" / name
    result = honyaku(
        ["translate", str(post), "--backend", "pseudo", "--summary", "off", "-o", str(target)],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    written = target.read_bytes()
    if name == "crlf.md":
        assert b"\r\n" in written and b"\n" not in written.replace(b"\r\n", b"")
    if name == "bom.md":
        assert written.startswith("\ufeff".encode())
    if name == "empty.md":
        assert written == b""
    assert post.read_bytes() == VALID[name]


def test_inspect_takes_translates_planning_options(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: テスト\n---\n\n本文です。\n\n```\n日本語の文章です。\n```\n")
    plain = honyaku(["inspect", str(post)], tmp_path)
    fences = honyaku(["inspect", str(post), "--translate-prose-fences"], tmp_path)
    assert plain.returncode == fences.returncode == 0
    assert "2 sentences to translate" in plain.stdout
    assert "日本語の文章です。" not in plain.stdout.split("code blocks:")[0]
    assert "3 sentences to translate" in fences.stdout
    assert "[fence] 日本語の文章です。" in fences.stdout
