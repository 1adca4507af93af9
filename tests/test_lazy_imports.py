"""torch is large: pseudo runs, inspect and up-to-date checks never import it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
from typer.testing import CliRunner
from pipeline.cli import app
site = sys.argv[1]
runner = CliRunner()
for args in (["batch", site + "/content/ja", "--backend", "pseudo", "--quiet"],
             ["batch", site + "/content/ja", "--backend", "pseudo", "--quiet"],
             ["inspect", site + "/content/ja/post/python-files.md"]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
print(sorted(m for m in ("torch", "transformers") if m in sys.modules))
"""


def test_pseudo_batch_and_inspect_never_import_torch(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "samples", site)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(site)],
        capture_output=True, text=True, check=False, cwd=ROOT,
        env={"HONYAKU_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (site / "content/en/post/python-files.md").exists()
