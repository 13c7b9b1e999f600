"""Positions on propositions: pair relations, a source's counted position, the stand table."""

from __future__ import annotations

from positions.corpus import load_corpus
from positions.stances import (
    SourcePosition,
    contested_order,
    pair_relation,
    source_position,
    sources_relation,
    stance_matrix,
)


def test_pair_relation_from_sides_of_a_shared_proposition():
    assert pair_relation({"x": "support"}, {"x": "oppose"}) == ("disagree", ("x",))
    assert pair_relation({"x": "support"}, {"x": "support"}) == ("agree", ("x",))
    assert pair_relation({"x": "oppose"}, {"x": "oppose"}) == ("agree", ("x",))
    # mixed against a clear side is a (partial) disagreement; two mixed stances only relate
    assert pair_relation({"x": "mixed"}, {"x": "support"}) == ("disagree", ("x",))
    assert pair_relation({"x": "oppose"}, {"x": "mixed"}) == ("disagree", ("x",))
    assert pair_relation({"x": "mixed"}, {"x": "mixed"}) == ("related", ("x",))
    # neutral (older corpora) answers nothing
    assert pair_relation({"x": "neutral"}, {"x": "support"}) == ("related", ())
    assert pair_relation({}, {"x": "support"}) == ("related", ())
    # opposite sides on one proposition outweigh the same side on another
    assert pair_relation({"x": "support", "y": "support"}, {"x": "oppose", "y": "support"}) == ("disagree", ("x",))


def position(*stances: str, silent: bool = False) -> SourcePosition:
    return SourcePosition("s", "p", tuple((f"s/{n}", st) for n, st in enumerate(stances)), silent)


def test_a_position_counts_every_statement():
    assert position("support").describe() == "supports"
    assert position("oppose", "oppose").describe() == "opposes 2"
    assert position("support", "mixed", "mixed", "mixed").describe() == "supports 1, mixed 3"
    assert position("support", "mixed").stance == "split"
    assert position().describe() == "not curated" and position().stance == "uncurated"
    assert position(silent=True).describe() == "silent" and position(silent=True).stance == "silent"


def test_sources_relation():
    assert sources_relation(position("support"), position("oppose")) == "disagree"
    assert sources_relation(position("support", "oppose"), position("oppose")) == "disagree"
    assert sources_relation(position("support"), position("support", "support")) == "agree"
    assert sources_relation(position("mixed"), position("mixed")) == "mixed"
    assert sources_relation(position("mixed"), position("support")) == "disagree"
    assert sources_relation(position("support"), position()) == "only-a"
    assert sources_relation(position("neutral"), position("oppose")) == "only-b"
    assert sources_relation(position(), position(silent=True)) == "none"


def test_stand_table_tells_silent_from_not_curated(make_corpus):
    sources = {
        "a": {"name": "A", "statements": [{"id": "x", "text": "Public.", "stances": {"public-ownership": "support"}}]},
        "b": {"name": "B", "silent_on": ["public-ownership"], "statements": [{"id": "y", "text": "Other."}]},
        "c": {"name": "C", "statements": [{"id": "z", "text": "Market.", "stances": {"public-ownership": "oppose"}}]},
        "d": {"name": "D", "statements": [{"id": "w", "text": "Nothing."}]},
    }
    corpus = load_corpus(make_corpus(sources=sources))
    matrix = stance_matrix(corpus, ["a", "b", "c", "d"])
    assert matrix.propositions == ("public-ownership",)  # rows only where somebody has a statement
    assert [p.stance for p in matrix.row("public-ownership")] == ["support", "silent", "oppose", "uncurated"]
    assert matrix.contested("public-ownership")
    assert source_position(corpus, "b", "public-ownership").silent
    assert contested_order(corpus, ["a", "c"])[0] == ("public-ownership", 1.0, 2)


def test_a_topic_in_silent_on_covers_its_propositions(make_corpus):
    topics = [{"key": "ownership", "label": "Ownership", "propositions": [
        {"key": "core-public", "label": "Core public", "text": "Core probation work should be publicly run."},
        {"key": "pause", "label": "Pause", "text": "The re-procurement should be paused."}]}]
    sources = {"a": {"name": "A", "silent_on": ["ownership"], "statements": [{"id": "x", "text": "Other."}]},
               "b": {"name": "B", "statements": [{"id": "y", "text": "Pause.", "stances": {"pause": "support"}}]}}
    corpus = load_corpus(make_corpus(sources=sources, topics=topics))
    assert corpus.silences("a") == frozenset({"core-public", "pause"})
    assert stance_matrix(corpus, ["a", "b"]).cell("pause", "a").stance == "silent"
