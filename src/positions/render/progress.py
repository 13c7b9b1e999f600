"""A rich progress bar on standard error that appears only once work has taken over a second."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

SHOW_AFTER = 1.0  # seconds; quicker work never flashes a bar


class _BarStep:
    def __init__(self, bar: DelayedBar, description: str, total: int):
        self.bar, self.description, self.total = bar, description, total
        self.done = 0
        self.task: TaskID | None = None
        self.closed = False
        # The first batch of work (loading the embedding model) may take seconds without an
        # advance(), so a timer, not the next advance(), brings the bar up.
        self.timer = threading.Timer(max(0.0, SHOW_AFTER - (time.monotonic() - bar.started)), self._show)
        self.timer.daemon = True
        self.timer.start()

    def _show(self) -> None:
        with self.bar.lock:
            if self.closed:
                return
            progress = self.bar.live()
            if progress is None:
                return
            if self.task is None:
                self.task = progress.add_task(self.description, total=self.total, completed=self.done)
            else:
                progress.update(self.task, completed=self.done)

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        self._show()

    def close(self) -> None:
        self.timer.cancel()
        with self.bar.lock:
            self.closed = True
            if self.task is not None and self.bar.progress is not None:
                self.bar.progress.update(self.task, completed=self.total, visible=False)


def _terminal_stderr() -> TextIO:
    # The real standard error: the bar is for the person watching, not part of what a command
    # reports.
    import sys

    return sys.__stderr__ or sys.stderr


class DelayedBar:
    """Progress for the command line (positions.progress.Progress); call `stop()` when done."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.lock = threading.RLock()

    def live(self) -> Progress | None:
        with self.lock:
            if self.progress is None and time.monotonic() - self.started >= SHOW_AFTER:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                         TimeElapsedColumn(), console=Console(file=_terminal_stderr()), transient=True)
                self.progress.start()
            return self.progress

    def step(self, description: str, total: int) -> _BarStep:
        return _BarStep(self, description, total)

    def stop(self) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress.stop()
                self.progress = None
