"""`positions suggest`: the propositions a text most likely takes a side on, or what to curate first."""

from __future__ import annotations

import typer

from positions.cli.app import ListFormat, app, echo, make_matcher, open_corpus, print_rich
from positions.errors import UsageError


@app.command()
def suggest(
    target: str = typer.Argument(..., metavar="TEXT|SOURCE", help="A text in your own words, or a source key."),
    limit: int = typer.Option(5, "--limit", "-n", min=1, max=101,
                              help="How many propositions to suggest (per statement for a SOURCE)."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json."),
) -> None:
    """Suggest the propositions a text most likely takes a side on, best first, each with a suggested
    stance (support, oppose or mixed), a score in [0, 1] and its evidence: the closest curated
    statements on it and the proposition's own text.

    Given a source key instead, list that source's statements without stances, the most confident
    suggestion first: what a curator should look at first.

    Suggestions come from the curated corpus (the proposition texts and the statements that take a
    side on them) and are checked on sources the suggester has not seen (benchmarks/suggest.py).
    A suggested stance is a starting point, not a curated one.

    Example: positions suggest "private companies should not run probation"
    """
    from positions.suggest import Suggester, curator_queue

    if not target.strip():
        raise UsageError("the text is empty; give a text in your own words or a source key")
    corpus = open_corpus()
    json_out = fmt is ListFormat.json
    suggester = Suggester(corpus, make_matcher(corpus, not json_out))
    if target in corpus.source_map:
        queue = curator_queue(suggester, target, limit)
        if json_out:
            from positions.render.json import suggest_source_json, to_json

            echo(to_json(suggest_source_json(target, queue)))
        else:
            from positions.render.terminal import suggest_source_view

            print_rich(suggest_source_view(target, corpus.source_map[target].name, queue))
        return
    found = suggester.suggest(target, limit=limit)
    if json_out:
        from positions.render.json import suggest_json, to_json

        echo(to_json(suggest_json(target, found)))
    else:
        from positions.render.terminal import suggest_table

        print_rich(suggest_table(target, found))
