"""IDF-weighted term vectors of normalised statements, and their cosines.

A word that most statements use ("probation", "offender") says little about which statements
belong together; a rarer one ("lived experience", "payback") says a lot. Each statement becomes a
vector of its stems weighted by sublinear term frequency times inverse document frequency over
the corpus, normalised to unit length, so the cosine of two vectors is in [0, 1].

Vectors are stored sparsely (CSR-style arrays) so that corpora of tens of thousands of statements
fit in memory; blocks of scores are computed densely over only the terms the two sides share.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def idf_of(document_frequency: int, documents: int) -> float:
    """Smoothed inverse document frequency: always positive, largest for terms in one document."""
    return math.log(1.0 + documents / max(1, document_frequency))


class TermIndex:
    """Unit TF-IDF vectors of a list of term lists (one per statement)."""

    def __init__(self, documents: Sequence[Sequence[str]]):
        df: dict[str, int] = {}
        for terms in documents:
            for t in set(terms):
                df[t] = df.get(t, 0) + 1
        self.documents = len(documents)
        self.vocabulary = {t: n for n, t in enumerate(sorted(df))}
        self.idf = np.array([idf_of(df[t], self.documents) for t in sorted(df)], dtype=np.float32)
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for terms in documents:
            ids, weights = self._weights(terms)
            indices.extend(ids)
            data.extend(weights)
            indptr.append(len(indices))
        self.indptr = np.array(indptr, dtype=np.int64)
        self.indices = np.array(indices, dtype=np.int64)
        self.data = np.array(data, dtype=np.float32)

    def _weights(self, terms: Sequence[str]) -> tuple[list[int], list[float]]:
        counts: dict[str, int] = {}
        for t in terms:
            counts[t] = counts.get(t, 0) + 1
        ids, weights = [], []
        unknown = 0.0
        for t in sorted(counts):
            w = 1.0 + math.log(counts[t])
            n = self.vocabulary.get(t)
            if n is None:
                # a word no statement uses still lengthens the text it is in
                unknown += (w * idf_of(1, self.documents + 1)) ** 2
                continue
            ids.append(n)
            weights.append(w * float(self.idf[n]))
        norm = math.sqrt(sum(x * x for x in weights) + unknown) or 1.0
        return ids, [x / norm for x in weights]

    def _row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self.indices[self.indptr[i]:self.indptr[i + 1]], self.data[self.indptr[i]:self.indptr[i + 1]]

    def _dense(self, rows: Sequence[int], columns: dict[int, int]) -> np.ndarray:
        out = np.zeros((len(rows), len(columns)), dtype=np.float32)
        for r, i in enumerate(rows):
            ids, w = self._row(i)
            for t, x in zip(ids.tolist(), w.tolist()):
                c = columns.get(t)
                if c is not None:
                    out[r, c] = x
        return out

    def matrix(self, rows: Sequence[int], cols: Sequence[int]) -> np.ndarray:
        """Cosines of statements `rows` against statements `cols`."""
        if not rows or not cols:
            return np.zeros((len(rows), len(cols)), dtype=np.float32)
        shared = np.intersect1d(self._terms_of(rows), self._terms_of(cols))
        if not len(shared):
            return np.zeros((len(rows), len(cols)), dtype=np.float32)
        columns = {int(t): n for n, t in enumerate(shared)}
        return np.clip(self._dense(rows, columns) @ self._dense(cols, columns).T, 0.0, 1.0)

    def _terms_of(self, rows: Sequence[int]) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        if not len(rows):
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate([self.indices[s:e] for s, e in zip(starts.tolist(), ends.tolist())]))

    def pairwise(self, left: Sequence[int], right: Sequence[int]) -> np.ndarray:
        """Cosine of left[k] with right[k] for each k (vectorised: no Python loop over pairs)."""
        left = np.asarray(left, dtype=np.int64)
        right = np.asarray(right, dtype=np.int64)
        if not len(left):
            return np.zeros(0, dtype=np.float32)
        v = np.int64(len(self.vocabulary) + 1)
        lk, lw = self._expand(left, v)
        rk, rw = self._expand(right, v)
        # (pair, term) keys are unique on each side, so matching keys are the shared terms of a pair
        common, li, ri = np.intersect1d(lk, rk, assume_unique=True, return_indices=True)
        out = np.zeros(len(left), dtype=np.float64)
        np.add.at(out, common // v, lw[li].astype(np.float64) * rw[ri])
        return np.clip(out, 0.0, 1.0).astype(np.float32)

    def _expand(self, rows: np.ndarray, v: np.int64) -> tuple[np.ndarray, np.ndarray]:
        lengths = self.indptr[rows + 1] - self.indptr[rows]
        pair = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        pos = np.repeat(self.indptr[rows], lengths) + offsets
        return pair * v + self.indices[pos], self.data[pos]

    def query(self, terms: Sequence[str], cols: Sequence[int]) -> np.ndarray:
        """Cosines of a free text's terms (weighted by this corpus's IDF) against statements `cols`."""
        ids, weights = self._weights(terms)
        if not ids or not len(cols):
            return np.zeros(len(cols), dtype=np.float32)
        q = np.zeros(len(self.vocabulary), dtype=np.float64)
        q[ids] = weights
        # each stored weight times the query's weight for its term, summed per statement
        running = np.concatenate([[0.0], np.cumsum(self.data * q[self.indices])])
        per_row = running[self.indptr[1:]] - running[self.indptr[:-1]]
        return np.clip(per_row[np.asarray(cols, dtype=np.int64)], 0.0, 1.0).astype(np.float32)
