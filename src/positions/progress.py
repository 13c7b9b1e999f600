"""How long-running library work reports progress, without knowing who (if anyone) is watching.

The library calls `progress.step(description, total)` and then `advance()` on what it returns;
the command line passes a rich progress bar (render/progress.py), everyone else gets `SILENT`.
"""

from __future__ import annotations

from typing import Protocol


class Step(Protocol):
    def advance(self, amount: int = 1) -> None: ...

    def close(self) -> None: ...


class Progress(Protocol):
    def step(self, description: str, total: int) -> Step: ...


class _SilentStep:
    def advance(self, amount: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class _Silent:
    def step(self, description: str, total: int) -> Step:
        return _SilentStep()


SILENT: Progress = _Silent()
