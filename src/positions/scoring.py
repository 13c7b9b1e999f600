"""The three signals that score a pair of statements, each defined once, and the sets of pairs
they are computed over.

Like rapidfuzz's `cdist`, which feeds any of its scorers every pair of two lists, the scorer here
(`PairScorer`) has one method per signal, and a signal is computed over a *pair set*: either
`Pairs` (statement i[k] against j[k] for each k: a list of candidate pairs, or one confirmed link)
or `Block` (every statement of `rows` against every statement of `cols`: a source pair scored
whole). A block is only a special set of pairs, so a signal is written once, in terms of the few
operations a pair set offers (`dot`, `outer`, `text_scores`, `term_cosines`); a block carries
them out with matrix products, which is the fast way to score every pair of two sources, and
gives a (rows, cols) matrix; a pair list with row-wise dot products, giving one value per pair.

Signals, each in [0, 1]:

* lexical  - on normalised text (text.Normaliser): mostly the cosine of IDF-weighted term vectors
             (tfidf.py), so rare shared words count for more than common ones; partly (share
             `Weights.fuzzy`) rapidfuzz's mean of token_sort_ratio and a length-guarded
             token_set_ratio (`fuzzy`), which tolerates misspellings and inflections the stemmer
             misses.
* semantic - cosine of WordLlama static sentence embeddings after removing the corpus's common
             direction (`centred`); negative cosines count as 0.
* topics   - overlap of the propositions the statements take stances on (cosine of the two sets);
             when either has none, the topics (themes) curated or mentioned through the aliases
             stand in, at a discount.

The combined score weighs the three (`Weights`); the text similarity is the lexical and semantic
signals alone, in the proportion of their weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from positions.tfidf import TermIndex


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
    """The three signals of one pair."""

    lexical: float
    semantic: float
    topics: float

    def as_dict(self) -> dict[str, float]:
        return {"lexical": round(self.lexical, 3), "semantic": round(self.semantic, 3), "topics": round(self.topics, 3)}


# -- embeddings -------------------------------------------------------------------------------

# The corpus mean embedding is shrunk by n / (n + CENTRE_PRIOR) before it is removed, so that a
# corpus of a handful of statements is barely centred (two centred vectors are always opposite).
CENTRE_PRIOR = 20


def centred(embeddings: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Unit vectors after removing a common direction: static embeddings of any two sentences
    share a large component, and centring leaves the part that tells them apart."""
    out = embeddings - centre
    out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-9
    return out.astype(np.float32)


def corpus_centre(embeddings: np.ndarray) -> np.ndarray:
    """The mean embedding, shrunk towards zero for small corpora (see CENTRE_PRIOR)."""
    n = len(embeddings)
    if not n:
        return np.zeros(embeddings.shape[1] if embeddings.ndim == 2 else 0, dtype=np.float32)
    return (embeddings.mean(axis=0) * (n / (n + CENTRE_PRIOR))).astype(np.float32)


def word_count(normalised: str) -> int:
    return max(1, len(normalised.split()))


# -- pair sets --------------------------------------------------------------------------------

PAIR_CHUNK = 8192  # pairs whose vectors are gathered at a time: large gathers cost page faults


@dataclass(frozen=True)
class Block:
    """Every item of `rows` against every item of `cols`; values come out as (rows, cols) matrices."""

    rows: np.ndarray
    cols: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[int], cols: Sequence[int]) -> Block:
        return cls(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.rows), len(self.cols))

    @property
    def size(self) -> int:
        return len(self.rows) * len(self.cols)

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs, row by row, as (i, j) arrays (the order of a matrix's .reshape(-1))."""
        return np.repeat(self.rows, len(self.cols)), np.tile(self.cols, len(self.rows))

    def select(self, mask: np.ndarray) -> Pairs:
        """The pairs where the (rows, cols) mask is true, row by row."""
        xs, ys = np.nonzero(mask)
        return Pairs(self.rows[xs], self.cols[ys])

    def dot(self, vectors: np.ndarray) -> np.ndarray:
        """vectors[row] . vectors[col] for each pair."""
        return vectors[self.rows] @ vectors[self.cols].T

    def outer(self, ufunc: np.ufunc, values: np.ndarray) -> np.ndarray:
        """ufunc(values[row], values[col]) for each pair."""
        return ufunc.outer(values[self.rows], values[self.cols])

    def text_scores(self, texts: Sequence[str], scorer: Callable[..., float]) -> np.ndarray:
        """A rapidfuzz scorer (0-100) of texts[row] against texts[col] for each pair."""
        from rapidfuzz import process

        return process.cdist([texts[r] for r in self.rows], [texts[c] for c in self.cols], scorer=scorer,
                             dtype=np.float32, workers=-1)

    def term_cosines(self, terms: TermIndex) -> np.ndarray:
        """TF-IDF cosines of each pair."""
        return terms.matrix(self.rows, self.cols)


@dataclass(frozen=True)
class Pairs:
    """Item i[k] against item j[k] for each k; values come out as one array, a value a pair."""

    i: np.ndarray
    j: np.ndarray

    @classmethod
    def of(cls, i: Sequence[int], j: Sequence[int]) -> Pairs:
        return cls(np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64))

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.i),)

    @property
    def size(self) -> int:
        return len(self.i)

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        return self.i, self.j

    def select(self, mask: np.ndarray) -> Pairs:
        return Pairs(self.i[mask], self.j[mask])

    def dot(self, vectors: np.ndarray) -> np.ndarray:
        out = np.empty(len(self.i), dtype=np.float32)
        for start in range(0, len(self.i), PAIR_CHUNK):
            end = start + PAIR_CHUNK
            out[start:end] = np.einsum("ij,ij->i", vectors[self.i[start:end]], vectors[self.j[start:end]])
        return out

    def outer(self, ufunc: np.ufunc, values: np.ndarray) -> np.ndarray:
        return ufunc(values[self.i], values[self.j])

    def text_scores(self, texts: Sequence[str], scorer: Callable[..., float]) -> np.ndarray:
        from rapidfuzz import process

        return process.cpdist([texts[i] for i in self.i], [texts[j] for j in self.j], scorer=scorer,
                              dtype=np.float32, workers=-1)

    def term_cosines(self, terms: TermIndex) -> np.ndarray:
        return terms.pairwise(self.i, self.j)


PairSet = Block | Pairs


# -- the signals ------------------------------------------------------------------------------


def semantic(cosines: np.ndarray) -> np.ndarray:
    """The semantic signal from cosines of centred unit embeddings: negative cosines count as 0."""
    return np.clip(cosines, 0.0, 1.0).astype(np.float32)


def set_cosines(shared: np.ndarray, size_products: np.ndarray) -> np.ndarray:
    """Cosine of two sets from the size of their intersection and the product of their sizes
    (0 where either set is empty)."""
    sizes = np.sqrt(size_products)
    return np.divide(shared, sizes, out=np.zeros_like(shared), where=sizes > 0)


def fuzzy(pairs: PairSet, texts: Sequence[str], lengths: np.ndarray) -> np.ndarray:
    """The rapidfuzz part of the lexical signal, in [0, 1]: the mean of token_sort_ratio and of
    token_set_ratio, the latter scaled by the square root of the shorter text's share of the
    longer's word count (so that a one-word subset of a long text is no match). `texts` are
    normalised texts, `lengths` their word counts."""
    from rapidfuzz import fuzz

    if not pairs.size:
        return np.zeros(pairs.shape, dtype=np.float32)
    sort = pairs.text_scores(texts, fuzz.token_sort_ratio)
    tset = pairs.text_scores(texts, fuzz.token_set_ratio)
    ratio = pairs.outer(np.minimum, lengths) / pairs.outer(np.maximum, lengths)
    return ((sort + tset * np.sqrt(ratio)) / 200.0).astype(np.float32)


def fuzzy_matrix(a_texts: Sequence[str], b_texts: Sequence[str], a_len: np.ndarray | None = None,
                 b_len: np.ndarray | None = None) -> np.ndarray:
    """`fuzzy` of every normalised text in a against every one in b, as a matrix (a_len, b_len:
    their word counts, when already known)."""
    lengths = np.concatenate([_lengths(a_texts, a_len), _lengths(b_texts, b_len)])
    block = Block.of(range(len(a_texts)), range(len(a_texts), len(a_texts) + len(b_texts)))
    return fuzzy(block, [*a_texts, *b_texts], lengths)


def _lengths(texts: Sequence[str], given: np.ndarray | None) -> np.ndarray:
    if given is not None:
        return np.asarray(given, dtype=np.float32)
    return np.array([word_count(t) for t in texts], dtype=np.float32)


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

    def where(self, mask: np.ndarray) -> Scored:
        """The pairs where mask is true."""
        return Scored(self.i[mask], self.j[mask], self.combined[mask], self.lexical[mask], self.semantic[mask],
                      self.topics[mask])


class PairScorer:
    """The signals and scores of pairs of statements of one corpus, over any pair set.

    texts: normalised texts; word_counts: their word counts; terms: their tfidf.TermIndex;
    embeddings: a function giving their centred unit embeddings (called when a semantic signal is
    first needed: combining signals that are already known needs no model); curated: 0/1 rows of
    the propositions each statement has a stance on; themes: 0/1 rows of the topics each has
    curated or mentions.
    """

    def __init__(self, weights: Weights, texts: Sequence[str], word_counts: np.ndarray, terms: TermIndex,
                 embeddings: Callable[[], np.ndarray], curated: np.ndarray, themes: np.ndarray):
        self.weights = weights
        self.texts = texts
        self.word_counts = word_counts
        self.terms = terms
        self._embeddings = embeddings
        self.curated = curated
        self.themes = themes
        self._curated_sizes = curated.sum(axis=1)
        self._theme_sizes = themes.sum(axis=1)
        self._has_curated = np.asarray(curated.any(axis=1))

    # -- one method per signal --------------------------------------------------------------

    def semantic(self, pairs: PairSet) -> np.ndarray:
        return semantic(pairs.dot(self._embeddings()))

    def tfidf(self, pairs: PairSet) -> np.ndarray:
        """The IDF-weighted term-vector cosine (the main part of the lexical signal)."""
        return pairs.term_cosines(self.terms)

    def fuzzy(self, pairs: PairSet) -> np.ndarray:
        """The rapidfuzz part of the lexical signal (`fuzzy`)."""
        return fuzzy(pairs, self.texts, self.word_counts)

    def topics(self, pairs: PairSet) -> np.ndarray:
        """Cosine of the two statements' curated proposition sets when both have some, else the
        discounted cosine of their curated-or-mentioned topic sets."""
        curated = set_cosines(pairs.dot(self.curated), pairs.outer(np.multiply, self._curated_sizes))
        either = set_cosines(pairs.dot(self.themes), pairs.outer(np.multiply, self._theme_sizes))
        both = pairs.outer(np.logical_and, self._has_curated)
        return np.where(both, curated, self.weights.concept_discount * either).astype(np.float32)

    # -- combining them -----------------------------------------------------------------------

    def lexical(self, tfidf: np.ndarray, fuzzy: np.ndarray) -> np.ndarray:
        share = self.weights.fuzzy
        return ((1.0 - share) * tfidf + share * fuzzy).astype(np.float32)

    def combined(self, lexical: np.ndarray, semantic: np.ndarray, topics: np.ndarray) -> np.ndarray:
        w = self.weights
        return (w.lexical * lexical + w.semantic * semantic + w.topics * topics).astype(np.float32)

    def text_similarity(self, lexical: np.ndarray, semantic: np.ndarray) -> np.ndarray:
        """How alike two texts are, in [0, 1]: the lexical and semantic signals in the proportion of
        their weights (the topic signal left out)."""
        w = self.weights
        total = w.lexical + w.semantic
        if not total:  # a topics-only scorer (benchmarks): no text signal at all
            return np.zeros_like(np.asarray(lexical, dtype=np.float32))
        return ((w.lexical * lexical + w.semantic * semantic) / total).astype(np.float32)

    def fuzzy_reach(self) -> float:
        """The most the rapidfuzz part of the lexical signal can add to a combined score."""
        return self.weights.lexical * self.weights.fuzzy

    def text_without_fuzzy(self, tfidf: np.ndarray, semantic: np.ndarray) -> np.ndarray:
        """The text similarity less its rapidfuzz part: a lower bound of it, within `fuzzy_reach`."""
        w = self.weights
        return (w.lexical * (1.0 - w.fuzzy) * tfidf + w.semantic * semantic) / max(w.lexical + w.semantic, 1e-9)

    def without_fuzzy(self, tfidf: np.ndarray, semantic: np.ndarray, topics: np.ndarray) -> np.ndarray:
        """The combined score less its rapidfuzz part: a lower bound of it, within `fuzzy_reach`."""
        w = self.weights
        return w.lexical * ((1.0 - w.fuzzy) * tfidf) + w.semantic * semantic + w.topics * topics

    # -- scoring a pair set -------------------------------------------------------------------

    def cheap(self, pairs: PairSet) -> np.ndarray:
        """`without_fuzzy` of each pair: every signal but the costly rapidfuzz one."""
        return self.without_fuzzy(self.tfidf(pairs), self.semantic(pairs), self.topics(pairs)).astype(np.float32)

    def score(self, pairs: PairSet, floor: float | None = None, keep: np.ndarray | None = None) -> Scored:
        """The signals and combined score of every pair of the set, flattened row by row.

        With a floor on the text similarity, rapidfuzz runs only on the pairs that could reach it
        and on those `keep` marks (of the set's shape); the pairs left out carry a lexical signal
        without it (they stay in the result: the caller leaves out those below the floor).
        """
        semantic = self.semantic(pairs)
        tfidf = self.tfidf(pairs)
        topics = self.topics(pairs)
        fuzzy = np.zeros_like(tfidf)
        if self.weights.fuzzy and pairs.size:
            if floor is None:
                fuzzy = self.fuzzy(pairs)
            else:
                need = self.text_without_fuzzy(tfidf, semantic) + self.fuzzy_reach() >= floor - 1e-6
                if keep is not None:
                    need = need | keep
                fuzzy[need] = self.fuzzy(pairs.select(need))
        lexical = self.lexical(tfidf, fuzzy)
        combined = self.combined(lexical, semantic, topics)
        i, j = pairs.flat()
        return Scored(i, j, combined.reshape(-1), lexical.reshape(-1), semantic.reshape(-1), topics.reshape(-1))
