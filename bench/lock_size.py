"""Issue 13: the size of `honyaku.lock` on the corpus's 55 posts, with and without the per-block
base, translated with the pseudo backend (the lock's size does not depend on the model).

    .venv/bin/python bench/lock_size.py
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.cli import _engine  # noqa: E402
from pipeline.corrections import SiteTranslator  # noqa: E402
from pipeline.settings import Backend, Settings  # noqa: E402
from pipeline.site import dump_lock, load_lock  # noqa: E402
from pipeline.site.batch import run_batch  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "ja-posts"
CONFIG = (
    'defaultContentLanguage = "ja"\n[languages.ja]\ncontentDir = "content/ja"\nweight = 1\n'
    '[languages.en]\ncontentDir = "content/en"\nweight = 2\n'
)


def main() -> int:
    posts = sorted(CORPUS.rglob("*.md"))
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        (site / "content/ja/post").mkdir(parents=True)
        (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
        for number, post in enumerate(posts):
            shutil.copy(post, site / f"content/ja/post/p{number:02d}.md")
        settings = Settings(backend=Backend.pseudo, no_cache=True, quiet=True)
        engine = _engine(settings)
        one = SiteTranslator(engine, settings.options())
        report = run_batch([site / "content/ja"], settings, one, identity=engine.identity,
                           out=io.StringIO(), err=io.StringIO())  # fmt: skip
        lock = load_lock(site)
        whole = len(dump_lock(lock).encode("utf-8"))
        bare = replace(lock, entries={k: replace(e, blocks=()) for k, e in lock.entries.items()})
        without = len(dump_lock(bare).encode("utf-8"))
        blocks = sum(len(e.blocks) for e in lock.entries.values())
        no_base = sorted(k for k, e in lock.entries.items() if not e.blocks)
    written = len(report.by_status("translated")) + len(report.by_status("partial"))
    print(f"{len(posts)} posts, {written} English copies, {blocks} block records")
    print(f"copies without a per-block base (blocks did not pair up): {len(no_base)} {no_base}")
    print(f"honyaku.lock: {whole} bytes ({whole / max(1, written):.0f} per copy); "
          f"without the per-block base {without} bytes")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
