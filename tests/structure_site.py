"""Real Hugo renders Japanese pages and their English copies in one build; their HTML skeletons
are compared (invariant 6: same elements in the same nesting, same attributes, the text of
reader attributes such as alt and title aside, same code).

One build holds every page of a run (`p0001-ja`, `p0001-en`, …), so hundreds of documents cost
one Hugo start. Heading ids are left out of the skeleton: Hugo derives them from the heading text.
"""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

from tests.hugo_sites import hugo_binary  # noqa: F401 - used by importers

REPO = Path(__file__).resolve().parents[1]
CONFIG = """baseURL = "https://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]
[markup.goldmark.renderer]
unsafe = true
"""
# Reader text (translated): the attribute must be there, its value may differ.
_READER_ATTRS = {"alt", "title", "aria-label", "placeholder"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class Skeleton(HTMLParser):
    """Tags with their attributes (the values of reader attributes and heading ids aside) and
    the text of code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = sorted(
            (k, "…" if k in _READER_ATTRS else v or "")
            for k, v in attrs
            if not (tag in _HEADINGS and k == "id")
        )
        self.items.append(f"<{tag} {kept}>" if kept else f"<{tag}>")
        if tag in ("code", "pre"):
            self._code += 1

    def handle_endtag(self, tag: str) -> None:
        self.items.append(f"</{tag}>")
        if tag in ("code", "pre"):
            self._code -= 1

    def handle_data(self, data: str) -> None:
        if self._code > 0:
            self.items.append(data)


def skeleton(html: str) -> list[str]:
    parser = Skeleton()
    parser.feed(html)
    parser.close()
    return parser.items


def build_pairs(
    root: Path, pairs: list[tuple[str, str]], exe: str
) -> list[tuple[list[str], list[str]]]:
    """Write each (Japanese, English) body as two pages of one site, build it once, and return
    the two skeletons of each pair."""
    (root / "content").mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text("{{ .Content }}", encoding="utf-8")
    for k, (ja, en) in enumerate(pairs):
        for lang, body in (("ja", ja), ("en", en)):
            page = root / "content" / f"p{k:04d}-{lang}.md"
            page.write_text(f"---\ntitle: p{k}\n---\n{body}", encoding="utf-8")
    done = subprocess.run(
        [exe, "--source", str(root), "--quiet"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = []
    for k in range(len(pairs)):
        ja, en = (
            (root / "public" / f"p{k:04d}-{lang}" / "index.html").read_text(encoding="utf-8")
            for lang in ("ja", "en")
        )
        out.append((skeleton(ja), skeleton(en)))
    return out
