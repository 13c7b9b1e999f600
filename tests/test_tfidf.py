"""IDF-weighted term vectors: cosines against a dense reference, and the inverted-index lookup."""

from __future__ import annotations

import numpy as np
import pytest

from positions.tfidf import TermIndex

DOCS = [
    "lived experience mentor probation".split(),
    "probation caseload caseload high".split(),
    "unpaid work community payback".split(),
    "community payback unpaid work local".split(),
    "probation".split(),
    [],
    "mentor lived experience peer support".split(),
    "caseload reduce probation officer".split(),
]


def dense(index: TermIndex) -> np.ndarray:
    out = np.zeros((index.documents, len(index.vocabulary)))
    for i in range(index.documents):
        lo, hi = index.indptr[i], index.indptr[i + 1]
        out[i, index.indices[lo:hi]] = index.data[lo:hi]
    return out


@pytest.fixture
def index():
    return TermIndex(DOCS)


def test_vectors_are_unit_and_rarer_terms_weigh_more(index):
    d = dense(index)
    norms = np.linalg.norm(d, axis=1)
    assert np.allclose(norms[[0, 1, 2, 3, 4, 6, 7]], 1.0, atol=1e-6) and norms[5] == 0
    row = d[0]
    assert row[index.vocabulary["mentor"]] > row[index.vocabulary["probation"]]


def test_matrix_and_pairwise_equal_the_dense_cosines(index):
    d = dense(index)
    reference = np.clip(d @ d.T, 0, 1)
    rows, cols = [0, 2, 5, 7], [1, 3, 4, 6, 5]
    assert np.allclose(index.matrix(rows, cols), reference[np.ix_(rows, cols)], atol=1e-6)
    left = np.array([0, 2, 3, 5, 6, 1, 7])
    right = np.array([6, 3, 2, 0, 0, 7, 7])
    assert np.allclose(index.pairwise(left, right), reference[left, right], atol=1e-6)
    assert index.pairwise([5], [5]).tolist() == [0.0]  # empty statements share nothing


def test_shared_term_partners_ranks_by_the_rare_terms(index):
    rows, cols = [0, 2], [1, 3, 4, 6, 7]
    r, c = index.shared_term_partners(rows, cols, k=2, terms_per_row=5, max_postings=10)
    got = list(zip(r.tolist(), c.tolist()))
    # statement 0 shares "lived experience mentor" with 6 and only "probation" with 1, 4 and 7
    assert got[0] == (0, 6)
    assert (2, 3) in got
    assert sum(1 for a, _ in got if a == 0) == 2  # k per row


def test_shared_term_partners_skips_terms_too_common_in_the_columns(index):
    # "probation" is in 3 of these columns: over max_postings=2 it is not looked up
    r, c = index.shared_term_partners([4], [1, 7, 0], k=5, terms_per_row=5, max_postings=2)
    assert len(r) == 0
    r, c = index.shared_term_partners([4], [1, 7, 0], k=5, terms_per_row=5, max_postings=3)
    assert sorted(c.tolist()) == [0, 1, 7]


def test_shared_term_partners_looks_up_only_the_heaviest_terms(index):
    # statement 0's terms found in these columns: lived, experience, mentor (in 6, rare) and
    # probation (in 1, common); one term looked up is a rare one, so 1 is not reached
    r, c = index.shared_term_partners([0], [1, 6], k=5, terms_per_row=1, max_postings=10)
    assert c.tolist() == [6]
    r, c = index.shared_term_partners([0], [1, 6], k=5, terms_per_row=4, max_postings=10)
    assert c.tolist() == [6, 1]  # best first
