"""Commands that change a corpus: add, new-source, init, schema (see issue: extending the corpus)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from positions.cli.app import app, echo, state, writable_root
from positions.errors import UsageError

if TYPE_CHECKING:
    from positions.add import AddPlan


def _interactive() -> bool:
    """Whether we may prompt: stdin is a terminal (never wait on a pipe or in CI)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _plan_lines(plan: AddPlan) -> list[str]:
    lines = []
    if plan.hits:
        lines.append("Nearest statements:")
        for hit in plan.hits:
            text = " ".join(hit.ref.text.split())
            text = text if len(text) <= 90 else text[:87].rstrip() + "..."
            lines.append(f"  {hit.score:.2f}  {hit.ref.ref}  {text}")
    if plan.suggestions:
        lines.append("Suggested stances (the propositions it most likely answers; decide each by its text):")
        for s in plan.suggestions:
            mark = "  (confident)" if s.accepted else ""
            lines.append(f"  {s.key}={s.stance}  score {s.score:.2f}, confidence {s.confidence:.2f}{mark}: "
                         f"{s.proposition.text}")
    return lines


def _ask_suggestions(plan: AddPlan, stances: dict[str, str]) -> None:
    """On a terminal: for each suggestion, take it, take it with another stance, or skip it; then any
    other stances. Each answer is checked as it is given."""
    for s in plan.suggestions:
        while True:
            answer = typer.prompt(f"{s.key}={s.stance}? [y]es / [n]o / [s]upport / [o]ppose / [m]ixed",
                                  default="n", show_default=False).strip().lower()
            chosen = {"y": s.stance, "yes": s.stance, "s": "support", "support": "support", "o": "oppose",
                      "oppose": "oppose", "m": "mixed", "mixed": "mixed"}.get(answer)
            if chosen or answer in ("n", "no", ""):
                break
            typer.echo("error: answer y, n, s, o or m", err=True)
        if chosen:
            stances[s.key] = chosen


@app.command()
def add(
    source: str = typer.Argument(..., help="Source key, e.g. alliance."),
    text: str | None = typer.Option(None, "--text", help="The verbatim quote. Prompted for on a terminal when absent."),
    statement_id: str | None = typer.Option(
        None, "--id", help="Statement id (slug); default: made from the text's first content words."),
    section: str | None = typer.Option(None, "--section", help="Heading or lead-in the quote sits under."),
    stance: list[str] = typer.Option([], "--stance", metavar="PROPOSITION=STANCE",
                                     help="A curated stance: support, oppose or mixed (repeatable)."),
    accept_suggested: bool = typer.Option(
        False, "--accept-suggested",
        help="Also take the suggested stances whose confidence reaches 0.7 (suggest.ACCEPT_CONFIDENCE); "
        "--stance wins where both name a proposition."),
    note: str | None = typer.Option(None, "--note", help="Curator's note."),
    force: bool = typer.Option(False, "--force",
                               help="Add even when it nearly repeats a statement of the same source."),
) -> None:
    """Add a statement to a source, after showing the nearest existing statements and the stances
    the suggester proposes. On a terminal, each suggestion is offered (accept, change or skip);
    otherwise --stance sets stances and --accept-suggested takes the confident suggestions. A
    statement saved without stances is shown as not curated, and compare never says it agrees or
    disagrees with anything.

    Refuses (exit 4) a near-duplicate of a statement of the same source unless --force.

    Example: positions --data mycorpus add alliance --text "Probation should be locally accountable."
    --stance governed-locally=support
    """
    from positions.add import (
        StatementFields,
        append_statement,
        check_statement,
        parse_stances,
        plan_add,
        refuse_duplicate,
    )
    from positions.corpus import StanceKeys, load_corpus, require_sources

    root = writable_root()
    corpus = load_corpus(root)
    require_sources(corpus, [source])
    prompting = text is None
    if text is None:
        if not _interactive():
            raise UsageError("--text is required when input is not a terminal; "
                             "e.g. positions add SOURCE --text \"the verbatim quote\"")
        text = typer.prompt("Text (verbatim quote)")
        if section is None:
            section = typer.prompt("Section (blank for none)", default="", show_default=False) or None
    stances = parse_stances(stance, corpus)
    fields = StatementFields(text=text, section=section, stances=stances, note=note)
    if statement_id:
        fields["id"] = statement_id
    check_statement({**fields, "id": statement_id or "x"})
    plan = plan_add(corpus, source, text, use_cache=state.use_cache)
    # Shown before the questions when prompting; otherwise printed once the statement is written,
    # so that a refusal (exit 3 or 4) leaves standard output empty.
    shown_later = _plan_lines(plan)
    if prompting:
        for line in shown_later:
            typer.echo(line)
        shown_later = []
    if not force:
        refuse_duplicate(plan)
    if accept_suggested:
        fields["stances"] = stances = {**plan.accepted(), **stances}
    if prompting:
        if not stance and not accept_suggested:
            _ask_suggestions(plan, stances)
            while True:
                answer = typer.prompt("Other stances (PROPOSITION=STANCE, comma-separated; blank for none)",
                                      default="", show_default=False)
                try:
                    fields["stances"] = stances = {**stances, **parse_stances([answer], corpus)}
                    break
                except UsageError as exc:
                    typer.echo(f"error: {exc}", err=True)
        if note is None:
            fields["note"] = typer.prompt("Note (blank for none)", default="", show_default=False) or None
        check_statement({**fields, "id": statement_id or "x"})
    source_obj, new_id = append_statement(
        Path(corpus.source_map[source].path), fields, StanceKeys.of(list(corpus.topics)), force=force
    )
    from positions.errors import display_path

    for line in shown_later:
        typer.echo(line)
    count = len(source_obj.data.statements)
    stances_shown = (", ".join(f"{k}={v}" for k, v in stances.items())
                     or f"no stances: not curated; see 'positions suggest {source}'")
    typer.echo(f"{source}/{new_id}")
    typer.echo(f"Added statement {count} of {source} to {display_path(source_obj.path)} ({stances_shown}).")


@app.command("new-source")
def new_source(
    key: str = typer.Argument(...,
                              help="Source key: lowercase slug, e.g. howard-league; the file is sources/KEY.yaml."),
    name: str = typer.Option(..., "--name", help="The organisation's name."),
    title: str | None = typer.Option(None, "--title", help="The document's title."),
    date: str | None = typer.Option(None, "--date", help="YYYY, YYYY-MM or YYYY-MM-DD."),
    kind: str | None = typer.Option(None, "--kind", help="coalition, professional body, government, ..."),
    author: list[str] = typer.Option([], "--author", help="An author or signatory (repeatable)."),
    url: str | None = typer.Option(None, "--url", help="Where the document is published."),
) -> None:
    """Create an empty source file sources/KEY.yaml, ready for 'positions add'.

    Refuses (exit 4) a key that already exists.

    Example: positions --data mycorpus new-source howard-league --name "Howard League" --date 2020-05 --kind charity
    """
    from positions.errors import display_path
    from positions.scaffold import new_source as create

    root = writable_root()
    fields = {"name": name, "title": title, "date": date, "kind": kind, "authors": list(author), "url": url}
    path = create(root, key, fields)
    typer.echo(f"Created {display_path(path)}; add statements with: positions add {key} --text \"...\"")


@app.command()
def init(
    directory: Path = typer.Argument(..., metavar="DIR", help="New or empty folder for the copy."),
) -> None:
    """Copy the corpus in use (topics, sources, schemas, links) to DIR so that you can extend it.

    Example: positions init mycorpus
    """
    from positions.corpus import find_data_dir
    from positions.scaffold import init_corpus

    origin = find_data_dir(state.data).path
    copied = init_corpus(Path(origin), directory)
    sources = sum(1 for p in copied if p.parts[0] == "sources")
    typer.echo(f"Copied {len(copied)} files ({sources} sources) from {origin} to {directory}.")
    typer.echo("Use it with:")
    typer.echo(f"  export POSITIONS_DATA={directory}")
    typer.echo(f"or: positions --data {directory} COMMAND")


@app.command()
def schema(
    kind: str = typer.Argument("source", metavar="[source|topics|links]",
                               help="Which file's schema: source (default), topics or links."),
    write: bool = typer.Option(False, "--write",
                               help="Write every schema to the corpus's schema/ folder instead of printing."),
) -> None:
    """Print the JSON Schema of a source file, topics.yaml or links.yaml, for editors and validators.

    Example: positions schema topics > topics.schema.json
    """
    from positions.schema import schema_json, write_schemas

    text = schema_json(kind)
    if write:
        from positions.errors import display_path

        for path in write_schemas(writable_root()):
            typer.echo(f"wrote {display_path(path)}")
        return
    echo(text)
