"""Progress display for long CLI steps (rich), on stderr, off with ``--quiet``.

Every step of a command runs inside :meth:`Steps.step`; while it runs, a line with a spinner, a bar
(pulsing when the amount of work is unknown) and the elapsed time is shown, and it stays as a record
("✓ analysing centrality … 0:00:12") when the step ends. Steps shorter than ``min_seconds`` vanish when
they end, so quick commands stay quiet.

Shown when stderr is a terminal and ``--quiet`` is not given; ``NETLENS_PROGRESS=1`` forces it on (logs,
tests) and ``NETLENS_PROGRESS=0`` off. Results never go to stderr, so ``--format csv > out.csv`` stays clean.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["Steps", "enabled"]


def enabled(quiet: bool, env: dict[str, str] | None = None) -> bool:
    """Whether to show progress: not ``quiet``, and stderr is a terminal or ``NETLENS_PROGRESS=1``.

    >>> on, off = {"NETLENS_PROGRESS": "1"}, {"NETLENS_PROGRESS": "0"}
    >>> enabled(True, on), enabled(False, on), enabled(False, off)
    (False, True, False)
    """
    if quiet:
        return False
    flag = (os.environ if env is None else env).get("NETLENS_PROGRESS", "")
    if flag in ("0", "1"):
        return flag == "1"
    return sys.stderr.isatty()


class Steps:
    """A sequence of named steps with a progress line each (a no-op when disabled)."""

    def __init__(self, show: bool, *, min_seconds: float = 2.0) -> None:
        self.show = show
        self.min_seconds = min_seconds
        self.times: dict[str, float] = {}
        self._progress: Progress | None = None

    def __enter__(self) -> Steps:
        if self.show:
            console = Console(stderr=True, force_terminal=None if sys.stderr.isatty() else False, highlight=False)
            self._progress = Progress(
                SpinnerColumn(finished_text="[green]✓"),
                TextColumn("{task.description}"),
                BarColumn(bar_width=24),
                TextColumn("{task.fields[detail]}"),
                TimeElapsedColumn(),
                console=console,
                transient=False,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @contextlib.contextmanager
    def step(self, description: str, total: float | None = None) -> Iterator[Step]:
        """Run one step; ``total`` (if known) makes the bar advance with :meth:`Step.advance`."""
        t0 = time.perf_counter()
        task = self._progress.add_task(description, total=total, detail="") if self._progress else None
        handle = Step(self._progress, task)
        try:
            yield handle
        finally:
            elapsed = time.perf_counter() - t0
            self.times[description] = elapsed
            if self._progress is not None and task is not None:
                if elapsed < self.min_seconds:
                    self._progress.remove_task(task)
                else:
                    t = self._progress.tasks[self._progress.task_ids.index(task)]
                    self._progress.update(task, total=t.total or 1, completed=t.total or 1)


class Step:
    """What a running step may report: work done so far and a short detail text."""

    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self._progress, self._task = progress, task

    def advance(self, amount: float = 1) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, amount)

    def detail(self, text: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, detail=text)
