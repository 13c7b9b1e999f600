"""Aligning and relating statements across sources, and searching them with free text.

Every cross-source pair of statements is scored by three signals in [0, 1], lexical, semantic
and topics, defined once in scoring.py (`PairScorer`) and computed there over a whole source pair
(a `Block`, with matrix products) or over a list of candidate pairs (`Pairs`).

The *text similarity* of a pair is the lexical and semantic signals alone, in the proportion of
their weights; the *combined score* (weights in `Weights`) adds the topic signal and ranks search
hits and candidate pairs. `align_sources` lists two kinds of pairs: statements that take sides on
a shared proposition, always compared, whose relation comes from their sides
(`stances.pair_relation`); and statements that share no proposition but whose text similarity
clears the threshold, shown as `related` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from positions.models import Corpus, StatementRef
from positions.progress import SILENT, Progress
from positions.scoring import (
    DEFAULT_WEIGHTS,
    Block,
    Pairs,
    PairScorer,
    Scored,
    Signals,
    Weights,
    centred,
    corpus_centre,
    fuzzy_matrix,
    semantic,
    set_cosines,
    word_count,
)
from positions.stances import StanceMatrix, pair_relation, stance_matrix
from positions.text import Normaliser
from positions.tfidf import TermIndex
from positions.vocabulary import Decision, Relation

if TYPE_CHECKING:
    from positions.candidates import EmbeddingClusters
    from positions.embed import EmbeddingStore
    from positions.score_cache import ScoreCache

# Two statements that share no proposition are shown as related only when their text similarity
# reaches this (see `PairScorer.text_similarity`; chosen in benchmarks/README.md).
DEFAULT_THRESHOLD = 0.5
# Each statement keeps this many of its closest partners among the statements of another source
# that answer a proposition it answers.
PER_STATEMENT = 5
# A related pair must be among each side's RELATED_MUTUAL_K closest, and no statement has more than
# MAX_RELATED related partners in one other source.
RELATED_MUTUAL_K = 2
MAX_RELATED = 2
# Above this many pairs per source pair, lexical scores are computed for candidates only.
DENSE_PAIR_LIMIT = 2_000_000


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

    def swapped(self) -> Pair:
        return Pair(self.b, self.a, self.score, self.signals, self.relation, self.topics, self.reviewed)


@dataclass(frozen=True)
class SourcePairComparison:
    """The alignment of two sources."""

    a: str
    b: str
    pairs: tuple[Pair, ...]
    only_a: tuple[StatementRef, ...]
    only_b: tuple[StatementRef, ...]


@dataclass(frozen=True)
class Hit:
    ref: StatementRef
    score: float
    signals: Signals


def _rank_within(group: np.ndarray, other: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Each pair's rank among the pairs of its group, best score first, ties by the other index."""
    if not len(group):
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((other, -score, group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    rank_sorted = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    rank = np.empty_like(rank_sorted)
    rank[order] = rank_sorted
    return rank


class Matcher:
    """Scores statements of one corpus against each other and against free text."""

    def __init__(self, corpus: Corpus, *, weights: Weights = DEFAULT_WEIGHTS, use_cache: bool = False,
                 progress: Progress | None = None):
        self.corpus = corpus
        self.weights = weights
        self.use_cache = use_cache
        self.progress = progress if progress is not None else SILENT
        self.normaliser = Normaliser(corpus.topics)
        self.refs: list[StatementRef] = corpus.statements()
        self.position = {r.ref: i for i, r in enumerate(self.refs)}
        self.norm = [self.normaliser.normalised(r.text) for r in self.refs]
        # curated: the propositions a statement has a stance on; sides: those it answers (support,
        # oppose, mixed), which make two statements comparable
        self.curated = [frozenset(r.stances) for r in self.refs]
        self.sides = [frozenset(r.sides) for r in self.refs]
        self.concepts = [self.normaliser.concepts_of_terms(t.split()) for t in self.norm]
        self.terms = TermIndex([t.split() for t in self.norm])
        self._word_counts = np.array([word_count(t) for t in self.norm], dtype=np.float32)
        # rank of each statement's "source/id" among all of them: ties in score are broken by ref
        order = sorted(range(len(self.refs)), key=lambda n: self.refs[n].ref)
        self._ref_rank = np.empty(len(self.refs), dtype=np.int64)
        self._ref_rank[order] = np.arange(len(self.refs))
        # Proposition sets and topic (theme) sets as 0/1 rows, so overlaps are matrix products.
        theme_of = {k: t.key for k, t in corpus.theme_of.items()}
        themes = [frozenset(theme_of.get(k, k) for k in cur) | con
                  for cur, con in zip(self.curated, self.concepts, strict=True)]
        props = sorted({k for t in self.curated for k in t})
        prop_column = {k: n for n, k in enumerate(props)}
        keys = sorted({k for t in themes for k in t})
        column = self._topic_column = {k: n for n, k in enumerate(keys)}
        self._curated_rows = np.zeros((len(self.refs), len(props)), dtype=np.float32)
        self._side_rows = np.zeros((len(self.refs), len(props)), dtype=np.float32)
        self._either_rows = np.zeros((len(self.refs), len(keys)), dtype=np.float32)
        # the sides as bits, 64 propositions a word, for "do these two answer a shared proposition?"
        self._side_bits = np.zeros((len(self.refs), max(1, -(-len(props) // 64))), dtype=np.uint64)
        for n, (cur, side, theme) in enumerate(zip(self.curated, self.sides, themes, strict=True)):
            self._curated_rows[n, [prop_column[k] for k in cur]] = 1.0
            self._side_rows[n, [prop_column[k] for k in side]] = 1.0
            self._either_rows[n, [column[k] for k in theme]] = 1.0
            for k in side:
                self._side_bits[n, prop_column[k] // 64] |= np.uint64(1) << np.uint64(prop_column[k] % 64)
        self._embeddings: np.ndarray | None = None
        self._centre: np.ndarray | None = None
        self._store: EmbeddingStore | None = None
        # of the embeddings, for candidate pairs (built when first needed)
        self._clusters: EmbeddingClusters | None = None
        self._score_caches: dict[float, ScoreCache] = {}
        self._links = corpus.links
        self.scorer = PairScorer(weights, self.norm, self._word_counts, self.terms, lambda: self.embeddings,
                                 self._curated_rows, self._either_rows)

    # -- signals ---------------------------------------------------------------------------

    def embedding_store(self) -> EmbeddingStore:
        """The embedding store of this matcher (embed.EmbeddingStore): in the user cache folder
        unless use_cache is off."""
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
        return self._centred_embeddings()[0]

    def _centred_embeddings(self) -> tuple[np.ndarray, np.ndarray]:
        """(the statements' centred embeddings, the centre they were centred on), computed once."""
        if self._embeddings is None or self._centre is None:
            store = self.embedding_store()
            raw = store.embed([self.normaliser.expand(r.text) for r in self.refs], self.progress)
            store.save()
            self._centre = corpus_centre(raw)
            self._embeddings = centred(raw, self._centre)
        return self._embeddings, self._centre

    def text_similarity(self, lexical: np.ndarray, semantic: np.ndarray) -> np.ndarray:
        """How alike two texts are, in [0, 1] (`PairScorer.text_similarity`)."""
        return self.scorer.text_similarity(lexical, semantic)

    def candidate_pairs(self, ia: list[int], ib: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The likeliest pairs only, for source pairs too large to score every pair (candidates.py
        says how they are found)."""
        from positions import candidates

        ia_a, ib_a = np.asarray(ia, dtype=np.int64), np.asarray(ib, dtype=np.int64)
        n = len(self.refs)
        emb = self.embeddings
        if self._clusters is None:
            self._clusters = candidates.EmbeddingClusters.fit(emb)
        nearest = self._clusters.nearest_codes
        codes = [nearest(emb, ia_a, ib_a, candidates.NEIGHBOURS, candidates.PROBES),
                 candidates.swapped_codes(nearest(emb, ib_a, ia_a, candidates.NEIGHBOURS, candidates.PROBES), n)]
        for rows, cols, swap in ((ia_a, ib_a, False), (ib_a, ia_a, True)):
            r, c = self.terms.shared_term_partners(rows, cols, candidates.NEIGHBOURS, candidates.TERMS_PER_STATEMENT,
                                                   candidates.MAX_POSTINGS)
            codes.append(c * n + r if swap else r * n + c)
        side_a, side_b = self._side_rows[ia_a], self._side_rows[ib_a]
        for t in range(side_a.shape[1]):
            rows, cols = ia_a[side_a[:, t] > 0], ib_a[side_b[:, t] > 0]
            if len(rows) and len(cols):
                scores = self.scorer.cheap(Block(rows, cols))
                codes.append(candidates.block_top_codes(scores, rows, cols, candidates.PER_TOPIC, n))
        pairs = np.unique(np.concatenate(codes))
        return pairs // n, pairs % n

    def shares_side(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether statements i[k] and j[k] take sides on a shared proposition."""
        return np.any(self._side_bits[i] & self._side_bits[j], axis=1)

    # -- alignment -------------------------------------------------------------------------

    def align_sources(self, a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> SourcePairComparison:
        """The compared and related pairs of two sources, and the statements of each in neither.

        Two statements that take sides on a shared proposition are always compared, whatever their
        wording; each statement keeps its PER_STATEMENT closest such partners (so that a proposition
        many statements answer stays near-linear in size; a source's position on a proposition comes
        from its stances, not from these pairs). Two that share no proposition are `related` when
        their text similarity clears the threshold and each is among the other's RELATED_MUTUAL_K
        closest, at most MAX_RELATED per statement. Curators' confirmed links are always listed and
        rejected ones never. The result does not depend on the order of a and b.
        """
        if a == b:
            raise ValueError("compare a source with another source")
        first, second = sorted((a, b))
        ia = [self.position[r.ref] for r in self.corpus.source_map[first].statements]
        ib = [self.position[r.ref] for r in self.corpus.source_map[second].statements]
        decisions = self._link_decisions(first, second)
        scored = self._scores_kept(first, second, ia, ib, threshold)
        n_refs = np.int64(len(self.refs))
        decided = np.array([self.position[ra] * n_refs + self.position[rb] for ra, rb in decisions], dtype=np.int64)
        # A rejected pair must not take a place among a statement's closest partners either.
        undecided = ~np.isin(scored.i * n_refs + scored.j, decided)
        text = self.text_similarity(scored.lexical, scored.semantic)
        shares = self.shares_side(scored.i, scored.j)
        rank = self._ref_rank
        compared = undecided & shares
        close = np.where(compared, text, -np.inf)
        compared &= ((_rank_within(scored.i, rank[scored.j], close) < PER_STATEMENT)
                     | (_rank_within(scored.j, rank[scored.i], close) < PER_STATEMENT))
        eligible = undecided & ~shares & (text.astype(np.float64) >= threshold)
        similar = np.where(eligible, text, -np.inf)
        eligible &= ((_rank_within(scored.i, rank[scored.j], similar) < RELATED_MUTUAL_K)
                     & (_rank_within(scored.j, rank[scored.i], similar) < RELATED_MUTUAL_K))
        related = self._capped(scored, text, np.flatnonzero(eligible), MAX_RELATED)
        kept = [(int(scored.i[n]), int(scored.j[n]), float(text[n]), scored.signals(n))
                for n in [*np.flatnonzero(compared).tolist(), *related]]
        for (ref_a, ref_b), (kind, _) in decisions.items():
            if kind == "confirmed":
                i, j = self.position[ref_a], self.position[ref_b]
                one = self.scorer.score(Pairs.of([i], [j]))
                kept.append((i, j, float(self.text_similarity(one.lexical, one.semantic)[0]), one.signals(0)))
        pairs = []
        for i, j, score, sig in kept:
            ra, rb = self.refs[i], self.refs[j]
            relation, topics = pair_relation(ra.stances, rb.stances)
            decision = decisions.get((ra.ref, rb.ref))
            reviewed = decision is not None
            if decision is not None and decision[1] and decision[1] != relation:
                # the curator's relation overrides the stances, so every shared proposition is relevant
                relation = decision[1]
                topics = tuple(sorted(self.curated[i] & self.curated[j]))
            pairs.append(Pair(ra, rb, round(score, 4), sig, relation, topics, reviewed))
        pairs.sort(key=lambda p: (-p.score, p.a.ref, p.b.ref))
        matched_a = {p.a.ref for p in pairs}
        matched_b = {p.b.ref for p in pairs}
        only_a = tuple(self.refs[i] for i in ia if self.refs[i].ref not in matched_a)
        only_b = tuple(self.refs[j] for j in ib if self.refs[j].ref not in matched_b)
        result = SourcePairComparison(first, second, tuple(pairs), only_a, only_b)
        return result if first == a else _swap(result)

    def _capped(self, scored: Scored, score: np.ndarray, picked: np.ndarray, cap: int) -> list[int]:
        """The picked pairs, best first (ties by the statements' refs), each statement in at most cap."""
        rank = self._ref_rank
        picked = picked[np.lexsort((rank[scored.j[picked]], rank[scored.i[picked]], -score[picked]))]
        degree_a: dict[int, int] = {}
        degree_b: dict[int, int] = {}
        out = []
        for n, i, j in zip(picked.tolist(), scored.i[picked].tolist(), scored.j[picked].tolist(), strict=True):
            if degree_a.get(i, 0) >= cap or degree_b.get(j, 0) >= cap:
                continue
            degree_a[i] = degree_a.get(i, 0) + 1
            degree_b[j] = degree_b.get(j, 0) + 1
            out.append(n)
        return out

    def _scores_kept(self, first: str, second: str, ia: list[int], ib: list[int], floor: float) -> Scored:
        """The scored pairs of two sources that take sides on a shared proposition or whose text
        similarity reaches the floor; read from the score cache when the source pair is large and
        an earlier run saved them (score_cache.py)."""
        from positions import score_cache

        cache = self._score_cache(floor) if self.use_cache and len(ia) * len(ib) >= score_cache.MIN_PAIRS else None
        if cache is not None:
            saved = cache.get(first, second, len(self.refs))
            if saved is not None:
                return Scored(**saved)
        scored = self.candidate_scores(ia, ib, floor)
        text = self.text_similarity(scored.lexical, scored.semantic).astype(np.float64)
        scored = scored.where((text >= floor) | self.shares_side(scored.i, scored.j))
        if cache is not None:
            cache.put(first, second, {name: getattr(scored, name) for name in score_cache.FIELDS})
        return scored

    def _score_cache(self, floor: float) -> ScoreCache:
        """The score cache of this corpus, weights, floor and code."""
        from positions import __version__, score_cache
        from positions.cache import cache_dir
        from positions.embed import MODEL_ID
        from positions.fingerprint import code_fingerprint

        if floor not in self._score_caches:
            parts = [__version__, code_fingerprint(), MODEL_ID, repr(self.weights), repr(float(floor)),
                     repr(DENSE_PAIR_LIMIT)]
            parts += [t.model_dump_json() for t in self.corpus.topics]
            for r in self.refs:
                parts += [r.ref, r.text, repr(sorted(r.stances.items()))]
            self._score_caches[floor] = score_cache.ScoreCache(cache_dir(), score_cache.scores_key(parts))
        return self._score_caches[floor]

    def candidate_scores(self, ia: list[int], ib: list[int], floor: float | None = None) -> Scored:
        """Scores of every pair of the two sources, or of the candidate pairs when there are too
        many; the floor (on text similarity) lets scoring skip rapidfuzz where it cannot lift a
        pair to the floor, except on pairs that take sides on a shared proposition. Pairs below
        the floor stay in: `_scores_kept` leaves them out."""
        if len(ia) * len(ib) > DENSE_PAIR_LIMIT:
            pi, pj = self.candidate_pairs(ia, ib)
            return self.scorer.score(Pairs(pi, pj), floor=floor, keep=self.shares_side(pi, pj))
        block = Block.of(ia, ib)
        keep = self.shares_side(*block.flat()).reshape(block.shape)
        return self.scorer.score(block, floor, keep)

    def _link_decisions(self, first: str, second: str) -> dict[tuple[str, str], tuple[Decision, Relation | None]]:
        """Curators' decisions between two sources, keyed (ref in first, ref in second)."""
        out: dict[tuple[str, str], tuple[Decision, Relation | None]] = {}
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
        emb, centre = self._centred_embeddings()
        q_emb = centred(self.embedding_store().embed([self.normaliser.expand(query)]), centre)
        semantic_ = semantic(q_emb @ emb[idx].T)[0]
        tfidf = self.terms.query(q_norm.split(), idx)
        topics = w.concept_discount * self._concept_cosines(q_concepts, idx)
        fuzzy = np.zeros_like(tfidf)
        if w.fuzzy:
            # rapidfuzz only where it could lift a statement into the top `limit`
            cheap = self.scorer.without_fuzzy(tfidf, semantic_, topics)
            need = np.arange(len(idx))
            if len(idx) > limit:
                kth = np.partition(cheap, len(idx) - limit)[len(idx) - limit]
                need = np.flatnonzero(cheap + self.scorer.fuzzy_reach() >= kth - 1e-6)
            chosen = [idx[n] for n in need]
            fuzzy[need] = fuzzy_matrix([q_norm], [self.norm[i] for i in chosen],
                                       np.array([word_count(q_norm)], dtype=np.float32), self._word_counts[chosen])[0]
        lexical = self.scorer.lexical(tfidf, fuzzy)
        combined = w.lexical * lexical + w.semantic * semantic_ + w.topics * topics
        order = np.lexsort((self._ref_rank[idx], -combined))[:limit]
        return [Hit(self.refs[idx[n]], round(float(combined[n]), 4),
                    Signals(float(lexical[n]), float(semantic_[n]), float(topics[n]))) for n in order.tolist()]

    def _concept_cosines(self, concepts: frozenset[str], idx: list[int]) -> np.ndarray:
        """Cosine of a topic set against each statement's curated-or-mentioned topics."""
        if not concepts:
            return np.zeros(len(idx), dtype=np.float32)
        rows = self._either_rows[idx]
        known = [k for k in concepts if k in self._topic_column]
        shared = rows[:, [self._topic_column[k] for k in known]].sum(axis=1) if known else np.zeros(len(idx))
        return set_cosines(shared, rows.sum(axis=1) * len(concepts)).astype(np.float32)


def _swap(c: SourcePairComparison) -> SourcePairComparison:
    pairs = tuple(sorted((p.swapped() for p in c.pairs), key=lambda p: (-p.score, p.a.ref, p.b.ref)))
    return SourcePairComparison(c.b, c.a, pairs, c.only_b, c.only_a)


@dataclass(frozen=True)
class Comparison:
    """The result of comparing two or more sources: each source pair's compared and related pairs,
    and the stance matrix of the sources on the propositions (filtered like the pairs)."""

    sources: tuple[str, ...]
    threshold: float
    weights: Weights
    pairwise: tuple[SourcePairComparison, ...]
    matrix: StanceMatrix
    topics_filter: frozenset[str] | None = None  # proposition keys, when --topic was given
    relations_filter: tuple[str, ...] = field(default_factory=tuple)  # applied by the report


def compare_sources(matcher: Matcher, sources: list[str], threshold: float = DEFAULT_THRESHOLD,
                    topics: list[str] | None = None, relations: list[str] | None = None) -> Comparison:
    """Every pair of the given sources aligned and filtered by topic (or proposition), with each
    source's position on each proposition. The relations are recorded for the report, which
    shows only those and says what they hide."""
    corpus = matcher.corpus
    wanted = corpus.expand_topics(topics)
    pairwise = []
    source_pairs = list(combinations(sources, 2))
    step = matcher.progress.step("aligning sources", len(source_pairs))
    for a, b in source_pairs:
        c = matcher.align_sources(a, b, threshold)
        pairwise.append(_filter(c, wanted) if wanted else c)
        step.advance()
    step.close()
    matrix = stance_matrix(corpus, list(sources), wanted)
    return Comparison(tuple(sources), threshold, matcher.weights, tuple(pairwise), matrix, wanted,
                      tuple(relations or ()))


def _filter(c: SourcePairComparison, topics: frozenset[str]) -> SourcePairComparison:
    """The pairs and unmatched statements of a comparison on the given propositions."""
    def keep_pair(p: Pair) -> bool:
        return bool(topics & (set(p.a.stances) | set(p.b.stances) | set(p.topics)))

    return SourcePairComparison(
        c.a, c.b, tuple(p for p in c.pairs if keep_pair(p)),
        tuple(r for r in c.only_a if r.on_topics(topics)), tuple(r for r in c.only_b if r.on_topics(topics)),
    )
