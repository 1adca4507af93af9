"""What every file of one batch run shares, and the per-file translator's shape: the types the
batch and the writing of a copy (`commit`) both speak."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.frontmatter import FrontMatterError
from pipeline.site.config import Site
from pipeline.site.english_pages import EnglishPages, has_english_version
from pipeline.site.permalinks import PageIndex
from pipeline.site.report import FileResult

if TYPE_CHECKING:
    from pipeline.api import PostReport
    from pipeline.settings import Settings

# (text, path) -> (English, report); a callable that takes a third argument, an `Unchanged`, is
# given one when only some blocks need a translation (the others never go to the model). One with
# a `learn(pairs)` method is handed the (Japanese block, person's English block) pairs of edits.
TranslatePost = Callable[..., "tuple[str, PostReport]"]
ResultOf = Callable[..., FileResult]  # (status, reason="", **details) for one file
# What a written copy is recorded with: its per-block base, the post's report, and the pages its
# links depend on.
Done = tuple[tuple, "PostReport", dict[Path, bool]]


class BatchAbort(Exception):
    """Raised by `translate_post` when no file can succeed (e.g. the model is missing): exit 2."""


class PageError(Exception):
    """Raised by `translate_post` for bad input in one page (its one-line reason): that page
    fails and the batch goes on. Any other exception from it is a bug in honyaku."""


# What one page's bad input raises: the page's one-line failure. Anything else is a bug.
PAGE_ERRORS = (PageError, FrontMatterError, OSError, UnicodeError)


@dataclass(frozen=True)
class Run:
    """What every file of one run shares."""

    site: Site
    settings: Settings
    key: str  # the lock's settings key
    planned: frozenset[Path]  # sources that will have an English version after this run
    translate_post: TranslatePost
    edit_urls: Callable[[str, str], str]
    partial_ok: bool  # translate_post takes an `Unchanged`
    pages: PageIndex  # pages by permalink/url/slug, for link resolution
    site_urls: str  # the digest of the site's URLs written links depend on (`dependencies`)
    english: EnglishPages  # every English page Hugo publishes, by the Japanese page it pairs with


@dataclass(frozen=True)
class Post:
    source: Path
    target: Path
    data: bytes
    text: str


def has_english(run: Run, page: Path) -> bool:
    """Whether `page` has (or will have after this run) an English version."""
    return has_english_version(page, run.site, run.planned, run.english)
