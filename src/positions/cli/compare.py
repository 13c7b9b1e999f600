"""Matching commands: compare, search, matrix, report."""

from __future__ import annotations

from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from positions.cli.app import (
    THRESHOLD_HELP,
    ListFormat,
    Relation,
    app,
    echo,
    make_matcher,
    open_corpus,
    print_rich,
    state,
    threshold_value,
)
from positions.errors import UsageError

if TYPE_CHECKING:
    from positions.models import Corpus
    from positions.report import Report


class CompareFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"


class GapsFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


class MatrixFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(StrEnum):
    markdown = "markdown"
    html = "html"


def _build_report(corpus: Corpus, keys: list[str], threshold: float, topics: list[str],
                  relations: list[str] | None = None, date: str | None = None, command: str = "report",
                  against: str | None = None, show_progress: bool = True) -> Report:
    from positions import __version__
    from positions.corpus import corpus_hash
    from positions.match import compare_sources
    from positions.report import build_report

    matcher = make_matcher(corpus, show_progress)
    comparison = compare_sources(matcher, keys, threshold, topics or None, relations or None)
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__,
                        topics=topics or None, date=date, command=command, against=against)


EXCEL_HELP = ("With --format csv: a byte-order mark so Excel reads UTF-8, and text cells starting with = + - @ "
              "prefixed with ' so they are never run as formulas (quotes are then not verbatim).")


def _csv_only(excel: bool, fmt: Enum) -> None:
    if excel and fmt.value != "csv":
        raise UsageError("--excel applies to --format csv")


def _write_output(text: str, output: str | None) -> None:
    if output in (None, "-"):
        echo(text)
        return
    from positions.safe_write import write_output

    path = write_output(Path(output), text)
    typer.echo(f"wrote {path}", err=True)


@app.command()
def compare(
    sources: list[str] = typer.Argument(..., metavar="A B [C ...]", help="Two or more source keys."),
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only pairs and statements on this topic (repeatable)."),
    relation: list[Relation] = typer.Option(
        [], "--relation", "-r",
        help="Only disagreements, agreements or related statements (repeatable); the output says what it leaves out."),
    threshold: float | None = typer.Option(None, "--threshold", help=THRESHOLD_HELP),
    explain: bool = typer.Option(False, "--explain",
                                 help="Show the pairs behind each proposition and the signals behind each score."),
    fmt: CompareFormat = typer.Option(CompareFormat.table, "--format",
                                      help="table, markdown, json or csv (the listed pairs, with both quotes)."),
    output: str | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="Write to FILE instead of standard output."),
    excel: bool = typer.Option(False, "--excel", help=EXCEL_HELP),
    full: bool = typer.Option(
        False, "--full", help="Every quote whole, with its reference (the table format shortens quotes to a line)."),
    no_pager: bool = typer.Option(False, "--no-pager", help="Print straight to the terminal, without $PAGER."),
) -> None:
    """Compare two or more sources, proposition by proposition: a findings summary (with three or more
    sources, where each stands), then each proposition they disagree on, agree on, or only one takes a
    position on, with the quotes; then related statements (similar text, no shared proposition).

    Example: positions compare alliance moj --relation disagree
    """
    from positions.corpus import require_sources, require_topics

    _csv_only(excel, fmt)
    if no_pager:
        state.pager = False
    corpus = open_corpus()
    keys = require_sources(corpus, sources)
    if len(keys) < 2:
        raise UsageError("compare needs at least two different sources, e.g. 'positions compare alliance moj'")
    topics = require_topics(corpus, topic)
    t = threshold_value(threshold)
    report = _build_report(corpus, keys, t, topics, [r.value for r in relation], command="compare",
                           show_progress=fmt not in (CompareFormat.json, CompareFormat.csv))
    if fmt is CompareFormat.csv:
        from positions.export import compare_table, csv_text

        _write_output(csv_text(*compare_table(report), excel=excel), output)
    elif fmt is CompareFormat.json:
        from positions.render.json import compare_json, to_json

        _write_output(to_json(compare_json(report, explain)), output)
    elif fmt is CompareFormat.markdown:
        from positions.render.markdown import render_compare

        _write_output(render_compare(report, explain), output)
    else:
        from positions.render.terminal import compare_view

        if output not in (None, "-"):
            from positions.render.terminal import to_text

            _write_output(to_text(compare_view(report, explain, full)), output)
        else:
            print_rich(compare_view(report, explain, full))


@app.command()
def search(
    text: str = typer.Argument(..., help="A claim in your own words."),
    source: list[str] = typer.Option([], "--source", "-s", help="Only this source (repeatable)."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=1000, help="How many statements to show."),
    explain: bool = typer.Option(False, "--explain", help="Show the signals behind each score."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json."),
) -> None:
    """Answer a claim with positions: first the propositions it most likely takes a side on, with
    where each source stands on them (and how many of its statements), then the statements closest
    to it across all sources.

    Example: positions search "private companies should not run probation"
    """
    from positions.corpus import require_sources
    from positions.suggest import Suggester, answers

    corpus = open_corpus()
    keys = require_sources(corpus, source)
    if not text.strip():
        raise UsageError("the search text is empty; give a claim in your own words")
    matcher = make_matcher(corpus, fmt is not ListFormat.json)
    hits = matcher.search(text, keys or None, limit)
    found = answers(Suggester(corpus, matcher), text, keys or None)
    if fmt is ListFormat.json:
        from positions.render.json import search_json, to_json

        echo(to_json(search_json(text, hits, explain, found)))
    else:
        from positions.render.terminal import search_table

        print_rich(search_table(text, hits, explain, found))


@app.command()
def matrix(
    sources: list[str] = typer.Argument(None, metavar="[SOURCES...]", help="Source keys (default: all)."),
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only this topic or proposition (repeatable)."),
    fmt: MatrixFormat = typer.Option(MatrixFormat.table, "--format",
                                     help="table, json or csv (one stance word a cell)."),
    excel: bool = typer.Option(False, "--excel", help=EXCEL_HELP),
) -> None:
    """Show where each source stands: propositions as rows, sources as columns, with counts when a
    source's statements differ.

    'silent' means a curator checked and the source says nothing on it (its silent_on);
    'not curated' means it has no statement on it and nobody has recorded a silence.

    Example: positions matrix alliance moj clinks
    """
    from positions import __version__
    from positions.corpus import corpus_hash, require_sources, require_topics
    from positions.match import DEFAULT_WEIGHTS, Comparison
    from positions.report import build_report
    from positions.stances import stance_matrix

    _csv_only(excel, fmt)
    corpus = open_corpus()
    keys = require_sources(corpus, sources or corpus.source_keys)
    topics = require_topics(corpus, topic)
    wanted = corpus.expand_topics(topics)
    # The stand table needs no matching: an empty comparison carries the sources and the matrix.
    comparison = Comparison(tuple(keys), 0.0, DEFAULT_WEIGHTS, (), stance_matrix(corpus, keys, wanted), wanted)
    report = build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__,
                          topics=topics or None)
    if fmt is MatrixFormat.csv:
        from positions.export import csv_text, matrix_table

        echo(csv_text(*matrix_table(report), excel=excel))
    elif fmt is MatrixFormat.json:
        from positions.render.json import matrix_json, to_json

        echo(to_json(matrix_json(report)))
    else:
        from positions.render.terminal import matrix_view

        print_rich(matrix_view(report))


@app.command()
def report(
    sources: list[str] = typer.Argument(None, metavar="[SOURCES...]", help="Source keys (default: all)."),
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only this topic (repeatable)."),
    fmt: ReportFormat = typer.Option(ReportFormat.markdown, "--format", help="markdown or html."),
    output: str | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="Write to FILE ('-' or none: standard output)."),
    threshold: float | None = typer.Option(None, "--threshold", help=THRESHOLD_HELP),
    date: str | None = typer.Option(
        None, "--date", help="A date to print in the report (none by default, so output is reproducible)."),
    against: str | None = typer.Option(
        None, "--against", metavar="KEY",
        help="Add a section on the gaps of this source against the others (see 'positions gaps')."),
) -> None:
    """Write a briefing: findings summary, sources, where each stands, each theme's propositions with
    their quotes, related statements, methods.

    Example: positions report --format html --output report.html
    """
    from positions.corpus import require_sources, require_topics

    corpus = open_corpus()
    keys = require_sources(corpus, sources or corpus.source_keys)
    topics = require_topics(corpus, topic)
    if against is not None:
        require_sources(corpus, [against])
        if against not in keys:
            raise UsageError(f"--against {against}: it must be one of the report's sources ({', '.join(keys)})")
        if len(keys) < 2:
            raise UsageError("--against needs at least one other source in the report")
    built = _build_report(corpus, keys, threshold_value(threshold), topics, date=date, against=against)
    if fmt is ReportFormat.html:
        from positions.render.html import render_report as render_html

        _write_output(render_html(built), output)
    else:
        from positions.render.markdown import render_report

        _write_output(render_report(built), output)


@app.command()
def gaps(
    sources: list[str] = typer.Argument(None, metavar="[SOURCES...]",
                                        help="The sources to set against it (default: all the others)."),
    against: str = typer.Option(..., "--against", metavar="KEY", help="The reference source, e.g. moj."),
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only this topic or proposition (repeatable)."),
    fmt: GapsFormat = typer.Option(GapsFormat.table, "--format", help="table, markdown or json."),
    output: str | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                      help="Write to FILE instead of standard output."),
) -> None:
    """What the other sources take a side on that KEY does not address, and what KEY takes a side on
    that no other source shares, proposition by proposition.

    A statement takes a side when it supports, opposes or takes a mixed position on a proposition.

    Example: positions gaps --against moj alliance clinks
    """
    from positions.corpus import require_sources, require_topics
    from positions.gaps import find_gaps

    corpus = open_corpus()
    require_sources(corpus, [against])
    others = [k for k in require_sources(corpus, sources or corpus.source_keys) if k != against]
    if not others:
        raise UsageError(f"gaps needs at least one source other than '{against}', "
                         f"e.g. 'positions gaps --against {against}'")
    topics = require_topics(corpus, topic)
    found = find_gaps(corpus, against, others, corpus.expand_topics(topics))
    if fmt is GapsFormat.json:
        from positions.render.json import gaps_json, to_json

        _write_output(to_json(gaps_json(found)), output)
    elif fmt is GapsFormat.markdown:
        from positions.render.markdown import render_gaps

        _write_output(render_gaps(found), output)
    else:
        from positions.render.terminal import gaps_view, to_text

        if output not in (None, "-"):
            _write_output(to_text(gaps_view(found)), output)
        else:
            print_rich(gaps_view(found))
