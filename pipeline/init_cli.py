"""The `honyaku init [SITE]` command: show (and with --yes write) the language keys that make a
Japanese-only Hugo site bilingual, and the English variants of the site's templates that show
Japanese. The work is `pipeline.site.init` and `pipeline.site.templates`; this only prints.

(No `from __future__ import annotations`: Typer reads the command's annotations.)
"""

import sys
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.cli_options import SHARED, with_options

InitSite = Annotated[Path | None, typer.Argument(help="The Hugo site (default: the current folder).")]  # fmt: skip
InitYes = Annotated[bool, typer.Option("--yes", "-y", help="Write the change (without it, only show it).")]  # fmt: skip
# The translator of the templates' text: the same choice as for the posts.
MODEL_OPTIONS = tuple(p for p in SHARED if p.name in ("backend", "model", "device", "beams"))

Templates = tuple[list[Any], list[str]]  # (variants, what is said about the other templates)


def register(app: typer.Typer) -> None:
    @app.command()
    @with_options(MODEL_OPTIONS)
    def init(site: InitSite = None, yes: InitYes = False, *, options: Mapping[str, Any]) -> None:
        """Make a Japanese-only site bilingual: add the languages to its config file.

        Shows the change as a diff; --yes writes it: the language keys the site's Hugo reads
        (every other byte of the file stays), English menus whose links go to English pages
        (config/_default/menus.en.*), English variants of the site's own templates that show
        Japanese (layouts/…/NAME.en.html: text translated with --backend/--model, links to the
        English pages; the templates stay as they are), honyaku's run files in .gitignore. On a
        site that is bilingual already, all but the first. Example: honyaku init ~/blog --yes"""
        from pipeline.site.config import SiteError
        from pipeline.site.init import plan_init, with_templates

        try:
            plan = plan_init(site or Path.cwd())
        except SiteError as exc:
            print(f"honyaku: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        templates = _templates(plan.root, options)
        if templates is not None:
            plan = with_templates(plan, *templates)
        if plan.bilingual_in is not None:
            print(
                f"{plan.bilingual_in}: already has an '{plan.target}' language; nothing to change in it"
            )
        if not plan.changes:
            print("\n".join([*plan.template_notes, plan.notes()[-1]]))
            return
        sys.stdout.write(plan.diff())
        if not yes:
            print("\n".join(plan.notes()[:-1]))
            if templates is None:
                print(_LATER)
            print(f"Nothing written. To write it: honyaku init --yes {plan.root}")
            return
        _write(plan.files())
        if templates is None:  # the languages are in the config now: the templates' turn
            templates = _templates(plan.root, options)
            if templates is not None:
                later = with_templates(plan_init(plan.root), *templates)
                sys.stdout.write(later.diff())
                _write(later.files())
                plan = replace(plan, template_notes=later.template_notes)
        print("\n".join(plan.notes()))


_LATER = (
    "The site's own templates: once the languages are in the config, init plans English variants "
    "of the templates that show Japanese (with --yes, in the same run)."
)


def _write(files: list[tuple[Path, str, str]]) -> None:
    from pipeline.site.files import atomic_write

    for path, old, new in files:
        if new != old:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, new.encode("utf-8"))
            print(f"wrote {path}")


def _templates(root: Path, options: Mapping[str, Any]) -> Templates | None:
    """The English variants of the site's templates and the lines about the others; None while
    the site has no English language to point the links at."""
    from pipeline.api import Engine, translate_texts
    from pipeline.backends.lazy import BackendUnavailable, LazyBackend
    from pipeline.site.config import SiteError, detect_site
    from pipeline.site.english_pages import EnglishPages, has_english_version
    from pipeline.site.links import template_link
    from pipeline.site.permalinks import PageIndex
    from pipeline.site.posts import discover, translated_sources
    from pipeline.site.templates import plan_variants

    try:
        site = detect_site(root)
    except SiteError:
        return None
    planned = translated_sources(discover(list(site.source_dirs), site), site)
    exists = partial(
        has_english_version, site=site, planned=planned, english=EnglishPages.build(site)
    )
    link = partial(template_link, site=site, has_translation=exists, pages=PageIndex.build(site))

    def translate(texts: list[str]) -> list[str]:
        # Made here, only when a template has text: finding the model can fail without it.
        chosen = (options["backend"], options["model"], options["device"], options["beams"])
        return translate_texts(texts, Engine(LazyBackend(*chosen)))

    try:
        variants, findings = plan_variants(root, translate, link)
    except BackendUnavailable as exc:
        return [], [
            f"The site's templates that show Japanese need the model for their English: {exc}"
        ]
    return variants, [f.line_text() for f in findings]
