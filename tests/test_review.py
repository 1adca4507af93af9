"""`honyaku review`: the data (--json), marking reviewed (it travels with the site and lasts until
the source changes), and the page opened in a real browser (Chromium through Playwright):
it renders, every post is there, the highlighted sentences are the JSON's, nothing is fetched
from the network. Run with HONYAKU_UPDATE_SCREENSHOT=1 to refresh docs/review.png."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HONYAKU_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    shutil.copytree(
        SAMPLES, tmp_path / "site", ignore=shutil.ignore_patterns("public", "resources")
    )
    return tmp_path / "site"


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def review_json(args: list[str]) -> dict:
    code, out, err = run(["review", *args, "--json"])
    assert code == 0, err
    return json.loads(out)


def japanese_posts(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "content" / "ja").rglob("*.md"))


def highlighted(post: dict) -> int:
    return sum(s["flagged"] for row in post["rows"] for s in row["sentences"])


def test_review_json_covers_every_post(site: Path) -> None:
    data = review_json([str(site), "--backend", "pseudo"])
    posts = {p["source"]: p for p in data["posts"]}
    assert sorted(posts) == japanese_posts(site)
    for post in posts.values():
        assert post["english"] == post["source"].replace("content/ja/", "content/en/")
        assert post["flagged"] == highlighted(post) and not post["reviewed"]
        kinds = {row["kind"] for row in post["rows"]}
        assert "front" in kinds
    seed = posts["content/ja/post/sagemaker-overview/index.md"]
    verbatim = [row["text"] for row in seed["rows"] if row["kind"] == "verbatim"]
    assert any("```" in text for text in verbatim)  # code shown as written
    assert data["flagged"] == sum(p["flagged"] for p in posts.values())


def test_mark_reviewed_until_the_source_changes(site: Path) -> None:
    post = site / "content" / "ja" / "post" / "local-llm-plan.md"
    key = "content/ja/post/local-llm-plan.md"
    code, _out, err = run(["review", "--done", str(post)])
    assert code == 0 and f"marked reviewed: {key}" in err
    record = (site / "honyaku-reviewed.toml").read_text("utf-8")
    assert f'[posts."{key}"]' in record and "source_sha256" in record
    sources = [p["source"] for p in review_json([str(site), "--backend", "pseudo"])["posts"]]
    assert key not in sources and len(sources) == len(japanese_posts(site)) - 1
    shown = review_json([str(site), "--backend", "pseudo", "--all"])["posts"]
    assert [p["reviewed"] for p in shown if p["source"] == key] == [True]
    post.write_text(post.read_text("utf-8") + "\n追記しました。\n", encoding="utf-8")
    again = review_json([str(site), "--backend", "pseudo"])["posts"]
    assert [p["reviewed"] for p in again if p["source"] == key] == [False]


def test_review_page_in_a_browser(site: Path, tmp_path: Path, marian_model_dir: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no browser: /usr/bin/chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    posts = site / "content" / "ja" / "post"
    targets = [str(posts / "sagemaker-overview" / "index.md"), str(posts / "local-llm-plan.md")]
    model = ["--model", str(marian_model_dir), "--beams", "1"]
    page_file = tmp_path / "review.html"
    code, _out, err = run(["batch", *targets, *model, "--quiet"])  # translate, then review
    assert code == 0, err
    code, _out, err = run(["review", *targets, *model, "-o", str(page_file)])
    assert code == 0, err
    data = review_json([*targets, *model])  # from the translation memory: the same notes
    assert len(data["posts"]) == 2 and data["flagged"] > 0
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_file.as_uri())
        sections = page.locator("section.post")
        assert sections.count() == len(data["posts"])
        titles = [sections.nth(i).locator("h2").inner_text() for i in range(sections.count())]
        for post, title in zip(data["posts"], titles, strict=True):
            assert title.startswith(post["source"])
        for i, post in enumerate(data["posts"]):
            english_marks = sections.nth(i).locator("td.en .flagged")
            assert english_marks.count() == post["flagged"] == highlighted(post)
        assert page.locator("td.en .flagged").count() == data["flagged"]
        assert page.locator("tr.verbatim pre").count() > 0  # code shown as written
        assert page.locator("td.en ul.reasons li").count() == data["flagged"]
        for i, post in enumerate(data["posts"]):
            link = sections.nth(i).locator("a", has_text="English file")
            assert link.get_attribute("href").endswith(post["english"])
            assert (site / post["english"]).is_file()
        shot = tmp_path / "review.png"
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    assert requests and all(url.startswith(("file://", "data:")) for url in requests), requests
    if os.environ.get("HONYAKU_UPDATE_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, ROOT / "docs" / "review.png")
