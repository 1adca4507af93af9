"""The site's own templates with Japanese text (issue 27, point 1): `honyaku init` shows their
English variants in its diff (text translated, links to the English pages) and writes them with
`--yes`; the original template is never touched; a variant a person edited is kept; `batch` says
when a template changed after its variant was written; what cannot be varied safely is named by
file and line. Real Hugo (0.168 and 0.111) shows the English text and links on the English page
and the original on the Japanese page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.hugo_sites import BILINGUAL_DIRS, every_hugo

SERIES = """<hr>
<h5>Tekton学習シリーズ</h5>
<ul>
<li>第1回: <a href="/post/one/">はじめの一歩</a></li>
<li>第2回: <a href="/post/two/" title="二回目の記事">パイプライン</a></li>
<li>外部: <a href="https://example.com/x">外のページ</a></li>
</ul>
<hr>"""
SINGLE = """<html><body>
{{ .Content }}
<a href="/post/one/" class="hatena" title="このエントリーをブックマーク">B!</a>
</body></html>
"""
PARTIAL = "<p>「入門」執筆しました！</p>\n"
LOGIC = '<p>{{ .Get "n" }}件の記事</p>\n{{ if eq .Page.Lang "ja" }}{{ "日本語" }}{{ end }}\n'
POST = "---\ntitle: {title}\n---\n\n{{{{< series >}}}}\n\n本文です。\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    files = {
        "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "Site"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n' + BILINGUAL_DIRS,
        "layouts/shortcodes/series.html": SERIES,
        "layouts/shortcodes/logic.html": LOGIC,
        "layouts/partials/side.html": PARTIAL,
        "layouts/partials/head.html": '<link rel="alternate" href="{{ .Site.BaseURL }}/index.xml">\n',
        "layouts/_default/single.html": SINGLE,
        "layouts/_default/list.html": "{{ .Title }}\n",
        "content/ja/post/one.md": POST.format(title="一"),
        "content/ja/post/two.md": POST.format(title="二"),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    return root


def built(hugo: str, site: Path, public: Path) -> Path:
    """`public`, with the site built into it by `hugo`."""
    done = subprocess.run(
        [hugo, "-s", str(site), "-d", str(public), "--quiet"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return public


def honyaku(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_init_writes_english_variants_and_hugo_shows_them(site: Path, tmp_path: Path) -> None:
    originals = {p: p.read_bytes() for p in (site / "layouts").rglob("*.html")}
    code, shown = honyaku("init", str(site), "--backend", "pseudo")
    assert code == 0, shown
    assert "+++ b/layouts/shortcodes/series.en.html" in shown
    assert "+++ b/layouts/_default/single.en.html" in shown
    assert not (site / "layouts/shortcodes/series.en.html").exists()  # only shown
    # What cannot be varied is named by file and line.
    assert "layouts/shortcodes/logic.html:1: Japanese text around a template action" in shown
    assert "layouts/shortcodes/logic.html:2: Japanese inside a template action" in shown
    assert "layouts/partials/side.html:1: a partial with Japanese text" in shown
    assert "layouts/partials/head.html:1: a link made from .Site.BaseURL goes to the Japanese" in (
        shown
    )
    code, shown = honyaku("init", str(site), "--backend", "pseudo", "--yes")
    assert code == 0, shown
    variant = (site / "layouts/shortcodes/series.en.html").read_text(encoding="utf-8")
    assert 'href="/en/post/one/"' in variant and 'href="/en/post/two/"' in variant
    assert 'href="https://example.com/x"' in variant
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", variant.split("*/}}", 1)[1])
    assert {p: p.read_bytes() for p in originals} == originals  # the templates stay
    code, out = honyaku("batch", str(site / "content/ja"), "--backend", "pseudo")
    assert code == 0, out
    for hugo in every_hugo():
        public = built(hugo, site, tmp_path / f"public-{len(hugo)}")
        japanese = (public / "post/one/index.html").read_text(encoding="utf-8")
        english = (public / "en/post/one/index.html").read_text(encoding="utf-8")
        assert "Tekton学習シリーズ" in japanese and 'href="/post/two/"' in japanese
        assert "Tekton学習シリーズ" not in english and 'href="/en/post/two/"' in english, hugo
        assert "このエントリー" not in english and "このエントリー" in japanese, hugo


def test_an_edited_variant_is_kept_and_a_changed_template_is_reported(site: Path) -> None:
    honyaku("init", str(site), "--backend", "pseudo", "--yes")
    variant = site / "layouts/shortcodes/series.en.html"
    edited = variant.read_text(encoding="utf-8").replace("<hr>", "<hr class='mine'>", 1)
    variant.write_text(edited, encoding="utf-8")
    template = site / "layouts/_default/single.html"
    template.write_text(SINGLE.replace("B!", "Bookmark"), encoding="utf-8")
    code, out = honyaku("batch", str(site / "content/ja"), "--backend", "pseudo")
    assert code == 0, out
    assert (
        "layouts/_default/single.html changed after its English variant "
        "layouts/_default/single.en.html was written: run honyaku init to see the new variant"
    ) in out
    code, shown = honyaku("init", str(site), "--backend", "pseudo", "--yes")
    assert code == 0, shown
    assert "layouts/shortcodes/series.en.html: edited by a person since honyaku wrote it: kept" in (
        shown
    )
    assert variant.read_text(encoding="utf-8") == edited
    assert "Bookmark" in (site / "layouts/_default/single.en.html").read_text(encoding="utf-8")
    code, out = honyaku("batch", str(site / "content/ja"), "--backend", "pseudo")
    assert "changed after its English variant" not in out


TABLE = "{{ (.Inner | markdownify) | safeHTML }}\n"
TABLE_POST = """---
title: 表
---

{{< table >}}
|名前|説明|
|---|---|
|一|詳しくは[一の記事](/post/one/)を参照。|
{{< /table >}}
"""


def test_links_inside_a_shortcode_that_renders_markdown_go_to_english_pages(
    site: Path, tmp_path: Path
) -> None:
    """Found on the real site: its theme's `table` shortcode renders its inner Markdown
    (`.Inner | markdownify`), so a link inside it is a link on the page. honyaku keeps the
    pair's body as written (data), but the link goes to the English page like any other; on
    Hugo 0.111, which has no link render hook, it was the Japanese page."""
    (site / "layouts/shortcodes/table.html").write_text(TABLE, encoding="utf-8")
    (site / "content/ja/post/table.md").write_text(TABLE_POST, encoding="utf-8")
    code, out = honyaku("batch", str(site / "content/ja"), "--backend", "pseudo")
    assert code == 0, out
    english = (site / "content/en/post/table.md").read_text(encoding="utf-8")
    assert "[一の記事](/en/post/one/)" in english
    for hugo in every_hugo():
        public = built(hugo, site, tmp_path / f"public-{len(hugo)}")
        page = (public / "en/post/table/index.html").read_text(encoding="utf-8")
        assert '<a href="/en/post/one/">一の記事</a>' in page, hugo


def test_japanese_in_a_markdown_shortcode_body_is_reported_as_kept(site: Path) -> None:
    """Its body stays as written (honyaku cannot parse it the way Hugo's goldmark does: the
    real site's tables have a stray column), so its Japanese is reported, never silently left:
    the copy is partly translated, and inspect shows it."""
    (site / "layouts/shortcodes/table.html").write_text(TABLE, encoding="utf-8")
    (site / "content/ja/post/table.md").write_text(TABLE_POST, encoding="utf-8")
    code, shown = honyaku("inspect", str(site / "content/ja/post/table.md"))
    assert code == 0, shown
    assert (
        "kept in Japanese: the body of {{< table >}} left as written (Markdown the site's "
        "shortcode renders, not translated): '|名前|説明| |---|---| |一|詳しくは[一の記事]"
    ) in shown
    code, out = honyaku("batch", str(site / "content/ja"), "--backend", "pseudo")
    assert code == 0 and "partly translated: content/en/post/table.md" in out, out
