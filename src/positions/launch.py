"""The console entry point: answers `--version` before importing the command-line framework."""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from positions import __version__

        print(f"positions {__version__}")
        return
    import os

    # pydantic looks for plugins among the entry points of every installed distribution on its
    # first model (10-15 ms a run); positions uses none. A user's own setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from positions.cli import main as cli_main

    cli_main()
