"""Read-only commands: sources, show, topics, validate."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from positions.cli.app import ListFormat, app, echo, open_corpus, print_rich, state


@app.command()
def sources(fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json.")) -> None:
    """List the sources: key, name, date, kind and statement count.

    Example: positions sources --format json
    """
    from positions.summary import source_record

    corpus = open_corpus()
    rows = [source_record(s) for s in corpus.sources]
    if fmt is ListFormat.json:
        from positions.render.json import to_json

        echo(to_json({"sources": rows}))
    else:
        from positions.render.terminal import sources_table

        print_rich(sources_table(rows))


@app.command()
def show(
    key: str = typer.Argument(
        ..., help="Source key, e.g. alliance; or one statement as SOURCE/ID, e.g. moj/workforce-strategy."),
    topic: list[str] = typer.Option([], "--topic", "-t",
                                    help="Only statements on this topic or proposition (repeatable)."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json."),
) -> None:
    """Show a source's statements with section, topics and stances (or one statement, given as
    SOURCE/ID as compare and search print it).

    Example: positions show alliance --topic public-ownership
    """
    from positions.corpus import require_sources, require_statement, require_topics
    from positions.ids import is_statement_ref
    from positions.summary import source_record, statement_record, statements_on_topics

    corpus = open_corpus()
    if is_statement_ref(key):
        chosen = [require_statement(corpus, key)]
        key = key.partition("/")[0]
    else:
        require_sources(corpus, [key])
        chosen = corpus.source_map[key].statements
    topics = require_topics(corpus, topic)
    source = corpus.source_map[key]
    statements = [statement_record(r) for r in statements_on_topics(chosen, corpus.expand_topics(topics))]
    record = source_record(source)
    if fmt is ListFormat.json:
        from positions.render.json import to_json

        echo(to_json({"source": record, "statements": statements}))
    else:
        from positions.render.terminal import statements_table

        print_rich(statements_table(record, statements))


class TopicSort(StrEnum):
    taxonomy = "taxonomy"
    name = "name"
    contested = "contested"


@app.command()
def topics(
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json."),
    sort: TopicSort = typer.Option(TopicSort.taxonomy, "--sort", help=(
        "taxonomy (the order of topics.yaml, default), name (by key), or contested: most evenly split "
        "between supporters and opponents first, with a controversy column (as in the report).")),
) -> None:
    """List the topics (themes) and their propositions, with how many statements of each source take
    a stance on each proposition.

    Example: positions topics --sort contested
    """
    from positions.summary import topic_records, topic_usage

    corpus = open_corpus()
    rows = topic_usage(corpus)
    if sort is TopicSort.name:
        rows.sort(key=lambda r: r["key"])
    elif sort is TopicSort.contested:
        from positions.stances import contested_order

        ranked = contested_order(corpus, corpus.source_keys)
        position = {key: n for n, (key, _, _) in enumerate(ranked)}
        controversy = {key: value for key, value, _ in ranked}
        rows.sort(key=lambda r: position[r["key"]])
        for r in rows:
            r["controversy"] = controversy[r["key"]]
    if fmt is ListFormat.json:
        from positions.render.json import to_json

        echo(to_json({"topics": topic_records(corpus), "propositions": rows}))
    else:
        from positions.render.terminal import topics_table

        print_rich(topics_table(rows, corpus.source_keys, grouped=sort is TopicSort.taxonomy))


@app.command()
def validate(
    directory: Path | None = typer.Argument(None, metavar="[DIR]", help="Corpus folder (default: the corpus in use)."),
) -> None:
    """Check a corpus; print 'OK: N sources, M statements, T topics, P propositions' or every problem found.

    Example: positions validate mycorpus
    """
    from positions.corpus import find_data_dir, load_corpus
    from positions.summary import corpus_counts

    root = find_data_dir(directory or state.data, "DIR" if directory else "--data").path
    counts = corpus_counts(load_corpus(root))
    line = f"OK: {counts['sources']} sources, {counts['statements']} statements, {counts['topics']} topics"
    if counts["propositions"] != counts["topics"]:  # topics that list propositions
        line += f", {counts['propositions']} propositions"
    typer.echo(line)
