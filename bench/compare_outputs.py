"""Byte-identical comparison of what honyaku writes, for refactors that must not change output.

Runs the real CLI (its Typer app, in this process, so the comparison does not depend on internal
module names)
over the sample site and the corpus posts, with the pseudo backend and with the trained tiny
Marian fixture, and writes every output into a folder:

    python bench/compare_outputs.py --out /tmp/before          # on the old commit
    python bench/compare_outputs.py --out /tmp/after --against /tmp/before

`--against` lists every output that differs (exit 1) or says that all are identical (exit 0).
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import re
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"

# Option sets for single-post runs: each one is a different path through the pipeline.
PSEUDO_VARIANTS: dict[str, list[str]] = {
    "pseudo": [],
    "pseudo-rank": ["--summary", "rank"],
    "pseudo-fences-tax": ["--translate-prose-fences", "--translate-taxonomies"],
}


def _posts() -> list[tuple[str, Path]]:
    posts = [(f"samples/{p.relative_to(SAMPLES)}", p) for p in sorted(SAMPLES.rglob("*.md"))]
    if CORPUS.is_dir():
        posts += [(f"corpus/{p.relative_to(CORPUS)}", p) for p in sorted(CORPUS.rglob("*.md"))]
    return posts


def _safe_name(name: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return f"{keep[-80:]}-{digest}"


def _honyaku(args: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[int, bytes]:
    """The CLI in this process (as `honyaku ARGS`): one import for hundreds of runs."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        result = CliRunner().invoke(app, args, catch_exceptions=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    error = "".join(traceback.format_exception(result.exception)) if result.exception else ""
    if isinstance(result.exception, SystemExit):
        error = ""
    return result.exit_code, result.stdout_bytes + b"\n--- stderr ---\n" + (
        result.stderr_bytes or b""
    ) + error.encode()


_PROGRESS = re.compile(rb"[^\n]*(?:it/s\]|s/it\])[^\n]*\n?")


def _quiet(data: bytes) -> bytes:
    """Without progress bars (their rates differ from run to run)."""
    return _PROGRESS.sub(b"", data)


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["XDG_CACHE_HOME"] = str(cache)
    env["HF_HUB_OFFLINE"] = "1"
    return env


def _single_posts(out: Path, name: str, extra: list[str], env: dict[str, str]) -> None:
    folder = out / name
    folder.mkdir(parents=True)
    for label, path in _posts():
        code, data = _honyaku(["translate", str(path), "--stdout", "--no-cache", *extra], env)
        data = (
            _quiet(data)
            .replace(str(CORPUS).encode(), b"CORPUS")
            .replace(str(ROOT).encode(), b"ROOT")
        )
        (folder / _safe_name(label)).write_bytes(f"exit {code}\n".encode() + data)


def _batch_site(out: Path, name: str, extra: list[str], env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(SAMPLES, site)
        code, data = _honyaku(["batch", str(site / "content" / "ja"), "--quiet", *extra], env)
        folder = out / name
        shutil.copytree(site / "content", folder / "content")
        lock = site / "honyaku.lock"
        if lock.exists():
            # The settings key is compared apart: it is an internal fingerprint that a change
            # may extend on purpose (every page then counts as stale once, nothing else changes).
            lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
            kept = [line for line in lines if not line.startswith("settings = ")]
            (folder / "honyaku.lock").write_text("".join(kept), encoding="utf-8")
        (folder / "exit").write_bytes(
            f"exit {code}\n".encode() + _quiet(data).replace(tmp.encode(), b"TMP")
        )


def _fixture_model() -> Path | None:
    try:
        from tests.marian_fixture import build_models
    except Exception as exc:  # the test extras are not installed
        print(f"no trained fixture ({exc}); pseudo runs only", file=sys.stderr)
        return None
    return build_models()[0]


def run_all(out: Path, *, fixture: bool) -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = _env(Path(cache))
        for name, extra in PSEUDO_VARIANTS.items():
            _single_posts(out, name, ["--backend", "pseudo", *extra], env)
        _batch_site(out, "batch-pseudo", ["--backend", "pseudo"], env)
        model = _fixture_model() if fixture else None
        if model is not None:
            args = ["--backend", "transformers", "--model", str(model), "--beams", "1"]
            _single_posts(out, "fixture", args, env)
            _batch_site(out, "batch-fixture", args, env)


def differences(left: Path, right: Path) -> list[str]:
    found: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(f"only in {left}: {prefix}{n}" for n in cmp.left_only)
        found.extend(f"only in {right}: {prefix}{n}" for n in cmp.right_only)
        found.extend(f"differs: {prefix}{n}" for n in cmp.diff_files)
        for sub, child in cmp.subdirs.items():
            walk(child, f"{prefix}{sub}/")

    walk(filecmp.dircmp(left, right, ignore=[]), "")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the outputs (new)")
    parser.add_argument("--against", type=Path, help="compare with an earlier --out folder")
    parser.add_argument("--no-fixture", action="store_true", help="pseudo backend only")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    run_all(args.out, fixture=not args.no_fixture)
    files = sum(1 for p in args.out.rglob("*") if p.is_file())
    print(f"{files} outputs in {args.out}")
    if args.against is None:
        return 0
    found = differences(args.against, args.out)
    for line in found:
        print(line)
    print("all outputs identical" if not found else f"{len(found)} outputs differ")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
