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
from positions.errors import EXIT_FILESYSTEM, EXIT_INTERRUPTED, CorpusError, PositionsError, printable


class _Group(TyperGroup):
    """Turns library errors into one-line messages and exit statuses, never tracebacks."""

    def invoke(self, ctx):  # noqa: D401
        try:
            return super().invoke(ctx)
        except PositionsError as exc:
            _stop_progress()
            _report_error(exc)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            _stop_progress()
            typer.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            _report_os_error(exc)
            ctx.exit(EXIT_FILESYSTEM)

    def list_commands(self, ctx):  # keep the order commands are defined in
        return list(self.commands)

    def parse_args(self, ctx, args):
        """Arguments that are not UTF-8 text or hold control characters are refused (exit 2)
        before any command runs (positions.cli.guard)."""
        from positions.cli.guard import clean_arguments

        try:
            args = clean_arguments(self, args)
        except PositionsError as exc:
            _report_error(exc)
            ctx.exit(exc.exit_code)
        return super().parse_args(ctx, args)


def _report_error(exc: PositionsError) -> None:
    if isinstance(exc, CorpusError):
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        n = len(exc.problems)
        typer.echo(f"{n} problem{'s' if n != 1 else ''} found; fix them and run 'positions validate'", err=True)
    else:
        typer.echo(printable(f"error: {exc}"), err=True)


def _report_os_error(exc: OSError) -> None:
    """A read or write the commands did not expect to fail (standard output on a full disk, ...).

    A reader that stopped early (`positions report | head`) is not worth a message."""
    import errno
    import os

    what = f"cannot read or write '{exc.filename}'" if exc.filename else "cannot write the output"
    try:
        if exc.errno != errno.EPIPE:
            typer.echo(printable(f"error: {what}: {exc.strerror or exc}"), err=True)
    except OSError:
        pass
    try:  # do not fail again when Python flushes standard output on the way out
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


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
    progress: Any = None


state = _State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"positions {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    data: Optional[Path] = typer.Option(
        None, "--data", metavar="DIR", envvar="POSITIONS_DATA", show_envvar=True,
        help="Corpus folder to use instead of the shipped one (holds topics.yaml and sources/).",
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    # A folder from $POSITIONS_DATA (which typer reads through --data) is left to find_data_dir,
    # which reads the variable itself, so that messages name POSITIONS_DATA rather than --data.
    # (Compared by name: typer may bundle its own click, with its own ParameterSource.)
    source = ctx.get_parameter_source("data")
    from_env = getattr(source, "name", None) == "ENVIRONMENT"
    state.data = str(data) if data and not from_env else None
    state.use_cache = not no_cache


def _matcher(corpus: Any, show_progress: bool = True) -> Any:
    """The corpus's Matcher; with a progress bar for slow work when both output streams are a
    terminal (never for JSON or piped output: pass show_progress=False for JSON)."""
    from positions.match import Matcher

    progress = None
    if show_progress and sys.stdout.isatty() and sys.stderr.isatty():
        from positions.render.progress import DelayedBar

        progress = state.progress = DelayedBar()
    return Matcher(corpus, use_cache=state.use_cache, progress=progress)


def _stop_progress() -> None:
    if state.progress is not None:
        state.progress.stop()
        state.progress = None


def _corpus() -> Any:
    from positions.corpus import find_data_dir, load_corpus

    return load_corpus(find_data_dir(state.data).path, use_cache=state.use_cache)


# Rich lays a table out to the terminal's width, from COLUMNS when set: a width of millions
# (COLUMNS=100000000) would take minutes and gigabytes to fill with spaces.
MAX_WIDTH = 10_000
MAX_HEIGHT = 10_000


def _print(renderable: Any) -> None:
    _stop_progress()
    from rich.console import Console

    console = Console(soft_wrap=False)
    if console.width > MAX_WIDTH:
        console.width = MAX_WIDTH
    if console.height > MAX_HEIGHT:
        console.height = MAX_HEIGHT
    console.print(renderable)


def _echo(text: str) -> None:
    _stop_progress()
    sys.stdout.write(text)
    sys.stdout.flush()


def main() -> None:
    from positions.cli.guard import safe_streams

    safe_streams()
    app(prog_name="positions")


# Each module registers its commands on `app`; order here is the order in --help.
from positions.cli import read, compare, edit, review, cache  # noqa: E402,F401
