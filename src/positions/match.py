"""Scoring, aligning and relating statements across sources.

Three signals score every cross-source pair of statements in [0, 1]:

* lexical  - on normalised text (folded, British spellings, abbreviations expanded from the topic
             aliases, stop words removed, stemmed): mostly the cosine of IDF-weighted term vectors
             (tfidf.py), so rare shared words count for more than common ones; partly (share
             `Weights.fuzzy`) rapidfuzz's mean of token_sort_ratio and a length-guarded
             token_set_ratio, which tolerates misspellings and inflections the stemmer misses.
* semantic - cosine of WordLlama static sentence embeddings after removing the corpus's common
             direction (the mean embedding, shrunk towards zero for small corpora): static
             embeddings of any two sentences share a large component, and centring leaves the part
             that tells them apart. Negative cosines count as 0.
* topics   - overlap of the statements' curated topics (cosine of the two topic sets); when a
             statement has no curated topics, the topics its text mentions through the aliases
             stand in, at a discount.

The combined score is a weighted sum (weights in `Weights`, chosen on the development gold set;
see benchmarks/README.md). `align_sources` turns scores into aligned pairs; `relation_of` labels each
pair agree, disagree or related from the curated stances only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

import numpy as np

from positions.models import Corpus, StatementRef
from positions.progress import SILENT
from positions.text import Normaliser
from positions.tfidf import TermIndex

DEFAULT_THRESHOLD = 0.325
# Pairs that share a curated topic are aligned down to this far below the threshold.
TOPIC_MARGIN = 0.1
# No statement links to more than this many statements of one other source.
MAX_LINKS = 4
# A pair must be among each side's top MUTUAL_K to be aligned on its score alone.
MUTUAL_K = 3
# Above this many pairs per source pair, lexical scores are computed for candidates only.
DENSE_PAIR_LIMIT = 2_000_000
CANDIDATES_PER_STATEMENT = 20
RELATIONS = ("disagree", "agree", "related")


@dataclass(frozen=True)
class Weights:
    # Chosen on the development gold set (benchmarks/alignment.py --sweep): the best balance of
    # gold recall, relation accuracy and search recall@3 with no decoy aligned and a bounded volume.
    lexical: float = 0.4
    semantic: float = 0.2
    topics: float = 0.4
    concept_discount: float = 0.6
    fuzzy: float = 0.1  # share of the lexical signal from rapidfuzz; the rest is IDF-weighted cosine

    def describe(self) -> str:
        return f"lexical {self.lexical:g}, semantic {self.semantic:g}, topics {self.topics:g}"


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Signals:
    lexical: float
    semantic: float
    topics: float

    def as_dict(self) -> dict:
        return {"lexical": round(self.lexical, 3), "semantic": round(self.semantic, 3), "topics": round(self.topics, 3)}


@dataclass(frozen=True)
class Pair:
    """Two aligned statements from different sources."""

    a: StatementRef
    b: StatementRef
    score: float
    signals: Signals
    relation: str
    topics: tuple[str, ...]
    reviewed: bool = False

    def swapped(self) -> "Pair":
        return Pair(self.b, self.a, self.score, self.signals, self.relation, self.topics, self.reviewed)


@dataclass(frozen=True)
class SourcePairComparison:
    """The alignment of two sources."""

    a: str
    b: str
    pairs: tuple[Pair, ...]
    only_a: tuple[StatementRef, ...]
    only_b: tuple[StatementRef, ...]

    def by_relation(self, relation: str) -> list[Pair]:
        return [p for p in self.pairs if p.relation == relation]


@dataclass(frozen=True)
class Hit:
    ref: StatementRef
    score: float
    signals: Signals


def relation_of(a: dict[str, str], b: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """agree / disagree / related from two statements' stances, and the topics that decide it.

    Disagree needs support against oppose on a shared topic; agree needs the same decided stance
    (both support or both oppose); anything else is related.
    """
    shared = sorted(set(a) & set(b))
    opposed = tuple(t for t in shared if {a[t], b[t]} == {"support", "oppose"})
    if opposed:
        return "disagree", opposed
    same = tuple(t for t in shared if a[t] == b[t] and a[t] in ("support", "oppose"))
    if same:
        return "agree", same
    return "related", tuple(shared)


# The corpus mean embedding is shrunk by n / (n + CENTRE_PRIOR) before it is removed, so that a
# corpus of a handful of statements is barely centred (two centred vectors are always opposite).
CENTRE_PRIOR = 20


def centred(embeddings: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Unit vectors after removing a common direction."""
    out = embeddings - centre
    out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-9
    return out.astype(np.float32)


def corpus_centre(embeddings: np.ndarray) -> np.ndarray:
    n = len(embeddings)
    if not n:
        return np.zeros(embeddings.shape[1] if embeddings.ndim == 2 else 0, dtype=np.float32)
    return (embeddings.mean(axis=0) * (n / (n + CENTRE_PRIOR))).astype(np.float32)


def word_count(normalised: str) -> int:
    return max(1, len(normalised.split()))


def lexical_matrix(a_norm: list[str], b_norm: list[str]) -> np.ndarray:
    """Lexical scores of every normalised text in a against every one in b, in [0, 1]."""
    from rapidfuzz import fuzz, process

    if not a_norm or not b_norm:
        return np.zeros((len(a_norm), len(b_norm)), dtype=np.float32)
    a_len = np.array([word_count(t) for t in a_norm], dtype=np.float32)
    b_len = np.array([word_count(t) for t in b_norm], dtype=np.float32)
    sort = process.cdist(a_norm, b_norm, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=-1)
    tset = process.cdist(a_norm, b_norm, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1)
    ratio = np.minimum.outer(a_len, b_len) / np.maximum.outer(a_len, b_len)
    return ((sort + tset * np.sqrt(ratio)) / 200.0).astype(np.float32)


def lexical_pairwise(a_norm: list[str], b_norm: list[str]) -> np.ndarray:
    """Lexical scores of a[k] against b[k] for each k, in [0, 1]."""
    from rapidfuzz import fuzz, process

    if not a_norm:
        return np.zeros(0, dtype=np.float32)
    a_len = np.array([word_count(t) for t in a_norm], dtype=np.float32)
    b_len = np.array([word_count(t) for t in b_norm], dtype=np.float32)
    sort = process.cpdist(a_norm, b_norm, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=-1)
    tset = process.cpdist(a_norm, b_norm, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1)
    ratio = np.minimum(a_len, b_len) / np.maximum(a_len, b_len)
    return ((sort + tset * np.sqrt(ratio)) / 200.0).astype(np.float32)


def semantic_matrix(a_emb: np.ndarray, b_emb: np.ndarray) -> np.ndarray:
    """Semantic scores in [0, 1] from centred unit embeddings (rows of a against rows of b)."""
    return np.clip(a_emb @ b_emb.T, 0.0, 1.0).astype(np.float32)


def _set_cosine(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


class Matcher:
    """Scores statements of one corpus against each other and against free text."""

    def __init__(self, corpus: Corpus, *, weights: Weights = DEFAULT_WEIGHTS, use_cache: bool = True,
                 progress=None):
        self.corpus = corpus
        self.weights = weights
        self.use_cache = use_cache
        self.progress = progress if progress is not None else SILENT
        self.normaliser = Normaliser(corpus.topics)
        self.refs: list[StatementRef] = corpus.statements()
        self.position = {r.ref: i for i, r in enumerate(self.refs)}
        self.norm = [self.normaliser.normalised(r.text) for r in self.refs]
        self.curated = [frozenset(r.stances) for r in self.refs]
        self.concepts = [self.normaliser.concepts_of_terms(t.split()) for t in self.norm]
        self.terms = TermIndex([t.split() for t in self.norm])
        self._embeddings: np.ndarray | None = None
        self._centre: np.ndarray | None = None
        self._store = None
        self._links = corpus.links

    # -- signals ---------------------------------------------------------------------------

    def _embedding_store(self):
        if self._store is None:
            from positions.embed import MODEL_ID, EmbeddingStore

            path = None
            if self.use_cache:
                from positions import __version__
                from positions.cache import cache_dir

                path = cache_dir() / f"embeddings-{MODEL_ID}-{__version__}.npz"
            self._store = EmbeddingStore(path)
        return self._store

    @property
    def embeddings(self) -> np.ndarray:
        """Centred unit embeddings of the statements (see `centred`)."""
        if self._embeddings is None:
            store = self._embedding_store()
            raw = store.embed([self.normaliser.expand(r.text) for r in self.refs], self.progress)
            store.save()
            self._centre = corpus_centre(raw)
            self._embeddings = centred(raw, self._centre)
        return self._embeddings

    def _lexical_block(self, ia: list[int], ib: list[int]) -> np.ndarray:
        share = self.weights.fuzzy
        out = (1.0 - share) * self.terms.matrix(ia, ib)
        if share:
            out += share * lexical_matrix([self.norm[i] for i in ia], [self.norm[j] for j in ib])
        return out.astype(np.float32)

    def _lexical_pairs(self, pi: np.ndarray, pj: np.ndarray) -> np.ndarray:
        share = self.weights.fuzzy
        out = (1.0 - share) * self.terms.pairwise(pi, pj)
        if share:
            out += share * lexical_pairwise([self.norm[i] for i in pi], [self.norm[j] for j in pj])
        return out.astype(np.float32)

    def _topic_matrix(self, ia: list[int], ib: list[int]) -> np.ndarray:
        out = np.zeros((len(ia), len(ib)), dtype=np.float32)
        discount = self.weights.concept_discount
        for x, i in enumerate(ia):
            ci, ki = self.curated[i], self.concepts[i]
            for y, j in enumerate(ib):
                cj = self.curated[j]
                if ci and cj:
                    out[x, y] = _set_cosine(ci, cj)
                else:
                    out[x, y] = discount * _set_cosine(ci | ki, cj | self.concepts[j])
        return out

    def score_block(self, ia: list[int], ib: list[int]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Combined scores and signal matrices for statements ia (rows) against ib (columns)."""
        w = self.weights
        emb = self.embeddings
        semantic = semantic_matrix(emb[ia], emb[ib])
        lexical = self._lexical_block(ia, ib)
        topics = self._topic_matrix(ia, ib)
        combined = w.lexical * lexical + w.semantic * semantic + w.topics * topics
        return combined, {"lexical": lexical, "semantic": semantic, "topics": topics}

    def score_candidates(self, ia: list[int], ib: list[int]) -> list[tuple[int, int, float, Signals]]:
        """Scores for the likeliest pairs only: each statement's nearest neighbours by meaning and topic.

        Used for large source pairs, where scoring every pair lexically costs too much.
        """
        w = self.weights
        emb = self.embeddings
        k = min(CANDIDATES_PER_STATEMENT, len(ib), len(ia))
        cand: set[tuple[int, int]] = set()
        eb = emb[ib]
        block = 2048
        for start in range(0, len(ia), block):
            rows = ia[start:start + block]
            sims = emb[rows] @ eb.T
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for r, cols in zip(rows, top):
                cand.update((r, ib[c]) for c in cols)
        ea = emb[ia]
        for start in range(0, len(ib), block):
            cols = ib[start:start + block]
            sims = emb[cols] @ ea.T
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for c, rows in zip(cols, top):
                cand.update((ia[r], c) for r in rows)
        pairs = sorted(cand)
        if not pairs:
            return []
        pi = np.array([p[0] for p in pairs])
        pj = np.array([p[1] for p in pairs])
        semantic = np.clip(np.einsum("ij,ij->i", emb[pi], emb[pj]), 0.0, 1.0)
        lexical = self._lexical_pairs(pi, pj)
        out = []
        for n, (i, j) in enumerate(pairs):
            t = self._topic_matrix([i], [j])[0, 0]
            score = w.lexical * lexical[n] + w.semantic * semantic[n] + w.topics * t
            out.append((i, j, float(score), Signals(float(lexical[n]), float(semantic[n]), float(t))))
        return out

    # -- alignment -------------------------------------------------------------------------

    def align_sources(self, a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> SourcePairComparison:
        """Aligned pairs of two sources, and the statements of each left unmatched.

        A pair is aligned when its score clears the threshold and each statement is among the
        other's MUTUAL_K best matches, or when the two share a curated topic and the score clears
        the threshold less TOPIC_MARGIN. Each statement then keeps at most MAX_LINKS partners in the
        other source, best first. Curators' confirmed links are always aligned and rejected ones never.
        The result does not depend on the order of a and b.
        """
        if a == b:
            raise ValueError("compare a source with another source")
        first, second = sorted((a, b))
        ia = [self.position[r.ref] for r in self.corpus.source_map[first].statements]
        ib = [self.position[r.ref] for r in self.corpus.source_map[second].statements]
        scored = self._candidate_scores(ia, ib)
        decisions = self._link_decisions(first, second)
        rank_a: dict[int, list[tuple[float, int]]] = {}
        rank_b: dict[int, list[tuple[float, int]]] = {}
        for i, j, s, _ in scored:
            rank_a.setdefault(i, []).append((-s, j))
            rank_b.setdefault(j, []).append((-s, i))
        top_a = {i: {j for _, j in sorted(v)[:MUTUAL_K]} for i, v in rank_a.items()}
        top_b = {j: {i for _, i in sorted(v)[:MUTUAL_K]} for j, v in rank_b.items()}
        chosen = []
        for i, j, s, sig in scored:
            key = (self.refs[i].ref, self.refs[j].ref)
            decision = decisions.get(key)
            if decision is not None and decision[0] == "rejected":
                continue
            if decision is not None and decision[0] == "confirmed":
                chosen.append((0, -s, i, j, sig))
                continue
            mutual = j in top_a.get(i, ()) and i in top_b.get(j, ())
            shares_topic = bool(self.curated[i] & self.curated[j])
            if (s >= threshold and mutual) or (shares_topic and s >= threshold - TOPIC_MARGIN):
                chosen.append((1, -s, i, j, sig))
        # confirmed links that scoring did not even consider
        seen = {(c[2], c[3]) for c in chosen}
        for (ra, rb), (decision, _) in sorted(decisions.items()):
            if decision == "confirmed":
                i, j = self.position[ra], self.position[rb]
                if (i, j) not in seen:
                    combined, sig = self.score_block([i], [j])
                    chosen.append((0, -float(combined[0, 0]), i, j, Signals(*(float(sig[k][0, 0]) for k in ("lexical", "semantic", "topics")))))
        chosen.sort(key=lambda c: (c[0], c[1], self.refs[c[2]].ref, self.refs[c[3]].ref))
        degree_a: dict[int, int] = {}
        degree_b: dict[int, int] = {}
        pairs = []
        for tier, neg, i, j, sig in chosen:
            if tier == 1 and (degree_a.get(i, 0) >= MAX_LINKS or degree_b.get(j, 0) >= MAX_LINKS):
                continue
            degree_a[i] = degree_a.get(i, 0) + 1
            degree_b[j] = degree_b.get(j, 0) + 1
            ra, rb = self.refs[i], self.refs[j]
            relation, topics = relation_of(ra.stances, rb.stances)
            decision = decisions.get((ra.ref, rb.ref))
            reviewed = decision is not None
            if decision is not None and decision[1]:
                relation = decision[1]
            if not topics:
                topics = tuple(sorted((self.curated[i] | self.concepts[i]) & (self.curated[j] | self.concepts[j])))
            pairs.append(Pair(ra, rb, round(-neg, 4), sig, relation, topics, reviewed))
        pairs.sort(key=lambda p: (-p.score, p.a.ref, p.b.ref))
        matched_a = {p.a.ref for p in pairs}
        matched_b = {p.b.ref for p in pairs}
        only_a = tuple(self.refs[i] for i in ia if self.refs[i].ref not in matched_a)
        only_b = tuple(self.refs[j] for j in ib if self.refs[j].ref not in matched_b)
        result = SourcePairComparison(first, second, tuple(pairs), only_a, only_b)
        return result if first == a else _swap(result)

    def _candidate_scores(self, ia: list[int], ib: list[int]) -> list[tuple[int, int, float, Signals]]:
        if len(ia) * len(ib) > DENSE_PAIR_LIMIT:
            return self.score_candidates(ia, ib)
        if not ia or not ib:
            return []
        combined, sig = self.score_block(ia, ib)
        out = []
        for x, i in enumerate(ia):
            for y, j in enumerate(ib):
                out.append((i, j, float(combined[x, y]),
                            Signals(float(sig["lexical"][x, y]), float(sig["semantic"][x, y]), float(sig["topics"][x, y]))))
        return out

    def _link_decisions(self, first: str, second: str) -> dict[tuple[str, str], tuple[str, str | None]]:
        """Curators' decisions between two sources, keyed (ref in first, ref in second)."""
        out = {}
        for link in self._links:
            sa, sb = link.a.split("/")[0], link.b.split("/")[0]
            if (sa, sb) == (first, second):
                out[(link.a, link.b)] = (link.decision, link.relation)
            elif (sa, sb) == (second, first):
                out[(link.b, link.a)] = (link.decision, link.relation)
        return out

    # -- free text -------------------------------------------------------------------------

    def search(self, query: str, sources: Iterable[str] | None = None, limit: int = 10) -> list[Hit]:
        """Statements closest to a free-text claim, best first."""
        wanted = set(sources) if sources else None
        idx = [i for i, r in enumerate(self.refs) if wanted is None or r.source in wanted]
        if not idx or not query.strip():
            return []
        w = self.weights
        q_norm = self.normaliser.normalised(query)
        q_concepts = self.normaliser.concepts_of_terms(q_norm.split())
        emb = self.embeddings
        q_emb = centred(self._embedding_store().embed([self.normaliser.expand(query)]), self._centre)
        semantic = semantic_matrix(q_emb, emb[idx])[0]
        lexical = (1.0 - w.fuzzy) * self.terms.query(q_norm.split(), idx)
        if w.fuzzy:
            lexical = lexical + w.fuzzy * lexical_matrix([q_norm], [self.norm[i] for i in idx])[0]
        topics = np.array([w.concept_discount * _set_cosine(q_concepts, self.curated[i] | self.concepts[i]) for i in idx], dtype=np.float32)
        combined = w.lexical * lexical + w.semantic * semantic + w.topics * topics
        order = sorted(range(len(idx)), key=lambda n: (-combined[n], self.refs[idx[n]].ref))[:limit]
        return [Hit(self.refs[idx[n]], round(float(combined[n]), 4),
                    Signals(float(lexical[n]), float(semantic[n]), float(topics[n]))) for n in order]

    def suggest_topics(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The likeliest topics for a new statement: those its words mention, and those of its
        nearest curated statements, weighted by similarity."""
        scores: dict[str, float] = {}
        for key in self.normaliser.concepts(text):
            scores[key] = scores.get(key, 0.0) + 0.5
        for hit in self.search(text, limit=8):
            for key in hit.ref.stances:
                scores[key] = scores.get(key, 0.0) + hit.score
        total = sum(scores.values()) or 1.0
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(k, round(v / total, 3)) for k, v in ranked]


def _swap(c: SourcePairComparison) -> SourcePairComparison:
    pairs = tuple(sorted((p.swapped() for p in c.pairs), key=lambda p: (-p.score, p.a.ref, p.b.ref)))
    return SourcePairComparison(c.b, c.a, pairs, c.only_b, c.only_a)


@dataclass(frozen=True)
class TopicPosition:
    """Where each compared source stands on one topic."""

    topic: str
    stances: dict[str, str]  # source -> support/oppose/mixed/neutral/silent


def source_stance(refs: list[StatementRef], topic: str) -> str:
    """A source's overall stance on a topic from its statements.

    silent when no statement touches the topic; otherwise the side most of its supporting and
    opposing statements take (MoJ: one Wales-only step towards public ownership, five statements
    for the market: oppose); mixed when those are tied or only mixed stances are given; neutral
    when all are neutral.
    """
    values = [r.stances[topic] for r in refs if topic in r.stances]
    if not values:
        return "silent"
    support, oppose = values.count("support"), values.count("oppose")
    if support > oppose:
        return "support"
    if oppose > support:
        return "oppose"
    if support or "mixed" in values:
        return "mixed"
    return "neutral"


def topic_positions(corpus: Corpus, sources: list[str], topics: list[str] | None = None) -> list[TopicPosition]:
    """Per topic, each source's stance (topics that none of the sources touches are left out)."""
    out = []
    for topic in corpus.topics:
        if topics and topic.key not in topics:
            continue
        stances = {s: source_stance(corpus.source_map[s].statements, topic.key) for s in sources}
        if any(v != "silent" for v in stances.values()):
            out.append(TopicPosition(topic.key, stances))
    return out


@dataclass(frozen=True)
class Comparison:
    """The result of comparing two or more sources."""

    sources: tuple[str, ...]
    threshold: float
    weights: Weights
    pairwise: tuple[SourcePairComparison, ...]
    positions: tuple[TopicPosition, ...] = field(default_factory=tuple)


def compare_sources(matcher: Matcher, sources: list[str], threshold: float = DEFAULT_THRESHOLD,
                    topics: list[str] | None = None, relations: list[str] | None = None) -> Comparison:
    """Every pair of the given sources aligned, filtered by topic and relation, plus per-topic positions."""
    pairwise = []
    source_pairs = list(combinations(sources, 2))
    step = matcher.progress.step("aligning sources", len(source_pairs))
    for a, b in source_pairs:
        c = matcher.align_sources(a, b, threshold)
        if topics or relations:
            c = _filter(c, topics, relations)
        pairwise.append(c)
        step.advance()
    step.close()
    positions = topic_positions(matcher.corpus, sources, topics)
    return Comparison(tuple(sources), threshold, matcher.weights, tuple(pairwise), tuple(positions))


def _filter(c: SourcePairComparison, topics: list[str] | None, relations: list[str] | None) -> SourcePairComparison:
    def keep_pair(p: Pair) -> bool:
        if relations and p.relation not in relations:
            return False
        if topics and not (set(topics) & (set(p.a.stances) | set(p.b.stances) | set(p.topics))):
            return False
        return True

    return SourcePairComparison(
        c.a, c.b, tuple(p for p in c.pairs if keep_pair(p)),
        tuple(r for r in c.only_a if r.on_topics(topics)), tuple(r for r in c.only_b if r.on_topics(topics)),
    )
