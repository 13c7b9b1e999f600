"""One report model of a comparison, rendered by render/terminal, render/markdown and render/html.

`build_report` gathers everything a reader needs (sources with provenance, the stance matrix,
consensus and contested topics, per-topic agreements and disagreements, positions unique to one
source, and how it was made) into plain frozen dataclasses; renderers only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from positions.match import Comparison, Pair, StatementRef, source_stance

UNCURATED = "uncurated"
SYMBOLS = {"support": "+", "oppose": "−", "mixed": "±", "neutral": "○", "silent": "∅", UNCURATED: "·"}
# How a stance is written in tables and lists (only "uncurated" differs from its key).
STANCE_WORDS = {UNCURATED: "not curated"}
# Prose that every view of a report shares, so markdown and HTML cannot drift apart.
CONSENSUS_INTRO = "Topics on which every source that speaks takes the same side."
CONTESTED_INTRO = ("Topics on which at least one source supports the proposition and another opposes it, "
                   "most evenly split first (controversy = fewer side ÷ larger side, counting sources).")
UNIQUE_INTRO = "Statements that the matcher aligned with nothing in the other sources."
ALIGNMENT_RULE = ("Pairs are aligned when their combined score clears the threshold and each is among the other's best "
                  "matches, or when they share a curated topic and nearly clear it. Agreement and disagreement come only "
                  "from curated stances; pairs without opposing or matching stances are listed as related.")

LEGEND = (
    ("support", "supports the proposition"),
    ("oppose", "opposes it"),
    ("mixed", "both, or with reservations"),
    ("neutral", "touches the topic without taking a side"),
    ("silent", "says nothing on it (checked by a curator)"),
    (UNCURATED, "no statement, and no silence recorded (not yet curated)"),
)
REVIEW_NOTE = ("Each pair is marked reviewed (a curator confirmed it in links.yaml) or suggested (aligned by the "
               "matcher and not yet reviewed); pairs a curator rejected are never shown.")


def review_text(p: PairView) -> str:
    """'suggested', or 'reviewed by jo on 2024-05-01: reason' (plain text; renderers escape it)."""
    if not p.reviewed:
        return "suggested"
    r = p.review or {}
    text = "reviewed"
    text += f" by {r['reviewer']}" if r.get("reviewer") else ""
    text += f" on {r['date']}" if r.get("date") else ""
    text += f": {r['reason']}" if r.get("reason") else ""
    return text


def stance_word(stance: str) -> str:
    return STANCE_WORDS.get(stance, stance)


def curated_stance(corpus: Any, source: str, topic: str) -> str:
    """A source's overall stance on a topic (`source_stance`), with its lack of statements split into
    "silent" (a curator checked: the topic is in its silent_on) and "uncurated" (nobody has said)."""
    src = corpus.source_map[source]
    stance = source_stance(src.statements, topic)
    if stance == "silent" and topic not in src.data.silent_on:
        return UNCURATED
    return stance


@dataclass(frozen=True)
class Quote:
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
    relation: str
    score: float
    topics: tuple[str, ...]
    a: Quote
    b: Quote
    signals: dict
    reviewed: bool
    review: dict | None = None  # the curator's decision (decision, relation, reason, reviewer, date) when reviewed

    @property
    def status(self) -> str:
        return "reviewed" if self.reviewed else "suggested"


@dataclass(frozen=True)
class SourcePairView:
    a: str
    b: str
    disagreements: tuple[PairView, ...]
    agreements: tuple[PairView, ...]
    related: tuple[PairView, ...]
    only_a: tuple[Quote, ...]
    only_b: tuple[Quote, ...]


@dataclass(frozen=True)
class TopicInfo:
    key: str
    label: str
    proposition: str


@dataclass(frozen=True)
class TopicFinding:
    """A topic with the quotes behind a consensus or a contest."""

    topic: TopicInfo
    supporters: tuple[str, ...]
    opponents: tuple[str, ...]
    others: tuple[str, ...]
    silent: tuple[str, ...]
    controversy: float
    quotes: tuple[Quote, ...]

    @property
    def decided_quotes(self) -> tuple[Quote, ...]:
        """The quotes that support or oppose the topic's proposition."""
        return tuple(q for q in self.quotes if dict(q.stances)[self.topic.key] in ("support", "oppose"))


@dataclass(frozen=True)
class TopicSection:
    topic: TopicInfo
    stances: tuple[tuple[str, str], ...]  # (source, stance)
    agreements: tuple[PairView, ...]
    disagreements: tuple[PairView, ...]
    related: tuple[PairView, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Report:
    title: str
    summary: str
    sources: tuple[dict, ...]
    topics: tuple[TopicInfo, ...]
    matrix: tuple[tuple[str, tuple[str, ...]], ...]  # (topic key, stance per source in `source_keys` order)
    source_keys: tuple[str, ...]
    consensus: tuple[TopicFinding, ...]
    contested: tuple[TopicFinding, ...]
    pairwise: tuple[SourcePairView, ...]
    topic_sections: tuple[TopicSection, ...]
    unique: tuple[tuple[str, tuple[Quote, ...]], ...]
    methods: dict
    gaps: Any = None  # positions.gaps.Gaps when the report is made --against a source

    def topic(self, key: str) -> TopicInfo:
        return next(t for t in self.topics if t.key == key)


def quote_of(ref: StatementRef, names: dict[str, str]) -> Quote:
    """A statement as renderers show it, with its source's name."""
    st = ref.statement
    return Quote(ref.source, names[ref.source], st.id, st.text, st.section, tuple(sorted(st.stances.items())))


def _pair_view(p: Pair, names: dict[str, str], corpus: Any = None) -> PairView:
    review = None
    link = corpus.link(p.a.ref, p.b.ref) if p.reviewed and corpus is not None else None
    if link is not None:
        review = {k: v for k, v in link.model_dump().items() if k not in ("a", "b")}
    return PairView(p.relation, p.score, p.topics, quote_of(p.a, names), quote_of(p.b, names), p.signals.as_dict(),
                    p.reviewed, review)


def controversy(supporters: int, opponents: int) -> float:
    """How evenly sources split on a topic: 0 when nobody opposes (or supports), 1 for an even
    split; ties are broken by how many sources take a side."""
    if not supporters or not opponents:
        return 0.0
    return round(min(supporters, opponents) / max(supporters, opponents), 4)


def topic_split(corpus: Any, sources: list[str], topic: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """(supporters, opponents, others, silent) by each source's overall stance (`source_stance`),
    so the lists agree with the stance matrix."""
    groups: dict[str, list[str]] = {"support": [], "oppose": [], "other": [], "silent": []}
    for key in sources:
        stance = source_stance(corpus.source_map[key].statements, topic)
        groups[stance if stance in groups else "other"].append(key)
    return groups["support"], groups["oppose"], groups["other"], groups["silent"]


def contested_order(corpus: Any, sources: list[str]) -> list[tuple[str, float, int]]:
    """Topics by controversy, most evenly split first, then by how many sources take a side, then by
    key: (topic, controversy, sources taking a side). The report's contested section uses the same
    measure and order."""
    rows = []
    for t in corpus.topics:
        sup, opp, _, _ = topic_split(corpus, sources, t.key)
        rows.append((t.key, controversy(len(sup), len(opp)), len(set(sup) | set(opp))))
    return sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))


def build_report(corpus: Any, comparison: Comparison, *, corpus_hash: str, version: str,
                 topics: list[str] | None = None, date: str | None = None, title: str | None = None,
                 command: str = "report", against: str | None = None) -> Report:
    names = {s.key: s.name for s in corpus.sources}
    keys = list(comparison.sources)
    topic_infos = tuple(TopicInfo(t.key, t.label, t.proposition) for t in corpus.topics if not topics or t.key in topics)
    from positions.summary import source_record

    sources = tuple(source_record(corpus.source_map[k]) for k in keys)
    statements = [r for k in keys for r in corpus.source_map[k].statements]

    matrix = []
    consensus, contested = [], []
    for t in topic_infos:
        row = tuple(curated_stance(corpus, k, t.key) for k in keys)
        if all(v in ("silent", UNCURATED) for v in row):
            continue
        matrix.append((t.key, row))
        sup, opp, other, silent = topic_split(corpus, keys, t.key)
        quotes = tuple(quote_of(r, names) for r in statements if t.key in r.stances)
        finding = TopicFinding(t, tuple(sup), tuple(opp), tuple(other), tuple(silent), controversy(len(sup), len(opp)), quotes)
        speaking = [k for k in keys if k not in silent]
        if sup and opp:
            contested.append(finding)
        elif len(speaking) >= 2 and (set(sup) == set(speaking) or set(opp) == set(speaking)):
            consensus.append(TopicFinding(t, tuple(sup), tuple(opp), tuple(other), tuple(silent), 0.0, finding.decided_quotes))
    contested.sort(key=lambda f: (-f.controversy, -(len(f.supporters) + len(f.opponents)), f.topic.key))
    consensus.sort(key=lambda f: (-(len(f.supporters) + len(f.opponents)), f.topic.key))

    pairwise = []
    all_pairs: list[PairView] = []
    matched: set[str] = set()
    for c in comparison.pairwise:
        views = [_pair_view(p, names, corpus) for p in c.pairs]
        all_pairs.extend(views)
        matched.update(p.a.ref for p in c.pairs)
        matched.update(p.b.ref for p in c.pairs)
        pairwise.append(SourcePairView(
            c.a, c.b,
            tuple(v for v in views if v.relation == "disagree"),
            tuple(v for v in views if v.relation == "agree"),
            tuple(v for v in views if v.relation == "related"),
            tuple(quote_of(r, names) for r in c.only_a),
            tuple(quote_of(r, names) for r in c.only_b),
        ))

    sections = []
    matrix_keys = {k for k, _ in matrix}
    for t in topic_infos:
        if t.key not in matrix_keys:
            continue
        on_topic = [v for v in all_pairs if t.key in v.topics]
        sections.append(TopicSection(
            t,
            tuple((k, curated_stance(corpus, k, t.key)) for k in keys),
            tuple(v for v in on_topic if v.relation == "agree"),
            tuple(v for v in on_topic if v.relation == "disagree"),
            tuple(v for v in on_topic if v.relation == "related"),
            tuple(quote_of(r, names) for r in statements if t.key in r.stances),
        ))

    unique = []
    if len(keys) > 1:
        for k in keys:
            alone = tuple(quote_of(r, names) for r in corpus.source_map[k].statements
                          if r.ref not in matched and r.on_topics(topics))
            unique.append((k, alone))

    n_statements = len(statements)
    summary = _summary(keys, names, n_statements, len(matrix), contested, consensus)
    methods = {
        "matcher": f"positions {version}: lexical (rapidfuzz), semantic (WordLlama 256-d), curated topics",
        "weights": comparison.weights.describe(),
        "threshold": comparison.threshold,
        "version": version,
        "corpus_hash": corpus_hash,
        "date": date,
        "topics_filter": list(topics or []),
        "command": f"positions {command} " + " ".join(keys) + "".join(f" --topic {t}" for t in topics or [])
                   + (f" --against {against}" if against else ""),
    }
    gaps = None
    if against:
        from positions.gaps import find_gaps

        gaps = find_gaps(corpus, comparison, against, topics)
    return Report(
        title=title or "Where they stand: " + ", ".join(names[k] for k in keys),
        summary=summary,
        sources=sources,
        topics=topic_infos,
        matrix=tuple(matrix),
        source_keys=tuple(keys),
        consensus=tuple(consensus),
        contested=tuple(contested),
        pairwise=tuple(pairwise),
        topic_sections=tuple(sections),
        unique=tuple(unique),
        methods=methods,
        gaps=gaps,
    )


def _summary(keys, names, n_statements, n_topics, contested, consensus) -> str:
    if not keys:
        return "This corpus has no sources yet: add one with 'positions new-source'."
    text = (f"This report compares {len(keys)} source{'s' if len(keys) != 1 else ''} "
            f"({', '.join(names[k] for k in keys)}): {n_statements} statement{'s' if n_statements != 1 else ''} "
            f"on {n_topics} topic{'s' if n_topics != 1 else ''}.")
    if contested:
        top = contested[0]
        text += (f" The most contested topic is {top.topic.label.lower()}: "
                 f"{_people(top.supporters, names)} {_verb('support', top.supporters)} the proposition and "
                 f"{_people(top.opponents, names)} {_verb('oppose', top.opponents)} it.")
    else:
        text += " No topic has one source supporting and another opposing its proposition."
    if consensus:
        top = consensus[0]
        side = top.supporters or top.opponents
        text += f" The most widely shared position is on {top.topic.label.lower()}, where {_people(side, names)} agree."
    return text


def _verb(verb: str, keys) -> str:
    return verb + "s" if len(keys) == 1 else verb


def _people(keys, names) -> str:
    items = [names[k] for k in keys]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
