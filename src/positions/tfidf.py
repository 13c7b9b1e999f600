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
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    # statement positions: an int64 array, or any sequence of ints (every method takes np.asarray of them)
    Rows: TypeAlias = npt.NDArray[np.int64] | Sequence[int]


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
            ids, weights = self.unit_weights(terms)
            indices.extend(ids)
            data.extend(weights)
            indptr.append(len(indices))
        self.indptr = np.array(indptr, dtype=np.int64)
        self.indices = np.array(indices, dtype=np.int64)
        self.data = np.array(data, dtype=np.float32)

    def unit_weights(self, terms: Sequence[str]) -> tuple[list[int], list[float]]:
        """The term ids of a text and their weights in its unit TF-IDF vector (words the index does
        not know are left out but lengthen the vector)."""
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

    def _dense(self, rows: Rows, shared: np.ndarray) -> np.ndarray:
        """Weights of statements `rows` over the sorted term ids `shared` (other terms dropped)."""
        position, terms, weights = self._entries(rows)
        column = np.minimum(np.searchsorted(shared, terms), len(shared) - 1)
        kept = shared[column] == terms
        out = np.zeros((len(rows), len(shared)), dtype=np.float32)
        out[position[kept], column[kept]] = weights[kept]
        return out

    def matrix(self, rows: Rows, cols: Rows) -> np.ndarray:
        """Cosines of statements `rows` against statements `cols`."""
        if not len(rows) or not len(cols):
            return np.zeros((len(rows), len(cols)), dtype=np.float32)
        shared = np.intersect1d(self._terms_of(rows), self._terms_of(cols))
        if not len(shared):
            return np.zeros((len(rows), len(cols)), dtype=np.float32)
        return np.clip(self._dense(rows, shared) @ self._dense(cols, shared).T, 0.0, 1.0)

    def _terms_of(self, rows: Rows) -> np.ndarray:
        return np.unique(self._entries(rows)[1])

    def pairwise(self, left: Rows, right: Rows) -> np.ndarray:
        """Cosine of left[k] with right[k] for each k (vectorised: no Python loop over pairs)."""
        left_rows = np.asarray(left, dtype=np.int64)
        right_rows = np.asarray(right, dtype=np.int64)
        if not len(left_rows):
            return np.zeros(0, dtype=np.float32)
        v = np.int64(len(self.vocabulary) + 1)
        lk, lw = self._expand(left_rows, v)
        rk, rw = self._expand(right_rows, v)
        if not len(lk) or not len(rk):
            return np.zeros(len(left_rows), dtype=np.float32)
        # (pair, term) keys are unique and ascending on each side (rows store their terms in
        # ascending order), so a binary search finds each pair's shared terms
        ri = np.minimum(np.searchsorted(rk, lk), len(rk) - 1)
        li = np.flatnonzero(rk[ri] == lk)
        ri = ri[li]
        out = np.bincount(lk[li] // v, weights=lw[li].astype(np.float64) * rw[ri], minlength=len(left_rows))
        return np.clip(out, 0.0, 1.0).astype(np.float32)

    def _entries(self, rows: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every stored (position in rows, term id, weight) of the statements `rows`."""
        v = np.int64(len(self.vocabulary) + 1)
        keys, weights = self._expand(np.asarray(rows, dtype=np.int64), v)
        return keys // v, keys % v, weights

    def _expand(self, rows: npt.NDArray[np.int64], v: np.int64) -> tuple[np.ndarray, np.ndarray]:
        lengths = self.indptr[rows + 1] - self.indptr[rows]
        pair = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        pos = np.repeat(self.indptr[rows], lengths) + offsets
        return pair * v + self.indices[pos], self.data[pos]

    def query(self, terms: Sequence[str], cols: Rows) -> np.ndarray:
        """Cosines of a free text's terms (weighted by this corpus's IDF) against statements `cols`."""
        ids, weights = self.unit_weights(terms)
        if not ids or not len(cols):
            return np.zeros(len(cols), dtype=np.float32)
        q = np.zeros(len(self.vocabulary), dtype=np.float64)
        q[ids] = weights
        # each stored weight times the query's weight for its term, summed per statement
        running = np.concatenate([[0.0], np.cumsum(self.data * q[self.indices])])
        per_row = running[self.indptr[1:]] - running[self.indptr[:-1]]
        return np.clip(per_row[np.asarray(cols, dtype=np.int64)], 0.0, 1.0).astype(np.float32)

    def shared_term_partners(self, rows: Rows, cols: Rows, k: int, terms_per_row: int,
                             max_postings: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Each row's k best columns by the part of their cosine that comes from the row's
        `terms_per_row` heaviest terms used by at most `max_postings` of the columns (an inverted
        index: the cost is bounded by rows * terms_per_row * max_postings, whatever the sizes).
        Returns (row, col) statement pairs, row-major, best first within a row."""
        row_ids = np.asarray(rows, dtype=np.int64)
        col_ids = np.asarray(cols, dtype=np.int64)
        none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        if not len(row_ids) or not len(col_ids) or not k:
            return none
        # postings of the columns: their (term, column, weight), sorted by term
        ccol, cterm, cweights = self._entries(col_ids)
        order = np.argsort(cterm, kind="stable")
        cterm, ccol, cweights = cterm[order], ccol[order], cweights[order]
        df = np.bincount(cterm, minlength=len(self.vocabulary))
        starts = np.concatenate([[0], np.cumsum(df)])
        # each row's heaviest terms among those rare enough in the columns
        rrow, rterm, rweights = self._entries(row_ids)
        usable = (df[rterm] > 0) & (df[rterm] <= max_postings)
        rterm, rrow, rweights = rterm[usable], rrow[usable], rweights[usable]
        heaviest = np.lexsort((rterm, -rweights, rrow))
        rterm, rrow, rweights = rterm[heaviest], rrow[heaviest], rweights[heaviest]
        first = np.searchsorted(rrow, rrow)  # index of each row's first entry
        chosen = np.arange(len(rrow)) - first < terms_per_row
        rterm, rrow, rweights = rterm[chosen], rrow[chosen], rweights[chosen]
        if not len(rterm):
            return none
        # join: every (row entry, posting of its term)
        lengths = df[rterm]
        entry = np.repeat(np.arange(len(rterm)), lengths)
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        posting = starts[rterm][entry] + offsets
        code = rrow[entry] * np.int64(len(col_ids)) + ccol[posting]
        unique, inverse = np.unique(code, return_inverse=True)
        score = np.bincount(inverse, weights=rweights[entry].astype(np.float64) * cweights[posting])
        r, c = unique // len(col_ids), unique % len(col_ids)
        best = np.lexsort((c, -score, r))
        r, c = r[best], c[best]
        keep = np.arange(len(r)) - np.searchsorted(r, r) < k
        return row_ids[r[keep]], col_ids[c[keep]]
