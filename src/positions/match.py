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
* topics   - overlap of the propositions the statements take stances on (cosine of the two sets);
             when a statement has none, the topics (themes) its text mentions through the aliases
             stand in, at a discount.

The *text similarity* of a pair is the lexical and semantic signals alone, in the proportion of
their weights; the *combined score* (weights in `Weights`) adds the topic signal and ranks search
hits and candidate pairs. `align_sources` lists two kinds of pairs: statements that take sides on
a shared proposition, always compared, whose relation comes from their sides
(`stances.pair_relation`); and statements that share no proposition but whose text similarity
clears the threshold, shown as `related` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

import numpy as np

from positions.models import Corpus, StatementRef
from positions.stances import StanceMatrix, pair_relation, stance_matrix
from positions.progress import SILENT
from positions.text import Normaliser
from positions.tfidf import TermIndex

# Two statements that share no proposition are shown as related only when their text similarity
# reaches this (see `Matcher.text_similarity`; chosen in benchmarks/README.md).
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


@dataclass(frozen=True)
class Hit:
    ref: StatementRef
    score: float
    signals: Signals


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


def _lengths(texts: list[str], given: np.ndarray | None) -> np.ndarray:
    if given is not None:
        return np.asarray(given, dtype=np.float32)
    return np.array([word_count(t) for t in texts], dtype=np.float32)


def lexical_matrix(a_norm: list[str], b_norm: list[str], a_len: np.ndarray | None = None,
                   b_len: np.ndarray | None = None) -> np.ndarray:
    """rapidfuzz scores of every normalised text in a against every one in b, in [0, 1]
    (a_len, b_len: their word counts, when already known)."""
    from rapidfuzz import fuzz, process

    if not a_norm or not b_norm:
        return np.zeros((len(a_norm), len(b_norm)), dtype=np.float32)
    a_len, b_len = _lengths(a_norm, a_len), _lengths(b_norm, b_len)
    sort = process.cdist(a_norm, b_norm, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=-1)
    tset = process.cdist(a_norm, b_norm, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1)
    ratio = np.minimum.outer(a_len, b_len) / np.maximum.outer(a_len, b_len)
    return ((sort + tset * np.sqrt(ratio)) / 200.0).astype(np.float32)


def lexical_pairwise(a_norm: list[str], b_norm: list[str], a_len: np.ndarray | None = None,
                     b_len: np.ndarray | None = None) -> np.ndarray:
    """rapidfuzz scores of a[k] against b[k] for each k, in [0, 1]."""
    from rapidfuzz import fuzz, process

    if not a_norm:
        return np.zeros(0, dtype=np.float32)
    a_len, b_len = _lengths(a_norm, a_len), _lengths(b_norm, b_len)
    sort = process.cpdist(a_norm, b_norm, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=-1)
    tset = process.cpdist(a_norm, b_norm, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1)
    ratio = np.minimum(a_len, b_len) / np.maximum(a_len, b_len)
    return ((sort + tset * np.sqrt(ratio)) / 200.0).astype(np.float32)


def semantic_matrix(a_emb: np.ndarray, b_emb: np.ndarray) -> np.ndarray:
    """Semantic scores in [0, 1] from centred unit embeddings (rows of a against rows of b)."""
    return np.clip(a_emb @ b_emb.T, 0.0, 1.0).astype(np.float32)


def _set_cosines(a_rows: np.ndarray, b_rows: np.ndarray) -> np.ndarray:
    """Cosine of 0/1 set rows of a against those of b (0 where either set is empty)."""
    shared = a_rows @ b_rows.T
    sizes = np.sqrt(np.outer(a_rows.sum(axis=1), b_rows.sum(axis=1)))
    return np.divide(shared, sizes, out=np.zeros_like(shared), where=sizes > 0)


def _row_set_cosines(a_rows: np.ndarray, b_rows: np.ndarray) -> np.ndarray:
    """Cosine of the set in a_rows[k] with the set in b_rows[k] for each k."""
    shared = np.einsum("ij,ij->i", a_rows, b_rows)
    sizes = np.sqrt(a_rows.sum(axis=1) * b_rows.sum(axis=1))
    return np.divide(shared, sizes, out=np.zeros_like(shared), where=sizes > 0)


PAIR_CHUNK = 8192  # pairs whose embeddings are gathered at a time: large gathers cost page faults


def _row_dots(rows: np.ndarray, pi: np.ndarray, pj: np.ndarray) -> np.ndarray:
    """rows[pi[k]] . rows[pj[k]] for each k."""
    out = np.empty(len(pi), dtype=np.float32)
    for start in range(0, len(pi), PAIR_CHUNK):
        end = start + PAIR_CHUNK
        out[start:end] = np.einsum("ij,ij->i", rows[pi[start:end]], rows[pj[start:end]])
    return out


@dataclass(frozen=True)
class Scored:
    """Scored pairs of statements, as parallel arrays: statement i[k] against j[k]."""

    i: np.ndarray
    j: np.ndarray
    combined: np.ndarray
    lexical: np.ndarray
    semantic: np.ndarray
    topics: np.ndarray

    def signals(self, n: int) -> Signals:
        return Signals(float(self.lexical[n]), float(self.semantic[n]), float(self.topics[n]))

    def where(self, mask: np.ndarray) -> "Scored":
        """The pairs where mask is true."""
        return Scored(self.i[mask], self.j[mask], self.combined[mask], self.lexical[mask], self.semantic[mask],
                      self.topics[mask])


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
        themes = [frozenset(theme_of.get(k, k) for k in cur) | con for cur, con in zip(self.curated, self.concepts)]
        props = sorted({k for t in self.curated for k in t})
        prop_column = {k: n for n, k in enumerate(props)}
        keys = sorted({k for t in themes for k in t})
        column = self._topic_column = {k: n for n, k in enumerate(keys)}
        self._curated_rows = np.zeros((len(self.refs), len(props)), dtype=np.float32)
        self._side_rows = np.zeros((len(self.refs), len(props)), dtype=np.float32)
        self._either_rows = np.zeros((len(self.refs), len(keys)), dtype=np.float32)
        # the sides as bits, 64 propositions a word, for "do these two answer a shared proposition?"
        self._side_bits = np.zeros((len(self.refs), max(1, -(-len(props) // 64))), dtype=np.uint64)
        for n, (cur, side, theme) in enumerate(zip(self.curated, self.sides, themes)):
            self._curated_rows[n, [prop_column[k] for k in cur]] = 1.0
            self._side_rows[n, [prop_column[k] for k in side]] = 1.0
            self._either_rows[n, [column[k] for k in theme]] = 1.0
            for k in side:
                self._side_bits[n, prop_column[k] // 64] |= np.uint64(1) << np.uint64(prop_column[k] % 64)
        self._embeddings: np.ndarray | None = None
        self._centre: np.ndarray | None = None
        self._store = None
        self._clusters = None  # of the embeddings, for candidate pairs (built when first needed)
        self._score_caches: dict = {}
        self._links = corpus.links
        self._suggester = None

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

    def _fuzzy_pairs(self, pi: np.ndarray, pj: np.ndarray) -> np.ndarray:
        return lexical_pairwise([self.norm[i] for i in pi], [self.norm[j] for j in pj],
                                self._word_counts[pi], self._word_counts[pj])

    def _fuzzy_reach(self) -> float:
        """The most the rapidfuzz part of the lexical signal can add to a combined score."""
        return self.weights.lexical * self.weights.fuzzy

    def _topic_matrix(self, ia: list[int], ib: list[int]) -> np.ndarray:
        """Topic signal of statements ia against ib: cosine of the curated topic sets when both have
        some, else the discounted cosine of curated-or-mentioned topics."""
        cur = _set_cosines(self._curated_rows[ia], self._curated_rows[ib])
        either = _set_cosines(self._either_rows[ia], self._either_rows[ib])
        both = (self._curated_rows[ia].any(axis=1)[:, None]) & (self._curated_rows[ib].any(axis=1)[None, :])
        return np.where(both, cur, self.weights.concept_discount * either).astype(np.float32)

    def _topic_pairs(self, pi: np.ndarray, pj: np.ndarray) -> np.ndarray:
        """The topic signal of pi[k] against pj[k] for each k."""
        out = np.empty(len(pi), dtype=np.float32)
        for start in range(0, len(pi), PAIR_CHUNK):
            a, b = pi[start:start + PAIR_CHUNK], pj[start:start + PAIR_CHUNK]
            ca, cb = self._curated_rows[a], self._curated_rows[b]
            both = ca.any(axis=1) & cb.any(axis=1)
            either = _row_set_cosines(self._either_rows[a], self._either_rows[b])
            out[start:start + PAIR_CHUNK] = np.where(both, _row_set_cosines(ca, cb), self.weights.concept_discount * either)
        return out

    def score_block(self, ia: list[int], ib: list[int], floor: float | None = None, keep: np.ndarray | None = None
                    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Combined scores and signal matrices for statements ia (rows) against ib (columns).

        With a floor on the text similarity, rapidfuzz runs only on pairs that could reach it, and
        on the pairs `keep` marks (the other signals are cheap matrix products); pairs left out then
        carry a lexical signal without it.
        """
        w = self.weights
        emb = self.embeddings
        semantic = semantic_matrix(emb[ia], emb[ib])
        tfidf = self.terms.matrix(ia, ib)
        topics = self._topic_matrix(ia, ib)
        share = w.fuzzy
        fuzzy = np.zeros_like(tfidf)
        if share and len(ia) and len(ib):
            if floor is None:
                fuzzy = lexical_matrix([self.norm[i] for i in ia], [self.norm[j] for j in ib],
                                       self._word_counts[ia], self._word_counts[ib])
            else:
                need = self._text_without_fuzzy(tfidf, semantic) + self._fuzzy_reach() >= floor - 1e-6
                xs, ys = np.nonzero(need if keep is None else need | keep)
                fuzzy[xs, ys] = self._fuzzy_pairs(np.asarray(ia)[xs], np.asarray(ib)[ys])
        lexical = ((1.0 - share) * tfidf + share * fuzzy).astype(np.float32)
        combined = w.lexical * lexical + w.semantic * semantic + w.topics * topics
        return combined, {"lexical": lexical, "semantic": semantic, "topics": topics}

    def score_pairs(self, pi: np.ndarray, pj: np.ndarray, floor: float | None = None,
                    keep: np.ndarray | None = None) -> "Scored":
        """Combined scores and signals of pi[k] against pj[k] for each k; with a floor on the text
        similarity, only the pairs that reach it or that `keep` marks (rapidfuzz runs only where it
        could make the difference)."""
        w = self.weights
        pi, pj = np.asarray(pi, dtype=np.int64), np.asarray(pj, dtype=np.int64)
        emb = self.embeddings
        semantic = np.clip(_row_dots(emb, pi, pj), 0.0, 1.0)
        tfidf = self.terms.pairwise(pi, pj)
        topics = self._topic_pairs(pi, pj)
        share = w.fuzzy
        fuzzy = np.zeros_like(tfidf)
        if share and len(pi):
            if floor is None:
                fuzzy = self._fuzzy_pairs(pi, pj)
            else:
                need = self._text_without_fuzzy(tfidf, semantic) + self._fuzzy_reach() >= floor - 1e-6
                need = np.flatnonzero(need if keep is None else need | keep)
                fuzzy[need] = self._fuzzy_pairs(pi[need], pj[need])
        lexical = ((1.0 - share) * tfidf + share * fuzzy).astype(np.float32)
        combined = (w.lexical * lexical + w.semantic * semantic + w.topics * topics).astype(np.float32)
        scored = Scored(pi, pj, combined, lexical, semantic, topics)
        if floor is None:
            return scored
        kept = self.text_similarity(lexical, semantic).astype(np.float64) >= floor
        return scored.where(kept if keep is None else kept | keep)

    def text_similarity(self, lexical: np.ndarray, semantic: np.ndarray) -> np.ndarray:
        """How alike two texts are, in [0, 1]: the lexical and semantic signals in the proportion of
        their weights (the topic signal left out)."""
        w = self.weights
        total = w.lexical + w.semantic
        if not total:  # a topics-only scorer (benchmarks): no text signal at all
            return np.zeros_like(np.asarray(lexical, dtype=np.float32))
        return ((w.lexical * lexical + w.semantic * semantic) / total).astype(np.float32)

    def _text_without_fuzzy(self, tfidf: np.ndarray, semantic: np.ndarray) -> np.ndarray:
        """The text similarity less its rapidfuzz part: a lower bound of it, within `_fuzzy_reach`."""
        w = self.weights
        return (w.lexical * (1.0 - w.fuzzy) * tfidf + w.semantic * semantic) / max(w.lexical + w.semantic, 1e-9)

    def _without_fuzzy(self, tfidf: np.ndarray, semantic: np.ndarray, topics: np.ndarray) -> np.ndarray:
        """The combined score less its rapidfuzz part: a lower bound of it, within `_fuzzy_reach`."""
        w = self.weights
        return w.lexical * ((1.0 - w.fuzzy) * tfidf) + w.semantic * semantic + w.topics * topics

    def cheap_block(self, ia: list[int], ib: list[int]) -> np.ndarray:
        """`_without_fuzzy` of ia (rows) against ib (columns)."""
        emb = self.embeddings
        return self._without_fuzzy(self.terms.matrix(ia, ib), semantic_matrix(emb[ia], emb[ib]),
                                   self._topic_matrix(ia, ib)).astype(np.float32)

    def candidate_pairs(self, ia: list[int], ib: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The likeliest pairs only, for source pairs too large to score every pair (candidates.py
        says how they are found)."""
        from positions import candidates

        ia_a, ib_a = np.asarray(ia, dtype=np.int64), np.asarray(ib, dtype=np.int64)
        n = len(self.refs)
        emb = self.embeddings
        if self._clusters is None:
            self._clusters = candidates.EmbeddingClusters.fit(emb)
        codes = [self._clusters.nearest_codes(emb, ia_a, ib_a, candidates.NEIGHBOURS, candidates.PROBES),
                 candidates.swapped_codes(self._clusters.nearest_codes(emb, ib_a, ia_a, candidates.NEIGHBOURS, candidates.PROBES), n)]
        for rows, cols, swap in ((ia_a, ib_a, False), (ib_a, ia_a, True)):
            r, c = self.terms.shared_term_partners(rows, cols, candidates.NEIGHBOURS, candidates.TERMS_PER_STATEMENT,
                                                   candidates.MAX_POSTINGS)
            codes.append(c * n + r if swap else r * n + c)
        side_a, side_b = self._side_rows[ia_a], self._side_rows[ib_a]
        for t in range(side_a.shape[1]):
            rows, cols = ia_a[side_a[:, t] > 0], ib_a[side_b[:, t] > 0]
            if len(rows) and len(cols):
                scores = self.cheap_block(rows.tolist(), cols.tolist())
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
        for (ra, rb), (decision, _) in decisions.items():
            if decision == "confirmed":
                i, j = self.position[ra], self.position[rb]
                one = self.score_pairs(np.array([i]), np.array([j]))
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

    def _capped(self, scored: "Scored", score: np.ndarray, picked: np.ndarray, cap: int) -> list[int]:
        """The picked pairs, best first (ties by the statements' refs), each statement in at most cap."""
        rank = self._ref_rank
        picked = picked[np.lexsort((rank[scored.j[picked]], rank[scored.i[picked]], -score[picked]))]
        degree_a: dict[int, int] = {}
        degree_b: dict[int, int] = {}
        out = []
        for n, i, j in zip(picked.tolist(), scored.i[picked].tolist(), scored.j[picked].tolist()):
            if degree_a.get(i, 0) >= cap or degree_b.get(j, 0) >= cap:
                continue
            degree_a[i] = degree_a.get(i, 0) + 1
            degree_b[j] = degree_b.get(j, 0) + 1
            out.append(n)
        return out

    def _scores_kept(self, first: str, second: str, ia: list[int], ib: list[int], floor: float) -> "Scored":
        """The scored pairs of two sources that take sides on a shared proposition or whose text
        similarity reaches the floor; read from the score cache when the source pair is large and
        an earlier run saved them (score_cache.py)."""
        from positions import score_cache

        cache = self._score_cache(floor) if self.use_cache and len(ia) * len(ib) >= score_cache.MIN_PAIRS else None
        if cache is not None:
            saved = cache.get(first, second, len(self.refs))
            if saved is not None:
                return Scored(**saved)
        scored = self._candidate_scores(ia, ib, floor)
        text = self.text_similarity(scored.lexical, scored.semantic).astype(np.float64)
        scored = scored.where((text >= floor) | self.shares_side(scored.i, scored.j))
        if cache is not None:
            cache.put(first, second, {name: getattr(scored, name) for name in score_cache.FIELDS})
        return scored

    def _score_cache(self, floor: float):
        """The score cache of this corpus, weights, floor and code."""
        from positions import __version__, score_cache
        from positions.fingerprint import code_fingerprint
        from positions.cache import cache_dir
        from positions.embed import MODEL_ID

        if floor not in self._score_caches:
            parts = [__version__, code_fingerprint(), MODEL_ID, repr(self.weights), repr(float(floor)),
                     repr(DENSE_PAIR_LIMIT)]
            parts += [t.model_dump_json() for t in self.corpus.topics]
            for r in self.refs:
                parts += [r.ref, r.text, repr(sorted(r.stances.items()))]
            self._score_caches[floor] = score_cache.ScoreCache(cache_dir(), score_cache.scores_key(parts))
        return self._score_caches[floor]

    def _candidate_scores(self, ia: list[int], ib: list[int], floor: float | None = None) -> "Scored":
        """Scores of every pair of the two sources, or of the candidate pairs when there are too
        many; the floor (on text similarity) lets scoring skip rapidfuzz where it cannot lift a
        pair to the floor, except on pairs that take sides on a shared proposition."""
        if len(ia) * len(ib) > DENSE_PAIR_LIMIT:
            pi, pj = self.candidate_pairs(ia, ib)
            return self.score_pairs(pi, pj, floor=floor, keep=self.shares_side(pi, pj))
        if not ia or not ib:
            return self.score_pairs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        pi = np.repeat(np.asarray(ia, dtype=np.int64), len(ib))
        pj = np.tile(np.asarray(ib, dtype=np.int64), len(ia))
        keep = self.shares_side(pi, pj).reshape(len(ia), len(ib))
        combined, sig = self.score_block(ia, ib, floor, keep)
        # pairs below the floor stay in: _scores_kept leaves them out, with the candidates' too
        return Scored(pi, pj, combined.reshape(-1), sig["lexical"].reshape(-1), sig["semantic"].reshape(-1),
                      sig["topics"].reshape(-1))

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
        tfidf = self.terms.query(q_norm.split(), idx)
        topics = w.concept_discount * self._concept_cosines(q_concepts, idx)
        fuzzy = np.zeros_like(tfidf)
        if w.fuzzy:
            # rapidfuzz only where it could lift a statement into the top `limit`
            cheap = self._without_fuzzy(tfidf, semantic, topics)
            need = np.arange(len(idx))
            if len(idx) > limit:
                kth = np.partition(cheap, len(idx) - limit)[len(idx) - limit]
                need = np.flatnonzero(cheap + self._fuzzy_reach() >= kth - 1e-6)
            chosen = [idx[n] for n in need]
            fuzzy[need] = lexical_matrix([q_norm], [self.norm[i] for i in chosen],
                                         np.array([word_count(q_norm)], dtype=np.float32), self._word_counts[chosen])[0]
        lexical = ((1.0 - w.fuzzy) * tfidf + w.fuzzy * fuzzy).astype(np.float32)
        combined = w.lexical * lexical + w.semantic * semantic + w.topics * topics
        order = np.lexsort((self._ref_rank[idx], -combined))[:limit]
        return [Hit(self.refs[idx[n]], round(float(combined[n]), 4),
                    Signals(float(lexical[n]), float(semantic[n]), float(topics[n]))) for n in order.tolist()]

    def _concept_cosines(self, concepts: frozenset[str], idx: list[int]) -> np.ndarray:
        """Cosine of a topic set against each statement's curated-or-mentioned topics."""
        if not concepts:
            return np.zeros(len(idx), dtype=np.float32)
        rows = self._either_rows[idx]
        known = [k for k in concepts if k in self._topic_column]
        shared = rows[:, [self._topic_column[k] for k in known]].sum(axis=1) if known else np.zeros(len(idx))
        size = rows.sum(axis=1)
        return np.where(size > 0, shared / np.sqrt(np.maximum(size, 1) * len(concepts)), 0.0).astype(np.float32)

    def suggest_topics(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The likeliest propositions for a new statement, with their scores in [0, 1]: the
        suggester's ranking (positions.suggest.Suggester, which also gives stances and evidence)."""
        if self._suggester is None:
            from positions.suggest import Suggester

            self._suggester = Suggester(self.corpus, self)
        return [(s.key, s.score) for s in self._suggester.suggest(text, limit=limit)]


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
