"""The score cache of large source pairs: reused when nothing changed, ignored when anything did,
harmless when corrupt, and never written with --no-cache."""

from __future__ import annotations

import time

import numpy as np
import pytest

from positions import match, score_cache
from positions.cache import cache_files, clear_cache
from positions.corpus import load_corpus
from positions.match import Matcher

from sample_corpus import SOURCES, TOPICS


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(folder))
    monkeypatch.setattr(score_cache, "MIN_PAIRS", 0)  # cache even the small sample corpus
    return folder


@pytest.fixture
def corpus(make_corpus):
    return load_corpus(make_corpus(sources=SOURCES, topics=TOPICS))


def aligned(corpus, **kw):
    c = Matcher(corpus, **{"use_cache": True, **kw}).align_sources("unions", "ministry")
    return [(p.a.ref, p.b.ref, p.score, p.signals, p.relation, p.topics) for p in c.pairs]


def score_files(folder):
    return sorted(p.name for p in folder.glob("scores-*.npz"))


def refuse_scoring(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("scored again")
    monkeypatch.setattr(Matcher, "candidate_scores", fail)


def test_second_run_reads_the_saved_scores_and_gives_the_same_pairs(cache, corpus, monkeypatch):
    first = aligned(corpus)
    assert first and len(score_files(cache)) == 1
    refuse_scoring(monkeypatch)
    assert aligned(corpus) == first  # same pairs, scores and signals, without scoring
    assert aligned(corpus, use_cache=True) == first


def test_other_threshold_or_changed_text_is_scored_again(cache, corpus, make_corpus, monkeypatch):
    aligned(corpus)
    Matcher(corpus, use_cache=True).align_sources("unions", "ministry", 0.6)
    assert len(score_files(cache)) == 2  # another floor, another file
    edited = {k: dict(v) for k, v in SOURCES.items()}
    statements = [dict(st) for st in edited["ministry"]["statements"]]
    statements[0]["text"] = statements[0]["text"] + " Edited."
    edited["ministry"]["statements"] = statements
    other = load_corpus(make_corpus(sources=edited, topics=TOPICS))
    refuse_scoring(monkeypatch)
    with pytest.raises(AssertionError, match="scored again"):
        aligned(other)


def test_a_corrupt_file_is_scored_again(cache, corpus):
    first = aligned(corpus)
    [name] = score_files(cache)
    (cache / name).write_bytes(b"not an npz file")
    assert aligned(corpus) == first
    with np.load(cache / name) as npz:  # and written anew
        assert len(npz["i"]) > 0


def test_indices_outside_the_corpus_are_not_trusted(cache, corpus):
    first = aligned(corpus)
    [name] = score_files(cache)
    with np.load(cache / name) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["j"] = arrays["j"] + 10_000
    np.savez(cache / name, **arrays)
    assert aligned(corpus) == first


def test_no_cache_writes_nothing(cache, corpus):
    aligned(corpus, use_cache=False)
    assert not cache.exists() or score_files(cache) == []


def test_small_source_pairs_are_not_cached(cache, corpus, monkeypatch):
    monkeypatch.setattr(score_cache, "MIN_PAIRS", 10**9)
    aligned(corpus)
    assert not cache.exists() or score_files(cache) == []


def test_only_the_newest_corpus_versions_are_kept(cache, corpus, monkeypatch):
    monkeypatch.setattr(score_cache, "KEEP_VERSIONS", 2)
    for threshold in (0.3, 0.4, 0.5):  # each threshold has its own floor: its own version
        Matcher(corpus, use_cache=True).align_sources("unions", "ministry", threshold)
        time.sleep(0.05)  # file times are coarse (a few milliseconds): keep the order clear
    assert len(score_files(cache)) == 2
    refuse_scoring(monkeypatch)
    Matcher(corpus, use_cache=True).align_sources("unions", "ministry", 0.5)  # kept
    Matcher(corpus, use_cache=True).align_sources("unions", "ministry", 0.4)  # kept
    with pytest.raises(AssertionError, match="scored again"):
        Matcher(corpus, use_cache=True).align_sources("unions", "ministry", 0.3)  # the oldest, deleted


def test_cache_clear_removes_the_score_files(cache, corpus):
    aligned(corpus)
    assert any(p.name.startswith("scores-") for p in cache_files(cache))
    clear_cache()
    assert score_files(cache) == []


def test_shipped_code_caches_large_source_pairs_only():
    # the shipped corpus's largest source pair (50 x 34 statements) is far below the limit
    assert match.DENSE_PAIR_LIMIT >= score_cache.MIN_PAIRS > 50 * 34
