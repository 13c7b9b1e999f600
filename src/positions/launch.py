"""The console entry point: answers `--version`, and replays recorded answers of read-only
commands (positions.answers), before importing the command-line framework."""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from positions import __version__

        print(f"positions {__version__}")
        return
    from positions.answers import plan, run_recorded

    request = plan(argv)
    if request is not None:
        recorded = request.replay()
        if recorded is not None:
            sys.stdout.flush()
            sys.stdout.buffer.write(recorded)
            sys.stdout.flush()
            return
    from positions.cli import main as cli_main

    if request is None:
        cli_main()
    else:
        run_recorded(request, cli_main)
