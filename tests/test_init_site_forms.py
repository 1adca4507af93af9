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

import subprocess
from pathlib import Path

import pytest

from tests.hugo_sites import every_hugo
from tests.test_init import invoke, make_site

JA_ONLY = 'baseURL = "https://example.org/"\nlanguageCode = "ja"\ntitle = "日記"\n'


def _hugo(exe: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, "-s", str(root), "-d", str(root / "public")],
        capture_output=True,
        text=True,
        timeout=300,
    )


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
