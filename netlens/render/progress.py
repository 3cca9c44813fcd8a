"""Progress display for long CLI steps (rich), on stderr, off with ``--quiet``.

Every step of a command runs inside :meth:`Steps.step`; while it runs, a line with a spinner, a bar
(pulsing when the amount of work is unknown, with a count when it is known) and the elapsed time is shown on
stderr; when the step ends the live line is erased and one record line stays ("✓ analysing centrality  0:00:12").
Steps shorter than ``min_seconds`` leave nothing, so quick commands stay quiet. The live display never outlives
its step, so results printed to stdout after a step are never overwritten.

Shown when stderr is a terminal and ``--quiet`` is not given; ``NETLENS_PROGRESS=1`` forces it on (logs,
tests) and ``NETLENS_PROGRESS=0`` off. Results never go to stderr, so ``--format csv > out.csv`` stays clean.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported only when progress is shown (a pipe or --quiet never needs it: start-up time)
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = ["Steps", "Step", "enabled", "fit"]


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
    """A sequence of named steps with a progress line each (a no-op when disabled).

    Each step draws its own live line on stderr only while it runs, and the display is stopped before the step
    returns, so nothing a command prints between or after steps can be overwritten by a redraw. A step that took at
    least ``min_seconds`` leaves one record line (``✓ analysing centrality  0:00:12``); an interrupted or failed
    step leaves ``✗ … interrupted`` / ``✗ … failed`` instead, never a ✓.
    """

    def __init__(self, show: bool, *, min_seconds: float = 2.0, width: int | None = None) -> None:
        self.show = show
        self.min_seconds = min_seconds
        self.times: dict[str, float] = {}
        self._console: Console | None = None
        self._width = width

    def __enter__(self) -> Steps:
        if self.show:
            from rich.console import Console

            self._console = Console(
                stderr=True, force_terminal=None if sys.stderr.isatty() else False, highlight=False, width=self._width
            )
        return self

    def __exit__(self, *exc: Any) -> None:
        self._console = None

    @contextlib.contextmanager
    def step(self, description: str, total: float | None = None) -> Iterator[Step]:
        """Run one step; ``total`` (if known) makes the bar advance with :meth:`Step.advance` and show a count."""
        label = fit(description, LABEL_WIDTH)
        t0 = time.perf_counter()
        progress = self._live(total)
        task = progress.add_task(label, total=total, detail="") if progress is not None else None
        handle = Step(progress, task)
        outcome = "failed"
        try:
            yield handle
            outcome = "done"
        except KeyboardInterrupt:
            outcome = "interrupted"
            raise
        finally:
            elapsed = time.perf_counter() - t0
            self.times[description] = elapsed
            if progress is not None:
                progress.stop()  # transient: the live line is erased, the terminal is ours again
                self._record(label, outcome, elapsed, handle)

    def _live(self, total: float | None) -> Progress | None:
        if self._console is None:
            return None
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=20), _count_column()]
        columns += [TextColumn("{task.fields[detail]}"), TimeElapsedColumn()]
        progress = Progress(*columns, console=self._console, transient=True, redirect_stdout=False, redirect_stderr=False)
        progress.start()
        return progress

    def _record(self, label: str, outcome: str, elapsed: float, handle: Step) -> None:
        assert self._console is not None
        if outcome == "done" and elapsed < self.min_seconds:
            return
        mark = {"done": "[green]✓[/]", "interrupted": "[red]✗[/]", "failed": "[red]✗[/]"}[outcome]
        what = "" if outcome == "done" else f" {outcome}"
        count = f" ({handle.completed:,.0f})" if handle.completed and outcome == "done" else ""
        self._console.print(f"{mark} {label}{what}{count}  {_clock(elapsed)}", markup=True, highlight=False, soft_wrap=True)


#: step labels are cut to this many characters, so a progress line fits an 80-column terminal
LABEL_WIDTH = 44


def fit(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` shortened in the middle to ``width`` characters (long store paths), home folder as ``~``.

    >>> fit("writing to embedded store /very/long/path/to/some/folder/of/the/user/netlens.kgl", 40)
    'writing to embedded sto…user/netlens.kgl'
    """
    home = os.path.expanduser("~")
    if home not in ("", "/") and home in text:
        text = text.replace(home, "~")
    if len(text) <= width:
        return text
    tail = min(len(text) // 2, width // 2 - 4) if width > 10 else 0
    head = width - tail - 1
    return text[:head] + "…" + (text[-tail:] if tail else "")


def _count_column() -> Any:
    """A column showing ``n/N`` once the step's total is known (given to :meth:`Steps.step` or set by
    :meth:`Step.set_total`), nothing before."""
    from rich.progress import MofNCompleteColumn
    from rich.text import Text

    class Count(MofNCompleteColumn):
        def render(self, task: Any) -> Any:
            return Text("") if task.total is None else super().render(task)

    return Count()


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Step:
    """What a running step may report: work done so far and a short detail text."""

    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self._progress, self._task = progress, task
        self.completed = 0.0

    def advance(self, amount: float = 1) -> None:
        self.completed += amount
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, amount)

    def set_total(self, total: float) -> None:
        """The amount of work, when it is known only once the step runs (the bar then shows ``n/N``)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, total=total)

    def counted(self) -> Callable[[int, int], None]:
        """A library ``on_progress(done, total)`` callback that drives this step's total and count."""

        def report(done: int, total: int) -> None:
            self.set_total(total)
            if done < self.completed:  # the work started again (a retried transaction)
                self.reset()
            if done > self.completed:
                self.advance(done - self.completed)

        return report

    def reset(self) -> None:
        self.completed = 0.0
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=0)

    def detail(self, text: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, detail=fit(text, 24))
