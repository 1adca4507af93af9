"""The `honyaku init [SITE]` command: show (and with --yes write) the language keys that make a
Japanese-only Hugo site bilingual. The work is `pipeline.site.init`; this only prints.

(No `from __future__ import annotations`: Typer reads the command's annotations.)
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

InitSite = Annotated[Path | None, typer.Argument(help="The Hugo site (default: the current folder).")]  # fmt: skip
InitYes = Annotated[bool, typer.Option("--yes", "-y", help="Write the change (without it, only show it).")]  # fmt: skip


def register(app: typer.Typer) -> None:
    @app.command()
    def init(site: InitSite = None, yes: InitYes = False) -> None:
        """Make a Japanese-only site bilingual: add the languages to its config file.

        Shows the change as a diff; --yes writes it: the language keys the site's Hugo reads
        (every other byte of the file stays), English menus whose links go to English pages
        (config/_default/menus.en.*), honyaku's run files in .gitignore. On a site that is
        bilingual already, only the last two. Example: honyaku init ~/blog --yes"""
        from pipeline.site.config import SiteError
        from pipeline.site.files import atomic_write
        from pipeline.site.init import plan_init

        try:
            plan = plan_init(site or Path.cwd())
        except SiteError as exc:
            print(f"honyaku: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        if plan.bilingual_in is not None:
            print(
                f"{plan.bilingual_in}: already has an '{plan.target}' language; nothing to change in it"
            )
        if not plan.changes:
            print(plan.notes()[-1])
            return
        sys.stdout.write(plan.diff())
        if not yes:
            print("\n".join(plan.notes()[:-1]))
            print(f"Nothing written. To write it: honyaku init --yes {plan.root}")
            return
        for path, old, new in plan.files():
            if new != old:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, new.encode("utf-8"))
                print(f"wrote {path}")
        print("\n".join(plan.notes()))
