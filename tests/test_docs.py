"""Every command has help with an example and is documented in the README (as sqlite-utils does)."""

from __future__ import annotations

import re

import click
import pytest
import typer

from conftest import REPO_ROOT
from positions.cli import app

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if hasattr(command, "list_commands"):  # a group (typer may bundle its own click)
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_the_command_list_is_complete():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"compare", "search", "report", "review", "link", "gaps", "cache clear", "cache info"} <= names


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help_with_an_example(path, invoke):
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    # global options (e.g. --data DIR) may come before the command name
    flat = " ".join(result.stdout.split())
    assert re.search(r"Example: positions (--data \S+ )?" + re.escape(" ".join(path)) + r"\b", flat), flat


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_in_the_readme(path):
    assert f"positions {' '.join(path)}" in README
