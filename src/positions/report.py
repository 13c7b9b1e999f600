"""One report model of a comparison, rendered by render/terminal, render/markdown, render/html and
render/json.

`build_report` turns a `match.Comparison` into findings a reader can sign:

* a summary: for two sources, the propositions they disagree on, agree on, and those only one of
  them takes a position on; for more, the stand table (propositions x sources) with counts;
* one block per proposition: the proposition, each source's position (its statements' stances,
  counted), and the quotes behind them, disagreements first;
* the related statements: similar text, no shared proposition, so not compared;
* the statements in none of these, so that every statement of the compared sources appears;
* how it was made.

Renderers only lay this out; prose that several views share is defined here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from positions.quotes import PairView, Quote, pair_view, quote_of, review_text
from positions.stances import (
    SILENT,
    SPLIT,
    UNCURATED,
    SourcePosition,
    StanceMatrix,
    controversy,
    shared_sides,
    sources_relation,
    split_of,
)
from positions.vocabulary import SIDES

if TYPE_CHECKING:
    from positions.gaps import Gaps
    from positions.match import Comparison
    from positions.models import Corpus

# A block's finding: how the compared sources stand towards each other on its proposition.
FINDINGS = ("disagree", "agree", "mixed", "one")
FINDING_TITLES = {
    "disagree": "Disagreements",
    "agree": "Agreements",
    "mixed": "Mixed positions",
    "one": "Positions of one source only",
}
FINDING_WORDS = {"disagree": "disagree", "agree": "agree", "mixed": "mixed", "one": "one source"}
# Which findings each value of --relation shows ("related" shows the related statement pairs).
RELATION_SHOWS = {"disagree": ("disagree",), "agree": ("agree",), "related": ()}

SYMBOLS = {"support": "+", "oppose": "−", "mixed": "±", "neutral": "○", SILENT: "∅", UNCURATED: "·", SPLIT: "◐"}
LEGEND = (
    ("support", "supports the proposition"),
    ("oppose", "opposes it"),
    ("mixed", "accepts it only in part or with a condition"),
    ("neutral", "mentions it without taking a side (older corpora)"),
    (SPLIT, "its statements take different stances (counts shown)"),
    (SILENT, "says nothing on it (checked by a curator)"),
    (UNCURATED, "no statement, and no silence recorded (not yet curated)"),
)
RELATED_INTRO = ("Statements with similar wording that take no side on a shared proposition. "
                 "They are not compared: neither agreement nor disagreement is claimed.")
UNPLACED_INTRO = "Statements that take no position on a proposition here and have no related statement."
HOW_READ = ("Two statements are compared only when both take a side on the same proposition: the same side "
            "is agreement, opposite sides (or a mixed stance against a clear one) disagreement. Every quote "
            "is verbatim; its reference (source/id) opens it with 'positions show'.")


# What a --relation filter left out, by finding (or "related"): singular and plural.
HIDDEN_WORDS = {"disagree": ("disagreement", "disagreements"), "agree": ("agreement", "agreements"),
                "mixed": ("proposition with only mixed positions", "propositions with only mixed positions"),
                "one": ("position of one source only", "positions of one source only"),
                "related": ("related pair", "related pairs")}


def summary_head(kind: str, n: int, who: str = "") -> str:
    """The head of a summary line: 'Disagree on 3 propositions', or for "only" lines 'Only WHO takes a
    position on 3' (WHO: the source's name, or its key where the line must be short)."""
    if kind == "only":
        return f"Only {who} takes a position on {n}"
    return {"disagree": f"Disagree on {n} proposition{'s' if n != 1 else ''}", "agree": f"Agree on {n}",
            "mixed": f"Only mixed positions on {n}"}[kind]


def hidden_parts(report: Report) -> list[str]:
    """'2 disagreements', '1 related pair', ...: what the --relation filter left out."""
    return [f"{n} {HIDDEN_WORDS[k][n != 1]}" for k, n in report.hidden.items() if n]


def alignment_rule(threshold: float) -> str:
    return (f"Statements that take sides on a shared proposition are always compared; statements that share no "
            f"proposition are listed as related only when their text similarity reaches {threshold:g} "
            "(0 to 1: the IDF-weighted term cosine with a little rapidfuzz, and the WordLlama embedding "
            "cosine, 2:1), at most two a statement. Agreement and disagreement come only from curated stances.")


def score_words(p: PairView) -> str:
    """A pair's score and status in plain words; a curator's relation when they set one."""
    words = f"text similarity {p.score:.2f}, {review_text(p)}"
    if p.reviewed and p.relation != "related":
        words += f"; the curator's relation: {p.relation}"
    return words


@dataclass(frozen=True)
class PropositionInfo:
    key: str
    label: str
    text: str
    theme: str
    theme_label: str


@dataclass(frozen=True)
class Evidence:
    """A quote under a proposition, with its stance there."""

    quote: Quote
    stance: str


@dataclass(frozen=True)
class PropositionBlock:
    """One proposition: each compared source's position, and the quotes behind them."""

    proposition: PropositionInfo
    finding: str  # one of FINDINGS
    positions: tuple[SourcePosition, ...]  # one per compared source, in source order
    evidence: tuple[Evidence, ...]  # each statement once: by source, strongest first
    pairs: tuple[PairView, ...]  # the compared statement pairs on it, closest first

    @property
    def sides_taken(self) -> tuple[str, ...]:
        return tuple(p.source for p in self.positions if p.takes_side)

    def evidence_of(self, source: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.quote.source == source)


@dataclass(frozen=True)
class SummaryLine:
    """One line of the findings summary: a kind of finding and its propositions."""

    kind: str  # disagree, agree, mixed, only
    propositions: tuple[PropositionInfo, ...]
    source: str | None = None  # for "only": the source that alone takes a position
    note: str = ""  # for "only" between two sources: what the other source's silence is
    other: str | None = None  # for "only" between two sources: the other source
    silent: int = 0  # ... on how many of the propositions it is on record as silent
    uncurated: int = 0  # ... and on how many nobody has recorded anything


@dataclass(frozen=True)
class SourcePairView:
    """The listed pairs of two sources and their statements in no pair (the JSON keeps these)."""

    a: str
    b: str
    pairs: tuple[PairView, ...]
    only_a: tuple[Quote, ...]
    only_b: tuple[Quote, ...]


@dataclass(frozen=True)
class ThemeSection:
    key: str
    label: str
    blocks: tuple[PropositionBlock, ...]


@dataclass(frozen=True)
class Report:
    title: str
    heading: str
    sources: tuple[dict[str, Any], ...]
    source_keys: tuple[str, ...]
    summary: tuple[SummaryLine, ...]
    headline: str
    matrix: StanceMatrix
    propositions: tuple[PropositionInfo, ...]  # the matrix rows
    blocks: tuple[PropositionBlock, ...]  # in reading order: disagreements first
    related: tuple[PairView, ...]
    unplaced: tuple[tuple[str, tuple[Quote, ...]], ...]
    pairwise: tuple[SourcePairView, ...]
    methods: dict[str, Any]
    relations_filter: tuple[str, ...] = ()
    hidden: dict[str, int] = field(default_factory=dict)  # finding or "related" -> count not shown
    gaps: Gaps | None = None  # when the report is made --against a source

    def proposition(self, key: str) -> PropositionInfo:
        return next(p for p in self.propositions if p.key == key)

    def name(self, source: str) -> str:
        return next(s["name"] for s in self.sources if s["key"] == source)

    def themes(self) -> tuple[ThemeSection, ...]:
        """The blocks grouped by theme, themes and propositions in taxonomy order."""
        order = {p.key: n for n, p in enumerate(self.propositions)}
        sections: dict[str, list[PropositionBlock]] = {}
        labels: dict[str, str] = {}
        for block in sorted(self.blocks, key=lambda b: order[b.proposition.key]):
            sections.setdefault(block.proposition.theme, []).append(block)
            labels[block.proposition.theme] = block.proposition.theme_label
        return tuple(ThemeSection(k, labels[k], tuple(v)) for k, v in sections.items())


def source_heading(source: dict[str, Any]) -> str:
    """'Probation Alliance (alliance, 2019)'."""
    date = f", {source['date']}" if source.get("date") else ""
    return f"{source['name']} ({source['key']}{date})"


def finding_of(row: tuple[SourcePosition, ...]) -> str | None:
    """How the sources of a matrix row stand towards each other (one of FINDINGS), or None when none takes a side."""
    taking = [p for p in row if p.takes_side]
    if not taking:
        return None
    if len(taking) == 1:
        return "one"
    relations = {sources_relation(x, y) for n, x in enumerate(taking) for y in taking[n + 1:]}
    if "disagree" in relations:
        return "disagree"
    return "agree" if "agree" in relations else "mixed"


_STANCE_RANK = {"support": 0, "oppose": 0, "mixed": 1, "neutral": 2}


def _evidence(corpus: Corpus, row: tuple[SourcePosition, ...], pairs: list[PairView],
              names: dict[str, str]) -> tuple[Evidence, ...]:
    """Each statement of the row once: sources in order; within one, clear sides first, then the
    statements answering fewest propositions, then the closest to another source's statements on
    it, then document order."""
    closest: dict[str, float] = {}
    for p in pairs:
        for q in (p.a, p.b):
            closest[q.ref] = max(closest.get(q.ref, 0.0), p.score)
    out = []
    for position in row:
        refs = {ref: corpus.statement(ref) for ref, _ in position.statements}
        # a statement that answers this proposition alone is more direct evidence than one that
        # answers several
        breadth = {ref: len(st.sides) if st is not None else 0 for ref, st in refs.items()}
        known = {ref: st for ref, st in refs.items() if st is not None}  # all of them: the corpus's own refs
        items = list(enumerate(position.statements))
        items.sort(key=lambda t: (_STANCE_RANK.get(t[1][1], 3), breadth[t[1][0]], -closest.get(t[1][0], 0.0), t[0]))
        for _, (ref, stance) in items:
            out.append(Evidence(quote_of(known[ref], names), stance))
    return tuple(out)


def _proposition_infos(corpus: Corpus, keys: tuple[str, ...]) -> tuple[PropositionInfo, ...]:
    out = []
    for key in keys:
        p = corpus.proposition_map[key]
        theme = corpus.theme_of[key]
        out.append(PropositionInfo(p.key, p.label, p.text, theme.key, theme.label))
    return tuple(out)


def build_report(corpus: Corpus, comparison: Comparison, *, corpus_hash: str, version: str,
                 topics: list[str] | None = None, date: str | None = None, title: str | None = None,
                 command: str = "report", against: str | None = None) -> Report:
    """The report of a comparison (`match.compare_sources`)."""
    from positions.summary import source_record

    names = {s.key: s.name for s in corpus.sources}
    keys = list(comparison.sources)
    sources = tuple(source_record(corpus.source_map[k]) for k in keys)
    matrix = comparison.matrix
    infos = _proposition_infos(corpus, matrix.propositions)
    views, compared, related = _pair_views(corpus, comparison, names, {p.key for p in infos})
    all_blocks = _proposition_blocks(corpus, matrix, infos, compared, names)
    # the summary and the headline are the whole finding, whatever --relation shows
    relations = tuple(comparison.relations_filter)
    blocks, related, views, hidden = _filter_relations(relations, all_blocks, related, views)
    unplaced = () if relations else _unplaced(corpus, keys, names, blocks, related, comparison.topics_filter)
    gaps = None
    if against:
        from positions.gaps import find_gaps

        gaps = find_gaps(corpus, against, [k for k in keys if k != against], comparison.topics_filter)
    return Report(
        title=title or "Where they stand: " + ", ".join(names[k] for k in keys),
        heading=_heading(sources),
        sources=sources,
        source_keys=tuple(keys),
        summary=_summary_lines(corpus, keys, matrix, all_blocks) if keys else (),
        headline=_headline(keys, names, all_blocks, matrix, sum(len(corpus.source_map[k].statements) for k in keys)),
        matrix=matrix,
        propositions=infos,
        blocks=tuple(blocks),
        related=tuple(related),
        unplaced=unplaced,
        pairwise=tuple(views),
        methods=_methods(comparison, keys, version, corpus_hash, date, topics, command, against),
        relations_filter=relations,
        hidden=hidden,
        gaps=gaps,
    )


def _pair_views(corpus: Corpus, comparison: Comparison, names: dict[str, str], propositions: set[str]
                ) -> tuple[list[SourcePairView], dict[str, list[PairView]], list[PairView]]:
    """Every listed pair as the views show it, by source pair; the pairs compared on each
    proposition; and the related pairs (no shared proposition), closest first."""
    views: list[SourcePairView] = []
    compared: dict[str, list[PairView]] = {}
    related: list[PairView] = []
    for c in comparison.pairwise:
        pv = [pair_view(p, names, corpus) for p in c.pairs]
        views.append(SourcePairView(c.a, c.b, tuple(pv), tuple(quote_of(r, names) for r in c.only_a),
                                    tuple(quote_of(r, names) for r in c.only_b)))
        for v in pv:
            shared = shared_sides(dict(v.a.stances), dict(v.b.stances))
            if not shared:
                related.append(v)
            for k in shared:
                if k in propositions:
                    compared.setdefault(k, []).append(v)
    related.sort(key=lambda v: (-v.score, v.a.ref, v.b.ref))
    return views, compared, related


def _proposition_blocks(corpus: Corpus, matrix: StanceMatrix, infos: tuple[PropositionInfo, ...],
                        compared: dict[str, list[PairView]], names: dict[str, str]) -> list[PropositionBlock]:
    """One block per proposition some source takes a side on, in reading order: disagreements
    first, then the strongest evidence (most statements taking sides, most sources, taxonomy)."""
    blocks: list[PropositionBlock] = []
    for info in infos:
        row = matrix.row(info.key)
        finding = finding_of(row)
        if finding is None:
            continue
        pairs = sorted(compared.get(info.key, []), key=lambda v: (-v.score, v.a.ref, v.b.ref))
        blocks.append(PropositionBlock(info, finding, row, _evidence(corpus, row, pairs, names), tuple(pairs)))
    order = {k: n for n, k in enumerate(matrix.propositions)}
    blocks.sort(key=lambda b: (FINDINGS.index(b.finding), -sum(e.stance in SIDES for e in b.evidence),
                               -len(b.sides_taken), order[b.proposition.key]))
    return blocks


def _filter_relations(relations: tuple[str, ...], blocks: list[PropositionBlock], related: list[PairView],
                      views: list[SourcePairView]
                      ) -> tuple[list[PropositionBlock], list[PairView], list[SourcePairView], dict[str, int]]:
    """What --relation shows, and how many of each finding (or related pairs) it hides."""
    if not relations:
        return blocks, related, views, {}
    shown = {f for r in relations for f in RELATION_SHOWS[r]}
    hidden: dict[str, int] = {}
    for b in blocks:
        if b.finding not in shown:
            hidden[b.finding] = hidden.get(b.finding, 0) + 1
    if "related" not in relations and related:
        hidden["related"] = len(related)
        related = []
    views = [SourcePairView(v.a, v.b, tuple(p for p in v.pairs if p.relation in relations), v.only_a, v.only_b)
             for v in views]
    return [b for b in blocks if b.finding in shown], related, views, hidden


def _unplaced(corpus: Corpus, keys: list[str], names: dict[str, str], blocks: list[PropositionBlock],
              related: list[PairView], wanted: frozenset[str] | None) -> tuple[tuple[str, tuple[Quote, ...]], ...]:
    """Per source, its statements in no block and no related pair (on the wanted propositions)."""
    placed = {e.quote.ref for b in blocks for e in b.evidence} | {q.ref for v in related for q in (v.a, v.b)}
    out = []
    for k in keys:
        alone = tuple(quote_of(r, names) for r in corpus.source_map[k].statements
                      if r.ref not in placed and r.on_topics(wanted))
        if alone:
            out.append((k, alone))
    return tuple(out)


def _methods(comparison: Comparison, keys: list[str], version: str, corpus_hash: str, date: str | None,
             topics: list[str] | None, command: str, against: str | None) -> dict[str, object]:
    return {
        "matcher": (f"positions {version}: propositions from curated stances; text similarity from an "
                    "IDF-weighted term cosine (90%) with rapidfuzz (10%), and WordLlama 256-d embeddings"),
        "rule": alignment_rule(comparison.threshold),
        "weights": comparison.weights.describe(),
        "threshold": comparison.threshold,
        "version": version,
        "corpus_hash": corpus_hash,
        "date": date,
        "topics_filter": list(topics or []),
        "command": f"positions {command} " + " ".join(keys) + "".join(f" --topic {t}" for t in topics or [])
                   + (f" --against {against}" if against else ""),
    }


def _heading(sources: tuple[dict[str, Any], ...]) -> str:
    """'A (a, 2019) and B (b, 2018-07)'; three or more: 'A, B and C'."""
    if len(sources) <= 1:
        return "".join(source_heading(s) for s in sources)
    return ", ".join(source_heading(s) for s in sources[:-1]) + " and " + source_heading(sources[-1])


def _summary_lines(corpus: Corpus, keys: list[str], matrix: StanceMatrix,
                   blocks: list[PropositionBlock]) -> tuple[SummaryLine, ...]:
    """For every set of sources: the propositions they disagree on, agree on, take only mixed
    positions on (in the blocks' order: strongest evidence first); for two sources also what only
    one of them takes a position on."""
    groups: dict[str, list[PropositionInfo]] = {}
    only: dict[str, list[PropositionInfo]] = {k: [] for k in keys}
    for block in blocks:
        if block.finding == "one":
            only[block.sides_taken[0]].append(block.proposition)
        else:
            groups.setdefault(block.finding, []).append(block.proposition)
    lines = [SummaryLine(kind, tuple(groups[kind])) for kind in ("disagree", "agree", "mixed") if groups.get(kind)]
    for k in keys:
        if not only[k]:
            continue
        if len(keys) != 2:
            lines.append(SummaryLine("only", tuple(only[k]), k))
            continue
        other = next(x for x in keys if x != k)
        silent = sum(1 for i in only[k] if matrix.cell(i.key, other).stance == SILENT)
        uncurated = len(only[k]) - silent
        parts = [f"silent on {silent} (checked)" if silent else "", f"not curated on {uncurated}" if uncurated else ""]
        note = f"{corpus.source_map[other].name}: " + ", ".join(p for p in parts if p)
        lines.append(SummaryLine("only", tuple(only[k]), k, note, other, silent, uncurated))
    return tuple(lines)


def _headline(keys: list[str], names: dict[str, str], blocks: list[PropositionBlock], matrix: StanceMatrix,
              n_statements: int) -> str:
    """One paragraph for the report: what is compared, and the most contested propositions (ties
    broken by how many sources take a side, then by how many statements, and stated as ties)."""
    if not keys:
        return "This corpus has no sources yet: add one with 'positions new-source'."
    counts = {f: sum(1 for b in blocks if b.finding == f) for f in FINDINGS}
    text = (f"This report compares {len(keys)} source{'s' if len(keys) != 1 else ''} "
            f"({', '.join(names[k] for k in keys)}): {n_statements} statement{'s' if n_statements != 1 else ''}, "
            f"with positions on {len(blocks)} proposition{'s' if len(blocks) != 1 else ''}. ")
    if len(keys) < 2:
        return text.strip()
    text += (f"The sources disagree on {counts['disagree']}, agree on {counts['agree']}, "
             f"hold only mixed positions on {counts['mixed']}, and {counts['one']} "
             f"{'is' if counts['one'] == 1 else 'are'} taken by one source only.")
    contested = [b for b in blocks if b.finding == "disagree"]
    if not contested:
        return text + " No two sources disagree on any proposition."

    def rank(b: PropositionBlock) -> tuple[float, int, int]:
        sup, opp = split_of(b.positions)
        return (controversy(len(sup), len(opp)), len(b.sides_taken), len(b.evidence))

    best = max(rank(b) for b in contested)
    top = [b for b in contested if rank(b) == best]
    if len(top) == 1:
        b = top[0]
        text += f" The most contested proposition is “{b.proposition.text}” ({_split_words(b, names)})."
    else:
        shown = "; ".join(f"“{b.proposition.text}” ({_split_words(b, names)})" for b in top[:5])
        more = f" and {len(top) - 5} more" if len(top) > 5 else ""
        text += (f" {len(top)} propositions are equally contested (as evenly split, with as many sources and "
                 f"statements): {shown}{more}.")
    return text


def _split_words(block: PropositionBlock, names: dict[str, str]) -> str:
    parts = [f"{names[p.source]} {p.describe()}" for p in block.positions if p.takes_side]
    return "; ".join(parts)
