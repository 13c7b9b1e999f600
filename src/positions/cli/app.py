"""The command-line application every command registers on: the typer app with its global options
and state, how library errors become messages and exit statuses, and what the commands share
(opening the corpus, making a matcher, the threshold option, printing through the pager).

Exit statuses: 0 success; 1 invalid corpus data; 2 usage error (bad option, unknown source or
topic); 3 a file or folder cannot be read or written; 4 a change was refused to protect the
corpus (near-duplicate, existing key); 130 interrupted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from positions import __version__
from positions.errors import EXIT_FILESYSTEM, EXIT_INTERRUPTED, CorpusError, PositionsError, UsageError, printable
from positions.vocabulary import RELATIONS

if TYPE_CHECKING:
    from rich.console import RenderableType

    # typer vendors click as typer._click: its Context is what TyperGroup's methods are declared with
    # (typer.Context, what commands receive, is a subclass)
    from typer._click import Context

    from positions.match import Matcher
    from positions.models import Corpus
    from positions.render.progress import DelayedBar


class _Group(TyperGroup):
    """Turns library errors into one-line messages and exit statuses, never tracebacks."""

    def invoke(self, ctx: Context) -> Any:  # what the command returns (click's type)
        try:
            return super().invoke(ctx)
        except PositionsError as exc:
            stop_progress()
            _report_error(exc)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            stop_progress()
            typer.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            _report_os_error(exc)
            ctx.exit(EXIT_FILESYSTEM)

    def list_commands(self, ctx: Context) -> list[str]:  # keep the order commands are defined in
        return list(self.commands)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """Arguments that are not UTF-8 text or hold control characters are refused (exit 2)
        before any command runs (positions.cli.guard)."""
        from positions.cli.guard import clean_arguments

        try:
            args = clean_arguments(self, args)
        except PositionsError as exc:
            _report_error(exc)
            ctx.exit(exc.exit_code)
        return super().parse_args(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        """Usage errors as one line, `error: ...` with a did-you-mean, and the usage exit status."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except Exception as exc:  # typer may bundle its own click: its exceptions are told by name
            if _is_a(exc, "ClickException"):
                typer.echo(printable(f"error: {usage_message(exc)}"), err=True)
                sys.exit(getattr(exc, "exit_code", 2))
            if _is_a(exc, "Abort"):
                typer.echo("interrupted", err=True)
                sys.exit(EXIT_INTERRUPTED)
            raise
        sys.exit(rv if isinstance(rv, int) else 0)


def _is_a(exc: BaseException, name: str) -> bool:
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def usage_message(exc: Any) -> str:
    """A click usage error in one line, with a did-you-mean where one fits and where to find help."""
    import re

    from positions.errors import did_you_mean

    message = " ".join(exc.format_message().split()).replace("Value error, ", "")
    if _is_a(exc, "NoSuchOption"):
        possible = getattr(exc, "possibilities", None) or []
        guess = did_you_mean(exc.option_name, list(possible)) if possible else None
        message = f"no such option: {exc.option_name}" + (f"; did you mean {guess}?" if guess else "")
    elif _is_a(exc, "BadParameter"):
        found = re.search(r"'([^']*)' is not one of (.*)$", message)
        option = re.search(r"^Invalid value for (.*?): ", message)
        if found:
            names = re.findall(r"'([^']*)'", found.group(2))
            guess = did_you_mean(found.group(1).lower(), names)
            hint = f"; did you mean '{guess}'?" if guess else ""
            where = option.group(1).replace("'", "") if option else "value"
            message = f"{where}: '{found.group(1)}' is not one of {', '.join(names)}{hint}"
    message = message.rstrip(".")
    ctx = getattr(exc, "ctx", None)
    if (ctx is not None and not _is_a(exc, "NoSuchOption")) or message.startswith("Missing"):
        path = ctx.command_path if ctx is not None else "positions"
        message += f" (see '{path} -h')"
    return message[:1].lower() + message[1:] if message[:2] != "No" else message


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
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Compare published policy positions quote by quote: where organisations agree and disagree.\n\n"
    "Example: positions compare alliance moj",
)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class _State:
    data: str | None = None
    use_cache: bool = True
    progress: DelayedBar | None = None
    pager: bool = True


state = _State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"positions {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    data: Path | None = typer.Option(
        None, "--data", metavar="DIR", envvar="POSITIONS_DATA", show_envvar=True,
        help="Corpus folder to use instead of the shipped one (holds topics.yaml and sources/).",
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    no_pager: bool = typer.Option(False, "--no-pager", help="Print long output straight to the terminal (no $PAGER)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    # A folder from $POSITIONS_DATA (which typer reads through --data) is left to find_data_dir,
    # which reads the variable itself, so that messages name POSITIONS_DATA rather than --data.
    # (Compared by name: typer may bundle its own click, with its own ParameterSource.)
    source = ctx.get_parameter_source("data")
    from_env = getattr(source, "name", None) == "ENVIRONMENT"
    state.data = str(data) if data and not from_env else None
    state.use_cache = not no_cache
    state.pager = not no_pager


def make_matcher(corpus: Corpus, show_progress: bool = True) -> Matcher:
    """The corpus's Matcher; with a progress bar for slow work when both output streams are a
    terminal (never for JSON or piped output: pass show_progress=False for JSON)."""
    from positions.match import Matcher

    progress = None
    if show_progress and sys.stdout.isatty() and sys.stderr.isatty():
        from positions.render.progress import DelayedBar

        progress = state.progress = DelayedBar()
    return Matcher(corpus, use_cache=state.use_cache, progress=progress)


def stop_progress() -> None:
    """Take a progress bar off the screen before anything is printed."""
    if state.progress is not None:
        state.progress.stop()
        state.progress = None


def open_corpus() -> Corpus:
    """The corpus in use (--data, $POSITIONS_DATA, a checkout's data/ or the packaged one), loaded."""
    from positions.corpus import find_data_dir, load_corpus

    return load_corpus(find_data_dir(state.data).path, use_cache=state.use_cache)


# Rich lays a table out to the terminal's width, from COLUMNS when set: a width of millions
# (COLUMNS=100000000) would take minutes and gigabytes to fill with spaces.
MAX_WIDTH = 10_000
MAX_HEIGHT = 10_000


def print_rich(renderable: RenderableType) -> None:
    """Print for a person: through the pager when standard output is a terminal and the output is
    longer than it (see `page`)."""
    stop_progress()
    from rich.console import Console

    console = Console(soft_wrap=False)
    if console.width > MAX_WIDTH:
        console.width = MAX_WIDTH
    if console.height > MAX_HEIGHT:
        console.height = MAX_HEIGHT
    if state.pager and console.is_terminal:
        with console.capture() as captured:
            console.print(renderable)
        page(captured.get(), console.size.height)
    elif not console.is_terminal:
        # piped or redirected: no padding spaces at the ends of lines (rich pads wrapped text)
        with console.capture() as captured:
            console.print(renderable)
        sys.stdout.write("\n".join(line.rstrip() for line in captured.get().split("\n")))
        sys.stdout.flush()
    else:
        console.print(renderable)


def echo(text: str) -> None:
    """Write text for a person: through the pager when standard output is a terminal (see `page`)."""
    stop_progress()
    if state.pager and sys.stdout.isatty():
        import shutil

        page(text, shutil.get_terminal_size().lines)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def page(text: str, height: int) -> None:
    """Show text through the pager, as git does: $POSITIONS_PAGER, then $PAGER, else `less` (with
    LESS=FRX unless set: colours kept, quit at once when it fits); straight to standard output when
    it fits the screen, when the pager is empty or `cat`, or when it cannot be started."""
    import os
    import shlex
    import subprocess

    command = os.environ.get("POSITIONS_PAGER", os.environ.get("PAGER", "less"))
    try:
        argv = shlex.split(command)
    except ValueError:
        argv = []
    if text.count("\n") < max(1, height - 1) or not argv or argv == ["cat"]:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        assert proc.stdin is not None
        proc.stdin.write(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the reader quit early (q in less)
    except KeyboardInterrupt:
        pass
    proc.wait()


def main() -> None:
    from positions.cli.guard import safe_streams

    safe_streams()
    app(prog_name="positions")


def writable_root() -> Path:
    """The folder of the corpus in use, when it may be changed (corpus.require_writable)."""
    from positions.corpus import find_data_dir, require_writable

    return require_writable(find_data_dir(state.data))


# The --relation choices: the relation words (vocabulary.RELATIONS, defined once there). mypy reads
# an Enum's members only from literals, hence the ignore: the members are known at run time only.
Relation = Enum("Relation", [(word, word) for word in RELATIONS], type=str)  # type: ignore[misc]


def threshold_value(value: float | None) -> float:
    """The --threshold option: match.DEFAULT_THRESHOLD when absent; UsageError outside [0, 1]."""
    from positions.match import DEFAULT_THRESHOLD

    if value is None:
        return DEFAULT_THRESHOLD
    if not 0.0 <= value <= 1.0:
        hint = f"; did you mean {value / 100:g}?" if 1 < value <= 100 else ""  # a percentage
        raise UsageError(f"--threshold must be between 0 and 1, not {value:g}{hint}")
    return value


THRESHOLD_HELP = ("Text similarity in [0, 1] from which two statements that share no proposition are listed as "
                  "related (statements on a shared proposition are always compared). Default 0.5.")
