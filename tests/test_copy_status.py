"""Issue 13, points 4, 6 and 7: one status per English copy, the same in `translate`, `batch`, the
dry run, `--json` and `--check`; `--force` never replaces a page a person wrote."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

from pipeline.api import Engine
from pipeline.corrections import SiteTranslator
from pipeline.settings import Settings, SummaryMethod
from pipeline.site.batch import run_batch
from tests.cli_run import run_honyaku
from tests.hugo_sites import BILINGUAL_DIRS
from tests.standins import EnglishWords

ROOT = Path(__file__).resolve().parents[1]


def post(body: str, extra: str = "") -> str:
    return f'---\ntitle: "題名"\n{extra}---\n\n{body}\n\n二つ目の段落です。\n'


POSTS = {
    "up": post("変わらない記事です。"),
    "stale": post("古い本文です。"),
    "edited": post("人が直す記事です。"),
    "edstale": post("人が直して原文も変わる記事です。"),
    "opt": post("翻訳しない記事です。", "notranslate: true\n"),
    "hand": post("人が訳した記事です。"),
}


def honyaku(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_honyaku(args, cwd, cwd / "cache")


def make_site(root: Path) -> Path:
    (root / "content/ja/post").mkdir(parents=True)
    (root / "content/en/post").mkdir(parents=True)
    (root / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    for name, text in POSTS.items():
        (root / f"content/ja/post/{name}.md").write_text(text, encoding="utf-8")
    (root / "content/en/post/hand.md").write_text("---\ntitle: Mine\n---\n\nBy hand.\n")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "cache" not in p.parts
    }


def en(root: Path, name: str) -> Path:
    return root / f"content/en/post/{name}.md"


def test_each_status_in_translate_batch_json_and_check(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    first = honyaku(["batch", "content/ja", "--backend", "pseudo"], root)
    assert first.returncode == 0, first.stderr
    ja = root / "content/ja/post"
    (ja / "stale.md").write_text(POSTS["stale"].replace("古い", "新しい"))
    edited = en(root, "edited").read_text() + "\nAdded by hand.\n"
    en(root, "edited").write_text(edited)
    en(root, "edstale").write_text(en(root, "edstale").read_text() + "\nMy note.\n")
    (ja / "edstale.md").write_text(POSTS["edstale"].replace("二つ目", "二番目"))
    (ja / "new.md").write_text(post("新しい記事です。"))
    before = snapshot(root)

    dry = honyaku(["batch", "content/ja", "--backend", "pseudo", "--dry-run", "--json"], root)
    assert dry.returncode == 0, dry.stderr
    files = {Path(f["source"]).stem: f for f in json.loads(dry.stdout)["files"]}
    copies = {name: f["copy"] for name, f in files.items()}
    assert copies == {
        "up": "up-to-date",
        "stale": "stale",
        "edited": "edited",
        "edstale": "edited-stale",
        "opt": "opted-out",
        "hand": "hand-written",
        "new": "new",
    }
    update = files["edstale"]
    assert (update["status"], update["reason"]) == ("planned", "update")
    assert (update["retranslated"], update["edits_kept"], update["conflicts"]) == (1, 0, 0)
    assert files["stale"]["retranslated"] == 1
    assert snapshot(root) == before

    text = honyaku(["batch", "content/ja", "--backend", "pseudo", "--dry-run"], root)
    assert "would update content/en/post/edstale.md: 1 block retranslated" in text.stdout
    assert "would write content/en/post/new.md" in text.stdout

    check = honyaku(["batch", "content/ja", "--backend", "pseudo", "--check"], root)
    assert check.returncode == 1 and "3 English copies missing or out of date" in check.stdout
    assert snapshot(root) == before

    said = {
        name: honyaku(["translate", f"content/ja/post/{name}.md", "--backend", "pseudo"], root)
        for name in ("up", "edited", "hand", "opt")
    }
    assert said["up"].stderr.strip().endswith("up.md: English copy up to date")
    assert "kept content/en/post/edited.md: edited by a person" in said["edited"].stderr
    assert "kept content/en/post/hand.md: an English page honyaku did not write" in (
        said["hand"].stderr
    )
    assert "opt.md: opted out (notranslate: true)" in said["opt"].stderr
    assert all(r.returncode == 0 for r in said.values())
    assert "up to date" not in said["edited"].stderr + said["hand"].stderr + said["opt"].stderr

    done = honyaku(["translate", "content/ja/post/edstale.md", "--backend", "pseudo"], root)
    assert "updated content/en/post/edstale.md: 1 block retranslated" in done.stderr
    assert "My note." in en(root, "edstale").read_text()
    assert en(root, "edited").read_text() == edited

    run = honyaku(["batch", "content/ja", "--backend", "pseudo"], root)
    assert run.returncode == 0
    assert "skipped content/ja/post/edited.md: kept content/en/post/edited.md:" in run.stdout
    again = honyaku(["batch", "content/ja", "--backend", "pseudo", "--check"], root)
    assert again.returncode == 0 and "every English copy is up to date" in again.stdout


def test_force_never_replaces_a_hand_written_page(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    hand = en(root, "hand").read_text()
    forced = honyaku(["batch", "content/ja", "--backend", "pseudo", "--force"], root)
    assert forced.returncode == 0
    assert en(root, "hand").read_text() == hand
    assert "--replace-hand-written" in forced.stdout
    replaced = honyaku(
        ["batch", "content/ja", "--backend", "pseudo", "--replace-hand-written"], root
    )
    assert replaced.returncode == 0
    assert en(root, "hand").read_text() != hand
    saved = root / ".honyaku/replaced/content/en/post/hand.md"
    assert saved.read_text() == hand
    assert f"replaced content/en/post/hand.md; the page as it was: {saved.relative_to(root)}" in (
        replaced.stdout
    )
    # translate --force on a copy a person edited says which page it replaced and where it is.
    en(root, "up").write_text(en(root, "up").read_text() + "\nMine.\n")
    forced = honyaku(["translate", "content/ja/post/up.md", "--backend", "pseudo", "--force"], root)
    assert forced.returncode == 0
    kept = ".honyaku/replaced/content/en/post/up.md"
    assert f"replaced content/en/post/up.md; the page as it was: {kept}" in forced.stderr
    assert (root / kept).read_text().endswith("Mine.\n")


class FailsOne(EnglishWords):
    """Cannot translate one sentence (returns nothing: rejected, retried, then kept)."""

    def one(self, sentence: str) -> str:
        return "" if "難しい" in sentence else super().one(sentence)


def test_partly_translated_post_listed_on_every_run(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content/ja/post").mkdir(parents=True)
    (root / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    (root / "content/ja/post/p.md").write_text(post("これは難しい文です。"))

    def batch() -> tuple:
        settings = Settings(quiet=True, summary=SummaryMethod.off)
        one = SiteTranslator(Engine(FailsOne(), identity="w"), settings.options())
        out = io.StringIO()
        report = run_batch(
            [root / "content/ja"], settings, one, identity="w", out=out, err=io.StringIO()
        )
        return report, "\n".join(report.summary_lines())

    for _ in range(2):  # the second run translates nothing, and still says so
        report, text = batch()
        done = report.files[0]
        assert done.status == "partial" and len(done.kept) == 1
        assert "これは難しい文です。" in done.kept[0]
        assert "partly translated: content/en/post/p.md (1 sentence kept" in text
        assert "kept in Japanese:" in text and "難しい" in text
        assert json.loads(report.to_json())["files"][0]["kept"] == list(done.kept)
    assert done.copy == "partial"


def test_forget_corrections_command(tmp_path: Path) -> None:
    from pipeline.memory import TranslationMemory

    with TranslationMemory(tmp_path / "cache" / "memory.sqlite") as memory:
        memory.put_many("id", [("一", "One, as I say it")], human=True)
        memory.put_many("id", [("二", "two")])
    result = honyaku(["forget-corrections"], tmp_path)
    assert result.returncode == 0 and "removed 1 corrections" in result.stdout
    with TranslationMemory(tmp_path / "cache" / "memory.sqlite") as memory:
        assert memory.get_many("id", ["一", "二"]) == {"二": "two"}


def test_kept_aside_pages_are_not_posts(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    aside = root / ".honyaku/replaced/content/ja/post/x.md"
    aside.parent.mkdir(parents=True)
    aside.write_text(post("これは投稿ではない。"))
    result = honyaku(["batch", "--backend", "pseudo", "--json"], root)
    sources = [f["source"] for f in json.loads(result.stdout)["files"]]
    assert sources and not any(".honyaku" in s for s in sources)


def test_check_without_a_model(tmp_path: Path) -> None:
    """In CI there is no model: --check compares everything but the model's identity."""
    root = make_site(tmp_path / "site")
    assert honyaku(["batch", "content/ja", "--backend", "pseudo"], root).returncode == 0
    env_model = ["--model", str(tmp_path / "no-such-model")]
    check = honyaku(["batch", "content/ja", "--check", *env_model], root)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "every English copy is up to date" in check.stdout
    (root / "content/ja/post/up.md").write_text(POSTS["up"].replace("変わらない", "変わった"))
    check = honyaku(["batch", "content/ja", "--check", *env_model], root)
    assert check.returncode == 1 and "1 English copy missing or out of date" in check.stdout
    summary = honyaku(["batch", "content/ja", "--check", "--summary", "rank", *env_model], root)
    assert summary.returncode == 1 and "4 English copies missing or out of date" in summary.stdout
