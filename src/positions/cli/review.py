"""Curators' decisions on matched pairs: review (interactive) and link (one decision)."""

from __future__ import annotations

import os
import sys
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from positions.match import Pair
    from positions.models import StatementRef

import typer

from positions.cli.app import (
    THRESHOLD_HELP,
    Relation,
    app,
    echo,
    state,
    threshold_value,
    writable_root,
)
from positions.errors import UsageError

REVIEWER_HELP = "Your name, recorded with each decision (default: $USER)."


def _default_reviewer() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _read(prompt: str) -> str | None:
    """One line of input after a prompt; None at end of input (a pipe, or a test's input, ran out)."""
    echo(prompt)
    line = sys.stdin.readline()
    if not line:
        echo("\n")
        return None
    return line.rstrip("\r\n")


def _stances(ref: StatementRef) -> str:
    from positions.report import SYMBOLS

    return ", ".join(f"{t} {SYMBOLS[s]}{s}" for t, s in sorted(ref.stances.items())) or "no stances"


def _show_pair(n: int, total: int, pair: Pair, labels: dict[str, str]) -> None:
    sig = pair.signals.as_dict()
    signals = ", ".join(f"{k} {v:.2f}" for k, v in sig.items())
    topics = ", ".join(labels.get(t, t) for t in pair.topics) or "none"
    typer.echo("")
    typer.echo(f"[{n}/{total}] score {pair.score:.2f} ({signals}) · relation {pair.relation} · topics: {topics}")
    for side, ref in (("A", pair.a), ("B", pair.b)):
        typer.echo(f"{side} {ref.ref}  ({_stances(ref)})")
        typer.echo(textwrap.fill(f"“{' '.join(ref.text.split())}”", width=100, initial_indent="    ",
                                 subsequent_indent="    "))


@app.command()
def review(
    a: str = typer.Argument(..., metavar="A", help="A source key, e.g. alliance."),
    b: str = typer.Argument(..., metavar="B", help="Another source key, e.g. moj."),
    threshold: float | None = typer.Option(None, "--threshold", help=THRESHOLD_HELP),
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only pairs on this topic (repeatable)."),
    reviewer: str | None = typer.Option(None, "--reviewer", help=REVIEWER_HELP),
) -> None:
    """Walk through the matcher's suggested pairs of two sources, best first, and confirm or reject each.

    For each pair it shows both quotes, their topics and stances, and the score with its signals,
    then reads one line: c confirm, r reject (then an optional reason), a / d / l confirm with the
    relation agree / disagree / related, s skip, q quit. Each decision is written to links.yaml at
    once, so quitting (or Ctrl-C, or the end of piped input) keeps every decision made so far.

    Example: positions --data mycorpus review alliance moj --reviewer "A. Curator"
    """
    from positions.corpus import load_corpus, require_sources, require_topics
    from positions.links_file import record_link
    from positions.match import Matcher
    from positions.review import KEYS_HELP, parse_choice, pending_pairs

    root = writable_root()
    corpus = load_corpus(root, use_cache=state.use_cache)
    require_sources(corpus, [a, b])
    if a == b:
        raise UsageError("review needs two different sources, e.g. 'positions review alliance moj'")
    topics = require_topics(corpus, topic)
    who = reviewer or _default_reviewer()
    pairs = pending_pairs(Matcher(corpus, use_cache=state.use_cache), a, b, threshold_value(threshold), topics or None)
    if not pairs:
        typer.echo(f"Nothing to review: every aligned pair of {a} and {b} has been decided.")
        return
    labels = {t.key: t.label for t in corpus.topics}
    typer.echo(f"{len(pairs)} suggested pair{'s' if len(pairs) != 1 else ''} of {a} and {b} to review, best first.")
    typer.echo(f"Keys: {KEYS_HELP}. Each decision is saved at once.")
    counts = {"confirmed": 0, "rejected": 0, "skipped": 0}
    done = 0
    for n, pair in enumerate(pairs, 1):
        _show_pair(n, len(pairs), pair, labels)
        choice = None
        while choice is None:
            answer = _read("decision [c/r/a/d/l/s/q]: ")
            if answer is None:
                break
            choice = parse_choice(answer)
            if choice is None:
                typer.echo(f"'{answer}' is not a choice; {KEYS_HELP}")
        if choice is None or choice.action == "quit":
            break
        done = n
        if choice.action == "skip":
            counts["skipped"] += 1
            continue
        decision = choice.decision
        assert decision is not None  # every choice but skip and quit is a decision
        reason = None
        if decision == "rejected":
            reason = _read("reason (blank for none): ") or None
        fields = {"a": pair.a.ref, "b": pair.b.ref, "decision": decision, "relation": choice.relation,
                  "reason": reason, "reviewer": who}
        written = record_link(root, corpus, fields)
        counts[decision] += 1
        relation = f" as {choice.relation}" if choice.relation else ""
        typer.echo(f"{decision} {pair.a.ref} ↔ {pair.b.ref}{relation}")
        if written.replaced is not None:  # decided meanwhile by someone else
            typer.echo(f"  (replaced a decision made meanwhile: {written.replaced.decision})")
    from positions.errors import display_path

    decided = counts["confirmed"] + counts["rejected"]
    typer.echo("")
    typer.echo(f"{decided} decision{'s' if decided != 1 else ''} saved to {display_path(root / 'links.yaml')} "
               f"({counts['confirmed']} confirmed, {counts['rejected']} rejected); {counts['skipped']} skipped; "
               f"{len(pairs) - done} not yet seen.")


@app.command()
def link(
    a: str = typer.Argument(..., metavar="A/ID", help="A statement, as SOURCE/ID."),
    b: str = typer.Argument(..., metavar="B/ID", help="A statement of another source, as SOURCE/ID."),
    confirm: bool = typer.Option(False, "--confirm", help="Always align the two statements."),
    reject: bool = typer.Option(False, "--reject", help="Never align them."),
    relation: Relation | None = typer.Option(
        None, "--relation", help="With --confirm: agree, disagree or related, overriding the stances."),
    reason: str | None = typer.Option(None, "--reason", help="Why (recorded in links.yaml)."),
    reviewer: str | None = typer.Option(None, "--reviewer", help=REVIEWER_HELP),
) -> None:
    """Record a decision on one pair of statements in links.yaml: --confirm or --reject.

    A pair already decided (in either order) gets the new decision in place of the old one.

    Example: positions --data mycorpus link alliance/publicly-owned-service moj/strength-in-mixed-market
    --confirm --relation disagree
    """
    from positions.corpus import load_corpus
    from positions.errors import display_path
    from positions.links_file import check_link_refs, record_link

    if confirm == reject:
        raise UsageError("give exactly one of --confirm or --reject")
    if reject and relation is not None:
        raise UsageError("--relation applies to confirmed links; a rejected pair is never aligned")
    root = writable_root()
    corpus = load_corpus(root, use_cache=state.use_cache)
    check_link_refs(corpus, a, b)
    decision = "confirmed" if confirm else "rejected"
    fields = {"a": a, "b": b, "decision": decision, "relation": relation.value if relation else None,
              "reason": reason, "reviewer": reviewer or _default_reviewer()}
    written = record_link(root, corpus, fields)
    shown = display_path(written.path)
    as_relation = f" as {relation.value}" if relation else ""
    created = " (a new file)" if written.created else ""
    typer.echo(f"{decision.capitalize()} {a} ↔ {b}{as_relation} in {shown}{created}.")
    old = written.replaced
    if old is not None:
        by = f" by {old.reviewer}" if old.reviewer else ""
        on = f" on {old.date}" if old.date else ""
        was = old.decision + (f" as {old.relation}" if old.relation else "")
        typer.echo(f"This replaces the earlier decision on the pair ({was}{by}{on}).")
