"""Progress display of a batch: nothing, plain lines for logs and pipes, or a rich bar."""

from __future__ import annotations

import sys
import time
from typing import IO, TYPE_CHECKING, Protocol

from pipeline.wording import count

if TYPE_CHECKING:
    from rich.progress import TaskID

WORKED = frozenset({"translated", "partial", "failed"})  # what a plain log line is kept for


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, path: str, status: str, sentences: int) -> None: ...
    def finish(self) -> None: ...


class NullProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, path: str, status: str, sentences: int) -> None:
        pass

    def finish(self) -> None:
        pass


class PlainProgress:
    """For logs and pipes (CI): one line per file honyaku translated or failed on. Up-to-date,
    skipped and planned files get no line: the final report counts and lists them, and a log
    that repeated every post of the site on each run would hide what changed."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.sentences = 0
        self.started = 0.0

    def start(self, total: int) -> None:
        self.total, self.started = total, time.monotonic()

    def advance(self, path: str, status: str, sentences: int) -> None:
        self.done += 1
        self.sentences += sentences
        if status not in WORKED:
            return
        rate = self.sentences / max(time.monotonic() - self.started, 1e-9)
        extra = f" ({count(sentences, 'sentence')}, {rate:.1f} sentences/s)" if sentences else ""
        print(f"[{self.done}/{self.total}] {status} {path}{extra}", file=self.stream, flush=True)

    def finish(self) -> None:
        pass


class RichProgress:
    """Files, sentences, sentences/s and ETA on a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.sentences = 0
        self.started = 0.0
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[sentences]} sentences, {task.fields[rate]} sentences/s"),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        self.started = time.monotonic()
        self.progress.start()
        self.task = self.progress.add_task("files", total=total, sentences=0, rate="0.0")

    def advance(self, path: str, status: str, sentences: int) -> None:
        self.sentences += sentences
        rate = self.sentences / max(time.monotonic() - self.started, 1e-9)
        assert self.task is not None  # start() came first
        self.progress.update(self.task, advance=1, sentences=self.sentences, rate=f"{rate:.1f}")

    def finish(self) -> None:
        self.progress.stop()


def make_progress(*, quiet: bool, json_out: bool, stream: IO[str] | None = None) -> Progress:
    stream = stream or sys.stderr
    if quiet or json_out:
        return NullProgress()
    if _live_terminal(stream):
        return RichProgress(stream)
    return PlainProgress(stream)


def _live_terminal(stream: IO[str]) -> bool:
    """A terminal that can redraw a bar in place (not a pipe, a CI log or TERM=dumb)."""
    from rich.console import Console

    console = Console(file=stream)
    return stream.isatty() and console.is_terminal and not console.is_dumb_terminal
