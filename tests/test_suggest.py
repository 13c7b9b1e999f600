"""The suggester: propositions and stances for any text, its evidence, leave-one-source-out, the
`suggest` command, search answered with propositions, and the shipped scorer weights offline."""

from __future__ import annotations

import json
import time

import pytest

from conftest import SHIPPED_DATA, benchmark_module
from positions.corpus import load_corpus
from positions.match import Matcher
from positions.suggest import (ACCEPT_CONFIDENCE, Suggester, reversal_cues, reversed_against)

TOPICS = [
    {"key": "ownership", "label": "Ownership", "description": "Who owns probation.",
     "aliases": ["public sector", "privatisation"],
     "propositions": [
         {"key": "public-probation", "label": "Publicly owned probation",
          "text": "Probation services should be publicly owned and run.",
          "description": "Support = public ownership of probation. Oppose = a market of private providers."}]},
    {"key": "payback", "label": "Unpaid work", "aliases": ["UPW", "community payback"],
     "propositions": [
         {"key": "upw-jobs", "label": "Unpaid work builds job skills",
          "text": "Unpaid work placements should help people gain skills for employment."}]},
    {"key": "housing", "label": "Housing",
     "propositions": [
         {"key": "release-housing", "label": "Housing on release",
          "text": "Nobody should leave prison without somewhere safe to live."}]},
]
SOURCES = {
    "union": {"name": "Union", "statements": [
        {"id": "public", "text": "Probation services must be publicly owned and run by the state.",
         "stances": {"public-probation": "support"}},
        {"id": "skills", "text": "Community payback placements should give people real skills for jobs.",
         "stances": {"upw-jobs": "support"}},
        {"id": "plain", "text": "We thank our members for their work."}]},
    "ministry": {"name": "Ministry", "statements": [
        {"id": "market", "text": "A mixed market of private and voluntary providers will run probation services.",
         "stances": {"public-probation": "oppose"}},
        {"id": "homes", "text": "Everyone released from prison should have a safe home to go to.",
         "stances": {"release-housing": "support"}}]},
}


@pytest.fixture
def small(make_corpus):
    corpus = load_corpus(make_corpus(sources=SOURCES, topics=TOPICS))
    return Suggester(corpus, Matcher(corpus, use_cache=False))


def test_ranks_the_proposition_and_lists_its_evidence(small):
    found = small.suggest("Probation services should be publicly owned and run by the state.", limit=3)
    assert found[0].key == "public-probation"
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(0.0 <= s.score <= 1.0 and 0.0 <= s.confidence <= s.score + 1e-9 for s in found)
    refs = {e.ref for e in found[0].evidence if e.kind == "statement"}
    assert refs == {"union/public", "ministry/market"}  # the curated statements on it
    assert any(e.kind == "proposition" and e.ref == "public-probation" for e in found[0].evidence)
    assert found[0].stance == "support"
    assert found[0].as_dict()["evidence"][0].keys() == {"kind", "ref", "stance", "similarity", "reversed"}


def test_a_reversal_cue_flips_the_stance(small):
    plain = small.suggest("Probation services should be publicly owned and run.", limit=1)[0]
    negated = small.suggest("Probation services should not be publicly owned and run.", limit=1)[0]
    assert plain.key == negated.key == "public-probation"
    assert (plain.stance, negated.stance) == ("support", "oppose")
    # opposite words count as a reversal too: two reversals cancel out
    both = small.suggest("Private companies should not run probation services.", limit=1)[0]
    assert both.key == "public-probation" and both.stance == "support"


def test_reversal_cues_are_scoped_to_shared_words():
    assert reversal_cues("Stop calling people offenders") == ("stop",)
    assert reversal_cues("too often are simply recycled", "People released from short sentences") == ()
    assert reversed_against("We should stop unpaid work placements.", "Unpaid work placements should help.")
    assert not reversed_against("A welcome shift in the language used to describe people.",
                                "Probation should not describe the people it supervises as offenders.")


def test_exclude_source_hides_its_statements(small):
    text = "Probation services should be publicly owned and run by the state."
    found = small.suggest(text, limit=3, exclude_source="union")
    assert found and all(not e.ref.startswith("union/") for s in found for e in s.evidence)
    assert "union/public" in {e.ref for s in small.suggest(text, limit=3) for e in s.evidence}


def test_a_statement_is_not_its_own_evidence(small):
    found = small.suggest("Probation services must be publicly owned and run by the state.", limit=3)
    assert "union/public" not in {e.ref for s in found for e in s.evidence}


def test_limits_and_empty_text(small):
    assert small.suggest("Housing on release from prison", limit=1)[0].key == "release-housing"
    assert len(small.suggest("anything at all", limit=2)) == 2
    assert small.suggest("   ", limit=3) == []
    assert small.suggest("anything", limit=0) == []


def test_accept_threshold_is_a_probability():
    assert 0.0 < ACCEPT_CONFIDENCE < 1.0


# --- the shipped corpus ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    corpus = load_corpus(SHIPPED_DATA)
    return Suggester(corpus, Matcher(corpus))


def test_shipped_examples_answer_with_the_right_proposition_first(shipped):
    first = shipped.suggest("private companies should not run probation", limit=3)[0]
    assert (first.key, first.stance) == ("core-probation-public", "support")
    first = shipped.suggest("stop calling people offenders", limit=3)[0]
    assert (first.key, first.stance) == ("not-called-offenders", "support")
    assert {"clinks/avoid-offender-label", "clinks/welcome-language-shift"} <= {e.ref for e in first.evidence}


def test_warm_suggestions_are_fast(shipped):
    shipped.suggest("reoffending should fall", limit=5)  # the population is scored once
    start = time.process_time()
    for text in ("more approved premises", "probation officers have too many cases", "grants for charities"):
        shipped.suggest(text, limit=5)
    assert (time.process_time() - start) / 3 < 1.0  # CPU seconds, with a wide margin (about 0.02 s)


def test_search_answers_with_propositions(invoke):
    doc = json.loads(invoke("search", "private companies should not run probation", "--format", "json").stdout)
    assert list(doc) == ["query", "hits", "propositions"]
    first = doc["propositions"][0]
    assert set(first) == {"key", "label", "score", "stances"}
    assert first["key"] == "core-probation-public"
    assert first["stances"]["alliance"]["stance"] == "support" and first["stances"]["moj"]["stance"] == "oppose"
    assert first["stances"]["moj"]["counts"] == {"oppose": 3}
    assert set(first["stances"]) == {"alliance", "clinks", "institute", "manifesto", "moj"}
    scores = [p["score"] for p in doc["propositions"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    doc = json.loads(invoke("search", "stop calling people offenders", "--format", "json", "--source", "clinks").stdout)
    assert doc["propositions"][0]["key"] == "not-called-offenders"
    assert doc["propositions"][0]["stances"] == {"clinks": {"stance": "support", "counts": {"support": 2}}}
    assert all(h["source"] == "clinks" for h in doc["hits"])


def test_search_table_opens_with_propositions(invoke):
    out = invoke("search", "private companies should not run probation", "--limit", "2").stdout
    head, _, rest = out.partition("Closest statements to:")
    assert "core-probation-public" in head and "alliance: supports 3" in head and "moj: opposes 3" in head
    assert "alliance/" in rest


def test_suggest_text_cli(invoke):
    result = invoke("suggest", "stop calling people offenders", "--format", "json", "--limit", "3")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["text"] == "stop calling people offenders" and len(doc["suggestions"]) == 3
    first = doc["suggestions"][0]
    assert set(first) == {"key", "label", "text", "score", "stance", "confidence", "evidence"}
    assert (first["key"], first["stance"]) == ("not-called-offenders", "support")
    table = invoke("suggest", "stop calling people offenders", "--limit", "2").stdout
    assert "not-called-offenders" in table and "clinks/avoid-offender-label" in table and "support" in table


def test_suggest_source_cli(invoke, make_corpus):
    doc = json.loads(invoke("suggest", "clinks", "--format", "json", "--limit", "2").stdout)
    assert doc["source"] == "clinks"
    assert [s["id"] for s in doc["statements"]] == ["feedback-to-hmpps"]  # its only statement without stances
    assert len(doc["statements"][0]["suggestions"]) == 2
    table = invoke("suggest", "clinks").stdout
    assert "clinks/feedback-to-hmpps" in table and "statements without stances" in table
    root = make_corpus(sources=SOURCES, topics=TOPICS)
    doc = json.loads(invoke("--data", root, "suggest", "union", "--format", "json").stdout)
    assert [s["id"] for s in doc["statements"]] == ["plain"]
    assert "nothing to curate" in invoke("--data", root, "suggest", "ministry").stdout


def test_suggest_errors(invoke):
    result = invoke("suggest", "  ")
    assert result.exit_code == 2 and "the text is empty" in result.stderr


# --- the benchmark and the shipped weights -------------------------------------------------------

def test_leave_one_source_out_smoke():
    bench = benchmark_module("suggest")
    start = time.process_time()
    figures = bench.run(SHIPPED_DATA, sources=["clinks"])
    assert time.process_time() - start < 60  # CPU seconds; about 2
    row = figures["sources"]["clinks"]
    assert row["statements"] == 20
    for name in ("recall_at_1", "recall_at_3", "stance_accuracy", "accepted_precision"):
        assert 0.0 <= row[name] <= 1.0
    assert row["recall_at_3"] >= row["recall_at_1"]
    assert row["recall_at_3"] >= 0.5  # 0.75 when measured (benchmarks/README.md)
    assert figures["overall"]["statements"] == 20


def test_shipped_weights_load_and_score_without_network(monkeypatch, tmp_path, no_network):
    import positions.embed as embed
    from positions import claimscore

    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cold"))
    embed.load_model.cache_clear()
    claimscore._shipped.cache_clear()
    scorer = claimscore.ClaimScorer.shipped()
    assert scorer.stage1.features and scorer.stage2 is not None
    assert claimscore.WEIGHTS_FILE.is_file() and claimscore.SCORER_VERSION.startswith("claim-scorer-")
    assert claimscore.SCORER_VERSION != "claim-scorer-missing"
    data = json.loads(claimscore.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert "train" in data["fitted_on"] and set(data["scores"]) >= {"dev_strict", "test_strict"}
    corpus = load_corpus(SHIPPED_DATA)
    found = Suggester(corpus, Matcher(corpus, use_cache=False)).suggest("private companies should not run probation", 3)
    assert found[0].key == "core-probation-public"
