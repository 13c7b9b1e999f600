"""The `positions` command line: parse options, call the library, render, set the exit status.

Exit statuses: 0 success; 1 invalid corpus data; 2 usage error (bad option, unknown source or
topic); 3 a file or folder cannot be read or written; 4 a change was refused to protect the
corpus (near-duplicate, existing key); 130 interrupted.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from positions import __version__
from positions.errors import CorpusError, PositionsError


class _Group(TyperGroup):
    """Turns library errors into one-line messages and exit statuses, never tracebacks."""

    def invoke(self, ctx):  # noqa: D401
        try:
            return super().invoke(ctx)
        except PositionsError as exc:
            _report_error(exc)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            ctx.exit(130)

    def list_commands(self, ctx):  # keep the order commands are defined in
        return list(self.commands)


def _report_error(exc: PositionsError) -> None:
    if isinstance(exc, CorpusError):
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        n = len(exc.problems)
        typer.echo(f"{n} problem{'s' if n != 1 else ''} found; fix them and run 'positions validate'", err=True)
    else:
        typer.echo(f"error: {exc}", err=True)


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Compare published policy positions quote by quote: where organisations agree and disagree.\n\n"
    "Example: positions compare alliance moj",
)


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class _State:
    data: Optional[str] = None
    use_cache: bool = True


state = _State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"positions {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    data: Optional[Path] = typer.Option(
        None, "--data", metavar="DIR", envvar="POSITIONS_DATA", show_envvar=True,
        help="Corpus folder to use instead of the shipped one (holds topics.yaml and sources/).",
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    state.data = str(data) if data else None
    state.use_cache = not no_cache


def _corpus() -> Any:
    from positions.corpus import find_data_dir, load_corpus

    return load_corpus(find_data_dir(state.data).path, use_cache=state.use_cache)


def _print(renderable: Any) -> None:
    from rich.console import Console

    Console(soft_wrap=False).print(renderable)


def _echo(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def main() -> None:
    app(prog_name="positions")


# Each module registers its commands on `app`; order here is the order in --help.
from positions.cli import read, compare, edit  # noqa: E402,F401
