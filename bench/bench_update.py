"""Issue 13: the time of an update run (one changed paragraph in one corpus post) against a cold
run, with the benchmark model (`bench/benchmodel.py`), each a `honyaku batch` command of its own.

    .venv/bin/python bench/bench_update.py [--model FOLDER] [--post PATH] [--backend transformers]

1. cold: an empty translation memory, the whole post translated;
2. update: one paragraph of the Japanese changed (a sentence appended), the same memory;
3. update, fresh clone: the same change on a copy of the site made before it, with an empty
   memory (what a CI machine or a second computer sees): only the changed paragraph may go to
   the model, so this is as fast as 2.

Also prints the lock's size for the post. Wall times include starting Python and loading the
model, the same in every run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = REPO.parent / "shared" / "corpus" / "ja-posts"
CONFIG = """defaultContentLanguage = "ja"
[languages.ja]
contentDir = "content/ja"
weight = 1
[languages.en]
contentDir = "content/en"
weight = 2
"""
DEFAULT_POST = "budougumi0617__blog/content__post__2019__06__30__review-the-unix-philosophy.md"


def batch(site: Path, cache: Path, args: argparse.Namespace) -> tuple[float, dict]:
    env = {**os.environ, "HONYAKU_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "pipeline.cli", "batch", "content/ja", "--json", "--quiet"]
    command += ["--backend", args.backend, "--model", str(args.model), "--device", "cpu"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"honyaku batch failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, json.loads(done.stdout)["files"][0]


def change_one_paragraph(text: str) -> str:
    """A sentence appended to the paragraph in the middle of the post."""
    position = text.find("。\n", len(text) // 2)
    position = position if position != -1 else text.find("。")
    return text[: position + 1] + "この段落は後から書き直しました。" + text[position + 1 :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--post", type=Path, default=CORPUS / DEFAULT_POST)
    parser.add_argument("--backend", default="transformers")
    args = parser.parse_args(argv)
    if args.model is None:
        sys.path.insert(0, str(BENCH))
        from benchmodel import bench_model

        args.model = bench_model()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        (site / "content/ja/post").mkdir(parents=True)
        (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
        post = site / "content/ja/post/post.md"
        shutil.copy(args.post, post)
        cold, first = batch(site, Path(tmp) / "cache", args)
        clone = Path(tmp) / "clone"
        shutil.copytree(site, clone)
        text = post.read_text(encoding="utf-8")
        post.write_text(change_one_paragraph(text), encoding="utf-8")
        (clone / "content/ja/post/post.md").write_text(change_one_paragraph(text), encoding="utf-8")
        warm, second = batch(site, Path(tmp) / "cache", args)
        fresh, third = batch(clone, Path(tmp) / "cache-empty", args)
        lock = (site / "honyaku.lock").stat().st_size
    print(
        f"post: {args.post.relative_to(CORPUS) if args.post.is_relative_to(CORPUS) else args.post}"
    )
    print(f"model: {args.model} ({args.backend}, cpu)")
    print(f"cold run:            {cold:6.1f} s, {first['sentences']} sentences to the model")
    for name, seconds, result in (
        ("update:", warm, second),
        ("update, fresh clone:", fresh, third),
    ):
        print(
            f"{name:<21}{seconds:6.1f} s ({seconds / cold:.0%} of cold), "
            f"{result['sentences'] - result['from_memory']} sentences to the model, "
            f"{result['retranslated']} blocks retranslated"
        )
    print(f"lock: {lock} bytes for this post")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
