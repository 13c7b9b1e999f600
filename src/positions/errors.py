"""Exceptions the library raises for users' mistakes, each with its exit status.

The CLI turns these into one-line messages; nothing here prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2
EXIT_FILESYSTEM = 3
EXIT_REFUSED = 4
EXIT_INTERRUPTED = 130


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
        return printable(f"{place}:{where} {self.message}")


def display_path(path: Path | str) -> str:
    """A path as a user would type it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return printable(str(p.resolve().relative_to(Path.cwd().resolve())))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return printable(str(p))


# Bidirectional embeddings, overrides and isolates (see models.check_clean_text).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """Text safe to print on one terminal line: control characters (escape sequences, newlines)
    and direction overrides, e.g. from a hostile file name, are shown as \\xNN or \\uNNNN."""
    import unicodedata

    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch == "\t" or (ch not in _BIDI and unicodedata.category(ch) != "Cc"):
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return "".join(out)


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

    stem = re.sub(r"\.ya?ml$", "", word.replace("\\", "/").rsplit("/", 1)[-1])  # sources/moj.yaml -> moj
    if stem != word and stem in choices:
        return stem
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
