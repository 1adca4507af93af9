"""The `honyaku review`, `honyaku models list` and `honyaku models download` commands.

`register(app, models_app)` is called once by `pipeline.cli` after its own commands are defined,
so the options, settings and engine of `translate`/`batch` are shared, not repeated. (No
`from __future__ import annotations` here: Typer reads the commands' annotations, which name
that module.)
"""

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import cli_help
from pipeline.confidence import THRESHOLD
from pipeline.wording import count

ReviewOut = Annotated[Path | None, typer.Option("-o", "--output", help="Write the page here (default: honyaku-review.html in the current folder).")]  # fmt: skip
ReviewJson = Annotated[bool, typer.Option("--json", help="Print the review data as JSON instead of writing the page.")]  # fmt: skip
ReviewDone = Annotated[bool, typer.Option("--done", help="Mark the given posts reviewed (recorded in honyaku-reviewed.toml at the site root) and stop.")]  # fmt: skip
ReviewAll = Annotated[bool, typer.Option("--all", help="Also show posts already reviewed.")]
ReviewThreshold = Annotated[float, typer.Option(help="Highlight sentences whose confidence is below this (0-1).")]  # fmt: skip
REVIEW_OPTIONS = frozenset(
    {"backend", "model", "device", "beams", "no_cache", "glossary", "prose_fences",
     "translate_taxonomies", "quantization"}
)  # fmt: skip
ReviewPaths = Annotated[list[Path] | None, typer.Argument(help="Posts, content folders or a site (default: the current folder).")]  # fmt: skip


def register(app: typer.Typer, models_app: typer.Typer) -> None:
    from pipeline import cli

    _add_review(app, cli)
    _add_models(models_app, cli)


def _add_review(app: typer.Typer, cli: Any) -> None:
    from pipeline.cli_options import SHARED, with_options
    from pipeline.settings import Settings, SummaryMethod

    # The model options translate/batch declare: the scores come from the translation memory,
    # keyed by the same identity, so review must be told the model the runs used.
    model_options = tuple(p for p in SHARED if p.name in REVIEW_OPTIONS)

    @app.command(epilog=cli_help.EXAMPLES["review"])
    @with_options(model_options)
    def review(
        paths: ReviewPaths = None,
        output: ReviewOut = None,
        as_json: ReviewJson = False,
        done: ReviewDone = False,
        all_posts: ReviewAll = False,
        threshold: ReviewThreshold = THRESHOLD,
        *,
        options: Any,
    ) -> None:
        """Side-by-side review page of the machine translation, weakest sentences highlighted.

        Use the options `translate`/`batch` used: the scores come from the translation memory."""
        targets = paths or [Path.cwd()]
        values = {**options, "summary": SummaryMethod.off, "quiet": True}
        settings = Settings.from_options(values, cli._site_root(targets[0]))
        request = (targets, output, as_json, all_posts, threshold)
        cli._run(lambda: _mark_done(paths or [], cli) if done else _review(settings, request, cli))


def _mark_done(paths: list[Path], cli: Any) -> None:
    from pipeline.review import find_posts, mark_reviewed, sha256_text

    if not paths:
        raise cli.Fail("--done needs the posts (or folders) to mark reviewed")
    posts = find_posts(paths)
    if not posts:
        raise cli.Fail(f"{paths[0]}: no Japanese posts found")
    for root in dict.fromkeys(p.root for p in posts):
        marks = {p.key: sha256_text(p.path.read_bytes()) for p in posts if p.root == root}
        try:
            record = mark_reviewed(root, marks)
        except (OSError, ValueError) as exc:
            raise cli.Fail(str(exc)) from exc
        for key in marks:
            cli._say(f"marked reviewed: {key} (in {record})")


def _review(settings: Any, request: tuple, cli: Any) -> None:
    from pipeline import __version__
    from pipeline.api import translate_post
    from pipeline.review import find_posts, load_reviewed, review_post, to_json
    from pipeline.review_html import render_page
    from pipeline.site import atomic_write

    paths, output, as_json, all_posts, threshold = request
    posts = find_posts(paths)
    if not posts:
        raise cli.Fail(f"{paths[0]}: no Japanese posts found")
    try:
        reviewed = {root: load_reviewed(root) for root in {p.root for p in posts}}
    except ValueError as exc:
        raise cli.Fail(str(exc)) from exc
    engine = cli._engine(settings)
    options = settings.options()
    reviews = []

    def translate(text: str) -> tuple[str, Any]:
        return translate_post(text, engine, options)

    for post in posts:
        marks = reviewed[post.root]
        if not all_posts and marks.get(post.key) == _digest(post.path):
            continue
        reviews.append(review_post(post, translate, marks, options=options, threshold=threshold))
    if as_json:
        print(to_json(reviews, threshold))
    else:
        target = (output or Path("honyaku-review.html")).resolve()
        page = render_page(reviews, threshold=threshold, out_dir=target.parent, version=__version__)
        atomic_write(target, page)
        flagged = sum(r.flagged for r in reviews if not r.reviewed)
        said = f"{count(len(reviews), 'post')}, {count(flagged, 'sentence')} to read"
        cli._say(f"wrote {target}: {said}")
    if any(r.error for r in reviews):
        raise typer.Exit(1)


def _digest(path: Path) -> str:
    from pipeline.review import sha256_text

    return sha256_text(path.read_bytes())


def _add_models(models_app: typer.Typer, cli: Any) -> None:
    @models_app.command("list", epilog=cli_help.EXAMPLES["models list"])
    def models_list(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """The model presets: hub id, licence, size, and what this machine has of each."""
        cli._run(lambda: _list(as_json))

    @models_app.command("download", epilog=cli_help.EXAMPLES["models download"])
    def models_download(
        name: Annotated[str, typer.Argument(help="A preset name (honyaku models list) or hub id.")],
    ) -> None:
        """Fetch a model into the Hugging Face cache, with a progress bar."""
        cli._run(lambda: _download(name, cli))


def _list(as_json: bool) -> None:
    from pipeline.presets import human_size, load_presets, preset_status

    statuses = [preset_status(p) for p in load_presets()]
    if as_json:
        rows = [
            {
                "name": s.preset.name,
                "hub_id": s.preset.hub_id,
                "licence": s.preset.licence,
                "default": s.preset.default,
                "size": s.preset.size,
                "cached": s.cached,
                "disk_bytes": s.disk_bytes,
                "ctranslate2": list(s.conversions),
            }
            for s in statuses
        ]
        print(json.dumps(rows, indent=2))
        return
    for s in statuses:
        cached = f"yes ({human_size(s.disk_bytes or 0)})" if s.cached else "no"
        converted = ", ".join(s.conversions) or "none"
        default = "  (default)" if s.preset.default else ""
        print(f"{s.preset.name}{default}")
        print(f"  hub id:      {s.preset.hub_id}")
        print(
            f"  licence:     {s.preset.licence}" + (f" — {s.preset.note}" if s.preset.note else "")
        )
        print(f"  size:        {s.preset.size}")
        print(f"  in cache:    {cached}")
        print(f"  ctranslate2: {converted}")


def _download(name: str, cli: Any) -> None:
    from pipeline.modelstore import ModelUnavailable, resolve_model
    from pipeline.presets import find_preset, hub_id_for

    hub_id = hub_id_for(name)
    if find_preset(name) is None and "/" not in name:
        raise cli.Fail(f"{name}: not a preset (see honyaku models list) nor a hub id")
    try:
        cached = resolve_model(hub_id, offline=True)
        print(f"{hub_id} is already in the cache: {cached.path}")
        return
    except ModelUnavailable:
        pass
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}:
        raise cli.Fail(f"cannot download {hub_id}: HF_HUB_OFFLINE is set (unset it to download)")
    _enable_progress_bars()
    try:
        resolved = resolve_model(hub_id, offline=False)
    except ModelUnavailable as exc:
        raise cli.Fail(str(exc)) from exc
    print(resolved.path)


def _enable_progress_bars() -> None:
    # `main` turns Hugging Face's progress bars off for translation runs; a download is the one
    # place where one is wanted (on stderr, so stdout keeps only the path).
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "0"
    os.environ.pop("TQDM_DISABLE", None)
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import enable_progress_bars

        enable_progress_bars()
