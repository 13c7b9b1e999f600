"""Gaps against a reference source: what the others ask that it does not address, and what it
proposes that nobody else supports.

Definitions (also in README.md, "Gaps"):

* A statement **takes a side** on a topic when its curated stance there is `support` or `oppose`:
  it asks for something or against something. Mixed and neutral stances, and statements without
  stances, are not asks.
* **Not addressed** (a): a statement of another source that takes a side and is aligned with no
  statement of the reference source, whatever the relation.
* **Not supported** (b): a statement of the reference source that takes a side and has no aligned
  pair with relation `agree` in any of the other sources (it may have none at all, or only
  disagreements and related pairs, which are listed with it).

Each statement is listed once, under the first topic (in taxonomy order) on which it takes a side.
`find_gaps` is a pure function of a corpus and a `match.Comparison`; `gaps_of` runs the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from positions.report import Quote, curated_stance, quote_of

SIDES = ("support", "oppose")


@dataclass(frozen=True)
class GapItem:
    """One statement in a gap, the topics it takes a side on, and what it is aligned with."""

    quote: Quote
    sides: tuple[tuple[str, str], ...]  # (topic, support/oppose), taxonomy order
    counterparts: tuple[tuple[Quote, str, float], ...]  # (aligned statement, relation, score), best first


@dataclass(frozen=True)
class GapTopic:
    key: str
    label: str
    proposition: str
    reference_stance: str  # the reference source's stance on the topic (report.curated_stance)
    items: tuple[GapItem, ...]


@dataclass(frozen=True)
class Gaps:
    reference: str
    others: tuple[str, ...]
    names: tuple[tuple[str, str], ...]  # (source key, name)
    threshold: float
    topics_filter: tuple[str, ...]
    unaddressed: tuple[GapTopic, ...]  # (a) the others' asks the reference does not address
    unsupported: tuple[GapTopic, ...]  # (b) the reference's proposals no other source supports

    def name(self, key: str) -> str:
        return dict(self.names)[key]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "unaddressed": sum(len(t.items) for t in self.unaddressed),
            "unaddressed_topics": len(self.unaddressed),
            "unsupported": sum(len(t.items) for t in self.unsupported),
            "unsupported_topics": len(self.unsupported),
        }

    @property
    def summary(self) -> str:
        c = self.counts
        ref = self.name(self.reference)
        return (f"{c['unaddressed']} statement{'s' if c['unaddressed'] != 1 else ''} of the other sources "
                f"take{'s' if c['unaddressed'] == 1 else ''} a side that {ref} does not address "
                f"({c['unaddressed_topics']} topic{'s' if c['unaddressed_topics'] != 1 else ''}); "
                f"{c['unsupported']} statement{'s' if c['unsupported'] != 1 else ''} of {ref} "
                f"take{'s' if c['unsupported'] == 1 else ''} a side that no other source supports "
                f"({c['unsupported_topics']} topic{'s' if c['unsupported_topics'] != 1 else ''}).")


def _sides(ref: Any, order: dict[str, int], topics: list[str] | None) -> tuple[tuple[str, str], ...]:
    found = [(t, s) for t, s in ref.stances.items() if s in SIDES and t in order and (not topics or t in topics)]
    return tuple(sorted(found, key=lambda ts: order[ts[0]]))


def find_gaps(corpus: Any, comparison: Any, reference: str, topics: list[str] | None = None) -> Gaps:
    """The gaps of `reference` against the comparison's other sources.

    Only the comparison's pairs that involve the reference are used; pairs between two other
    sources are ignored. `topics` limits both lists to statements taking a side on those topics.
    """
    if reference not in comparison.sources:
        raise ValueError(f"{reference} is not among the compared sources")
    others = tuple(k for k in comparison.sources if k != reference)
    names = {s.key: s.name for s in corpus.sources}
    order = {t.key: i for i, t in enumerate(corpus.topics)}
    # statement ref -> [(counterpart, relation, score)] across the reference's pairwise alignments
    aligned: dict[str, list[tuple[Any, str, float]]] = {}
    for c in comparison.pairwise:
        if reference not in (c.a, c.b):
            continue
        for p in c.pairs:
            aligned.setdefault(p.a.ref, []).append((p.b, p.relation, p.score))
            aligned.setdefault(p.b.ref, []).append((p.a, p.relation, p.score))

    def item(ref: Any, sides: tuple, counterparts: list) -> GapItem:
        ranked = sorted(counterparts, key=lambda c: (-c[2], c[0].ref))
        return GapItem(quote_of(ref, names), sides, tuple((quote_of(x, names), rel, score) for x, rel, score in ranked))

    unaddressed: dict[str, list[GapItem]] = {}
    for key in others:
        for ref in corpus.source_map[key].statements:
            sides = _sides(ref, order, topics)
            if sides and not aligned.get(ref.ref):
                unaddressed.setdefault(sides[0][0], []).append(item(ref, sides, []))
    unsupported: dict[str, list[GapItem]] = {}
    for ref in corpus.source_map[reference].statements:
        sides = _sides(ref, order, topics)
        pairs = aligned.get(ref.ref, [])
        if sides and not any(rel == "agree" for _, rel, _ in pairs):
            unsupported.setdefault(sides[0][0], []).append(item(ref, sides, pairs))

    def grouped(by_topic: dict[str, list[GapItem]]) -> tuple[GapTopic, ...]:
        return tuple(
            GapTopic(t.key, t.label, t.proposition, curated_stance(corpus, reference, t.key), tuple(by_topic[t.key]))
            for t in corpus.topics if t.key in by_topic
        )

    return Gaps(reference, others, tuple((k, names[k]) for k in comparison.sources), comparison.threshold,
                tuple(topics or ()), grouped(unaddressed), grouped(unsupported))


def gaps_of(matcher: Any, reference: str, others: list[str], threshold: float,
            topics: list[str] | None = None) -> Gaps:
    """Align the reference with each other source (and nothing else), then `find_gaps`."""
    from positions.match import Comparison

    pairwise = tuple(matcher.align_sources(reference, o, threshold) for o in others)
    comparison = Comparison((reference, *others), threshold, matcher.weights, pairwise)
    return find_gaps(matcher.corpus, comparison, reference, topics)
