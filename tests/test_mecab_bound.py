"""MeCab never sees more than MECAB_MAX_CHARS at once: a long run of text it cannot split
(`テスト` + 300,000 × `a`) segfaulted inside fugashi and killed the whole run (issue 26). Run in
a child process, so a crash is a failed test, not a dead test session."""

from __future__ import annotations

import subprocess
import sys

from tests.cli_run import ROOT

CHILD = """
from pipeline.segment.analysis import analyze, make_tagger, tokens
tagger = make_tagger()
for text in ("テスト" + "a" * 250_000, "テスト " * 5_000, "あ" * 10_000 + "。"):
    toks = tokens(text, tagger)
    assert toks[0].start == 0 and text[toks[-1].end:].strip() == "", (toks[:2], toks[-1])
    assert all(a.end <= b.start for a, b in zip(toks, toks[1:]))
    assert "".join(m.surface for m in analyze(text, tagger)) == text.replace(" ", "")
print("ok")
"""


def test_a_long_unbroken_run_does_not_kill_mecab() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", (done.returncode, done.stderr)
