"""The `positions` command line: parse options, call the library, render, set the exit status.

The application and what the commands share are in cli/app.py; each other module of this package
registers a group of commands on it (read: sources, show, topics, validate; compare: compare,
search, matrix, report, gaps; suggest; export; edit: add, new-source, init, schema; review: review,
link; cache). Exit statuses are listed in cli/app.py.
"""

from positions.cli.app import app, main

# Each module registers its commands on `app`; order here is the order in --help (so not sorted).
# isort: off
from positions.cli import read, compare, suggest, export, edit, review, cache  # noqa: F401 (imported to register)
# isort: on

__all__ = ["app", "main"]
