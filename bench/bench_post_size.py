"""Is the work on one post linear in its size? Time and peak memory for one post of 200 KB, 1 MB
and 5 MB whose every paragraph holds shortcodes, links, inline code and an image.

Each size runs in a child process of its own (so peak RSS is that post's), twice: the document
stage alone (`parse_document`), and the whole pipeline (`translate_post`: parse, sentences and
clauses with fugashi, the pseudo backend, checks, summary, render; no translation memory).

Run: .venv/bin/python bench/bench_post_size.py [--sizes 200000,1000000,5000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PARAGRAPH = (
    '第{i}節では{{{{< ref "post/other-{i}.md" >}}}}を参照し、[公式ドキュメント](https://example.org/'
    'docs/{i})と`config_{i}.toml`の設定を説明します。{{{{< highlight-word "キー{i}" >}}}}が'
    "重要です。![図{i}](fig-{i}.png)のように、詳細は[前回の記事](/post/prev-{i}/)にあります。\n\n"
)


def make_post(size: int) -> str:
    parts = ['---\ntitle: "大きな記事"\nsummary: ""\n---\n\n']
    total, i = len(parts[0].encode()), 0
    while total < size:
        para = PARAGRAPH.format(i=i)
        if i % 20 == 0:
            para = f"## 見出し{i}\n\n" + para
        parts.append(para)
        total += len(para.encode())
        i += 1
    return "".join(parts)


def child(size: int, mode: str, repeat: int) -> dict[str, float]:
    """The best of `repeat` runs (the machine may be shared: the least disturbed run counts)."""
    text = make_post(size)
    if mode == "parse":
        from pipeline.document import parse_document

        def run() -> None:
            parse_document(text)
    else:
        from pipeline.api import Engine, translate_post
        from pipeline.backends.pseudo import PseudoBackend

        def run() -> None:
            translate_post(text, Engine(PseudoBackend()))

    seconds = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        seconds = min(seconds, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"bytes": len(text.encode()), "seconds": seconds, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000,1000000,5000000")
    parser.add_argument("--modes", default="parse,pipeline")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per size")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1], args.repeat)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    for mode in args.modes.split(","):
        first: dict[str, float] | None = None
        for size in sizes:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(size),
                    mode,
                    "--repeat",
                    str(args.repeat),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
            row = json.loads(out.strip().splitlines()[-1])
            first = first or row
            ratio = row["bytes"] / first["bytes"]
            print(
                f"{mode:8s} {row['bytes'] / 1e6:6.2f} MB  {row['seconds']:7.2f} s "
                f"({row['seconds'] / first['seconds']:5.1f}x time for {ratio:4.1f}x size)  "
                f"peak RSS {row['peak_mb']:7.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
