"""Every spelling of an English page counts (issue 27, point 2): whatever Hugo publishes as the
English version of a Japanese page is that page's English copy, hand-written unless the lock says
otherwise, and honyaku never writes a second one beside it. Checked with every Hugo the machine
has: the English URL shows the person's page."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.hugo_sites import BILINGUAL_DIRS, every_hugo

JA = "---\ntitle: 私について\n{extra}---\n\n日本語の自己紹介です。\n"
HAND = "---\ntitle: About me (by hand)\n{extra}---\n\nWritten by a person.\n"
LAYOUTS = "<html><body>{{ .Title }}|{{ .Lang }}|{{ .File.Path }}</body></html>\n"

# (Japanese page, the English page a person wrote, front matter both carry)
SPELLINGS = {
    "en-suffix-in-en-folder": ("content/ja/about.md", "content/en/about.en.md", ""),
    "en-suffix-beside-ja": ("content/ja/about.md", "content/ja/about.en.md", ""),
    "translation-key": ("content/ja/about.md", "content/en/me.md", "translationKey: me\n"),
    "bundle-index-en": ("content/ja/about/index.md", "content/en/about/index.en.md", ""),
}


def make_site(root: Path, ja: str, hand: str, extra: str) -> None:
    (root / "layouts/_default").mkdir(parents=True)
    (root / "layouts/_default/single.html").write_text(LAYOUTS, encoding="utf-8")
    (root / "layouts/_default/list.html").write_text("{{ .Title }}\n", encoding="utf-8")
    config = 'baseURL = "https://example.org/"\ntitle = "Site"\n'
    config += 'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
    (root / "hugo.toml").write_text(config + BILINGUAL_DIRS, encoding="utf-8")
    for rel, text in ((ja, JA), (hand, HAND)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text.format(extra=extra), encoding="utf-8")


def batch(root: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        app, ["batch", str(root / "content/ja"), "--backend", "pseudo", "--json", *extra]
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_english_page_hugo_publishes_is_the_copy(
    spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ja, hand, extra = SPELLINGS[spelling]
    root = tmp_path / "site"
    make_site(root, ja, hand, extra)
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    written = (root / hand).read_bytes()
    for flags in ((), ("--replace-hand-written",), ("--force",)):
        report = batch(root, *flags)
        [result] = [f for f in report["files"] if f["source"] == ja]
        assert result["status"] == "skipped" and result["copy"] == "hand-written", result
        assert result["reason"].startswith(f"kept {hand}: "), result
        assert not (root / ja.replace("content/ja", "content/en")).exists()
        assert (root / hand).read_bytes() == written
    english = [p for p in (root / "content").rglob("*.md") if p.read_bytes() != b""]
    assert len(english) == 2, english  # the Japanese page and the person's, nothing else
    for hugo in every_hugo():
        public = tmp_path / f"public-{Path(hugo).parent.name}"
        built = subprocess.run(
            [hugo, "-s", str(root), "-d", str(public), "--quiet"], capture_output=True, text=True
        )
        assert built.returncode == 0, built.stderr
        url = "me" if spelling == "translation-key" else "about"
        shown = (public / "en" / url / "index.html").read_text(encoding="utf-8")
        assert "About me (by hand)|en|" in shown, (hugo, shown)


def test_a_page_honyaku_wrote_before_the_person_added_theirs_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "site"
    make_site(root, "content/ja/about.md", "content/ja/other.md", "")
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    batch(root)
    ours = root / "content/en/about.md"
    assert ours.is_file()
    before = ours.read_bytes()
    (root / "content/en/about.en.md").write_text(HAND.format(extra=""), encoding="utf-8")
    (root / "content/ja/about.md").write_text(JA.format(extra="") + "\n追記。\n", encoding="utf-8")
    [result] = [f for f in batch(root)["files"] if f["source"] == "content/ja/about.md"]
    assert result["copy"] == "hand-written" and "Hugo publishes only one" in result["reason"]
    assert ours.read_bytes() == before  # neither page is touched
