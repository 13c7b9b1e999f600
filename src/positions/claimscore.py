"""The statement-to-proposition scorer: how likely a text answers a claim, in [0, 1].

One scorer serves two jobs: the suggester (positions.suggest: a statement against the propositions
of a corpus) and the ArgKP-2021 benchmark (benchmarks/argkp.py: a crowd argument against the key
points of its topic), which is the same task on public data with labels. Its weights were fitted
on the ArgKP-2021 *train* split only, chosen on train topic folds and the dev split, and the test
split was scored once (benchmarks/README.md). They ship in `weights/claim_scorer.json` and are read
offline; `SCORER_VERSION` (a hash of that file) goes into every cache key that depends on them.

Every score compares a set of *queries* (statements, arguments) with a set of *candidates*
(propositions, key points) against a *population*: the texts the candidates are usually scored
against (the corpus's statements; the arguments of an ArgKP topic). Two logistic stages:

1. pair and candidate-context features:
   * lexical - the matcher's lexical signal (IDF-weighted term cosine, 0.9, and rapidfuzz, 0.1);
   * cosine - of the raw WordLlama sentence vectors;
   * align_cand, align_query, align_f - a soft word alignment on WordLlama's token vectors: each
     token of one text meets its most similar token of the other, the similarities averaged with
     IDF weights (candidate's tokens, query's tokens, and their harmonic mean);
   * *_margin - how far the candidate stands above the query's best other candidate;
   * *_colz - how far the query stands above the population for this candidate (z-score), so a
     candidate that resembles every text does not win everywhere.
2. stage 1's logit with its margin and column z-score, and the neighbour features nb3 / nb10: the
   stage-1 probability of the candidate for the query's 3 (10) nearest texts of the population,
   weighted by their cosine to the query (texts that say the same thing answer the same claims).

numpy only; the WordLlama model (shipped in its wheel) gives the token vectors.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights" / "claim_scorer.json"
LEXICAL_FUZZY = 0.1  # share of rapidfuzz in the lexical feature (as scoring.Weights.fuzzy)
NEIGHBOURS = (3, 10)
COLZ_FLOOR = 1e-2  # added to a column's standard deviation


def _file_hash(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()
    except OSError:
        return "missing"


SCORER_VERSION = "claim-scorer-" + _file_hash(WEIGHTS_FILE)


# ---------------------------------------------------------------------------------------------
# texts

@dataclass(frozen=True)
class Texts:
    """What the scorer needs of a list of texts: normalised terms, unit sentence vectors (raw
    WordLlama, not centred) and WordLlama token ids."""

    norm: list[str]
    vectors: np.ndarray
    tokens: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.norm)

    def take(self, rows: Sequence[int]) -> Texts:
        rows = list(rows)
        return Texts([self.norm[i] for i in rows], self.vectors[rows], [self.tokens[i] for i in rows])


def token_ids(texts: list[str]) -> list[np.ndarray]:
    """WordLlama token ids of each text (loads the model from its wheel, no download)."""
    if not texts:
        return []
    from positions.embed import load_model

    model = load_model()
    top = model.embedding.shape[0] - 1
    out = []
    for enc in model.tokenize(list(texts)):
        ids = np.array([i for i, m in zip(enc.ids, enc.attention_mask, strict=True) if m], dtype=np.int64)
        out.append(np.clip(ids, 0, top))
    return out


@lru_cache(maxsize=1)
def _unit_token_vectors() -> np.ndarray:
    from positions.embed import load_model

    e = np.asarray(load_model().embedding, dtype=np.float32)
    return e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-9)


def make_texts(raw: list[str], norm: list[str], vectors: np.ndarray) -> Texts:
    return Texts(list(norm), np.asarray(vectors, dtype=np.float32), token_ids(list(raw)))


class Background:
    """Term and token weights (IDF) from a collection of texts: the corpus's statements and
    propositions, or an ArgKP split's arguments and key points."""

    def __init__(self, norm_docs: list[str], token_docs: list[np.ndarray]):
        from positions.tfidf import TermIndex

        self.terms = TermIndex([t.split() for t in norm_docs])
        n = max(1, len(token_docs))
        df = np.zeros(_vocab_size(), dtype=np.float64)
        for ids in token_docs:
            if len(ids):
                df[np.unique(ids)] += 1
        self.token_idf = np.log(1.0 + (n + 1) / np.maximum(df, 1.0)).astype(np.float32)

    def tfidf(self, a: list[str], b: list[str]) -> np.ndarray:
        """IDF-weighted term cosines of the texts a against the texts b, over the terms both sides
        use only (so memory follows the shared vocabulary, not the corpus's)."""
        wa = [self.terms.unit_weights(t.split()) for t in a]
        wb = [self.terms.unit_weights(t.split()) for t in b]
        shared = sorted({i for ids, _ in wa for i in ids} & {i for ids, _ in wb for i in ids})
        column = {t: n for n, t in enumerate(shared)}
        out = []
        for weights in (wa, wb):
            m = np.zeros((len(weights), len(shared)), dtype=np.float32)
            for r, (ids, w) in enumerate(weights):
                for i, x in zip(ids, w, strict=True):
                    n = column.get(i)
                    if n is not None:
                        m[r, n] = x
            out.append(m)
        return np.clip(out[0] @ out[1].T, 0.0, 1.0).astype(np.float32)


@lru_cache(maxsize=1)
def _vocab_size() -> int:
    from positions.embed import load_model

    return int(load_model().embedding.shape[0])


# ---------------------------------------------------------------------------------------------
# features

def _alignment(q: Texts, k: Texts, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(candidate side, query side) soft alignment of every query with every candidate."""
    vectors = _unit_token_vectors()
    nq, nk = len(q), len(k)
    cand = np.zeros((nq, nk), dtype=np.float32)
    query = np.zeros((nq, nk), dtype=np.float32)
    q_ids = [t for t in q.tokens]
    lengths = np.array([len(t) for t in q_ids], dtype=np.int64)
    if not nq or not nk or not lengths.sum():
        return cand, query
    flat = np.concatenate([t for t in q_ids if len(t)])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    nonempty = lengths > 0
    q_w = idf[flat]
    seg_w = np.add.reduceat(q_w, starts[nonempty])
    k_all = [ids for ids in k.tokens if len(ids)]
    if not k_all:
        return cand, query
    # similarities between the distinct tokens of the two sides, computed once
    q_unique, q_index = np.unique(flat, return_inverse=True)
    k_unique, k_index = np.unique(np.concatenate(k_all), return_inverse=True)
    table = vectors[k_unique] @ vectors[q_unique].T
    offset = 0
    for c, ids in enumerate(k.tokens):
        if not len(ids):
            continue
        sims = table[k_index[offset:offset + len(ids)]][:, q_index]   # candidate tokens x all query tokens
        offset += len(ids)
        k_w = idf[ids]
        best_for_k = np.maximum.reduceat(sims, starts[nonempty], axis=1)   # (k tokens, non-empty queries)
        cand[nonempty, c] = (k_w @ best_for_k) / k_w.sum()
        best_for_q = sims.max(axis=0) * q_w
        query[nonempty, c] = np.add.reduceat(best_for_q, starts[nonempty]) / seg_w
    return cand, query


def _row_margin(m: np.ndarray) -> np.ndarray:
    """Each value minus the best other value of its row (0 with a single column)."""
    if m.shape[1] < 2:
        return np.zeros_like(m)
    top2 = -np.sort(-m, axis=1)[:, :2]
    return (m - np.where(m >= top2[:, :1], top2[:, 1:2], top2[:, :1])).astype(np.float32)


def base_features(q: Texts, k: Texts, bg: Background) -> dict[str, np.ndarray]:
    """The pair features of every query against every candidate, with row margins."""
    from positions.scoring import fuzzy_matrix

    tfidf = bg.tfidf(q.norm, k.norm)
    fuzzy = fuzzy_matrix(q.norm, k.norm)
    f = {"tfidf": tfidf.astype(np.float32), "fuzzy": fuzzy}
    f["lexical"] = ((1 - LEXICAL_FUZZY) * tfidf + LEXICAL_FUZZY * fuzzy).astype(np.float32)
    f["cosine"] = (q.vectors @ k.vectors.T).astype(np.float32)
    cand, query = _alignment(q, k, bg.token_idf)
    f["align_cand"], f["align_query"] = cand, query
    f["align_f"] = (2 * cand * query / (cand + query + 1e-9)).astype(np.float32)
    for name in ("lexical", "cosine", "align_f", "tfidf"):
        f[f"{name}_margin"] = _row_margin(f[name])
    return f


@dataclass(frozen=True)
class Column:
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def of(cls, m: np.ndarray) -> Column:
        if not len(m):
            return cls(np.zeros(m.shape[1], np.float32), np.ones(m.shape[1], np.float32))
        return cls(m.mean(axis=0), m.std(axis=0))

    def z(self, m: np.ndarray) -> np.ndarray:
        return ((m - self.mean[None, :]) / (self.std[None, :] + COLZ_FLOOR)).astype(np.float32)


@dataclass(frozen=True)
class Stage:
    """A logistic regression on named features (coefficients on the raw feature scale)."""

    features: tuple[str, ...]
    coef: np.ndarray
    intercept: float

    def logit(self, f: dict[str, np.ndarray]) -> np.ndarray:
        out = np.full(f[self.features[0]].shape, self.intercept, dtype=np.float64)
        for w, name in zip(self.coef, self.features, strict=True):
            out += w * f[name]
        return out.astype(np.float32)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Stage:
        names = tuple(d["features"])
        return cls(names, np.array([float(d["coefficients"][n]) for n in names]), float(d["intercept"]))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


COLZ_OF = ("lexical", "cosine", "align_f")


@dataclass
class Population:
    """The population's stage-1 results: column statistics and probabilities for the neighbours."""

    texts: Texts
    columns: dict[str, Column]
    s1_column: Column
    s1_prob: np.ndarray  # population x candidates


@dataclass(frozen=True)
class Scores:
    probability: np.ndarray   # queries x candidates, in [0, 1]
    features: dict[str, np.ndarray]


class ClaimScorer:
    """The shipped two-stage scorer (see the module docstring)."""

    def __init__(self, stage1: Stage, stage2: Stage | None, meta: dict[str, Any] | None = None):
        self.stage1 = stage1
        self.stage2 = stage2
        self.meta = meta or {}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClaimScorer:
        return cls(Stage.from_dict(d["stage1"]), Stage.from_dict(d["stage2"]) if d.get("stage2") else None, d)

    @classmethod
    def shipped(cls) -> ClaimScorer:
        return _shipped()

    def stage1_features(self, f: dict[str, np.ndarray], columns: dict[str, Column]) -> dict[str, np.ndarray]:
        for name in COLZ_OF:
            f[f"{name}_colz"] = columns[name].z(f[name])
        return f

    def population(self, pop: Texts, k: Texts, bg: Background) -> Population:
        f = base_features(pop, k, bg)
        columns = {name: Column.of(f[name]) for name in COLZ_OF}
        self.stage1_features(f, columns)
        s1 = self.stage1.logit(f)
        return Population(pop, columns, Column.of(s1), sigmoid(s1))

    def score(self, q: Texts, k: Texts, bg: Background, pop: Population,
              exclude: list[set[int]] | None = None) -> Scores:
        """Probabilities of every query against every candidate. exclude[r]: population rows that
        are query r itself (left out of its neighbours)."""
        f = self.stage1_features(base_features(q, k, bg), pop.columns)
        s1 = self.stage1.logit(f)
        f["s1"] = s1
        if self.stage2 is None:
            return Scores(sigmoid(s1), f)
        sims = q.vectors @ pop.texts.vectors.T if len(pop.texts) else np.zeros((len(q), 0), np.float32)
        if exclude:
            for r, rows in enumerate(exclude):
                if rows:
                    sims[r, list(rows)] = -np.inf
        neighbour_features(f, s1, pop.s1_column, pop.s1_prob, sims)
        return Scores(sigmoid(self.stage2.logit(f)), f)


def neighbour_features(f: dict[str, np.ndarray], s1: np.ndarray, s1_column: Column, pop_prob: np.ndarray,
                       sims: np.ndarray) -> dict[str, np.ndarray]:
    """Stage 2's features: stage 1's logit, its row margin and column z-score, and the
    similarity-weighted stage-1 probability of each candidate for the query's nearest texts of the
    population (sims: queries x population cosines, -inf for texts to leave out)."""
    f["s1"] = s1
    f["s1_margin"] = _row_margin(s1)
    f["s1_colz"] = s1_column.z(s1)
    order = np.argsort(-sims, axis=1, kind="stable")
    for n in NEIGHBOURS:
        nn = order[:, :n]
        w = np.take_along_axis(sims, nn, axis=1)
        w = np.where(np.isfinite(w), np.maximum(w, 0.0), 0.0)
        if nn.shape[1]:
            value = (w[:, :, None] * pop_prob[nn]).sum(axis=1) / (w.sum(axis=1, keepdims=True) + 1e-6)
        else:
            value = np.zeros_like(s1)
        f[f"nb{n}"] = value.astype(np.float32)
        f[f"nb{n}_margin"] = _row_margin(f[f"nb{n}"])
    return f


@lru_cache(maxsize=1)
def _shipped() -> ClaimScorer:
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return ClaimScorer.from_dict(data)
