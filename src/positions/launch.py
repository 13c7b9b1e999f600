"""The console entry point: answers `--version` before importing the command-line framework."""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from positions import __version__

        print(f"positions {__version__}")
        return
    from positions.cli import main as cli_main

    cli_main()
