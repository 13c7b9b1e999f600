"""The matching library: signals, alignment rule, relations, search, determinism, offline use."""

from __future__ import annotations


import pytest

from positions.corpus import load_corpus
from positions.match import (
    DEFAULT_THRESHOLD,
    MAX_RELATED,
    PER_STATEMENT,
    Matcher,
    Weights,
    compare_sources,
)
from positions.scoring import Block, Pairs, fuzzy_matrix
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


def test_statements_on_a_shared_proposition_are_compared_whatever_their_wording(matcher):
    # the threshold only governs related pairs: at 1.0 nothing is related, but every pair of
    # statements taking sides on a shared proposition is still compared
    strict = matcher.align_sources("unions", "ministry", 1.0)
    assert refs(strict) == {("unions/public-service", "ministry/mixed-market"): "disagree",
                            ("unions/upw-communities", "ministry/unpaid-work"): "agree",
                            ("unions/psr-quality", "ministry/advice-to-court"): "agree"}
    assert all(p.topics for p in strict.pairs)


def test_unrelated_wording_on_a_shared_proposition_still_disagrees(make_corpus):
    sources = {"a": {"name": "A", "statements": [
        {"id": "x", "text": "Bring it all back in house.", "stances": {"public-ownership": "support"}}]},
               "b": {"name": "B", "statements": [
        {"id": "y", "text": "Competition drives innovation among providers.", "stances": {"public-ownership": "oppose"}}]}}
    result = Matcher(load_corpus(make_corpus(sources=sources, topics=TOPICS))).align_sources("a", "b")
    assert [(p.a.ref, p.b.ref, p.relation, p.topics) for p in result.pairs] == [
        ("a/x", "b/y", "disagree", ("public-ownership",))]
    assert result.pairs[0].score < DEFAULT_THRESHOLD  # compared although the texts are not alike


def test_similar_text_without_a_shared_proposition_is_only_related(make_corpus):
    sources = {"a": {"name": "A", "statements": [
        {"id": "x", "text": "Community payback placements should visibly serve local communities.",
         "stances": {"unpaid-work": "support"}}]},
               "b": {"name": "B", "statements": [
        {"id": "y", "text": "Community payback placements should visibly serve local communities and parks.",
         "stances": {"public-ownership": "oppose"}}]}}
    result = Matcher(load_corpus(make_corpus(sources=sources, topics=TOPICS))).align_sources("a", "b")
    assert [(p.relation, p.topics) for p in result.pairs] == [("related", ())]
    assert result.pairs[0].score >= DEFAULT_THRESHOLD


def test_threshold_controls_how_much_is_related(make_corpus):
    words = "probation officers need manageable caseloads training supervision time"
    b = [{"id": f"y{n}", "text": " ".join(words.split()[: 10 - n])} for n in range(1, 5)]
    sources = {"a": {"name": "A", "statements": [{"id": "x", "text": words}]}, "b": {"name": "B", "statements": b}}
    m = Matcher(load_corpus(make_corpus(sources=sources, topics=TOPICS)))
    assert len(m.align_sources("a", "b", 0.0).pairs) > len(m.align_sources("a", "b", 1.0).pairs) == 0


def test_a_proposition_many_statements_answer_keeps_each_statements_closest_partners(make_corpus):
    a = [{"id": f"a{i}", "text": f"Probation should be a publicly owned service, point {i} of {i * 7}.",
          "stances": {"public-ownership": "support"}} for i in range(12)]
    b = [{"id": f"b{i}", "text": f"Private providers compete to run probation, item {i} and {i * 3}.",
          "stances": {"public-ownership": "oppose"}} for i in range(12)]
    corpus = load_corpus(make_corpus(sources={"a": {"name": "A", "statements": a}, "b": {"name": "B", "statements": b}},
                                     topics=TOPICS))
    result = Matcher(corpus).align_sources("a", "b")
    assert {p.relation for p in result.pairs} == {"disagree"}
    assert len(result.pairs) < 12 * 12  # capped ...
    for side in ("a", "b"):  # ... but every statement keeps its PER_STATEMENT closest partners
        for i in range(12):
            n = sum(1 for p in result.pairs if getattr(p, side).id == f"{side}{i}")
            assert PER_STATEMENT <= n <= 12
    assert not result.only_a and not result.only_b


def test_related_pairs_are_capped(make_corpus):
    words = "probation officers need manageable caseloads training supervision time"
    b = [{"id": f"y{n}", "text": words + f" number {n}"} for n in range(6)]
    sources = {"a": {"name": "A", "statements": [{"id": "x", "text": words}]}, "b": {"name": "B", "statements": b}}
    result = Matcher(load_corpus(make_corpus(sources=sources, topics=TOPICS))).align_sources("a", "b", 0.0)
    assert len(result.pairs) == MAX_RELATED


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
        scored = m.scorer.score(Block.of(ia, ib))
        for values in (scored.combined, scored.lexical, scored.semantic, scored.topics):
            assert len(values) == 16
            assert values.min() >= 0.0 and values.max() <= 1.0 + 1e-6


def test_a_block_scores_as_its_pairs_do(corpus):
    m = Matcher(corpus)
    block = Block.of(range(4), range(4, 8))
    dense = m.scorer.score(block)
    pairs = m.scorer.score(Pairs(*block.flat()))
    assert (dense.i == pairs.i).all() and (dense.j == pairs.j).all()
    for name in ("combined", "lexical", "semantic", "topics"):
        assert getattr(dense, name) == pytest.approx(getattr(pairs, name), abs=1e-6)


def test_lexical_guards_the_subset_trap():
    n = Normaliser()
    short = n.normalised("homes")
    long = n.normalised("we must build more homes now across the whole country for everyone")
    same = n.normalised("we must build more homes now across the whole country for everyone")
    scores = fuzzy_matrix([short, same], [long])
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


def test_suggest_topics_for_new_text(corpus, matcher):
    from positions.suggest import Suggester

    topics = [s.key for s in Suggester(corpus, matcher).suggest("More UPW placements in parks", limit=3)]
    assert topics[0] == "unpaid-work"


def test_compare_three_sources_gives_every_pair_and_positions(make_corpus):
    sources = dict(SOURCES)
    sources["charity"] = {"name": "Charity", "statements": [
        {"id": "public", "text": "Probation belongs in the public sector.", "stances": {"public-ownership": "support"}},
        {"id": "mixed", "text": "Some services could stay with charities.", "stances": {"public-ownership": "mixed"}}]}
    corpus = load_corpus(make_corpus(sources=sources, topics=TOPICS))
    result = compare_sources(Matcher(corpus), ["unions", "ministry", "charity"])
    assert [(c.a, c.b) for c in result.pairwise] == [("unions", "ministry"), ("unions", "charity"), ("ministry", "charity")]
    row = {p.source: p for p in result.matrix.row("public-ownership")}
    assert {k: p.stance for k, p in row.items()} == {"unions": "support", "ministry": "oppose", "charity": "split"}
    assert row["charity"].describe() == "supports 1, mixed 1"  # counted, never a majority


def test_filters_by_topic(matcher):
    result = compare_sources(matcher, ["unions", "ministry"], topics=["unpaid-work"])
    assert result.pairwise[0].pairs
    assert all("unpaid-work" in set(p.a.stances) | set(p.b.stances) for p in result.pairwise[0].pairs)
    assert result.matrix.propositions == ("unpaid-work",)
    # relations are left to the report, which says what it hides
    assert compare_sources(matcher, ["unions", "ministry"], relations=["disagree"]).relations_filter == ("disagree",)


def test_matcher_runs_without_network(corpus, monkeypatch, tmp_path, no_network):
    """Nothing is downloaded at run time: the embedding model comes from the installed wheel."""
    import positions.embed as embed

    embed.load_model.cache_clear()
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cold"))
    m = Matcher(corpus, use_cache=False)
    assert m.align_sources("unions", "ministry").pairs
    assert m.search("public ownership", limit=1)


def test_embedding_cache_is_used_and_survives_corruption(corpus, tmp_path, monkeypatch):
    import positions.embed as embed

    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cache"))
    Matcher(corpus, use_cache=True).embeddings
    files = list((tmp_path / "cache").glob("embeddings-*.npz"))
    assert len(files) == 1
    calls = []
    real = embed.embed_uncached
    monkeypatch.setattr(embed, "embed_uncached", lambda texts: calls.append(len(texts)) or real(texts))
    Matcher(corpus, use_cache=True).embeddings
    assert calls == []  # warm cache: no text embedded again
    files[0].write_bytes(b"not a numpy file")
    fresh = Matcher(corpus, use_cache=True).embeddings
    assert calls and fresh.shape == (8, 256)  # rebuilt, not fatal


def test_rejected_pair_frees_its_place_among_the_closest(make_corpus):
    # x's closest in b are y1 > y2 > y3 > y4 (shared words fall off); no stances, so only related
    # pairs: each statement keeps its MAX_RELATED closest. Rejecting y1 must let y3 in.
    words = "probation officers need manageable caseloads training supervision time"
    b = [{"id": f"y{n}", "text": " ".join(words.split()[: 10 - n])} for n in range(1, 5)]
    sources = {"a": {"name": "A", "statements": [{"id": "x", "text": words}]}, "b": {"name": "B", "statements": b}}
    plain = Matcher(load_corpus(make_corpus(sources=sources, topics=TOPICS))).align_sources("a", "b", 0.0)
    assert [p.b.id for p in plain.pairs] == ["y1", "y2"]
    links = "links:\n  - a: a/x\n    b: b/y1\n    decision: rejected\n"
    corpus = load_corpus(make_corpus(sources=sources, topics=TOPICS, files={"links.yaml": links}))
    result = Matcher(corpus).align_sources("a", "b", 0.0)
    assert [p.b.id for p in result.pairs] == ["y2", "y3"]


def test_shared_proposition_beyond_the_first_64_is_seen(make_corpus):
    topics = [{"key": f"t{n}", "label": f"Topic {n}", "proposition": f"Proposition {n}."} for n in range(70)]
    a = [{"id": "x", "text": "Alpha beta gamma.", "stances": {"t69": "support"}}]
    b = [{"id": "same", "text": "Delta epsilon zeta.", "stances": {"t69": "oppose"}},
         {"id": "other", "text": "Eta theta iota.", "stances": {"t5": "support"}}]
    # a third source takes sides on every proposition, so that t69 sorts past the 64th bit
    c = [{"id": "all", "text": "Kappa lambda mu.", "stances": {f"t{n}": "support" for n in range(70)}}]
    sources = {"a": {"name": "A", "statements": a}, "b": {"name": "B", "statements": b}, "c": {"name": "C", "statements": c}}
    m = Matcher(load_corpus(make_corpus(sources=sources, topics=topics)))
    assert m._side_bits.shape[1] == 2
    result = m.align_sources("a", "b", 0.99)
    assert [(p.b.id, p.relation) for p in result.pairs] == [("same", "disagree")]


def test_propositions_of_a_topic_are_compared_separately(make_corpus):
    topics = [{"key": "ownership", "label": "Ownership", "propositions": [
        {"key": "core-public", "label": "Core public", "text": "Core probation work should be publicly run."},
        {"key": "pause-procurement", "label": "Pause", "text": "The re-procurement should be paused."}]}]
    a = [{"id": "x", "text": "Keep probation public.", "stances": {"core-public": "support"}}]
    b = [{"id": "y", "text": "Go ahead with the competition.", "stances": {"pause-procurement": "oppose"}},
         {"id": "z", "text": "A mixed market is best.", "stances": {"core-public": "oppose"}}]
    m = Matcher(load_corpus(make_corpus(sources={"a": {"name": "A", "statements": a}, "b": {"name": "B", "statements": b}},
                                        topics=topics)))
    result = m.align_sources("a", "b")
    # same theme, different question: not compared
    assert refs(result) == {("a/x", "b/z"): "disagree"}


def test_the_matcher_writes_no_cache_unless_asked(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cache"))
    Matcher(corpus).align_sources("unions", "ministry")
    assert not (tmp_path / "cache").exists()
    Matcher(corpus, use_cache=True).align_sources("unions", "ministry")
    assert list((tmp_path / "cache").glob("embeddings-*.npz"))
