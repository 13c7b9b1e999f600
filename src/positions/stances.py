"""Where sources stand on propositions, and how two statements relate through them.

A statement answers a proposition with a side: `support`, `oppose` or `mixed` (it accepts the
proposition only in part, or only with a condition that limits it). `neutral`, kept for older
corpora, answers nothing. From the sides follow:

* a pair's relation (`pair_relation`): `disagree` when the two take different sides of a shared
  proposition, counting `mixed` against a clear side as a (partial) disagreement; else `agree`
  when both support or both oppose a shared proposition; else `related`;
* a source's position on a proposition (`SourcePosition`): every one of its statements' stances,
  counted ("supports 1, mixed 3"), never a majority that hides the rest; with no statement, `silent`
  when a curator checked (the source's `silent_on`) and `uncurated` when nobody has;
* the relation of two sources on a proposition (`sources_relation`), from their positions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from positions.vocabulary import SIDES, STANCES

if TYPE_CHECKING:
    from positions.models import Corpus, StatementRef

SILENT = "silent"
UNCURATED = "uncurated"
SPLIT = "split"
STANCE_VERBS = {"support": "supports", "oppose": "opposes", "mixed": "mixed", "neutral": "neutral"}


def pair_relation(a: Mapping[str, str], b: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """agree / disagree / related from two statements' stances, and the propositions that decide it.

    Different sides of a shared proposition disagree (support against oppose, or mixed against
    either); the same clear side agrees; two mixed stances, or no shared side, are only related."""
    shared = sorted(k for k in a.keys() & b.keys() if a[k] in SIDES and b[k] in SIDES)
    opposed = tuple(k for k in shared if a[k] != b[k])
    if opposed:
        return "disagree", opposed
    same = tuple(k for k in shared if a[k] == b[k] != "mixed")
    if same:
        return "agree", same
    return "related", tuple(shared)


def shared_sides(a: Mapping[str, str], b: Mapping[str, str]) -> tuple[str, ...]:
    """The propositions on which both statements take a side."""
    return tuple(sorted(k for k in a.keys() & b.keys() if a[k] in SIDES and b[k] in SIDES))


@dataclass(frozen=True)
class SourcePosition:
    """One source's stance on one proposition: its statements' stances, counted."""

    source: str
    proposition: str
    statements: tuple[tuple[str, str], ...]  # (statement ref, stance), document order
    silent: bool = False  # no statement, and the source is on record as silent on it

    @cached_property
    def counts(self) -> dict[str, int]:
        """Stance -> number of statements, in the order of STANCES, only stances present."""
        found = [s for _, s in self.statements]
        return {s: found.count(s) for s in STANCES if s in found}

    @property
    def sides(self) -> frozenset[str]:
        return frozenset(s for _, s in self.statements if s in SIDES)

    @property
    def takes_side(self) -> bool:
        return bool(self.sides)

    @property
    def stance(self) -> str:
        """One word: the stance when all its statements agree, `split` when they differ, else
        `silent` or `uncurated` (no statement)."""
        if not self.statements:
            return SILENT if self.silent else UNCURATED
        kinds = list(self.counts)
        return kinds[0] if len(kinds) == 1 else SPLIT

    def describe(self) -> str:
        """'supports', 'opposes 2', 'supports 1, mixed 3', 'silent', 'not curated'."""
        if not self.statements:
            return "silent" if self.silent else "not curated"
        if len(self.counts) == 1:
            (stance, n), = self.counts.items()
            return STANCE_VERBS[stance] + (f" {n}" if n > 1 else "")
        return ", ".join(f"{STANCE_VERBS[s]} {n}" for s, n in self.counts.items())


def sources_relation(a: SourcePosition, b: SourcePosition) -> str:
    """How two sources stand on one proposition: `disagree` when any statement of one takes a side
    the other's statements differ from (as `pair_relation`), else `agree` when they share a side,
    else `mixed` (both take only mixed positions); `only-a` / `only-b` when one alone takes a
    side; `none` when neither does."""
    sa, sb = a.sides, b.sides
    if sa and sb:
        if any(x != y for x in sa for y in sb):
            return "disagree"
        if (sa & sb) - {"mixed"}:
            return "agree"
        return "mixed"
    if sa:
        return "only-a"
    if sb:
        return "only-b"
    return "none"


def source_position(corpus: Corpus, source: str, proposition: str,
                    refs: Iterable[StatementRef] | None = None) -> SourcePosition:
    """A source's position on a proposition, from its statements (all of them, or those given)."""
    statements = refs if refs is not None else corpus.source_map[source].statements
    found = tuple((r.ref, r.stances[proposition]) for r in statements if proposition in r.stances)
    return SourcePosition(source, proposition, found, silent=not found and proposition in corpus.silences(source))


@dataclass(frozen=True)
class StanceMatrix:
    """Propositions as rows, sources as columns: each cell a `SourcePosition`."""

    sources: tuple[str, ...]
    propositions: tuple[str, ...]
    cells: Mapping[tuple[str, str], SourcePosition]

    def row(self, proposition: str) -> tuple[SourcePosition, ...]:
        return tuple(self.cells[(proposition, s)] for s in self.sources)

    def cell(self, proposition: str, source: str) -> SourcePosition:
        return self.cells[(proposition, source)]

    def contested(self, proposition: str) -> bool:
        """Whether two of the sources disagree on it."""
        row = self.row(proposition)
        return any(sources_relation(x, y) == "disagree" for n, x in enumerate(row) for y in row[n + 1:])


def stance_matrix(corpus: Corpus, sources: list[str], propositions: Iterable[str] | None = None,
                  keep_empty: bool = False) -> StanceMatrix:
    """Each source's position on each proposition (taxonomy order). Rows where no source has a
    statement are left out unless keep_empty."""
    wanted = None if propositions is None else set(propositions)
    keys = [p.key for p in corpus.propositions if wanted is None or p.key in wanted]
    by_source = {s: corpus.source_map[s].statements for s in sources}
    cells: dict[tuple[str, str], SourcePosition] = {}
    rows = []
    for key in keys:
        row = {s: source_position(corpus, s, key, by_source[s]) for s in sources}
        if keep_empty or any(p.statements for p in row.values()):
            rows.append(key)
            cells.update({(key, s): p for s, p in row.items()})
    return StanceMatrix(tuple(sources), tuple(rows), cells)


def controversy(supporters: int, opponents: int) -> float:
    """How evenly sources split on a proposition: the smaller side over the larger, counting sources
    (0 when nobody opposes or nobody supports, 1 for an even split)."""
    if not supporters or not opponents:
        return 0.0
    return round(min(supporters, opponents) / max(supporters, opponents), 4)


def split_of(row: Iterable[SourcePosition]) -> tuple[list[str], list[str]]:
    """(sources with a statement supporting it, sources with one opposing it); a source whose
    statements take both sides is in both."""
    row = list(row)
    return ([p.source for p in row if "support" in p.sides], [p.source for p in row if "oppose" in p.sides])


def contested_order(corpus: Corpus, sources: list[str]) -> list[tuple[str, float, int]]:
    """Propositions by controversy, most evenly split first, then by how many sources take a side,
    then in taxonomy order: (proposition, controversy, sources taking a side)."""
    matrix = stance_matrix(corpus, sources, keep_empty=True)
    order = {k: n for n, k in enumerate(matrix.propositions)}
    rows = []
    for key in matrix.propositions:
        sup, opp = split_of(matrix.row(key))
        rows.append((key, controversy(len(sup), len(opp)), len(set(sup) | set(opp))))
    return sorted(rows, key=lambda r: (-r[1], -r[2], order[r[0]]))
