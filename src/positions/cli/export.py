"""The export command: the whole analysis as a SQLite database or CSV files."""

from __future__ import annotations

from pathlib import Path

import typer

from positions.cli.app import THRESHOLD_HELP, app, make_matcher, open_corpus, threshold_value
from positions.errors import UsageError, printable
from positions.export import ExportFormat


@app.command()
def export(
    file: str = typer.Argument(..., metavar="FILE", help="OUT.db (or .sqlite, .sqlite3): a SQLite database; "
                               "OUT.zip: a zip of CSV files; OUT/: a folder of CSV files."),
    source: list[str] = typer.Option([], "--source", "-s", help="Only this source (repeatable; default: all)."),
    threshold: float | None = typer.Option(None, "--threshold", help=THRESHOLD_HELP),
    fmt: ExportFormat | None = typer.Option(None, "--format",
                                            help="sqlite, zip or csv (a folder); default: from FILE."),
    excel: bool = typer.Option(False, "--excel", help="CSV for Excel: a byte-order mark so it reads UTF-8, and text "
                               "cells starting with = + - @ prefixed with ' so they are never run as formulas "
                               "(quotes are then not verbatim)."),
) -> None:
    """Export the whole analysis of the corpus: sources, topics, propositions, statements, stances,
    each source's position on each proposition, the compared and related pairs, curators' links and
    silences; as a SQLite database (with full-text search) or as CSV files. The tables, their keys and
    example queries are in docs/export.md.

    Example: positions export positions.db
    """
    from positions import __version__, export as exp
    from positions.corpus import corpus_hash, require_sources
    from positions.match import compare_sources

    kind = exp.format_for_path(file, fmt)
    if excel and kind is ExportFormat.sqlite:
        raise UsageError("--excel applies to CSV files; give OUT.zip or OUT/ (a SQLite database needs no such care)")
    path = Path(file)
    exp.check_destination(path, kind)
    corpus = open_corpus()
    wanted = set(require_sources(corpus, source))
    keys = [k for k in corpus.source_keys if not wanted or k in wanted]  # key order: the export's order
    t = threshold_value(threshold)
    comparison = compare_sources(make_matcher(corpus), keys, t)
    created_with = " ".join(["positions export FILE", *(f"--source {k}" for k in keys if wanted),
                             f"--threshold {t:g}", *(["--excel"] if excel else [])])
    built = exp.build_export(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__,
                             created_with=created_with)
    if kind is ExportFormat.sqlite:
        from positions.safe_write import write_output

        data, missing = exp.sqlite_bytes(built)
        if missing:
            typer.echo(f"warning: no full-text search table ({exp.FTS_TABLE}): {missing}", err=True)
        write_output(path, data, example="positions.db")
    elif kind is ExportFormat.zip:
        from positions.safe_write import write_output

        data = exp.zip_bytes(exp.csv_files(built, excel))
        write_output(path, data, example="positions.zip")
    else:
        files = exp.csv_files(built, excel)
        data = b"".join(d for _, d in files)
        exp.write_csv_folder(path, files)
    counts = ", ".join(f"{built.count(t)} {t}" for t in ("sources", "statements", "stances", "positions", "pairs",
                                                         "links", "silences"))
    typer.echo(printable(f"wrote {file} ({len(data):,} bytes): {counts}"), err=True)
