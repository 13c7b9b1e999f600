"""build_report: consensus, contested topics, controversy, unique positions, methods, determinism."""

from __future__ import annotations

import pytest

from positions import __version__
from positions.corpus import corpus_hash, load_corpus
from positions.match import DEFAULT_WEIGHTS, Matcher, compare_sources
from positions.render.html import render_report as render_html
from positions.render.markdown import render_compare, render_report as render_markdown
from positions.report import build_report, controversy

TOPICS = [
    {"key": "local-delivery", "label": "Local delivery", "proposition": "Probation should be run locally."},
    {"key": "public-ownership", "label": "Public ownership", "proposition": "Probation should be publicly owned.",
     "aliases": ["public sector", "mixed market"]},
    {"key": "unpaid-work", "label": "Unpaid work", "proposition": "Unpaid work should benefit communities.",
     "aliases": ["UPW", "community payback"]},
    {"key": "reports", "label": "Pre-sentence reports", "proposition": "Courts should get full pre-sentence reports."},
    {"key": "victims", "label": "Victims", "proposition": "Victims should be kept informed."},
]

# Known stances, by topic:
#   local-delivery    a +, b −, c ○   -> contested, controversy 1/1 = 1.0, c among "others"
#   public-ownership  a +, b −, c +   -> contested, controversy 1/2 = 0.5
#   unpaid-work       a +, b +, c +   -> consensus (support)
#   reports           a +, b ±        -> neither (b speaks without taking the same side)
#   victims           nobody          -> left out of the matrix and of the topic sections
SOURCES = {
    "a": {"name": "Alpha Union", "statements": [
        {"id": "public-service", "text": "Probation must be a publicly owned service with directly employed staff.",
         "stances": {"public-ownership": "support"}},
        {"id": "upw", "text": "UPW placements should visibly serve our communities.", "stances": {"unpaid-work": "support"}},
        {"id": "local", "text": "Strong links with local partners and councils, not Whitehall.",
         "stances": {"local-delivery": "support"}},
        {"id": "psr", "text": "Courts need full written pre-sentence reports, not rushed oral ones.",
         "stances": {"reports": "support"}},
    ]},
    "b": {"name": "Beta Ministry", "statements": [
        {"id": "mixed-market", "text": "There is strength in a mixed market of probation providers, public and private.",
         "stances": {"public-ownership": "oppose"}},
        {"id": "upw", "text": "Community payback placements should benefit local communities.",
         "stances": {"unpaid-work": "support"}},
        {"id": "national", "text": "Probation will be run as one national service with regional directors.",
         "stances": {"local-delivery": "oppose"}},
        {"id": "psr", "text": "We will improve pre-sentence reports, but short oral reports will remain for simple cases.",
         "stances": {"reports": "mixed"}},
        {"id": "digital", "text": "We will invest in digital services and data exchange."},
    ]},
    "c": {"name": "Gamma Charity", "statements": [
        {"id": "small", "text": "Small charities should work alongside a public probation service in every area.",
         "stances": {"public-ownership": "support", "local-delivery": "neutral"}},
        {"id": "skills", "text": "Unpaid work should teach skills that lead to jobs.", "stances": {"unpaid-work": "support"}},
        {"id": "tea", "text": "Staff canteens should serve better tea and biscuits."},
    ]},
}


def build(root, keys=None, topics=None, date=None, threshold=0.5):
    corpus = load_corpus(root)
    keys = keys or corpus.source_keys
    comparison = compare_sources(Matcher(corpus, use_cache=False), keys, threshold, topics)
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__,
                        topics=topics, date=date)


@pytest.fixture
def root(make_corpus):
    return make_corpus(SOURCES, TOPICS)


@pytest.fixture
def report(root):
    return build(root)


def test_controversy_values():
    assert controversy(0, 3) == 0.0
    assert controversy(3, 0) == 0.0
    assert controversy(2, 2) == 1.0
    assert controversy(1, 2) == 0.5
    assert controversy(3, 1) == pytest.approx(0.3333)


def test_sources_and_matrix(report):
    assert report.source_keys == ("a", "b", "c")
    assert [s["name"] for s in report.sources] == ["Alpha Union", "Beta Ministry", "Gamma Charity"]
    assert dict(report.matrix) == {
        "local-delivery": ("support", "oppose", "neutral"),
        "public-ownership": ("support", "oppose", "support"),
        "unpaid-work": ("support", "support", "support"),
        "reports": ("support", "mixed", "uncurated"),  # c has no statement and no silent_on: not curated
    }
    # taxonomy order; the topic nobody speaks on has neither a row nor a section
    assert [k for k, _ in report.matrix] == ["local-delivery", "public-ownership", "unpaid-work", "reports"]
    assert [s.topic.key for s in report.topic_sections] == [k for k, _ in report.matrix]


def test_consensus(report):
    assert [f.topic.key for f in report.consensus] == ["unpaid-work"]
    f = report.consensus[0]
    assert f.supporters == ("a", "b", "c") and f.opponents == () and f.controversy == 0.0
    assert {q.ref for q in f.quotes} == {"a/upw", "b/upw", "c/skills"}


def test_contested_most_evenly_split_first(report):
    assert [(f.topic.key, f.controversy) for f in report.contested] == [("local-delivery", 1.0), ("public-ownership", 0.5)]
    local, public = report.contested
    assert (local.supporters, local.opponents, local.others, local.silent) == (("a",), ("b",), ("c",), ())
    assert (public.supporters, public.opponents) == (("a", "c"), ("b",))
    # a contested finding keeps every quote on the topic, neutral ones included
    assert {q.ref for q in local.quotes} == {"a/local", "b/national", "c/small"}


def test_mixed_source_blocks_consensus(report):
    keys = {f.topic.key for f in report.consensus} | {f.topic.key for f in report.contested}
    assert "reports" not in keys


def test_topic_sections(report):
    sec = {s.topic.key: s for s in report.topic_sections}
    assert sec["reports"].stances == (("a", "support"), ("b", "mixed"), ("c", "uncurated"))
    assert [q.ref for q in sec["public-ownership"].quotes] == ["a/public-service", "b/mixed-market", "c/small"]
    for s in report.topic_sections:
        for attr, relation in (("agreements", "agree"), ("disagreements", "disagree"), ("related", "related")):
            for p in getattr(s, attr):
                assert p.relation == relation and s.topic.key in p.topics
    # the two unpaid-work statements in near-identical words are aligned and agree
    assert any({p.a.ref, p.b.ref} == {"a/upw", "b/upw"} for p in sec["unpaid-work"].agreements)


def test_unique_positions(report):
    unique = dict(report.unique)
    assert list(unique) == ["a", "b", "c"]
    # statements without stances and without a counterpart are unique to their source
    assert "b/digital" in {q.ref for q in unique["b"]}
    assert "c/tea" in {q.ref for q in unique["c"]}
    # and nothing that was aligned is listed as unique
    aligned = {r for v in report.pairwise for p in (*v.agreements, *v.disagreements, *v.related) for r in (p.a.ref, p.b.ref)}
    assert "a/upw" in aligned and "b/upw" in aligned
    for quotes in unique.values():
        assert not {q.ref for q in quotes} & aligned
    # consistent with the pairwise only_a / only_b lists
    for v in report.pairwise:
        assert {q.ref for q in v.only_a} >= {q.ref for q in unique[v.a]}


def test_single_source_has_no_unique_section(root):
    assert build(root, keys=["a"]).unique == ()


def test_methods(root, report):
    m = report.methods
    assert m["version"] == __version__
    assert m["threshold"] == 0.5
    assert m["corpus_hash"] == corpus_hash(load_corpus(root))
    assert len(m["corpus_hash"]) == 12 and int(m["corpus_hash"], 16) >= 0
    assert m["date"] is None
    assert m["command"] == "positions report a b c"
    assert m["weights"] == DEFAULT_WEIGHTS.describe()
    assert build(root, threshold=0.4).methods["threshold"] == 0.4
    assert build(root, date="2024-05-01").methods["date"] == "2024-05-01"
    filtered = build(root, topics=["unpaid-work"])
    assert filtered.methods["topics_filter"] == ["unpaid-work"]
    assert filtered.methods["command"] == "positions report a b c --topic unpaid-work"


def test_topic_filter(root):
    r = build(root, topics=["public-ownership"])
    assert [k for k, _ in r.matrix] == ["public-ownership"]
    assert [f.topic.key for f in r.contested] == ["public-ownership"] and r.consensus == ()
    for _, quotes in r.unique:
        assert all("public-ownership" in dict(q.stances) for q in quotes)


def test_summary_names_the_most_contested_and_shared_topics(report):
    assert report.summary.startswith("This report compares 3 sources (Alpha Union, Beta Ministry, Gamma Charity): "
                                     "12 statements on 4 topics.")
    assert "most contested topic is local delivery" in report.summary
    assert "most widely shared position is on unpaid work" in report.summary


def test_corpus_hash_changes_with_the_corpus(make_corpus, report):
    other = make_corpus({**SOURCES, "c": {**SOURCES["c"], "name": "Gamma Trust"}}, TOPICS)
    assert build(other).methods["corpus_hash"] != report.methods["corpus_hash"]


def test_deterministic(root):
    first, second = build(root), build(root)
    assert first == second
    assert render_markdown(first) == render_markdown(second)
    assert render_html(first) == render_html(second)
    assert render_compare(first, explain=True) == render_compare(second, explain=True)


def test_date_only_when_given(root):
    assert "Date:" not in render_markdown(build(root)) and "Date:" not in render_html(build(root))
    dated = build(root, date="2024-05-01")
    assert "- Date: 2024-05-01." in render_markdown(dated)
    assert "<li>Date: 2024-05-01.</li>" in render_html(dated)


def test_silent_on_record_is_told_apart_from_not_curated(make_corpus):
    """A topic in a source's silent_on is 'silent' (checked); no statement and no record is 'uncurated'."""
    from positions.report import curated_stance

    sources = {**SOURCES, "c": {**SOURCES["c"], "silent_on": ["reports", "victims"]}}
    root = make_corpus(sources, TOPICS)
    r = build(root)
    assert dict(r.matrix)["reports"] == ("support", "mixed", "silent")
    assert dict(r.matrix)["local-delivery"] == ("support", "oppose", "neutral")
    corpus = load_corpus(root)
    assert curated_stance(corpus, "c", "victims") == "silent"
    assert curated_stance(corpus, "a", "victims") == "uncurated"
    assert curated_stance(corpus, "c", "unpaid-work") == "support"  # statements win over a stale record
    # nobody speaks on victims: still no row, silent or not
    assert "victims" not in dict(r.matrix)
    md = render_markdown(r)
    assert "| [Pre-sentence reports](#topic-pre-sentence-reports) | + support | ± mixed | ∅ silent |" in md
    assert "∅ says nothing on it (checked by a curator); · no statement, and no silence recorded" in md  # legend
    assert "Stances: Alpha Union + support; Beta Ministry ± mixed; Gamma Charity ∅ silent." in md
    html = render_html(r)
    assert '<td class="st-silent"><span class="sym" aria-hidden="true">∅</span> silent</td>' in html


def test_matrix_command_tells_silent_from_not_curated(invoke, make_corpus):
    import json

    sources = {**SOURCES, "c": {**SOURCES["c"], "silent_on": ["reports"]}}
    root = make_corpus(sources, TOPICS)
    doc = json.loads(invoke("--data", root, "matrix", "--format", "json").stdout)
    rows = {t["key"]: t["stances"] for t in doc["topics"]}
    assert rows["reports"] == {"a": "support", "b": "mixed", "c": "silent"}
    assert doc["legend"]["silent"].startswith("says nothing on it") and "not yet curated" in doc["legend"]["uncurated"]
    rows = {t["key"]: t["stances"] for t in json.loads(invoke("--data", root, "matrix", "a", "b", "--format", "json").stdout)["topics"]}
    assert rows["reports"] == {"a": "support", "b": "mixed"}
    def reports_row(table: str) -> str:
        return next(line for line in table.splitlines() if "Pre-sentence reports" in line)

    table = invoke("--data", root, "matrix").stdout
    assert "∅ silent" in reports_row(table) and "∅ silent (checked)" in table  # the caption explains it
    plain = invoke("--data", make_corpus(SOURCES, TOPICS), "matrix").stdout
    assert "· not curated" in reports_row(plain) and "silent" not in reports_row(plain)


def test_topics_sort_contested_uses_the_report_measure(invoke, make_corpus):
    import json

    root = make_corpus(SOURCES, list(reversed(TOPICS)))  # taxonomy order differs from both sorts

    def keys(*args):
        r = invoke("--data", root, "topics", "--format", "json", *args)
        assert r.exit_code == 0, r.output
        return [(t["key"], t.get("controversy")) for t in json.loads(r.stdout)["topics"]]

    assert keys() == [(t["key"], None) for t in reversed(TOPICS)]
    assert [k for k, _ in keys("--sort", "name")] == sorted(t["key"] for t in TOPICS)
    ranked = keys("--sort", "contested")
    # most evenly split first; then by how many sources take a side (unpaid-work: 3, reports: 1), then key
    assert ranked == [("local-delivery", 1.0), ("public-ownership", 0.5), ("unpaid-work", 0.0), ("reports", 0.0),
                      ("victims", 0.0)]
    report = build(root)
    assert [f.topic.key for f in report.contested] == [k for k, c in ranked if c]
    table = invoke("--data", root, "topics", "--sort", "contested").stdout
    assert "most contested first" in table and "controversy" in table
    assert table.index("local-delivery") < table.index("public-ownership") < table.index("victims")
    assert invoke("--data", root, "topics", "--sort", "loud").exit_code == 2
