"""Candidate pairs for large source pairs: each way of finding them against brute force, and the
matcher's candidate path against exhaustive scoring."""

from __future__ import annotations

import random

import numpy as np
import pytest

from positions import candidates, match
from positions.candidates import EmbeddingClusters, block_top_codes, swapped_codes
from positions.corpus import load_corpus
from positions.match import Matcher

from sample_corpus import SOURCES, TOPICS


def unit_rows(n: int, dim: int = 16, seed: int = 1) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_block_top_codes_takes_each_rows_and_each_columns_best():
    scores = np.array([[0.9, 0.1, 0.5],
                       [0.2, 0.8, 0.7]], dtype=np.float32)
    rows, cols, n = np.array([10, 11]), np.array([20, 21, 22]), 100
    got = set(block_top_codes(scores, rows, cols, 1, n).tolist())
    # row bests: 10-20, 11-21; column bests: 20-10, 21-11, 22-11
    assert got == {10 * n + 20, 11 * n + 21, 11 * n + 22}
    assert set(block_top_codes(scores, rows, cols, 5, n).tolist()) == {r * n + c for r in rows for c in cols}


def test_swapped_codes_exchange_row_and_column():
    assert swapped_codes(np.array([3 * 10 + 7]), 10).tolist() == [7 * 10 + 3]


def test_clusters_are_deterministic_and_assign_the_nearest_centroid():
    emb = unit_rows(400)
    one, two = EmbeddingClusters.fit(emb), EmbeddingClusters.fit(emb.copy())
    assert np.array_equal(one.centroids, two.centroids) and np.array_equal(one.assignment, two.assignment)
    assert len(one.centroids) == 20  # about sqrt(n)
    assert np.array_equal(one.assignment, np.argmax(emb @ one.centroids.T, axis=1))


def test_probing_every_cluster_gives_the_exact_nearest_neighbours():
    emb = unit_rows(300)
    clusters = EmbeddingClusters.fit(emb)
    rows, cols = np.arange(0, 120), np.arange(120, 300)
    got = clusters.nearest_codes(emb, rows, cols, 5, probes=len(clusters.centroids))
    sims = emb[rows] @ emb[cols].T
    exact = np.repeat(rows, 5) * 300 + cols[np.argsort(-sims, axis=1)[:, :5]].reshape(-1)
    assert sorted(got.tolist()) == sorted(exact.tolist())
    fewer = clusters.nearest_codes(emb, rows, cols, 5, probes=2)
    assert len(fewer) <= len(exact) and len(np.unique(fewer)) == len(fewer)


WORDS = ("caseload officer court order hostel housing training mentor charity contract region trust "
         "victim report sentence licence recall payback tag curfew family employment benefit debt "
         "addiction treatment women youth prison release partnership funding budget inspection").split()


def big_corpus(make_corpus, n=40):
    """Two sources of n statements of random words on different topics; a0 is copied to b without
    its stances."""
    rng = random.Random(7)

    def text():
        return " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "."

    first, *others = [t["key"] for t in TOPICS]
    a = [{"id": f"a{i}", "text": text(), "stances": {first: "support"}} for i in range(n)]
    b = [{"id": f"b{i}", "text": text(), "stances": {rng.choice(others): rng.choice(["support", "oppose"])}}
         for i in range(n)]
    b.append({"id": "copy", "text": a[0]["text"].replace(".", " today.")})
    return load_corpus(make_corpus(sources={"a": {"name": "A", "statements": a}, "b": {"name": "B", "statements": b}},
                                   topics=TOPICS))


def aligned(corpus):
    return {(p.a.ref, p.b.ref, p.score, p.relation) for p in Matcher(corpus).align_sources("a", "b").pairs}


def test_candidate_scoring_equals_exhaustive_when_candidates_cover_every_pair(make_corpus, monkeypatch):
    corpus = load_corpus(make_corpus(sources=SOURCES, topics=TOPICS))
    keys = [s.key for s in corpus.sources]
    exhaustive = {(a, b): aligned_of(corpus, a, b) for a, b in zip(keys, keys[1:])}
    monkeypatch.setattr(match, "DENSE_PAIR_LIMIT", 0)
    assert {(a, b): aligned_of(corpus, a, b) for a, b in zip(keys, keys[1:])} == exhaustive
    assert any(exhaustive.values())


def aligned_of(corpus, a, b):
    return {(p.a.ref, p.b.ref, p.score, p.relation, p.topics) for p in Matcher(corpus).align_sources(a, b).pairs}


@pytest.mark.parametrize("disabled", ["clusters", "terms"])
def test_a_stanceless_copy_is_found_when_one_way_of_finding_candidates_misses_it(make_corpus, monkeypatch, disabled):
    corpus = big_corpus(make_corpus)
    monkeypatch.setattr(match, "DENSE_PAIR_LIMIT", 0)
    monkeypatch.setattr(candidates, "NEIGHBOURS", 3)
    if disabled == "clusters":
        monkeypatch.setattr(EmbeddingClusters, "nearest_codes", lambda *a, **k: np.zeros(0, dtype=np.int64))
    else:
        monkeypatch.setattr(candidates, "TERMS_PER_STATEMENT", 0)
        monkeypatch.setattr(candidates, "PROBES", 10**6)  # every cluster: exact neighbours
    pairs = {(p.a.ref, p.b.ref) for p in Matcher(corpus).align_sources("a", "b").pairs}
    assert ("a/a0", "b/copy") in pairs


def test_with_no_way_of_finding_it_the_copy_is_lost(make_corpus, monkeypatch):
    # the control for the test above: it fails if candidates are not what decides
    corpus = big_corpus(make_corpus)
    monkeypatch.setattr(match, "DENSE_PAIR_LIMIT", 0)
    monkeypatch.setattr(candidates, "TERMS_PER_STATEMENT", 0)
    monkeypatch.setattr(EmbeddingClusters, "nearest_codes", lambda *a, **k: np.zeros(0, dtype=np.int64))
    pairs = {(p.a.ref, p.b.ref) for p in Matcher(corpus).align_sources("a", "b").pairs}
    assert ("a/a0", "b/copy") not in pairs
    monkeypatch.setattr(match, "DENSE_PAIR_LIMIT", 10**9)
    assert ("a/a0", "b/copy") in {(p.a.ref, p.b.ref) for p in Matcher(corpus).align_sources("a", "b").pairs}
