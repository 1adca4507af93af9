"""`honyaku translate POST -o PATH`: what PATH may not be.

`-o` names a file. A folder is refused (it is not clear which file was meant), and so is a
Japanese post: inside a Hugo site, any source post of the site; outside one, any existing
Markdown file with Japanese prose. honyaku writes a source only with --fill-source-summary.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.site.config import SiteError, detect_site
from pipeline.site.paths import MARKDOWN_SUFFIXES, is_translation_source
from pipeline.site.posts import is_japanese


class OutputRefused(Exception):
    """-o names something honyaku must not write; the message is one line."""


def check_output(target: Path) -> None:
    if target.is_dir():
        raise OutputRefused(
            f"{target}: is a folder; -o names the file to write (for example {target}/post.en.md)"
        )
    if not target.is_file() or target.suffix.lower() not in MARKDOWN_SUFFIXES:
        return
    try:
        site = detect_site(target)
    except SiteError:
        site = None
    if site is not None:
        source = bool(is_translation_source(target, site))
    else:
        try:
            source = is_japanese(target.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            source = True  # not a text honyaku wrote: leave it alone
    if source:
        raise OutputRefused(
            f"{target}: is a Japanese source post; -o would overwrite it (honyaku writes "
            "sources only with --fill-source-summary)"
        )
