"""The matching library: signals, alignment rule, relations, search, determinism, offline use."""

from __future__ import annotations

import socket

import pytest

from positions.corpus import load_corpus
from positions.match import (
    DEFAULT_THRESHOLD,
    MAX_LINKS,
    Matcher,
    Weights,
    compare_sources,
    lexical_matrix,
    relation_of,
    source_stance,
)
from positions.text import Normaliser

from sample_corpus import SOURCES, TOPICS


@pytest.fixture
def corpus(make_corpus):
    return load_corpus(make_corpus(sources=SOURCES, topics=TOPICS))


@pytest.fixture
def matcher(corpus):
    return Matcher(corpus)


def refs(comparison):
    return {(p.a.ref, p.b.ref): p.relation for p in comparison.pairs}


def test_relation_needs_opposing_or_matching_stances():
    assert relation_of({"x": "support"}, {"x": "oppose"}) == ("disagree", ("x",))
    assert relation_of({"x": "support"}, {"x": "support"}) == ("agree", ("x",))
    assert relation_of({"x": "oppose"}, {"x": "oppose"}) == ("agree", ("x",))
    assert relation_of({"x": "mixed"}, {"x": "support"}) == ("related", ("x",))
    assert relation_of({"x": "neutral"}, {"x": "neutral"}) == ("related", ("x",))
    assert relation_of({}, {"x": "support"}) == ("related", ())
    # disagreement on one topic outweighs agreement on another
    assert relation_of({"x": "support", "y": "support"}, {"x": "oppose", "y": "support"})[0] == "disagree"


def test_source_stance_aggregates_statements(corpus):
    unions = corpus.source_map["unions"].statements
    assert source_stance(unions, "public-ownership") == "support"
    assert source_stance(unions, "nothing-here") == "silent"


def test_alignment_finds_the_expected_pairs_with_relations(matcher):
    result = matcher.align_sources("unions", "ministry", DEFAULT_THRESHOLD)
    found = refs(result)
    assert found[("unions/public-service", "ministry/mixed-market")] == "disagree"
    assert found[("unions/upw-communities", "ministry/unpaid-work")] == "agree"
    assert found[("unions/psr-quality", "ministry/advice-to-court")] == "agree"
    # the canteen statement has nothing to do with digital investment
    assert ("unions/tea", "ministry/digital") not in found
    assert {r.ref for r in result.only_a} >= {"unions/tea"}
    assert {r.ref for r in result.only_b} >= {"ministry/digital"}
    for p in result.pairs:
        assert 0.0 <= p.score <= 1.0


def test_alignment_is_symmetric_and_deterministic(corpus):
    one = Matcher(corpus).align_sources("unions", "ministry")
    two = Matcher(corpus).align_sources("ministry", "unions")
    assert {(p.a.ref, p.b.ref, p.relation, p.score) for p in one.pairs} == {
        (p.b.ref, p.a.ref, p.relation, p.score) for p in two.pairs}
    again = Matcher(corpus).align_sources("unions", "ministry")
    assert [(p.a.ref, p.b.ref, p.score) for p in one.pairs] == [(p.a.ref, p.b.ref, p.score) for p in again.pairs]


def test_threshold_controls_how_much_aligns(matcher):
    loose = matcher.align_sources("unions", "ministry", 0.0)
    strict = matcher.align_sources("unions", "ministry", 1.0)
    assert len(loose.pairs) > len(strict.pairs)
    assert strict.pairs == ()


def test_one_statement_never_links_to_everything(make_corpus):
    broad = {"id": "broad", "text": "Probation must be a publicly owned public sector service.", "stances": {"public-ownership": "support"}}
    many = [{"id": f"s{i}", "text": f"Probation should be a publicly owned service number {i}.", "stances": {"public-ownership": "support"}}
            for i in range(8)]
    corpus = load_corpus(make_corpus(sources={"a": {"name": "A", "statements": [broad]}, "b": {"name": "B", "statements": many}}, topics=TOPICS))
    result = Matcher(corpus).align_sources("a", "b", 0.0)
    assert len(result.pairs) == MAX_LINKS < len(many)


def test_uncurated_statements_still_align_by_text(make_corpus):
    corpus = load_corpus(make_corpus(sources={
        "a": {"name": "A", "statements": [{"id": "x", "text": "Unpaid work placements should visibly serve local communities."}]},
        "b": {"name": "B", "statements": [{"id": "y", "text": "Community payback placements should visibly serve local communities."},
                                          {"id": "z", "text": "Electronic monitoring tags need better batteries."}]},
    }, topics=TOPICS))
    result = Matcher(corpus).align_sources("a", "b")
    assert [(p.a.ref, p.b.ref, p.relation) for p in result.pairs] == [("a/x", "b/y", "related")]


def test_each_signal_alone_is_in_unit_range(corpus):
    for w in (Weights(1, 0, 0), Weights(0, 1, 0), Weights(0, 0, 1)):
        m = Matcher(corpus, weights=w)
        ia = list(range(4))
        ib = list(range(4, 8))
        combined, signals = m.score_block(ia, ib)
        assert combined.min() >= 0.0 and combined.max() <= 1.0 + 1e-6
        for matrix in signals.values():
            assert matrix.min() >= 0.0 and matrix.max() <= 1.0 + 1e-6


def test_lexical_guards_the_subset_trap():
    n = Normaliser()
    short = n.normalised("homes")
    long = n.normalised("we must build more homes now across the whole country for everyone")
    same = n.normalised("we must build more homes now across the whole country for everyone")
    scores = lexical_matrix([short, same], [long])
    assert scores[0, 0] < 0.5  # a one-word subset is not a match
    assert scores[1, 0] == pytest.approx(1.0)


def test_normaliser_expands_abbreviations_and_finds_topics(corpus):
    n = Normaliser(corpus.topics)
    assert "pre sentenc report" in n.normalised("Write real PSRs")
    assert n.concepts("More UPW please") == {"unpaid-work"}
    assert n.concepts("community payback works") == {"unpaid-work"}
    # typographic quotes, case and American spelling do not matter
    assert n.normalised("The “Organization’s” Program") == n.normalised("the 'organisation's' programme")


def test_search_ranks_paraphrases_first(matcher):
    hits = matcher.search("community payback should help local communities", limit=3)
    assert hits[0].ref.ref in {"ministry/unpaid-work", "unions/upw-communities"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    only = matcher.search("public ownership", sources=["ministry"], limit=10)
    assert {h.ref.source for h in only} == {"ministry"}
    assert matcher.search("   ", limit=3) == []


def test_suggest_topics_for_new_text(matcher):
    topics = [k for k, _ in matcher.suggest_topics("More UPW placements in parks")]
    assert topics[0] == "unpaid-work"


def test_compare_three_sources_gives_every_pair_and_positions(make_corpus):
    sources = dict(SOURCES)
    sources["charity"] = {"name": "Charity", "statements": [
        {"id": "public", "text": "Probation belongs in the public sector.", "stances": {"public-ownership": "support"}}]}
    corpus = load_corpus(make_corpus(sources=sources, topics=TOPICS))
    result = compare_sources(Matcher(corpus), ["unions", "ministry", "charity"])
    assert [(c.a, c.b) for c in result.pairwise] == [("unions", "ministry"), ("unions", "charity"), ("ministry", "charity")]
    ownership = next(p for p in result.positions if p.topic == "public-ownership")
    assert ownership.stances == {"unions": "support", "ministry": "oppose", "charity": "support"}


def test_filters_by_topic_and_relation(matcher):
    result = compare_sources(matcher, ["unions", "ministry"], relations=["disagree"])
    assert {p.relation for p in result.pairwise[0].pairs} == {"disagree"}
    result = compare_sources(matcher, ["unions", "ministry"], topics=["unpaid-work"])
    assert all("unpaid-work" in set(p.a.stances) | set(p.b.stances) for p in result.pairwise[0].pairs)


def test_matcher_runs_without_network(corpus, monkeypatch, tmp_path):
    """Nothing is downloaded at run time: the embedding model comes from the installed wheel."""
    import positions.embed as embed

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embed._model.cache_clear()
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cold"))
    m = Matcher(corpus, use_cache=False)
    assert m.align_sources("unions", "ministry").pairs
    assert m.search("public ownership", limit=1)


def test_embedding_cache_is_used_and_survives_corruption(corpus, tmp_path, monkeypatch):
    import positions.embed as embed

    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cache"))
    Matcher(corpus).embeddings
    files = list((tmp_path / "cache").glob("embeddings-*.npz"))
    assert len(files) == 1
    calls = []
    real = embed.embed_uncached
    monkeypatch.setattr(embed, "embed_uncached", lambda texts: calls.append(len(texts)) or real(texts))
    Matcher(corpus).embeddings
    assert calls == []  # warm cache: no text embedded again
    files[0].write_bytes(b"not a numpy file")
    fresh = Matcher(corpus).embeddings
    assert calls and fresh.shape == (8, 256)  # rebuilt, not fatal


def test_rejected_pair_frees_its_place_among_the_best_matches(make_corpus):
    # x's best matches in b are y1 > y2 > y3 > y4 (shared words fall off); no stances, so only the
    # mutual-best rule aligns. Rejecting y1 must let y4 into x's top three.
    words = "probation officers need manageable caseloads training supervision time"
    b = [{"id": f"y{n}", "text": " ".join(words.split()[: 10 - n])} for n in range(1, 5)]
    sources = {"a": {"name": "A", "statements": [{"id": "x", "text": words}]}, "b": {"name": "B", "statements": b}}
    plain = Matcher(load_corpus(make_corpus(sources=sources, topics=TOPICS))).align_sources("a", "b", 0.0)
    assert [p.b.id for p in plain.pairs] == ["y1", "y2", "y3"]
    links = "links:\n  - a: a/x\n    b: b/y1\n    decision: rejected\n"
    corpus = load_corpus(make_corpus(sources=sources, topics=TOPICS, files={"links.yaml": links}))
    result = Matcher(corpus).align_sources("a", "b", 0.0)
    assert [p.b.id for p in result.pairs] == ["y2", "y3", "y4"]


def test_shared_topic_beyond_the_first_64_topics_is_seen(make_corpus):
    topics = [{"key": f"t{n}", "label": f"Topic {n}", "proposition": f"Proposition {n}."} for n in range(70)]
    a = [{"id": "x", "text": "Alpha beta gamma.", "stances": {"t69": "support"}}]
    b = [{"id": "same", "text": "Delta epsilon zeta.", "stances": {"t69": "oppose"}},
         {"id": "other", "text": "Eta theta iota.", "stances": {"t5": "support"}}]
    # a third source uses every topic, so that t69 sorts past the 64th bit
    c = [{"id": "all", "text": "Kappa lambda mu.", "stances": {f"t{n}": "neutral" for n in range(70)}}]
    sources = {"a": {"name": "A", "statements": a}, "b": {"name": "B", "statements": b}, "c": {"name": "C", "statements": c}}
    m = Matcher(load_corpus(make_corpus(sources=sources, topics=topics)))
    assert m._curated_bits.shape[1] == 2 and m._topic_column["t69"] >= 64
    result = m.align_sources("a", "b", 0.55)  # it scores 0.48: only the shared-topic rule (0.55 - 0.1) aligns
    assert [(p.b.id, p.relation) for p in result.pairs] == [("same", "disagree")]
