"""Issue 13 with the trained tiny Marian model: an update keeps a person's heading and sends only
the changed paragraph to the model."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.frontmatter import split_front_matter
from pipeline.site.blocks import split_post
from tests.test_translate_e2e import ENGLISH, POST, model_calls, site  # noqa: F401 (fixtures)

CHANGED = "ぶっちゃけまだ分からないことが多いので、概要レベルです。"
CHANGED_EN = "Frankly, there is still a lot I do not understand, so this is only an overview."


def test_update_with_a_trained_model(
    site: Path,  # noqa: F811
    marian_model_dir: Path,
    model_calls: list[list[str]],  # noqa: F811
) -> None:
    runner = CliRunner()
    args = ["translate", str(site / POST), "--model", str(marian_model_dir)]
    assert runner.invoke(app, args).exit_code == 0
    english = (site / ENGLISH).read_text(encoding="utf-8")
    assert "# Background\n" in english
    (site / ENGLISH).write_text(english.replace("# Background\n", "# Some background first\n"))
    source = (site / POST).read_text(encoding="utf-8")
    old = "re:invent 2019で以下のアップデートが発表された。"
    (site / POST).write_text(source.replace(old, CHANGED), encoding="utf-8")
    model_calls.clear()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "updated content/en/post/sagemaker-overview/index.md: 1 block retranslated" in (
        result.stderr
    )
    now = (site / ENGLISH).read_text(encoding="utf-8")
    assert "# Some background first\n" in now and CHANGED_EN in now
    assert "The following updates were announced at re:invent 2019." not in now
    assert {s for batch in model_calls for s in batch} <= {CHANGED}
    # Everything else is what the first run wrote (the summary, filled from the lead, too).
    assert split_front_matter(now)[0] == split_front_matter(english)[0]
    before = [b.text for b in split_post(english).blocks]
    after = [b.text for b in split_post(now).blocks]
    changed = [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert [after[n].strip() for n in changed] == ["# Some background first", CHANGED_EN]
