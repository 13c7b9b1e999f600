"""Hostile command lines: unknown sources and topics (with "did you mean"), thresholds outside
[0, 1], and corpora with nothing in them, for every reading command.
"""

from __future__ import annotations

import json

import pytest

from test_render_html import Page
from test_render_markdown import check_tables

from .helpers import fails, run

KNOWN_SOURCES = "(known: alliance, moj)"
KNOWN_TOPICS = "(known: public-ownership, unpaid-work, local-delivery)"


# --- unknown sources and topics ---------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ("show", "mj"), ("compare", "alliance", "mj"), ("compare", "mj", "alliance"), ("matrix", "alliance", "mj"),
    ("report", "mj"), ("search", "anything", "--source", "mj"), ("add", "mj", "--text", "New text."),
    ("gaps", "--against", "mj"),
])
def test_unknown_source_did_you_mean(corpus_dir, invoke, command):
    fails(invoke, "--data", corpus_dir, *command, status=2, unchanged=corpus_dir,
          says=f"error: unknown source 'mj'; did you mean 'moj'? {KNOWN_SOURCES}")


@pytest.mark.parametrize("name", ["zzzzzz", "", "MOJ-XYZ"])
def test_unknown_source_without_a_close_match(corpus_dir, invoke, name):
    result = fails(invoke, "--data", corpus_dir, "show", name, status=2, says="error: unknown source '")
    assert "did you mean" not in result.stderr and KNOWN_SOURCES in result.stderr


def test_escape_in_a_source_name_is_refused_before_the_lookup(corpus_dir, invoke):
    result = fails(invoke, "--data", corpus_dir, "show", "a\x1b[31m", status=2,
                   says="error: KEY: 'key' contains the control character U+001B")
    assert "\x1b" not in result.stderr  # shown escaped


@pytest.mark.parametrize("name", ["MOJ", "../moj", "moj.yaml", "sources/moj.yaml"])
def test_near_miss_source_is_suggested(corpus_dir, invoke, name):
    fails(invoke, "--data", corpus_dir, "show", name, status=2, says=f"unknown source '{name}'; did you mean 'moj'?")


@pytest.mark.parametrize("command", [
    ("show", "moj", "--topic", "upaid-work"), ("compare", "alliance", "moj", "--topic", "upaid-work"),
    ("matrix", "--topic", "upaid-work"), ("report", "--topic", "upaid-work"),
    ("add", "moj", "--text", "New text.", "--stance", "upaid-work=support"),
])
def test_unknown_topic_did_you_mean(corpus_dir, invoke, command):
    fails(invoke, "--data", corpus_dir, *command, status=2, unchanged=corpus_dir,
          says=f"error: unknown topic 'upaid-work'; did you mean 'unpaid-work'? {KNOWN_TOPICS}")


def test_compare_needs_two_different_sources(corpus_dir, invoke):
    fails(invoke, "--data", corpus_dir, "compare", "moj", "moj", status=2,
          says="compare needs at least two different sources, e.g. 'positions compare alliance moj'")


def test_compare_needs_two_sources_at_all(corpus_dir, invoke):
    result = run(invoke, "--data", corpus_dir, "compare", status=2)
    assert "missing argument" in result.stderr and result.stderr.count("\n") == 1


# --- thresholds -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-0.1", "1.01", "2", "nan", "inf", "-inf", "1e9"])
@pytest.mark.parametrize("command", [("compare", "alliance", "moj"), ("report",)])
def test_threshold_outside_zero_one(corpus_dir, invoke, command, value):
    result = fails(invoke, "--data", corpus_dir, *command, "--threshold", value, status=2,
                   says="error: --threshold must be between 0 and 1, not ", unchanged=corpus_dir)
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("value", ["abc", "", "0,5"])
def test_threshold_that_is_not_a_number(corpus_dir, invoke, value):
    result = run(invoke, "--data", corpus_dir, "compare", "alliance", "moj", "--threshold", value, status=2)
    assert "invalid value for '--threshold'" in result.stderr and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("value", ["0", "1", "0.0", "1.0", "-0"])
def test_threshold_at_the_bounds_is_fine(corpus_dir, invoke, value):
    payload = json.loads(run(invoke, "--data", corpus_dir, "compare", "alliance", "moj", "--threshold", value,
                             "--format", "json", status=0).stdout)
    assert payload["threshold"] == float(value)
    if float(value) == 1.0:
        assert all(p["score"] >= 1.0 or p["topics"] for p in payload["pairs"])


# --- corpora with nothing in them ---------------------------------------------------------------


@pytest.fixture(params=["no sources", "sources without statements"])
def empty_corpus(request, make_corpus):
    if request.param == "no sources":
        return make_corpus(sources={}), []
    return make_corpus(sources={"a": "name: A\nstatements: []\n", "b": "name: B\nstatements: []\n"}), ["a", "b"]


def test_empty_corpus_reading_commands(empty_corpus, invoke):
    root, keys = empty_corpus
    ok = lambda *args: run(invoke, "--data", root, *args, status=0)  # noqa: E731
    assert ok("validate").stdout == f"OK: {len(keys)} sources, 0 statements, 3 topics\n"
    assert [s["key"] for s in json.loads(ok("sources", "--format", "json").stdout)["sources"]] == keys
    assert all(t["total"] == 0 for t in json.loads(ok("topics", "--format", "json").stdout)["propositions"])
    doc = json.loads(ok("search", "probation", "--format", "json").stdout)
    assert doc["query"] == "probation" and doc["hits"] == []
    # the propositions still exist; no source takes a side on them
    assert all(set(p["stances"]) == set(keys) for p in doc["propositions"])
    assert all(s["stance"] == "uncurated" and s["counts"] == {} for p in doc["propositions"] for s in p["stances"].values())
    ok("suggest", "probation")
    ok("matrix")
    ok("search", "probation")


def test_empty_corpus_reports_are_valid(empty_corpus, invoke):
    root, keys = empty_corpus
    markdown = run(invoke, "--data", root, "report", status=0).stdout
    check_tables(markdown)
    assert markdown.startswith("# ")
    if not keys:
        assert "This corpus has no sources yet: add one with 'positions new-source'." in markdown
    else:
        assert "compares 2 sources (A, B): 0 statements, with positions on 0 propositions." in markdown
    html = run(invoke, "--data", root, "report", "--format", "html", status=0).stdout
    page = Page(html)  # well nested, every tag closed
    assert page.tags["html"] == 1 and page.tags["script"] == 0


def test_empty_corpus_compare(empty_corpus, invoke):
    root, keys = empty_corpus
    if not keys:
        fails(invoke, "--data", root, "compare", "a", "b", status=2, says="error: unknown source 'a' (known: none)")
        return
    payload = json.loads(run(invoke, "--data", root, "compare", "a", "b", "--format", "json", status=0).stdout)
    assert payload["pairs"] == [] and payload["unmatched"] == {"a": [], "b": []}
    markdown = run(invoke, "--data", root, "compare", "a", "b", "--format", "markdown", status=0).stdout
    check_tables(markdown)
    assert "No source takes a position on any proposition here." in markdown
    table = run(invoke, "--data", root, "compare", "a", "b", status=0).stdout
    assert "No source takes a position on any proposition here." in table


def test_search_with_empty_text(corpus_dir, invoke):
    fails(invoke, "--data", corpus_dir, "search", "   ", status=2,
          says="the search text is empty; give a claim in your own words")
