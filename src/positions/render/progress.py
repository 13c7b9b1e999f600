"""A rich progress bar on standard error that appears only once work has taken over a second."""

from __future__ import annotations

import time

SHOW_AFTER = 1.0  # seconds; quicker work never flashes a bar


class _BarStep:
    def __init__(self, bar: "DelayedBar", description: str, total: int):
        self.bar, self.description, self.total = bar, description, total
        self.done = 0
        self.task = None

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        progress = self.bar.live()
        if progress is None:
            return
        if self.task is None:
            self.task = progress.add_task(self.description, total=self.total, completed=self.done)
        else:
            progress.update(self.task, completed=self.done)

    def close(self) -> None:
        if self.task is not None and self.bar.progress is not None:
            self.bar.progress.update(self.task, completed=self.total, visible=False)


class DelayedBar:
    """Progress for the command line (positions.progress.Progress); call `stop()` when done."""

    def __init__(self):
        self.started = time.monotonic()
        self.progress = None

    def live(self):
        if self.progress is None and time.monotonic() - self.started >= SHOW_AFTER:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.progress.start()
        return self.progress

    def step(self, description: str, total: int) -> _BarStep:
        return _BarStep(self, description, total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
