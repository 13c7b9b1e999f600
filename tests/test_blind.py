"""benchmarks/blind.py: the blind samples hold what they say (shown pairs; unshown pairs under a
shared theme), show texts only, are the same on every draw, and the join counts as documented."""

from __future__ import annotations

import pytest

from conftest import benchmark_module

TOPICS = [
    {"key": "ownership", "label": "Ownership", "propositions": [
        {"key": "core-public", "label": "Core public", "text": "Core probation work should be publicly owned."},
        {"key": "market-open", "label": "Market open", "text": "Rehabilitation should be open to other providers."}]},
    {"key": "courts", "label": "Courts", "propositions": [
        {"key": "full-psrs", "label": "Full reports", "text": "Courts should get full pre-sentence reports."}]},
]

SOURCES = {
    "alpha": {"name": "Alpha Union", "statements": [
        {"id": "public", "text": "A publicly owned service with directly employed staff.",
         "stances": {"core-public": "support"}},
        {"id": "reports", "text": "Magistrates deserve written reports, not rushed oral ones.",
         "stances": {"full-psrs": "support"}},
        {"id": "tea", "text": "Tea and biscuits for the staff room."},
    ]},
    "beta": {"name": "Beta Ministry", "statements": [
        {"id": "market", "text": "We will keep a mixed market of providers.", "stances": {"core-public": "oppose"}},
        {"id": "charities", "text": "Charities bring real strength to resettlement work.",
         "stances": {"market-open": "support"}},
        {"id": "psr", "text": "Sentencers get better advice when probation writes a full assessment.",
         "stances": {"full-psrs": "support"}},
    ]},
}


@pytest.fixture(scope="module")
def blind():
    return benchmark_module("blind")


@pytest.fixture
def corpus(make_corpus):
    return make_corpus(sources=SOURCES, topics=TOPICS)


def test_shown_sample_holds_the_pairs_compare_shows(blind, corpus):
    shown = blind.shown_pairs(corpus)
    pairs = {(p.a.ref, p.b.ref, p.relation) for p in shown[("alpha", "beta")]}
    assert pairs == {("alpha/public", "beta/market", "disagree"), ("alpha/reports", "beta/psr", "agree")}
    items = blind.draw(shown, size=60, seed=blind.SEED)
    assert len(items) == 2
    assert items == blind.draw(blind.shown_pairs(corpus), size=60, seed=blind.SEED)


def test_missed_frame_is_unshown_pairs_under_a_shared_theme(blind, corpus):
    frame = blind.unshown_same_theme(corpus)
    rows = [(r.a.ref, r.b.ref, r.topics) for r in frame[("alpha", "beta")]]
    # alpha/public and beta/charities share the theme "ownership" but no proposition; the statement
    # without stances (tea) has no theme, and the shown pairs are left out
    assert rows == [("alpha/public", "beta/charities", ("ownership",))]


def test_sample_text_gives_texts_only(blind, corpus):
    items = blind.draw(blind.shown_pairs(corpus), size=60, seed=blind.SEED)
    body = blind.sample_text(items).split("\n## ", 1)[1]   # the items, after the instructions
    for word in ("alpha", "beta", "Alpha Union", "agree", "core-public", "full-psrs", "ownership"):
        assert word not in body
    assert "A publicly owned service with directly employed staff." in body


def test_join_counts_sound_weak_labelled_and_accuracy(blind, corpus, tmp_path):
    items = blind.draw(blind.shown_pairs(corpus), size=60, seed=blind.SEED)
    by_relation = {it["relation"]: it["item"] for it in items}
    verdicts = tmp_path / "v.csv"
    verdicts.write_text("item,quality,relation,note\n"
                        f"{by_relation['disagree']},sound,disagree,public or market\n"
                        f"{by_relation['agree']},weak,related,\"different, really\"\n", encoding="utf-8")
    f = blind.figures(items, blind.read_verdicts(verdicts))
    assert f["judged"] == 2
    assert f["sound"] == 0.5 and f["weak"] == 0.5
    assert [r["item"] for r in f["weak_labelled"]] == [by_relation["agree"]]
    assert f["label_accuracy"] == 0.5
    notes = {r["item"]: r["note"] for r in f["rows"]}
    assert notes[by_relation["agree"]] == "different, really"


def test_join_refuses_an_unknown_verdict(blind, corpus, tmp_path):
    verdicts = tmp_path / "v.csv"
    verdicts.write_text("1,great,agree\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="quality must be one of"):
        blind.read_verdicts(verdicts)
