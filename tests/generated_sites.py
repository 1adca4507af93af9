"""Whole Hugo sites for the generated-site property (issue 23, point 3): the page shapes real sites
have, the two layouts honyaku writes, and the checks a run over such a site must pass.

A site is plain data (`GenSite`) built by hypothesis strategies; `write_site` puts it on disk,
`batch` runs the real CLI over it (pseudo, or a misbehaving stand-in planted by
`standin_plant/sitecustomize.py`), `edit` makes a person's edits, and `structure_failures` builds
it with Hugo and compares each English copy with its Japanese page. Each check returns what is
wrong, by path, and `GenSite.describe` prints the whole site, so a failure says what to
reproduce.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from hypothesis import strategies as st

from pipeline.site.config import detect_site
from pipeline.site.lock import LOCK_NAME, load_lock
from pipeline.site.lock_check import checked_lock
from tests.cli_run import ROOT, run_honyaku
from tests.hugo_sites import BILINGUAL_DIRS
from tests.structure_site import skeleton
from tests.test_structure_corpus import KNOWN, stub_shortcodes
from tests.test_structure_property import block

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "ja-posts"
# The sitecustomize that swaps the pseudo backend's marks for a misbehaving stand-in.
PLANT = Path(__file__).resolve().parent / "standin_plant"

_TOP = """baseURL = "https://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
_UNSAFE = "[markup.goldmark.renderer]\nunsafe = true\n"
CONTENT_DIR_CONFIG = _TOP + BILINGUAL_DIRS + _UNSAFE
# Both languages read `content/`: Hugo gives `post.md` to the default language (Japanese) and
# `post.en.md` to English, which is where honyaku writes in the filename layout.
FILENAME_CONFIG = """baseURL = "https://example.org/"
defaultContentLanguage = "ja"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true
[languages.ja]
weight = 1
[languages.en]
weight = 2
"""
CONFIGS = {"content-dir": CONTENT_DIR_CONFIG, "filename": FILENAME_CONFIG}
# A 1x1 PNG: the image a bundle's post shows.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
JA_TITLES = ("はじめに", "設定のメモ", "学習データの話", "お知らせ", "更新しました", "概要")
EN_TITLES = ("About", "Release notes", "Hello")
QUOTED = ('"', "[", "t")  # JSON values written as they are: strings, lists, true
SECTIONS = ("post", "post/2024", "docs", "notes/deep/er")


@dataclass(frozen=True)
class Page:
    rel: str  # path inside the language's content (`post/a.md`), no language suffix
    text: str
    resources: tuple[tuple[str, bytes], ...] = ()  # files beside the page (bundle resources)
    shape: str = ""  # what it was made as, for the failure message


@dataclass(frozen=True)
class GenSite:
    layout: str  # content-dir | filename
    pages: tuple[Page, ...]  # the Japanese pages
    english: tuple[Page, ...]  # hand-written English pages
    seed: int  # drives the edits

    def describe(self) -> str:
        lines = [f"layout {self.layout}, edit seed {self.seed}"]
        for kind, pages in (("ja", self.pages), ("en (hand-written)", self.english)):
            for page in pages:
                lines.append(f"--- {kind} {page.rel} [{page.shape}] {list(dict(page.resources))}")
                lines.append(page.text)
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Strategies


@st.composite
def front(draw: st.DrawFn, *, headless: bool = False, english: bool = False) -> str:
    """Front matter, YAML or TOML, with a Japanese (or English) title and maybe a draft flag."""
    title = draw(st.sampled_from(EN_TITLES if english else JA_TITLES))
    keys: list[tuple[str, str]] = [("title", f'"{title}"')]
    if draw(st.booleans()):
        keys.append(("date", "2024-05-01"))
    if not english and draw(st.integers(0, 4)) == 0:
        keys.append(("draft", "true"))
    if headless:
        keys.append(("headless", "true"))
    if not english and draw(st.integers(0, 3)) == 0:
        keys.append(("summary", '""'))
    number = draw(st.integers(0, 10**6))  # unique enough: two pages with one URL would collide
    extra = draw(st.sampled_from(("", "", "", "slug", "url", "aliases")))
    if extra == "slug":
        keys.append(("slug", f'"s{number}"'))
    elif extra == "url":
        keys.append(("url", f'"/fixed/u{number}/"'))
    elif extra == "aliases":
        keys.append(("aliases", f'["/old/a{number}/"]'))
    kind = draw(st.sampled_from(("yaml", "yaml", "toml", "toml", "json")))
    if kind == "json":
        # JSON quotes what YAML and TOML leave bare (a date).
        items = [f'  "{k}": {v if v[0] in QUOTED else json.dumps(v)}' for k, v in keys]
        return "{\n" + ",\n".join(items) + "\n}"
    if kind == "yaml":
        return "---\n" + "".join(f"{k}: {v}\n" for k, v in keys) + "---"
    return "+++\n" + "".join(f"{k} = {v}\n" for k, v in keys) + "+++"


BODY_SHAPES = (
    "front-only",
    "no-front",
    "empty",
    "refdefs",
    "comments",
    "shortcodes",
    "html",
    "prose",
    "english",
)


@st.composite
def prose(draw: st.DrawFn) -> str:
    parts = draw(st.lists(block(), min_size=1, max_size=3))
    if draw(st.booleans()):
        parts.append('```go\nfmt.Println("こんにちは")\n```')
    return "\n\n".join(parts) + "\n"


@st.composite
def body_page(
    draw: st.DrawFn,
    shape: str,
    *,
    headless: bool = False,
    image: bool = False,
    english: bool = False,
) -> str:
    """A page's text in one of BODY_SHAPES; `image` adds a paragraph showing `photo.png`."""
    fm = draw(front(headless=headless, english=english or shape == "english"))
    shown = "\n\n写真です。\n\n![写真](photo.png)\n" if image else ""
    if shape == "front-only":
        ending = draw(st.sampled_from(("", "\n", "\n\n\n", "\n  \n")))
        return fm + (ending if not shown else "\n" + shown)
    if shape == "no-front":
        body = draw(prose())
        # Hugo reads a file that starts with `-`, `+` or `{` as front matter (and fails).
        return ("前書きです。\n\n" if body[:1] in "-+{" else "") + body + shown
    if shape == "empty":
        return ""
    if shape == "refdefs":
        defs = draw(
            st.lists(
                st.sampled_from(
                    ("[ふう]: /url", '[docs]: /docs/ "説明"', "[設定]: https://e.org/")
                ),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        return fm + "\n" + "\n".join(defs) + draw(st.sampled_from(("", "\n"))) + shown
    if shape == "comments":
        return fm + "\n<!-- 下書きのメモ -->\n" + draw(st.sampled_from(("", "\n<!--more-->\n")))
    if shape == "shortcodes":
        return (
            fm
            + "\n"
            + draw(st.sampled_from(("{{< badge >}}\n", "{{< note >}}注意です{{< /note >}}\n")))
            + shown
        )
    if shape == "html":
        return fm + '\n<div class="box">\n<p>こんにちは</p>\n</div>\n' + shown
    if shape == "english":
        return fm + "\n\nThis post is already in English.\n" + shown
    return fm + "\n\n" + draw(prose()) + shown


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


@st.composite
def pages(draw: st.DrawFn, count: int) -> list[Page]:
    """`count` pages placed as single files, leaf bundles (with an image), branch bundles (with a
    child page) and headless bundles, in nested sections; section and home `_index.md` too."""
    out: list[Page] = []
    for k in range(count):
        section = draw(st.sampled_from(SECTIONS))
        place = draw(st.sampled_from(("file", "file", "leaf", "branch", "headless")))
        shape = draw(st.sampled_from(BODY_SHAPES))
        image = place in ("leaf", "branch", "headless") and draw(st.booleans())
        text = draw(body_page(shape, headless=place == "headless", image=image))
        if draw(st.integers(0, 4)) == 0:
            text, shape = crlf(text), shape + "+crlf"
        resources = (("photo.png", PNG),) if image else ()
        if place == "file":
            out.append(Page(f"{section}/p{k}.md", text, shape=shape))
        elif place in ("leaf", "headless"):
            out.append(Page(f"{section}/b{k}/index.md", text, resources, f"{place} {shape}"))
        else:
            out.append(Page(f"{section}/s{k}/_index.md", text, resources, f"branch {shape}"))
            child = draw(body_page("prose"))
            out.append(Page(f"{section}/s{k}/child.md", child, shape="branch child"))
    for rel in draw(
        st.lists(
            st.sampled_from(("_index.md", *(f"{s}/_index.md" for s in SECTIONS))),
            max_size=2,
            unique=True,
        )
    ):
        shape = draw(st.sampled_from(("front-only", "prose", "refdefs", "empty")))
        out.append(Page(rel, draw(body_page(shape)), shape=f"_index {shape}"))
    return out


def page_url(rel: str) -> str:
    """The page's URL as Hugo makes it from its path (no slug or url)."""
    path = re.sub(r"(^|/)(_?index)\.md$", r"\1", rel)
    return "/" + re.sub(r"\.md$", "/", path) if path else "/"


def linked(draw: st.DrawFn, page: Page, found: list[Page]) -> Page:
    """Some pages with prose get a paragraph linking to another page of the site (the link is
    rewritten where that page has an English copy, and its lock entry remembers it)."""
    if not page.shape.split()[-1].startswith(("prose", "no-front", "child")) or draw(st.booleans()):
        return page
    other = draw(st.sampled_from(found))
    newline = "\r\n" if "\r\n" in page.text else "\n"
    text = page.text + f"{newline}関連：[別の記事]({page_url(other.rel)})を参照。{newline}"
    return replace(page, text=text, shape=page.shape + " +link")


def corpus_posts() -> list[Path]:
    """Real posts (their known Hugo differences aside), or none where the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    known = {name for name, _ in KNOWN}
    return sorted(p for p in CORPUS.rglob("*.md") if p.name not in known)


@st.composite
def sites(draw: st.DrawFn, max_pages: int = 6, max_corpus: int = 2) -> GenSite:
    layout = draw(st.sampled_from(("content-dir", "filename")))
    found = draw(pages(draw(st.integers(1, max_pages))))
    real = corpus_posts()
    if real:
        for k, post in enumerate(
            draw(st.lists(st.sampled_from(real), max_size=max_corpus, unique=True))
        ):
            found.append(
                Page(
                    f"corpus/c{k}-{post.name}",
                    post.read_text(encoding="utf-8"),
                    shape=f"corpus {post.parent.name}",
                )
            )
    found = [linked(draw, page, found) for page in found]
    english: list[Page] = []
    for k in range(draw(st.integers(0, 2))):
        if draw(st.booleans()):  # an English page of its own
            rel = f"{draw(st.sampled_from(SECTIONS))}/hand{k}.md"
        else:  # a person's own English version of a Japanese page
            rel = draw(st.sampled_from([p.rel for p in found]))
        if rel in {e.rel for e in english}:
            continue
        text = draw(body_page(draw(st.sampled_from(("english", "front-only"))), english=True))
        english.append(
            Page(
                rel, text.replace("already in English", "written by a person"), shape="hand-written"
            )
        )
    return GenSite(layout, tuple(found), tuple(english), draw(st.integers(0, 2**32 - 1)))


# ---------------------------------------------------------------------------------------------
# On disk


def ja_path(site: GenSite, rel: str) -> str:
    return f"content/ja/{rel}" if site.layout == "content-dir" else f"content/{rel}"


def en_path(site: GenSite, rel: str) -> str:
    if site.layout == "content-dir":
        return f"content/en/{rel}"
    stem, _, ext = rel.rpartition(".")
    return f"content/{stem}.en.{ext}"


def write_site(site: GenSite, root: Path) -> None:
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIGS[site.layout], encoding="utf-8")
    for name in ("_default/single.html", "_default/list.html", "index.html"):
        (root / "layouts" / name).write_text("{{ .Content }}", encoding="utf-8")
    for page, where in [(p, ja_path(site, p.rel)) for p in site.pages] + [
        (p, en_path(site, p.rel)) for p in site.english
    ]:
        path = root / where
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page.text.encode("utf-8"))
        for name, data in page.resources:
            (path.parent / name).write_bytes(data)
    stub_shortcodes(root, [p.text for p in site.pages + site.english])


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "public" not in p.relative_to(root).parts[:1]
    }


# ---------------------------------------------------------------------------------------------
# One run and its checks

STATE = (LOCK_NAME, ".honyaku-run.lock")


@dataclass
class Run:
    """One `honyaku batch` process: its exit, output and parsed `--json` report."""

    args: list[str]
    rc: int
    out: str
    err: str
    report: dict = field(default_factory=dict)

    def where(self) -> str:
        return f"honyaku {' '.join(self.args)} (exit {self.rc})\n{self.err[-3000:]}"


def batch(root: Path, cache: Path, translator: str, *extra: str) -> Run:
    args = ["batch", ".", "--json", "--quiet", *extra]
    env: dict[str, str] = {}
    if translator != "pseudo":
        env = {"HONYAKU_TEST_STANDIN": translator, "PYTHONPATH": f"{PLANT}:{ROOT}"}
    done = run_honyaku([*args, "--backend", "pseudo"], root, cache, **env)
    run = Run(args, done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr, run.where()
    assert done.returncode != 70, run.where() + "\n" + errors_log(root)
    try:
        run.report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"no JSON report: {run.where()}\n{done.stdout[-2000:]}") from None
    errors = [f for f in run.report["files"] if f["status"] == "error"]
    assert not errors, f"{run.where()}\ninternal errors: {errors}\n{errors_log(root)}"
    return run


def errors_log(root: Path) -> str:
    log = root / ".honyaku" / "errors.log"
    return log.read_text(encoding="utf-8")[-4000:] if log.exists() else ""


def lock_problems(root: Path) -> list[str]:
    """What the lock check finds wrong in the site's lock, and recorded copies that are missing."""
    problems: list[str] = []
    lock = load_lock(root)
    checked_lock(lock, detect_site(root), problems.append)
    for key in [*lock.entries, *lock.resources]:
        if not (root / key).is_file():
            problems.append(f"{key}: recorded in the lock, not on disk")
    if (root / ".honyaku" / "lock-journal").exists():
        problems.append("a journal was left behind")
    return problems


def written_by_honyaku(root: Path) -> set[str]:
    """The paths honyaku may write: the copies and resources its lock records, and its state."""
    lock = load_lock(root)
    return {*lock.entries, *lock.resources, *STATE}


def changed_outside(before: dict[str, bytes], root: Path) -> list[str]:
    """Files a run changed, created or removed that are not its copies or its own state."""
    after = snapshot(root)
    mine = written_by_honyaku(root)
    own = lambda rel: rel in mine or rel.startswith(".honyaku/")  # noqa: E731
    changed = [rel for rel, data in before.items() if after.get(rel) != data and not own(rel)]
    made = [rel for rel in after if rel not in before and not own(rel)]
    return changed + [f"{rel} (new)" for rel in made]


def uncovered(site: GenSite, root: Path, run: Run, gone: set[str]) -> list[str]:
    """Japanese pages (but those deleted) with neither an English copy nor a reason in the
    report."""
    reasons = {
        f["source"]: f["reason"]
        for f in run.report["files"]
        if f["status"] in ("skipped", "failed") and f["reason"]
    }
    out = []
    for page in site.pages:
        source = ja_path(site, page.rel)
        if source in gone:
            continue
        if not (root / en_path(site, page.rel)).is_file() and source not in reasons:
            out.append(f"{source} [{page.shape}]")
    return out


def failed(run: Run) -> list[str]:
    """Pages a run failed: every generated page is valid input, so a failure is a defect."""
    return [f"{f['source']}: {f['reason']}" for f in run.report["files"] if f["status"] == "failed"]


# ---------------------------------------------------------------------------------------------
# Edits a person makes between runs

JA_EDITS = ("append", "append", "prepend", "change", "change", "no-body", "english", "delete")
_FRONT = re.compile(
    r"(?s)(---\r?\n.*?\r?\n---|\+\+\+\r?\n.*?\r?\n\+\+\+|\{\r?\n.*?\r?\n\})[ \t]*(\r?\n|$)"
)


@dataclass(frozen=True)
class Edits:
    person_edited: set[str]  # English pages a person edited (copies and hand-written ones)
    words: list[str]  # what a person wrote in copies honyaku wrote (each must survive)
    gone: set[str]  # Japanese pages deleted


def edit(site: GenSite, root: Path) -> Edits:
    """Random edits (from the site's seed) to Japanese pages (text added, changed, the body
    removed or made English, the page deleted), to English copies honyaku wrote and to
    hand-written English pages (a paragraph added)."""
    rng = random.Random(site.seed)
    lock = load_lock(root)
    gone: set[str] = set()
    for page in site.pages:
        if rng.random() < 0.4:
            path = root / ja_path(site, page.rel)
            how = rng.choice(JA_EDITS)
            if how == "delete":
                path.unlink()
                gone.add(ja_path(site, page.rel))
                continue
            text = path.read_bytes().decode("utf-8")
            path.write_bytes(edit_japanese(text, how).encode("utf-8"))
    edited: set[str] = set()
    words: list[str] = []
    copies = sorted(k for k in lock.entries if (root / k).is_file())
    hand = [en_path(site, p.rel) for p in site.english]
    for k, rel in enumerate(copies + hand):
        if rng.random() < 0.4:
            path = root / rel
            mark = f"A person wrote note {k} here."
            text = path.read_bytes().decode("utf-8")
            newline = "\r\n" if "\r\n" in text else "\n"
            tail = "" if text.endswith(newline) or not text else newline
            path.write_bytes(f"{text}{tail}{newline}{mark}{newline}".encode())
            edited.add(rel)
            if rel in copies:
                words.append(mark)
    return Edits(edited, words, gone)


def edit_japanese(text: str, how: str) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    if how == "change" and "です" in text:
        return text.replace("です", "でした", 1)
    match = _FRONT.match(text)
    if how in ("no-body", "english"):
        head = match.group(1) + newline if match else ""
        return head + (f"{newline}Rewritten in English.{newline}" if how == "english" else "")
    if how == "prepend":
        cut = match.end() if match else 0
        head = text[:cut] if not match or match.group(2) else text[:cut] + newline
        return f"{head}{newline}冒頭に一文を足しました。{newline}{newline}{text[cut:].lstrip(chr(13) + chr(10))}"
    tail = "" if text.endswith(newline) or not text else newline
    return f"{text}{tail}{newline}追記：内容を更新しました。{newline}"


def words_lost(root: Path, words: list[str]) -> list[str]:
    """A person's words found neither in the content nor under `.honyaku/` (conflicts, replaced)."""
    found = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for folder in (root / "content", root / ".honyaku")
        if folder.is_dir()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".md", ".txt", "")
    )
    return [w for w in words if w not in found]


# ---------------------------------------------------------------------------------------------
# Hugo


def hugo_pages(root: Path, exe: str) -> dict[str, Path]:
    """Each content file Hugo renders, to its HTML file under public/."""
    flags = ["--buildDrafts", "--buildFuture", "--buildExpired"]
    done = subprocess.run(
        [exe, "--source", str(root), *flags],  # not --quiet: Hugo 0.168 then hides its errors
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"hugo failed:\n{(done.stdout + done.stderr)[-3000:]}"
    listed = subprocess.run(
        [exe, "list", "all", "--source", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    out = {}
    rows = [r for r in listed.stdout.splitlines() if not r.startswith("\x1b")]
    for row in csv.DictReader(io.StringIO("\n".join(rows))):
        url = unquote(urlparse(row["permalink"]).path).lstrip("/")
        html = root / "public" / url / "index.html"
        if html.is_file():
            out[row["path"]] = html
    return out


_EN_URL = re.compile(r"(['\"])(?:https://example\.org)?/en/")


def english_skeleton(html: str) -> list[str]:
    """The English page's skeleton with its links to English pages read as the Japanese ones."""
    return [_EN_URL.sub(r"\1/", item) for item in skeleton(html)]


def structure_failures(root: Path, exe: str, person_edited: set[str]) -> list[str]:
    """Each English copy honyaku wrote (a person's edits aside) whose HTML skeleton differs from
    its Japanese page's, or that Hugo renders on one side only."""
    rendered = hugo_pages(root, exe)
    out = []
    for target, entry in sorted(load_lock(root).entries.items()):
        if target in person_edited or not (root / entry.source).exists():
            continue
        ja, en = rendered.get(entry.source), rendered.get(target)
        if ja is None and en is None:  # headless: neither language renders it
            continue
        if ja is None or en is None:
            out.append(f"{target}: rendered only in {'English' if ja is None else 'Japanese'}")
            continue
        if skeleton(ja.read_text(encoding="utf-8")) != english_skeleton(
            en.read_text(encoding="utf-8")
        ):
            out.append(f"{target}: HTML structure differs from {entry.source}")
    return out
