"""Gaps against a reference source, by proposition: what the others take a side on that it does not
address, and what it takes a side on that no other source shares.

Definitions (also in README.md, "Gaps"):

* A statement **takes a side** on a proposition when its stance there is `support`, `oppose` or
  `mixed`.
* **Not addressed** (a): a proposition on which another source takes a side and the reference
  takes none (it is silent, not curated, or only mentions it). Its statements are listed.
* **Not shared** (b): a proposition on which the reference takes a side and no other source takes
  the same clear side (they disagree, take only mixed positions, or say nothing). The reference's
  statements are listed, with the other sources' statements on it.

Each statement is listed once in each list, under the first proposition (in taxonomy order) that
puts it there. `find_gaps` is a pure function of a corpus; no matching is involved.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from positions.quotes import Quote, quote_at
from positions.stances import SourcePosition, source_position
from positions.vocabulary import SIDES

if TYPE_CHECKING:
    from positions.models import Corpus


@dataclass(frozen=True)
class GapItem:
    """One statement in a gap, the propositions it takes a side on, and the other sources' statements
    on the proposition it is listed under."""

    quote: Quote
    sides: tuple[tuple[str, str], ...]  # (proposition, stance), taxonomy order
    counterparts: tuple[tuple[Quote, str], ...]  # (statement of another source, its stance there)


@dataclass(frozen=True)
class GapProposition:
    key: str
    label: str
    text: str
    theme: str
    reference: SourcePosition  # the reference source's position on it
    items: tuple[GapItem, ...]

    @property
    def reference_stance(self) -> str:
        return self.reference.describe()


@dataclass(frozen=True)
class Gaps:
    reference: str
    others: tuple[str, ...]
    names: tuple[tuple[str, str], ...]  # (source key, name)
    topics_filter: tuple[str, ...]
    unaddressed: tuple[GapProposition, ...]  # (a) the others' positions the reference does not address
    unsupported: tuple[GapProposition, ...]  # (b) the reference's positions no other source shares

    def name(self, key: str) -> str:
        return dict(self.names)[key]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "unaddressed": sum(len(t.items) for t in self.unaddressed),
            "unaddressed_propositions": len(self.unaddressed),
            "unsupported": sum(len(t.items) for t in self.unsupported),
            "unsupported_propositions": len(self.unsupported),
        }

    @property
    def summary(self) -> str:
        c = self.counts
        ref = self.name(self.reference)

        def n(count: int, word: str) -> str:
            return f"{count} {word}{'s' if count != 1 else ''}"

        return (f"{n(c['unaddressed'], 'statement')} of the other sources take a side on "
                f"{n(c['unaddressed_propositions'], 'proposition')} that {ref} does not address; "
                f"{n(c['unsupported'], 'statement')} of {ref} take a side on "
                f"{n(c['unsupported_propositions'], 'proposition')} where no other source takes the same side.")


def find_gaps(corpus: Corpus, reference: str, others: list[str],
              propositions: Collection[str] | None = None) -> Gaps:
    """The gaps of `reference` against the other sources, on all propositions or those given."""
    names = {s.key: s.name for s in corpus.sources}
    wanted = [p for p in corpus.propositions if propositions is None or p.key in propositions]
    order = {p.key: n for n, p in enumerate(corpus.propositions)}

    def sides(ref_key: str) -> tuple[tuple[str, str], ...]:
        st = corpus.statement(ref_key)
        assert st is not None
        found = [(k, v) for k, v in st.sides.items() if propositions is None or k in propositions]
        return tuple(sorted(found, key=lambda kv: order.get(kv[0], len(order))))

    unaddressed: list[GapProposition] = []
    unsupported: list[GapProposition] = []
    listed_a: set[str] = set()
    listed_b: set[str] = set()
    for prop in wanted:
        mine = source_position(corpus, reference, prop.key)
        theirs = [source_position(corpus, k, prop.key) for k in others]
        theme = corpus.theme_of[prop.key].key
        if not mine.takes_side and any(t.takes_side for t in theirs):
            items = []
            for t in theirs:
                for ref, stance in t.statements:
                    if stance in SIDES and ref not in listed_a:
                        listed_a.add(ref)
                        items.append(GapItem(quote_at(corpus, ref, names), sides(ref), ()))
            if items:
                unaddressed.append(GapProposition(prop.key, prop.label, prop.text, theme, mine, tuple(items)))
        if mine.takes_side and not any((mine.sides & t.sides) - {"mixed"} for t in theirs):
            counterparts = tuple((quote_at(corpus, ref, names), stance)
                                 for t in theirs for ref, stance in t.statements)
            items = []
            for ref, stance in mine.statements:
                if stance in SIDES and ref not in listed_b:
                    listed_b.add(ref)
                    items.append(GapItem(quote_at(corpus, ref, names), sides(ref), counterparts))
            if items:
                unsupported.append(GapProposition(prop.key, prop.label, prop.text, theme, mine, tuple(items)))
    return Gaps(reference, tuple(others), tuple((k, names[k]) for k in (reference, *others)),
                tuple(sorted(propositions or ())), tuple(unaddressed), tuple(unsupported))
