"""The `honyaku` command line: translate, batch, inspect, models convert.

Errors are one plain line on stderr naming the file and the problem (no rich markup, no
traceback); exit codes: 0 all done, 1 some files failed or (with --strict) were only partly
translated, 2 bad input or a missing model.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline import __version__, cli_help
from pipeline.api import Engine, HonyakuError, PostReport, translate_post
from pipeline.backends.lazy import BackendUnavailable, LazyBackend
from pipeline.cli_options import BATCH_ONLY, SHARED, with_options
from pipeline.modelstore import DEFAULT_MODEL
from pipeline.settings import Settings, SummaryMethod
from pipeline.wording import count, joined_breaks_note

if TYPE_CHECKING:
    from pipeline.site.report import BatchReport

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help=cli_help.APP,
)
models_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True)
app.add_typer(models_app, name="models", help="Prepare models ahead of time.")


class Fail(Exception):
    """Stop with one line on stderr and an exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _backend(settings: Settings) -> LazyBackend:
    """The run's translator, not loaded yet: its identity is known without the model."""
    return LazyBackend(
        settings.backend, settings.model, settings.device, settings.beams, settings.quantization
    )


def _engine(settings: Settings) -> Engine:
    translator = _backend(settings)
    memory = None
    if not settings.no_cache:
        from pipeline.memory import MemoryUnreadable, TranslationMemory

        try:
            memory = TranslationMemory()
        except MemoryUnreadable as exc:
            raise Fail(str(exc)) from None
    engine = Engine(translator, memory=memory, identity=translator.identity)
    engine.glossary = _glossary(settings.glossary)
    if settings.summary == SummaryMethod.model:
        from pipeline.backends.summarizer import SummaryModelUnavailable, load_abstractive

        try:
            device = "cpu" if settings.device == "auto" else settings.device
            engine.abstractive = load_abstractive(settings.summary_model, device=device)
        except SummaryModelUnavailable as exc:
            raise Fail(str(exc)) from exc
    return engine


def _glossary(path: Path | None) -> Any:
    """The glossary file the settings resolved (given, or the site's own), loaded."""
    from pipeline.glossary import GlossaryError, load_glossary

    if path is None:
        return None
    try:
        return load_glossary(path)
    except GlossaryError as exc:
        raise Fail(str(exc)) from exc


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Fail(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if b"\x00" in data:
        raise Fail(f"{path}: binary data, not a Markdown post")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Fail(
            f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first (Shift_JIS? try: iconv -f SHIFT_JIS -t UTF-8)"
        ) from exc


def _site_root(path: Path) -> Path | None:
    from pipeline.site import SiteError, find_site_root

    try:
        return find_site_root(path)
    except SiteError:
        return None


def _run(func: Any) -> None:
    from pipeline.memory import MemoryUnreadable
    from pipeline.site.files import signals_as_interrupts
    from pipeline.site.site_lock import SiteBusy

    try:
        try:
            with signals_as_interrupts():  # SIGTERM, SIGHUP: stopped like Ctrl-C
                func()
        except BackendUnavailable as exc:  # no model, device or conversion: as bad input
            raise Fail(str(exc)) from exc
        except (SiteBusy, MemoryUnreadable) as exc:
            raise Fail(str(exc), getattr(exc, "code", 2)) from None
    except Fail as exc:
        _say(f"honyaku: {exc}")
        raise typer.Exit(exc.code) from None
    except KeyboardInterrupt as exc:
        _say("honyaku: interrupted")
        raise typer.Exit(getattr(exc, "exit_code", 130)) from None


def _print_version(wanted: bool) -> None:
    if wanted:
        print(__version__)
        raise typer.Exit(0)


@app.callback()
def _app_options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            expose_value=False,
            callback=_print_version,
            help="Print honyaku's version and exit.",
        ),
    ] = False,
) -> None:
    """The options given before a command (the app's help is `cli_help.APP`)."""


@app.command(epilog=cli_help.EXAMPLES["translate"] + "\n\n" + cli_help.RULES)
@with_options(SHARED)
def translate(
    post: Annotated[Path, typer.Argument(help="A Japanese Markdown post.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the English post.")] = False,
    *,
    options: Mapping[str, Any],
) -> None:
    """Translate one post into the site's English location, -o PATH, or --stdout."""
    settings = Settings.from_options({**options, "quiet": True}, _site_root(post))

    def go() -> None:
        if output is None and not stdout:
            _translate_into_site(post, settings)
        if settings.fill_source_summary:
            raise Fail("--fill-source-summary works when writing into the site (no -o/--stdout)")
        text = _read(post)
        engine = _engine(settings)
        try:
            english, report = translate_post(text, engine, settings.options())
        except HonyakuError as exc:
            raise Fail(f"{post}: {exc}") from exc
        if stdout or output is None:
            sys.stdout.write(english)
        else:
            _write_single(post, output, english)
            _say(f"wrote {output}")
        _report(post, report)
        if settings.strict and report.partial:
            raise typer.Exit(1)

    _run(go)


def _translate_into_site(post: Path, settings: Settings) -> None:
    """`translate` without -o/--stdout: a batch of one post, reported like a single file, with
    the copy's status in the same words as the batch report."""
    reports: dict[Path, PostReport] = {}
    report = _batch([post], settings, reports=reports)
    for done in reports.values():
        _report(post, done)
    for result in report.files:
        # A post translated now was reported above; say what else happened to its copy.
        if (
            (not reports and result.status != "failed")
            or result.reason == "update"
            or result.replaced
        ):
            _say(f"{post}: {result.describe()}")
    raise typer.Exit(report.exit_code)


def _write_single(post: Path, target: Path, english: str) -> None:
    from pipeline.site import atomic_write
    from pipeline.site.output_check import OutputRefused, check_output

    if target.resolve() == post.resolve():
        raise Fail(f"{post}: refusing to overwrite the source post")
    try:
        check_output(target)
        atomic_write(target, english)
    except OutputRefused as exc:
        raise Fail(str(exc)) from None
    except OSError as exc:
        raise Fail(f"{target}: cannot write ({exc.strerror or exc})") from None


def _report(post: Path, report: PostReport) -> None:
    for reason in report.kept:
        _say(f"{post}: kept untranslated: {reason}")
    if report.code_fence_japanese:
        chars = count(report.code_fence_japanese, "Japanese character")
        _say(f"{post}: {chars} left in code blocks")
    if report.hard_breaks_joined:
        _say(f"{post}: {joined_breaks_note(report.hard_breaks_joined)}")
    if report.summary.startswith("none"):
        _say(f"{post}: summary left empty ({report.summary[6:]})")
    _say(report.line())


@app.command(epilog=cli_help.EXAMPLES["inspect"])
@with_options(tuple(p for p in SHARED if p.name in ("prose_fences", "translate_taxonomies")))
def inspect(
    post: Annotated[Path, typer.Argument(help="A Japanese Markdown post.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    *,
    options: Mapping[str, Any],
) -> None:
    """Show what would be sent to the model, and what is kept out of it (translate's own plan,
    with the same --translate-prose-fences and --translate-taxonomies)."""
    settings = Settings.from_options(options, _site_root(post))

    def go() -> None:
        from pipeline.inspection import inspect_post

        text = _read(post)
        try:
            info = inspect_post(text, options=settings.options())
        except HonyakuError as exc:
            raise Fail(f"{post}: {exc}") from exc
        if as_json:
            print(json.dumps(asdict(info), ensure_ascii=False, indent=2))
        else:
            print(info.render())

    _run(go)


@app.command(epilog=cli_help.EXAMPLES["batch"] + "\n\n" + cli_help.RULES)
@with_options(SHARED, BATCH_ONLY)
def batch(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Content folders or posts (default: the site in the current folder)."),
    ] = None,  # fmt: skip
    *,
    options: Mapping[str, Any],
) -> None:
    """Translate every Japanese post under the given folders: incremental, with a report."""
    targets = paths or [Path.cwd()]
    settings = Settings.from_options(options, _site_root(targets[0]))
    _run(lambda: _exit(_batch(targets, settings).exit_code))


def _exit(code: int) -> None:
    raise typer.Exit(code)


def _batch(
    targets: list[Path], settings: Settings, reports: dict[Path, PostReport] | None = None
) -> BatchReport:
    from pipeline.corrections import SiteTranslator
    from pipeline.site.batch import BatchAbort, run_batch

    if settings.dry_run or settings.check:  # translates nothing, so it never needs the model
        identity = _check_identity(settings) if settings.check else _dry_identity(targets, settings)
        return run_batch(targets, settings, _never, identity=identity)
    engine = _engine(settings)

    class Translator(SiteTranslator):
        def __call__(self, *args: Any) -> tuple[str, PostReport]:
            from pipeline.memory import MemoryUnreadable

            try:
                return super().__call__(*args)
            except (BackendUnavailable, MemoryUnreadable) as exc:  # no other file can succeed
                raise BatchAbort(str(exc)) from exc

    one = Translator(engine, settings.options(), reports)
    return run_batch(targets, settings, one, identity=engine.identity)


def _never(text: str, source: Path) -> tuple[str, PostReport]:
    raise RuntimeError(f"{source}: a dry run translates nothing")


def _check_identity(settings: Settings) -> str:
    """A check compares the model's identity when the model is there; in CI, where it is not,
    everything else in the lock (sources, edits, options, glossary)."""
    from pipeline.site.status import UNKNOWN_MODEL

    try:
        return _backend(settings).identity
    except BackendUnavailable:
        return UNKNOWN_MODEL


def _dry_identity(targets: list[Path], settings: Settings) -> str:
    """The translator identity for a dry run: the model's, or the lock's where it is absent."""
    from pipeline.backends.base import DecodingConfig
    from pipeline.site.dry_run import Wanted, assumed_note, recorded_identity

    try:  # the identity only: no model, memory or summary model is loaded for a dry run
        return _backend(settings).identity
    except BackendUnavailable as exc:
        decoding = DecodingConfig(num_beams=settings.beams).key()
        backend = getattr(settings.backend, "value", str(settings.backend))
        wanted = Wanted(backend, settings.model, decoding, settings.lock_key(""))
        identity = recorded_identity(_site_root(targets[0]), wanted)
        _say(f"honyaku: {assumed_note(str(exc), identity)}")
        return identity


@models_app.command("convert", epilog=cli_help.EXAMPLES["models convert"])
def models_convert(
    model: Annotated[
        str, typer.Argument(help="Hub id or local transformers model folder.")
    ] = DEFAULT_MODEL,
    quantization: Annotated[
        str, typer.Option(help="int8 (CPU), float16, bfloat16, int8_float16 (CUDA).")
    ] = "int8",  # fmt: skip
    force: Annotated[bool, typer.Option(help="Convert again even if cached.")] = False,
) -> None:
    """Convert a Marian model for the ctranslate2 backend (cached; done once)."""

    def go() -> None:
        from pipeline.convert import ConversionError, convert_model
        from pipeline.modelstore import ModelUnavailable

        try:
            path = convert_model(model, quantization, force=force)
        except (ModelUnavailable, ConversionError, ValueError) as exc:
            raise Fail(str(exc)) from exc
        print(path)

    _run(go)


from pipeline import review_cli  # noqa: E402  (its commands share this module's options)

review_cli.register(app, models_app)
from pipeline import init_cli  # noqa: E402

init_cli.register(app)

from pipeline import cache_cli  # noqa: E402

cache_cli.register(app)


@app.command("forget-corrections")
def forget_corrections() -> None:
    """Remove the corrections learned from edited English pages from the translation memory."""
    from pipeline.corrections import forget_corrections as forget

    print(f"removed {forget()} corrections from the translation memory")


@app.command(epilog=cli_help.EXAMPLES["version"])
def version() -> None:
    """Print honyaku's version."""
    print(__version__)


def main() -> None:
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    if not sys.stderr.isatty():
        # Rich draws usage errors in a box wrapped to 80 columns: in a log or a pipe the one
        # line naming the bad value must stay one line (click's plain message).
        import typer.core

        typer.core.HAS_RICH = False
    from pipeline.crash import reporting_bugs

    with reporting_bugs():
        app()


if __name__ == "__main__":
    main()
