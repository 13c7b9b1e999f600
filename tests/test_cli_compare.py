"""compare, search and matrix from the command line: tables, JSON contracts, options and errors."""

from __future__ import annotations

import json

import pytest

from sample_corpus import SOURCES, TOPICS

from positions.match import DEFAULT_THRESHOLD


@pytest.fixture
def data(make_corpus):
    return make_corpus(sources=SOURCES, topics=TOPICS)


def test_compare_table_lists_sections_in_order(invoke, data):
    result = invoke("--data", data, "compare", "unions", "ministry")
    assert result.exit_code == 0, result.output
    out = result.stdout
    order = [out.index(title) for title in ("Unions (unions) and Ministry (ministry)", "Disagree on 1 proposition",
                                            "Agree on 2", "Disagreements (1)", "Agreements (2)",
                                            "Unions: no position here", "Ministry: no position here")]
    assert order == sorted(order)
    assert "Probation must be a publicly owned service" in out
    # the digest shortens quotes to a line; --full gives them whole, with their references
    full = invoke("--data", data, "compare", "unions", "ministry", "--full").stdout
    assert "unions/public-service" in full and "ministry/mixed-market" in full
    assert "“Probation must be a publicly owned service with directly employed staff.”" in full


def test_compare_json_contract(invoke, data):
    result = invoke("--data", data, "compare", "unions", "ministry", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"sources", "threshold", "summary", "propositions", "pairs", "unmatched"}
    props = {p["key"]: p for p in doc["propositions"]}
    assert props["public-ownership"]["finding"] == "disagree"
    assert props["public-ownership"]["stances"]["unions"] == {
        "stance": "support", "counts": {"support": 1}, "statements": [{"id": "public-service", "stance": "support"}]}
    assert doc["summary"][0] == {"kind": "disagree", "source": None, "propositions": ["public-ownership"]}
    assert doc["sources"] == ["unions", "ministry"]
    assert doc["threshold"] == DEFAULT_THRESHOLD
    assert doc["pairs"], "expected aligned pairs"
    for pair in doc["pairs"]:
        assert set(pair) >= {"a", "b", "score", "relation", "topics"}
        assert set(pair["a"]) == {"source", "id", "text"} and set(pair["b"]) == {"source", "id", "text"}
        assert pair["a"]["source"] == "unions" and pair["b"]["source"] == "ministry"
        assert 0 <= pair["score"] <= 1
        assert pair["relation"] in ("agree", "disagree", "related")
        assert pair["status"] == "suggested"
    disagree = [p for p in doc["pairs"] if p["relation"] == "disagree"]
    assert [(p["a"]["id"], p["b"]["id"], p["topics"]) for p in disagree] == [("public-service", "mixed-market", ["public-ownership"])]
    assert set(doc["unmatched"]) == {"unions", "ministry"}
    assert {"source": "unions", "id": "tea", "text": "Staff canteens should serve better tea and biscuits."} in doc["unmatched"]["unions"]


def test_compare_is_symmetric_in_json(invoke, data):
    ab = json.loads(invoke("--data", data, "compare", "unions", "ministry", "--format", "json").stdout)
    ba = json.loads(invoke("--data", data, "compare", "ministry", "unions", "--format", "json").stdout)
    key = lambda p: (p["a"]["source"], p["a"]["id"], p["b"]["source"], p["b"]["id"])  # noqa: E731
    flipped = {(p["b"]["source"], p["b"]["id"], p["a"]["source"], p["a"]["id"]) for p in ba["pairs"]}
    assert {key(p) for p in ab["pairs"]} == flipped


def test_compare_output_is_byte_identical_across_runs(invoke, data):
    one = invoke("--data", data, "compare", "unions", "ministry", "--format", "markdown").stdout
    two = invoke("--data", data, "compare", "unions", "ministry", "--format", "markdown").stdout
    assert one == two


def test_compare_filters_and_explain(invoke, data):
    result = invoke("--data", data, "compare", "unions", "ministry", "--relation", "agree", "--format", "json", "--explain")
    doc = json.loads(result.stdout)
    pairs = doc["pairs"]
    assert pairs and {p["relation"] for p in pairs} == {"agree"}
    assert doc["not_shown"] == {"disagree": 1} and doc["relations_filter"] == ["agree"]
    assert set(pairs[0]["signals"]) == {"lexical", "semantic", "topics"}
    result = invoke("--data", data, "compare", "unions", "ministry", "--topic", "unpaid-work", "--format", "json")
    pairs = json.loads(result.stdout)["pairs"]
    assert [(p["a"]["id"], p["b"]["id"]) for p in pairs] == [("upw-communities", "unpaid-work")]
    table = invoke("--data", data, "compare", "unions", "ministry", "--explain").stdout
    assert "lexical" in table and "semantic" in table and "text similarity" in table
    hidden = invoke("--data", data, "compare", "unions", "ministry", "--relation", "disagree").stdout
    assert "Not shown (--relation disagree): 2 agreements." in hidden and "none" not in hidden.lower()


def test_compare_three_sources_opens_with_the_stand_table(invoke, make_corpus):
    sources = dict(SOURCES)
    sources["charity"] = {"name": "Charity", "statements": [{"id": "p", "text": "Probation belongs in the public sector.", "stances": {"public-ownership": "support"}}]}
    data = make_corpus(sources=sources, topics=TOPICS)
    out = invoke("--data", data, "compare", "unions", "ministry", "charity", "--format", "markdown").stdout
    assert out.index("## Where each source stands") < out.index("## Disagreements")
    assert "| Public ownership (`public-ownership`) | + supports | − opposes | + supports |" in out
    table = invoke("--data", data, "compare", "unions", "ministry", "charity").stdout
    assert table.index("Where each source stands") < table.index("Disagreements (1)")


def test_compare_writes_output_file(invoke, data, tmp_path):
    target = tmp_path / "out.md"
    result = invoke("--data", data, "compare", "unions", "ministry", "--format", "markdown", "--output", target)
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Unions (unions) and Ministry (ministry)")


@pytest.mark.parametrize("args, message", [
    (["compare", "unions"], "at least two"),
    (["compare", "unions", "unions"], "at least two"),
    (["compare", "unions", "minstry"], "unknown source 'minstry'; did you mean 'ministry'?"),
    (["compare", "unions", "ministry", "--topic", "unpaid"], "unknown topic 'unpaid'"),
    (["compare", "unions", "ministry", "--threshold", "1.5"], "--threshold must be between 0 and 1"),
    (["compare", "unions", "ministry", "--threshold", "-0.1"], "--threshold must be between 0 and 1"),
    (["search", "x", "--source", "nope"], "unknown source 'nope'"),
    (["search", "  "], "search text is empty"),
])
def test_usage_errors_exit_2(invoke, data, args, message):
    result = invoke("--data", data, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_output_in_missing_folder_exits_3(invoke, data, tmp_path):
    result = invoke("--data", data, "compare", "unions", "ministry", "--format", "markdown", "--output", tmp_path / "no" / "x.md")
    assert result.exit_code == 3
    assert "does not exist" in result.stderr


def test_search_json_contract(invoke, data):
    result = invoke("--data", data, "search", "community payback for local communities", "--format", "json", "--limit", "3")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["query"] == "community payback for local communities"
    assert len(doc["hits"]) == 3
    assert all(set(h) == {"source", "id", "text", "score"} for h in doc["hits"])
    scores = [h["score"] for h in doc["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert doc["hits"][0]["id"] in ("unpaid-work", "upw-communities")


def test_search_table_and_source_filter(invoke, data):
    out = invoke("--data", data, "search", "public ownership", "--source", "ministry").stdout
    assert "ministry/mixed-market" in out and "unions/" not in out


def test_matrix_shows_symbols_and_words(invoke, data):
    out = invoke("--data", data, "matrix").stdout
    assert "Public ownership" in out
    assert "+ supports" in out and "− opposes" in out


def test_shipped_compare_alliance_moj_runs(invoke):
    result = invoke("compare", "alliance", "moj", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert any(p["relation"] == "disagree" for p in doc["pairs"])
    assert any(p["relation"] == "agree" for p in doc["pairs"])
