"""Issue 23, point 5: what three real Japanese Hugo sites showed about the site config and
`honyaku init`.

- `--layout filename` on a site whose config has no English language makes Hugo publish the
  English copies as pages of the default language (English at the Japanese URLs): never offered,
  refused when asked for, and `honyaku init` named instead.
- A site whose languages sit in `config/_default/languages.*` and that is already bilingual: init
  says so and still gives `.gitignore` honyaku's run files.
- The language keys init writes are the ones the site's Hugo reads: `locale`/`label` from Hugo
  0.158 (which deprecates `languageCode`/`languageName`), the old ones before it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.hugo_sites import every_hugo
from tests.test_init import IGNORED_LINES, invoke, make_site

JA_ONLY = 'baseURL = "https://example.org/"\nlanguageCode = "ja"\ntitle = "日記"\n'


def _hugo(exe: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, "-s", str(root), "-d", str(root / "public")],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _version(exe: str) -> tuple[int, ...]:
    out = subprocess.run([exe, "version"], capture_output=True, text=True).stdout
    text = out.split("hugo v", 1)[1].split("-", 1)[0].split("+", 1)[0]
    return tuple(int(part) for part in text.split("."))


def _hugo_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, exe: str) -> None:
    """The `hugo` init finds on PATH is `exe` (and only it)."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    (folder / "hugo").symlink_to(exe)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/nonexistent")


# ---------------------------------------------------------------------------------------------
# --layout filename


@pytest.mark.parametrize("exe", every_hugo())
def test_hugo_publishes_english_copies_of_a_japanese_only_site_as_the_default(
    tmp_path: Path, exe: str
) -> None:
    """The premise, on real Hugo: `post.en.md` beside `post.md` on a site with no English
    language is published at the Japanese URL (or, with defaultContentLanguage = ja, as a
    Japanese page of its own), never under /en/."""
    root = make_site(tmp_path / "blog", "hugo.toml", JA_ONLY)
    (root / "content/post/a.en.md").write_text("---\ntitle: First\n---\n\nEnglish body.\n")
    assert _hugo(exe, root).returncode == 0
    assert "English body." in (root / "public/post/a/index.html").read_text()
    assert not (root / "public/en").exists()


@pytest.mark.parametrize("config", [JA_ONLY, 'defaultContentLanguage = "ja"\ntitle = "日記"\n'])
def test_layout_filename_is_refused_where_english_would_be_the_default(
    tmp_path: Path, config: str
) -> None:
    root = make_site(tmp_path / "blog", "hugo.toml", config)
    args = ("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    code, out, err = invoke(*args, "--layout", "filename")
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and "honyaku init" in err
    assert "--layout filename" in err and "no 'en' language" in err
    assert not list((root / "content").rglob("*.en.md")) and not (root / "honyaku.lock").exists()


def test_the_not_bilingual_message_offers_init_only(tmp_path: Path) -> None:
    root = make_site(tmp_path / "blog", "hugo.toml", JA_ONLY)
    code, _out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 2 and "honyaku init" in err and "--layout" not in err
    code, out, _err = invoke("batch", "--help")
    assert "--layout" in out and "honyaku init" in out  # the option's help names init too
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "or `--layout filename`" not in readme and "or pass --layout filename" not in readme


# ---------------------------------------------------------------------------------------------
# Languages in config/_default/languages.*


LANGUAGE_FILES = {
    "yaml": "ja:\n  contentDir: content/ja\n  weight: 1\nen:\n  contentDir: content/en\n  weight: 2\n",
    "toml": '[ja]\ncontentDir = "content/ja"\nweight = 1\n[en]\ncontentDir = "content/en"\n'
    "weight = 2\n",
}


@pytest.mark.parametrize("fmt", sorted(LANGUAGE_FILES))
@pytest.mark.parametrize("main", ["config/_default/hugo.toml", "config.toml", None])
def test_init_on_a_bilingual_site_with_a_languages_file(
    tmp_path: Path, fmt: str, main: str | None
) -> None:
    root = tmp_path / "blog"
    files = {f"config/_default/languages.{fmt}": LANGUAGE_FILES[fmt], "content/ja/a.md": "x\n"}
    if main:
        files[main] = 'defaultContentLanguage = "ja"\ntitle = "日記"\n'
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out, err = invoke("init", str(root))
    assert code == 0, err
    assert "already has an 'en' language" in out and "+.honyaku-run.lock" in out
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    assert {p: p.read_bytes() for p in before} == before  # the config is not touched
    assert (root / ".gitignore").read_text().splitlines()[1:] == IGNORED_LINES


def test_a_languages_file_without_english_is_still_refused_in_one_line(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    for rel, text in {
        "config/_default/hugo.toml": 'defaultContentLanguage = "ja"\n',
        "config/_default/languages.toml": "[ja]\nweight = 1\n",
        "content/a.md": "x\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    code, _out, err = invoke("init", str(root), "--yes")
    assert code == 2 and "languages.toml" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------------------------------------
# locale/label or languageCode/languageName


@pytest.mark.parametrize("exe", every_hugo())
def test_init_writes_the_keys_the_sites_hugo_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exe: str
) -> None:
    _hugo_on_path(monkeypatch, tmp_path, exe)
    # No languageCode of the site's own (0.168 would warn about that one, which init keeps).
    config = 'baseURL = "https://example.org/"\nhasCJKLanguage = true\ntitle = "日記"\n'
    root = make_site(tmp_path / "blog", "config.toml", config)
    (root / "layouts/_default/single.html").write_text(
        "{{ with .Site.Language }}{{ .Lang }}{{ end }}|{{ .Content }}\n"
    )
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    text = (root / "config.toml").read_text()
    new = _version(exe) >= (0, 158, 0)
    assert ("locale = " in text and "label = " in text) is new
    assert ('languageCode = "en"' in text and "languageName = " in text) is not new
    code, out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 0, out + err
    for each in every_hugo():  # the site's Hugo without a warning, every Hugo builds it
        done = _hugo(each, root)
        assert done.returncode == 0, done.stdout + done.stderr
        assert (root / "public/en/post/a/index.html").is_file()
        if each == exe:
            assert "deprecated" not in (done.stdout + done.stderr).lower(), done.stderr


@pytest.mark.parametrize("minimum,new", [("0.110.0", False), ("0.158.0", True)])
def test_module_hugo_version_decides_over_the_hugo_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minimum: str, new: bool
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no Hugo to ask
    config = JA_ONLY + f'\n[module.hugoVersion]\n  min = "{minimum}"\n'
    root = make_site(tmp_path / "blog", "hugo.toml", config)
    code, _out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    text = (root / "hugo.toml").read_text()
    assert ("label = " in text) is new and ("languageName = " in text) is not new


def test_no_hugo_known_writes_the_keys_every_hugo_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """languageCode/languageName work on every Hugo (0.158+ only warns); locale/label would be
    ignored by an older one."""
    monkeypatch.setenv("PATH", "/nonexistent")
    root = make_site(tmp_path / "blog", "hugo.toml", JA_ONLY)
    code, out, err = invoke("init", str(root))
    assert code == 0, err
    assert "languageName" in out and "locale" not in out


# ---------------------------------------------------------------------------------------------
# A bilingual config without defaultContentLanguage: Hugo's default is then 'en'

NO_DEFAULT = (
    'baseURL = "https://example.org/"\ntitle = "日記"\n\n[languages.ja]\nweight = 1\n'
    "[languages.en]\nweight = 2\n"
)


@pytest.mark.parametrize("exe", every_hugo())
def test_hugo_reads_unsuffixed_posts_as_english_without_a_default_language(
    tmp_path: Path, exe: str
) -> None:
    """The premise: `post.md` is a page of the default language, 'en' when none is set, so
    `post.en.md` beside it takes the same URL and no Japanese page is built."""
    root = make_site(tmp_path / "blog", "hugo.toml", NO_DEFAULT)
    (root / "content/post/a.en.md").write_text("---\ntitle: First\n---\n\nEnglish body.\n")
    assert _hugo(exe, root).returncode == 0
    assert not (root / "public/en/post/a").exists() and not (root / "public/ja/post/a").exists()
    assert (root / "public/post/a/index.html").is_file()


def test_batch_refuses_copies_that_would_take_the_japanese_urls(tmp_path: Path) -> None:
    root = make_site(tmp_path / "blog", "hugo.toml", NO_DEFAULT)
    code, out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and "defaultContentLanguage" in err
    assert "honyaku init" in err and not list((root / "content").rglob("*.en.md"))


@pytest.mark.parametrize("exe", every_hugo())
def test_init_sets_the_default_language_and_hugo_builds_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exe: str
) -> None:
    _hugo_on_path(monkeypatch, tmp_path, exe)
    root = make_site(tmp_path / "blog", "hugo.toml", NO_DEFAULT)
    code, out, err = invoke("init", str(root), "--yes")
    assert code == 0, err
    text = (root / "hugo.toml").read_text()
    assert text.startswith('baseURL = "https://example.org/"\ntitle = "日記"\n')
    assert 'defaultContentLanguage = "ja"' in text and "languages.en" not in out
    code, out, err = invoke("batch", str(root / "content"), "--backend", "pseudo", "--no-cache")
    assert code == 0, out + err
    assert _hugo(exe, root).returncode == 0
    assert "です。" in (root / "public/post/a/index.html").read_text()  # the Japanese page
    assert (root / "public/en/post/a/index.html").is_file()
