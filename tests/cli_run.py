"""The `honyaku` CLI run as a user runs it: a separate process, its own translation memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_honyaku(
    args: list[str], cwd: Path, cache: Path, *, timeout: int = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """`honyaku ARGS` in `cwd` with the memory under `cache`; `env` adds to the environment."""
    environ = {**os.environ, "HONYAKU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environ,
        cwd=cwd,
        timeout=timeout,
    )
