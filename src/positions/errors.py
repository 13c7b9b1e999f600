"""Exceptions the library raises for users' mistakes, each with its exit status.

The CLI turns these into one-line messages; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2
EXIT_FILESYSTEM = 3
EXIT_REFUSED = 4


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a corpus file, at a 1-based line and column (0 when unknown)."""

    path: str
    line: int
    column: int
    where: str
    message: str

    def __str__(self) -> str:
        place = self.path
        if self.line:
            place += f":{self.line}:{self.column}"
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} {self.message}"


def display_path(path: Path | str) -> str:
    """A path as a user would type it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


class PositionsError(Exception):
    """Base class: a user-facing error with an exit status."""

    exit_code = EXIT_INVALID_DATA


class CorpusError(PositionsError):
    """The corpus (or a file being written) is invalid; carries every problem found."""

    exit_code = EXIT_INVALID_DATA

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(PositionsError):
    """A bad command-line argument: unknown source or topic, bad option value."""

    exit_code = EXIT_USAGE


class FilesystemError(PositionsError):
    """A file or folder cannot be read or written."""

    exit_code = EXIT_FILESYSTEM


class RefusedError(PositionsError):
    """A change was refused to protect the corpus (e.g. a near-duplicate statement)."""

    exit_code = EXIT_REFUSED


def did_you_mean(word: str, choices: list[str]) -> str | None:
    """The closest choice to a mistyped word, or None when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = {c.lower(): c for c in choices}
    return lowered.get(word.lower())


def unknown_name_message(kind: str, name: str, known: list[str]) -> str:
    """`unknown source 'mj'; did you mean 'moj'? (known: alliance, clinks, ...)`."""
    guess = did_you_mean(name, known)
    hint = f"; did you mean '{guess}'?" if guess else ""
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"unknown {kind} '{name}'{hint} (known: {shown or 'none'})"
