"""Candidate pairs, for source pairs too large to score every pair.

Scoring every pair of two sources costs their sizes multiplied; above match.DENSE_PAIR_LIMIT pairs
the matcher scores only candidates, found two ways, each close to linear in the corpus size:

* within each curated topic the two sources share, each statement's best partners by the cheap
  part of the combined score (everything but rapidfuzz): these are the pairs the shared-topic rule
  aligns, and ranking them by that score rather than by embedding alone keeps the ones the degree
  cap would keep;
* over the whole other source, for pairs that share no topic (such as a near-duplicate whose copy
  lost its stances): each statement's best partners by the IDF-weighted cosine of its rarest terms
  (an inverted index on stemmed terms, tfidf.TermIndex.shared_term_partners), and its nearest
  neighbours by embedding, found through clusters of the embeddings (an inverted-file index:
  spherical k-means, then each statement is compared only with the members of the clusters
  nearest to it). Static embeddings are diffuse, so the clusters miss some true neighbours; the
  term index catches the lexical ones, which are the ones that can clear the threshold without a
  shared topic (the semantic signal alone weighs 0.2).

benchmarks/scale.py measures what this costs in recall against scoring every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Within one shared topic: each statement's best partners by cheap score, in both directions.
PER_TOPIC = 20
# Over the whole other source: each statement's best partners by rare shared terms, and its
# nearest neighbours by embedding.
NEIGHBOURS = 10
# The heaviest terms of a statement looked up in the term index, and how common a term may be in
# the other source to be looked up (bounds the cost per statement whatever the corpus size).
TERMS_PER_STATEMENT = 5
MAX_POSTINGS = 50
# Clusters of the embeddings searched for each statement's neighbours.
PROBES = 4
KMEANS_ROUNDS = 8
KMEANS_SEED = 0
ASSIGN_BLOCK = 4096  # statements assigned to centroids at a time (bounds memory)


def block_top_codes(scores: np.ndarray, rows: np.ndarray, cols: np.ndarray, k: int, n: int) -> np.ndarray:
    """Pair codes (row * n + col) of each row's k best columns and each column's k best rows."""
    codes = [np.zeros(0, dtype=np.int64)]
    kr, kc = min(k, scores.shape[1]), min(k, scores.shape[0])
    if kr:
        top = np.argpartition(-scores, kr - 1, axis=1)[:, :kr]
        codes.append(np.repeat(rows, kr) * n + cols[top].reshape(-1))
    if kc:
        top = np.argpartition(-scores, kc - 1, axis=0)[:kc]
        codes.append(rows[top].reshape(-1) * n + np.tile(cols, kc))
    return np.concatenate(codes)


@dataclass(frozen=True)
class EmbeddingClusters:
    """Spherical k-means of unit embeddings: unit centroids and each statement's cluster."""

    centroids: np.ndarray
    assignment: np.ndarray

    @classmethod
    def fit(cls, embeddings: np.ndarray, clusters: int | None = None, rounds: int = KMEANS_ROUNDS) -> EmbeddingClusters:
        """About sqrt(n) clusters, so that assigning and searching both cost about n * sqrt(n).
        Seeded, so the same embeddings always give the same clusters."""
        n = len(embeddings)
        count = max(1, min(n, clusters or int(np.ceil(np.sqrt(n)))))
        rng = np.random.default_rng(KMEANS_SEED)
        centroids = embeddings[np.sort(rng.choice(n, count, replace=False))].astype(np.float32)
        assignment = _nearest_centroids(embeddings, centroids)
        for _ in range(rounds):
            sums = np.zeros_like(centroids)
            np.add.at(sums, assignment, embeddings)
            filled = np.bincount(assignment, minlength=count) > 0
            centroids[filled] = sums[filled] / (np.linalg.norm(sums[filled], axis=1, keepdims=True) + 1e-9)
            assignment = _nearest_centroids(embeddings, centroids)
        return cls(centroids, assignment)

    def nearest_codes(self, embeddings: np.ndarray, rows: np.ndarray, cols: np.ndarray, k: int,
                      probes: int = PROBES) -> np.ndarray:
        """Pair codes (row * n + col, n = len(embeddings)) of each row's k nearest columns among the
        members of its `probes` nearest clusters (exact within them)."""
        n = np.int64(len(embeddings))
        probes = min(probes, len(self.centroids))
        if not len(rows) or not len(cols) or not k:
            return np.zeros(0, dtype=np.int64)
        probed = np.argpartition(-(embeddings[rows] @ self.centroids.T), probes - 1, axis=1)[:, :probes]
        # columns grouped by cluster, and (row, slot) of every probe grouped by cluster
        col_order = np.argsort(self.assignment[cols], kind="stable")
        col_bounds = np.searchsorted(self.assignment[cols][col_order], np.arange(len(self.centroids) + 1))
        probe_row = np.repeat(np.arange(len(rows)), probes)
        probe_slot = np.tile(np.arange(probes), len(rows))
        probe_order = np.argsort(probed.reshape(-1), kind="stable")
        probe_bounds = np.searchsorted(probed.reshape(-1)[probe_order], np.arange(len(self.centroids) + 1))
        # each row's best k in each probed cluster, side by side; then the best k of those
        best = np.full((len(rows), probes * k), -np.inf, dtype=np.float32)
        best_col = np.zeros((len(rows), probes * k), dtype=np.int64)
        for c in range(len(self.centroids)):
            members = cols[col_order[col_bounds[c]:col_bounds[c + 1]]]
            asking = probe_order[probe_bounds[c]:probe_bounds[c + 1]]
            if not len(members) or not len(asking):
                continue
            r, slot = probe_row[asking], probe_slot[asking]
            sims = embeddings[rows[r]] @ embeddings[members].T
            kk = min(k, len(members))
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            place = slot[:, None] * k + np.arange(kk)[None, :]
            best[r[:, None], place] = np.take_along_axis(sims, top, axis=1)
            best_col[r[:, None], place] = members[top]
        kk = min(k, probes * k)
        keep = np.argpartition(-best, kk - 1, axis=1)[:, :kk]
        found = np.isfinite(np.take_along_axis(best, keep, axis=1))
        return (np.repeat(rows, kk) * n + np.take_along_axis(best_col, keep, axis=1).reshape(-1))[found.reshape(-1)]


def _nearest_centroids(embeddings: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return np.concatenate([np.argmax(embeddings[s:s + ASSIGN_BLOCK] @ centroids.T, axis=1)
                           for s in range(0, len(embeddings), ASSIGN_BLOCK)] or [np.zeros(0, dtype=np.int64)])


def swapped_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """The same pairs with row and column exchanged."""
    return (codes % n) * n + codes // n
