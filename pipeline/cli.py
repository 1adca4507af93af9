"""The `honyaku` command line: translate, batch, inspect, models convert.

Errors are one plain line on stderr naming the file and the problem (no rich markup, no
traceback); exit codes: 0 all done, 1 some files failed or (with --strict) were only partly
translated, 2 bad input or a missing model.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import __version__
from pipeline.api import Engine, HonyakuError, Options, PostReport, translate_post
from pipeline.backends.base import DecodingConfig

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ja-en"
DEFAULT_BEAMS = DecodingConfig().num_beams

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Translate a Japanese Hugo blog into English with a local MarianMT model.",
)
models_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True)
app.add_typer(models_app, name="models", help="Prepare models ahead of time.")


class Backend(StrEnum):
    transformers = "transformers"
    ctranslate2 = "ctranslate2"
    pseudo = "pseudo"


class SummaryMethod(StrEnum):
    lead = "lead"
    rank = "rank"
    model = "model"
    off = "off"


class Fail(Exception):
    """Stop with one line on stderr and an exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


BackendOpt = Annotated[Backend, typer.Option(help="transformers (default), ctranslate2, or pseudo (no model: marks text to preview).")]  # fmt: skip
ModelOpt = Annotated[str, typer.Option(help="Preset name (honyaku models list), Hugging Face hub id or local model folder.")]  # fmt: skip
DeviceOpt = Annotated[str, typer.Option(help="auto, cpu, cuda or mps.")]
BeamsOpt = Annotated[int, typer.Option(help="Beam size (the model's own default, 6, is slow on CPU).")]  # fmt: skip
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Bypass the translation memory.")]
GlossaryOpt = Annotated[Path | None, typer.Option(help="TOML glossary (default: honyaku-glossary.toml at the site root).")]  # fmt: skip
SummaryOpt = Annotated[SummaryMethod, typer.Option(help="How to fill an empty `summary`.")]
SummaryModelOpt = Annotated[str, typer.Option(help="Summarization model for --summary model.")]
AddSummaryOpt = Annotated[bool, typer.Option(help="Add a `summary` to posts that have none.")]
FillSourceOpt = Annotated[bool, typer.Option(help="Also write a Japanese summary into the source post's empty `summary` (the only time honyaku writes a source file).")]  # fmt: skip
StrictOpt = Annotated[bool, typer.Option(help="Partly translated posts count as failures.")]
ProseFencesOpt = Annotated[bool, typer.Option("--translate-prose-fences", help="Also translate unlabelled code fences that hold only Japanese prose.")]  # fmt: skip
TaxonomiesOpt = Annotated[bool, typer.Option("--translate-taxonomies", help="Also translate tags and categories (they are URLs too: off by default).")]  # fmt: skip
QuantOpt = Annotated[str | None, typer.Option(help="ctranslate2 only: int8 (CPU default), float16 (CUDA default), bfloat16, int8_float16.")]  # fmt: skip


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class LazyBackend:
    """Builds the real backend on first use, so up-to-date checks never load a model.

    The identity is computed without loading anything (the hub snapshot's commit or a local
    folder's cached hash), and feeds both the translation memory and the batch lock.
    """

    def __init__(
        self, backend: Backend, model: str, device: str, beams: int, quantization: str | None = None
    ) -> None:
        self.kind = backend
        self.model = model
        self.device = device
        self.quantization = quantization
        self.decoding = DecodingConfig(num_beams=beams)
        self._real: Any = None
        if backend == Backend.pseudo:
            from pipeline.backends.pseudo import PseudoBackend

            self._real = PseudoBackend()
            self.identity = self._real.identity
        else:
            from pipeline.modelstore import ModelUnavailable, resolve_model

            try:
                resolved = resolve_model(model)
            except ModelUnavailable as exc:
                raise Fail(str(exc)) from exc
            self.identity = f"{backend.value}|{resolved.identity}|{self.decoding.key()}"
            if backend == Backend.ctranslate2:
                # int8 and float16 conversions translate differently: part of the identity.
                self.identity += f"|{self._ct2_quantization()}"

    def _ct2_quantization(self) -> str:
        from pipeline import convert
        from pipeline.backends.ctranslate2_backend import _pick_device

        try:
            device = _pick_device(self.device)
        except ValueError as exc:
            raise Fail(str(exc)) from exc
        if self.quantization:
            return self.quantization
        if device == "cuda":
            return convert.DEFAULT_CUDA_QUANTIZATION
        return convert.DEFAULT_CPU_QUANTIZATION

    @property
    def real(self) -> Any:
        if self._real is None:
            self._real = self._build()
        return self._real

    def _build(self) -> Any:
        from pipeline.convert import ConversionError
        from pipeline.modelstore import ModelUnavailable

        try:
            if self.kind == Backend.ctranslate2:
                from pipeline.backends.ctranslate2_backend import CTranslate2Backend

                return CTranslate2Backend(
                    self.model, self.device, self.decoding, self._ct2_quantization()
                )
            from pipeline.backends.transformers_backend import TransformersBackend

            return TransformersBackend(self.model, self.device, self.decoding)
        except (ModelUnavailable, ConversionError, ValueError) as exc:
            raise Fail(f"{self.model}: {exc}" if isinstance(exc, ValueError) else str(exc)) from exc

    @property
    def loaded(self) -> bool:
        return self._real is not None and self.kind != Backend.pseudo

    def translate(self, sentences: list[str]) -> list[str]:
        return self.real.translate(sentences)

    def translate_safe(self, sentences: list[str]) -> list[str]:
        return self.real.translate_safe(sentences)

    def translate_scored(
        self, sentences: list[str], *, safe: bool = False
    ) -> list[tuple[str, float | None]]:
        return self.real.translate_scored(sentences, safe=safe)

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)

    @property
    def max_input_tokens(self) -> int:
        return self.real.max_input_tokens

    def roundtrips(self, text: str) -> bool:
        return self.real.roundtrips(text)


def _engine(settings: _Settings, site_root: Path | None) -> Engine:
    translator = LazyBackend(
        settings.backend, settings.model, settings.device, settings.beams, settings.quantization
    )
    memory = None
    if not settings.no_cache:
        from pipeline.memory import TranslationMemory

        memory = TranslationMemory()
    engine = Engine(translator, memory=memory, identity=translator.identity)
    engine.glossary = _glossary(settings.glossary, site_root)
    if settings.summary == SummaryMethod.model:
        from pipeline.summary import SummaryModelUnavailable, load_abstractive

        try:
            device = "cpu" if settings.device == "auto" else settings.device
            engine.abstractive = load_abstractive(settings.summary_model, device=device)
        except SummaryModelUnavailable as exc:
            raise Fail(str(exc)) from exc
    return engine


def _glossary(path: Path | None, site_root: Path | None) -> Any:
    from pipeline.glossary import GlossaryError, find_glossary, load_glossary

    if path is None and site_root is not None:
        path = find_glossary(site_root)
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
    try:
        func()
    except Fail as exc:
        _say(f"honyaku: {exc}")
        raise typer.Exit(exc.code) from None
    except KeyboardInterrupt:
        _say("honyaku: interrupted")
        raise typer.Exit(130) from None


@app.command()
def translate(
    post: Annotated[Path, typer.Argument(help="A Japanese Markdown post.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the English post.")] = False,
    backend: BackendOpt = Backend.transformers,
    model: ModelOpt = DEFAULT_MODEL,
    device: DeviceOpt = "auto",
    beams: BeamsOpt = DEFAULT_BEAMS,
    no_cache: NoCacheOpt = False,
    glossary: GlossaryOpt = None,
    summary: SummaryOpt = SummaryMethod.lead,
    summary_model: SummaryModelOpt = "sshleifer/distilbart-cnn-12-6",
    add_summary: AddSummaryOpt = False,
    fill_source_summary: FillSourceOpt = False,
    prose_fences: ProseFencesOpt = False,
    translate_taxonomies: TaxonomiesOpt = False,
    strict: StrictOpt = False,
    quantization: QuantOpt = None,
    force: Annotated[bool, typer.Option(help="Overwrite an English copy a person edited.")] = False,
) -> None:
    """Translate one post into the site's English location, -o PATH, or --stdout."""

    settings = _Settings.of(locals())

    def go() -> None:
        if output is None and not stdout:
            reports: dict[Path, PostReport] = {}
            code = _batch(
                [post], settings, dry_run=False, quiet=True, as_json=False, reports=reports
            )
            for report in reports.values():
                _report(post, report)
            if not reports and code == 0:
                _say(f"{post}: English copy up to date")
            raise typer.Exit(code)
        if fill_source_summary:
            raise Fail("--fill-source-summary works when writing into the site (no -o/--stdout)")
        text = _read(post)
        engine = _engine(settings, _site_root(post))
        options = settings.options()
        target = None if stdout else output
        try:
            english, report = translate_post(text, engine, options)
        except HonyakuError as exc:
            raise Fail(f"{post}: {exc}") from exc
        if target is None:
            sys.stdout.write(english)
        else:
            _write_single(post, target, english)
            _say(f"wrote {target}")
        _report(post, report)
        if strict and report.partial:
            raise typer.Exit(1)

    _run(go)


def _write_single(post: Path, target: Path, english: str) -> None:
    from pipeline.site import atomic_write

    if target.resolve() == post.resolve():
        raise Fail(f"{post}: refusing to overwrite the source post")
    atomic_write(target, english)


def _report(post: Path, report: PostReport) -> None:
    for reason in report.kept:
        _say(f"{post}: kept untranslated: {reason}")
    if report.code_fence_japanese:
        _say(f"{post}: {report.code_fence_japanese} Japanese characters left in code blocks")
    if report.summary.startswith("none"):
        _say(f"{post}: summary left empty ({report.summary[6:]})")
    _say(report.line())


@app.command()
def inspect(
    post: Annotated[Path, typer.Argument(help="A Japanese Markdown post.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show what would be sent to the model, and what is kept out of it."""

    def go() -> None:
        from pipeline.inspection import inspect_post

        text = _read(post)
        try:
            info = inspect_post(text)
        except HonyakuError as exc:
            raise Fail(f"{post}: {exc}") from exc
        if as_json:
            print(json.dumps(asdict(info), ensure_ascii=False, indent=2))
        else:
            print(info.render())

    _run(go)


@app.command()
def batch(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Content folders or posts (default: the site in the current folder)."),
    ] = None,  # fmt: skip
    backend: BackendOpt = Backend.transformers,
    model: ModelOpt = DEFAULT_MODEL,
    device: DeviceOpt = "auto",
    beams: BeamsOpt = DEFAULT_BEAMS,
    no_cache: NoCacheOpt = False,
    glossary: GlossaryOpt = None,
    summary: SummaryOpt = SummaryMethod.lead,
    summary_model: SummaryModelOpt = "sshleifer/distilbart-cnn-12-6",
    add_summary: AddSummaryOpt = False,
    fill_source_summary: FillSourceOpt = False,
    prose_fences: ProseFencesOpt = False,
    translate_taxonomies: TaxonomiesOpt = False,
    strict: StrictOpt = False,
    quantization: QuantOpt = None,
    force: Annotated[
        bool, typer.Option(help="Overwrite English copies a person edited or wrote.")
    ] = False,  # fmt: skip
    dry_run: Annotated[
        bool, typer.Option(help="Print what would be written where; change nothing.")
    ] = False,  # fmt: skip
    quiet: Annotated[bool, typer.Option(help="No progress output.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
    layout: Annotated[
        str | None, typer.Option(help="Force content-dir or filename layout.")
    ] = None,  # fmt: skip
    target_lang: Annotated[str, typer.Option(help="Target language code.")] = "en",
    source_lang: Annotated[
        str | None, typer.Option(help="Source language (default: the site's default).")
    ] = None,  # fmt: skip
) -> None:
    """Translate every Japanese post under the given folders: incremental, with a report."""

    settings = _Settings.of(locals())

    def go() -> None:
        code = _batch(
            paths or [Path.cwd()],
            settings,
            dry_run=dry_run,
            quiet=quiet,
            as_json=as_json,
            layout=layout,
            target_lang=target_lang,
            source_lang=source_lang,
        )
        raise typer.Exit(code)

    _run(go)


@dataclass(frozen=True)
class _Settings:
    backend: Backend
    model: str
    device: str
    beams: int
    no_cache: bool
    glossary: Path | None
    summary: SummaryMethod
    summary_model: str
    add_summary: bool
    strict: bool
    force: bool
    quantization: str | None = None
    fill_source_summary: bool = False
    prose_fences: bool = False
    translate_taxonomies: bool = False

    @classmethod
    def of(cls, arguments: dict[str, Any]) -> _Settings:
        """From a command's arguments (the field names are the option names)."""
        return cls(**{f.name: arguments[f.name] for f in fields(cls)})

    def options(self) -> Options:
        return Options(
            summary=self.summary.value,
            add_summary=self.add_summary,
            source_summary=self.fill_source_summary,
            prose_fences=self.prose_fences,
            translate_taxonomies=self.translate_taxonomies,
        )


def _batch(
    targets: list[Path],
    settings: _Settings,
    *,
    dry_run: bool,
    quiet: bool,
    as_json: bool,
    layout: str | None = None,
    target_lang: str = "en",
    source_lang: str | None = None,
    reports: dict[Path, PostReport] | None = None,
) -> int:
    from pipeline.batch import BatchAbort, run_batch

    engine = _engine(settings, _site_root(targets[0]))
    options = settings.options()

    def one(text: str, source: Path) -> tuple[str, PostReport]:
        try:
            result = translate_post(text, engine, options)
            if reports is not None:
                reports[source] = result[1]
            return result
        except Fail as exc:  # the model is missing: no other file can succeed either
            raise BatchAbort(str(exc)) from exc

    key = (
        f"{engine.identity}|summary={settings.summary.value}|add={settings.add_summary}"
        f"|fences={settings.prose_fences}|taxonomies={settings.translate_taxonomies}"
    )
    report = run_batch(
        targets,
        translate_post=one,
        settings_key=key,
        force=settings.force,
        dry_run=dry_run,
        quiet=quiet,
        json_out=as_json,
        strict=settings.strict,
        target_lang=target_lang,
        source_lang=source_lang,
        layout=layout,  # type: ignore[arg-type]
        version=__version__,
        front_matter_urls=_url_editor(),
        fill_source_summary=_source_summary if settings.fill_source_summary else None,
    )
    return report.exit_code


def _url_editor() -> Callable[[str, str], str]:
    """`url` gets the English prefix (else the English page would replace the Japanese one);
    `aliases` too, but only for Hugo before 0.155, where they were not yet per language (the
    Hugo on PATH is asked once, and only when a post has aliases)."""
    from pipeline.frontmatter import prefix_urls, splice, split_front_matter
    from pipeline.site import alias_needs_prefix, hugo_version

    known: dict[str, bool] = {}

    def aliases_too() -> bool:
        if "aliases" not in known:
            known["aliases"] = alias_needs_prefix(hugo_version())
        return known["aliases"]

    def edit(text: str, prefix: str) -> str:
        front, body = split_front_matter(text)
        if front.kind is None:
            return text
        edits = prefix_urls(front, prefix)
        if any(str(path[0]).lower() == "aliases" for path in edits) and not aliases_too():
            edits = {p: v for p, v in edits.items() if str(p[0]).lower() != "aliases"}
        if not edits:
            return text
        return front.prefix + splice(front, edits) + body

    return edit


def _source_summary(text: str, summary: str) -> str | None:
    """The source post with its empty `summary` filled (--fill-source-summary), or None."""
    from pipeline.frontmatter import splice, split_front_matter, string_value

    front, body = split_front_matter(text)
    key = next((k for k in front.data if isinstance(k, str) and k.lower() == "summary"), None)
    if key is None or (string_value(front, (key,)) or "").strip():
        return None
    return front.prefix + splice(front, {(key,): summary}) + body


@models_app.command("convert")
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


@app.command()
def version() -> None:
    """Print honyaku's version."""
    print(__version__)


def main() -> None:
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    app()


if __name__ == "__main__":
    main()
