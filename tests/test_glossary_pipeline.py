"""The glossary through the whole pipeline: kept terms and fixed translations survive the model,
and a site's `honyaku-glossary.toml` is picked up by the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.api import Engine, Options, translate_post
from pipeline.glossary import Glossary
from tests.standins import EnglishWords

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = Glossary(keep=("SageMaker",), translate=(("推論", "inference"),))


def test_kept_terms_and_fixed_translations_reach_the_output() -> None:
    translator = EnglishWords()
    engine = Engine(translator, glossary=GLOSSARY)
    text = "SageMakerで推論を試した。\n"
    out, report = translate_post(text, engine, Options(summary="off"))
    assert "SageMaker" in out and "inference" in out
    assert not report.kept
    # The model never saw either term: both travelled as placeholders.
    assert all("SageMaker" not in s and "推論" not in s for s in translator.sentences)


def test_site_glossary_is_found(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "samples", site)
    (site / "honyaku-glossary.toml").write_text(
        '[translate]\n"機械学習" = "MACHINELEARNING"\n', encoding="utf-8"
    )
    post = site / "content/ja/post/sagemaker-overview/index.md"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "translate", str(post), "--stdout",
         "--backend", "pseudo", "--summary", "off"],
        capture_output=True, text=True, check=False,
        env={"HONYAKU_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "MACHINELEARNING" in result.stdout
    assert "機械学習" not in result.stdout.split("---", 2)[2].split("```")[0]
