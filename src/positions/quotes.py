"""Statements and pairs as every view shows them: plain frozen data, with the source's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from positions.match import Pair
    from positions.models import Corpus, StatementRef


@dataclass(frozen=True)
class Quote:
    """A statement: its verbatim text, where it sits in its source, and its stances."""

    source: str
    source_name: str
    id: str
    text: str
    section: str | None
    stances: tuple[tuple[str, str], ...]

    @property
    def ref(self) -> str:
        return f"{self.source}/{self.id}"


@dataclass(frozen=True)
class PairView:
    """Two statements of two sources: compared on shared propositions, or only related by text."""

    relation: str
    score: float  # text similarity
    topics: tuple[str, ...]  # the propositions that decide the relation (none for related-by-text pairs)
    a: Quote
    b: Quote
    signals: dict[str, float]
    reviewed: bool
    review: dict[str, Any] | None = None  # the curator's decision (decision, relation, reason, reviewer, date)

    @property
    def status(self) -> str:
        return "reviewed" if self.reviewed else "suggested"


def quote_of(ref: StatementRef, names: dict[str, str]) -> Quote:
    """A statement as renderers show it, with its source's name."""
    st = ref.statement
    return Quote(ref.source, names[ref.source], st.id, st.text, st.section, tuple(sorted(st.stances.items())))


def quote_at(corpus: Corpus, ref: str, names: dict[str, str]) -> Quote:
    """The statement SOURCE/ID of the corpus as a Quote (for refs the corpus's own positions list:
    KeyError for one it does not hold)."""
    statement = corpus.statement(ref)
    if statement is None:
        raise KeyError(ref)
    return quote_of(statement, names)


def pair_view(p: Pair, names: dict[str, str], corpus: Corpus | None = None) -> PairView:
    review = None
    link = corpus.link(p.a.ref, p.b.ref) if p.reviewed and corpus is not None else None
    if link is not None:
        review = {k: v for k, v in link.model_dump().items() if k not in ("a", "b")}
    return PairView(p.relation, p.score, p.topics, quote_of(p.a, names), quote_of(p.b, names), p.signals.as_dict(),
                    p.reviewed, review)


def review_text(p: PairView) -> str:
    """How a pair was established, in plain words: 'machine-suggested', or 'reviewed by jo on
    2024-05-01: reason' (plain text; renderers escape it)."""
    if not p.reviewed:
        return "machine-suggested"
    r = p.review or {}
    text = "reviewed by a curator"
    text += f" ({r['reviewer']})" if r.get("reviewer") else ""
    text += f" on {r['date']}" if r.get("date") else ""
    text += f": {r['reason']}" if r.get("reason") else ""
    return text
