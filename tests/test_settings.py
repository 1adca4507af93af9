"""The run's settings: options declared once, and a lock key that covers what changes the output."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline import cli
from pipeline.cli_options import BATCH_ONLY, SHARED
from pipeline.settings import Backend, Settings, SummaryMethod
from tests.hugo_sites import BILINGUAL_DIRS


def test_default_key_is_the_one_earlier_versions_wrote() -> None:
    # Existing locks stay valid: no glossary and a summary mode other than `model` add nothing.
    assert Settings().lock_key("id") == ("id|summary=lead|add=False|fences=False|taxonomies=False")
    assert Settings(summary=SummaryMethod.rank, prose_fences=True).lock_key("id") == (
        "id|summary=rank|add=False|fences=True|taxonomies=False"
    )


def test_summary_model_is_in_the_key_with_summary_model() -> None:
    def key(name: str, method: SummaryMethod) -> str:
        return Settings(summary=method, summary_model=name).lock_key("id")

    assert key("a/one", SummaryMethod.model) != key("a/two", SummaryMethod.model)
    assert key("a/one", SummaryMethod.lead) == key("a/two", SummaryMethod.lead)


def test_glossary_content_is_in_the_key(tmp_path: Path) -> None:
    glossary = tmp_path / "g.toml"
    glossary.write_text('[keep]\nterms = ["SageMaker"]\n', encoding="utf-8")
    first = Settings.from_options({"glossary": glossary}).lock_key("id")
    glossary.write_text('[keep]\nterms = ["Jupyter"]\n', encoding="utf-8")
    second = Settings.from_options({"glossary": glossary}).lock_key("id")
    assert first != second and first.startswith(Settings().lock_key("id") + "|glossary=")
    # The site's own glossary is found from the site root.
    (tmp_path / "honyaku-glossary.toml").write_bytes(glossary.read_bytes())
    found = Settings.from_options({}, site_root=tmp_path)
    assert found.glossary == tmp_path / "honyaku-glossary.toml"
    assert found.lock_key("id") == second


def _batch(root: Path) -> dict:
    result = CliRunner().invoke(
        cli.app,
        ["batch", str(root / "content/ja"), "--backend", "pseudo", "--no-cache", "--json"],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_editing_the_glossary_marks_copies_stale(tmp_path: Path) -> None:
    root = tmp_path / "s"
    (root / "content/ja/post").mkdir(parents=True)
    (root / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    (root / "content/ja/post/a.md").write_text(
        '---\ntitle: "推論"\n---\n\n推論を試した。\n', encoding="utf-8"
    )
    glossary = root / "honyaku-glossary.toml"
    glossary.write_text('[translate]\n"推論" = "inference"\n', encoding="utf-8")
    assert _batch(root)["counts"]["translated"] == 1
    assert _batch(root)["counts"]["up-to-date"] == 1
    glossary.write_text('[translate]\n"推論" = "deduction"\n', encoding="utf-8")
    report = _batch(root)
    assert report["counts"]["translated"] == 1, report
    assert "deduction" in (root / "content/en/post/a.md").read_text(encoding="utf-8")


def test_translate_and_batch_share_their_option_declarations() -> None:
    translate = inspect.signature(cli.translate).parameters
    batch = inspect.signature(cli.batch).parameters
    for param in SHARED:
        assert translate[param.name] is param and batch[param.name] is param
    assert all(p.name in batch and p.name not in translate for p in BATCH_ONLY)
    names = {p.name for p in (*SHARED, *BATCH_ONLY)}
    assert names <= set(inspect.signature(Settings).parameters)
    assert Settings(backend=Backend.pseudo).options().summary == "lead"
