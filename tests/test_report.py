"""build_report: the findings summary, blocks per proposition, related and unplaced statements, methods,
filters that say what they hide, determinism."""

from __future__ import annotations

import pytest

from positions import __version__
from positions.corpus import corpus_hash, load_corpus
from positions.match import DEFAULT_WEIGHTS, Matcher, compare_sources
from positions.render.markdown import render_compare, render_report as render_markdown
from positions.report import build_report
from positions.stances import controversy

TOPICS = [
    {"key": "local-delivery", "label": "Local delivery", "proposition": "Probation should be run locally."},
    {"key": "public-ownership", "label": "Public ownership", "proposition": "Probation should be publicly owned.",
     "aliases": ["public sector", "mixed market"]},
    {"key": "unpaid-work", "label": "Unpaid work", "proposition": "Unpaid work should benefit communities.",
     "aliases": ["UPW", "community payback"]},
    {"key": "reports", "label": "Pre-sentence reports", "proposition": "Courts should get full pre-sentence reports."},
    {"key": "victims", "label": "Victims", "proposition": "Victims should be kept informed."},
]

# Known stances, by proposition (these older-format topics are each their own proposition):
#   local-delivery    a +, b −, c ○   -> disagree (c only mentions it: no side)
#   public-ownership  a +, b −, c +   -> disagree
#   unpaid-work       a +, b +, c +   -> agree
#   reports           a +, b ±        -> disagree (mixed against a clear side)
#   victims           nobody          -> no row, no block
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


def build(root, keys=None, topics=None, date=None, threshold=0.5, relations=None):
    corpus = load_corpus(root)
    keys = keys or corpus.source_keys
    comparison = compare_sources(Matcher(corpus, use_cache=False), keys, threshold, topics, relations)
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


def test_sources_and_stand_table(report):
    assert report.source_keys == ("a", "b", "c")
    assert [s["name"] for s in report.sources] == ["Alpha Union", "Beta Ministry", "Gamma Charity"]
    rows = {k: tuple(p.stance for p in report.matrix.row(k)) for k in report.matrix.propositions}
    assert rows == {
        "local-delivery": ("support", "oppose", "neutral"),
        "public-ownership": ("support", "oppose", "support"),
        "unpaid-work": ("support", "support", "support"),
        "reports": ("support", "mixed", "uncurated"),  # c has no statement and no silent_on: not curated
    }
    # taxonomy order; the proposition nobody speaks on has no row
    assert [p.key for p in report.propositions] == ["local-delivery", "public-ownership", "unpaid-work", "reports"]


def test_blocks_come_disagreements_first_with_the_strongest_evidence_first(report):
    assert [(b.proposition.key, b.finding) for b in report.blocks] == [
        ("public-ownership", "disagree"),  # three statements take sides
        ("local-delivery", "disagree"),    # two; before reports in taxonomy order
        ("reports", "disagree"),           # mixed against a clear side
        ("unpaid-work", "agree"),
    ]
    public = report.blocks[0]
    assert [p.describe() for p in public.positions] == ["supports", "opposes", "supports"]
    assert [e.quote.ref for e in public.evidence] == ["a/public-service", "b/mixed-market", "c/small"]
    assert {(p.a.ref, p.b.ref) for p in public.pairs} == {("a/public-service", "b/mixed-market"),
                                                         ("b/mixed-market", "c/small"), ("a/public-service", "c/small")}
    local = report.blocks[1]
    assert local.sides_taken == ("a", "b") and [e.stance for e in local.evidence] == ["support", "oppose", "neutral"]


def test_two_sources_summary_lines(root):
    r = build(root, keys=["a", "b"])
    lines = [(line.kind, line.source, [p.key for p in line.propositions]) for line in r.summary]
    assert lines == [("disagree", None, ["local-delivery", "public-ownership", "reports"]),
                     ("agree", None, ["unpaid-work"])]
    r = build(root, keys=["a", "c"])
    lines = [(line.kind, line.source, [p.key for p in line.propositions], line.note) for line in r.summary]
    assert lines == [("agree", None, ["public-ownership", "unpaid-work"], ""),
                     ("only", "a", ["local-delivery", "reports"], "Gamma Charity: not curated on 2")]
    assert r.heading == "Alpha Union (a) and Gamma Charity (c)"


def test_related_and_unplaced_statements(report):
    # the canteen and digital statements share no proposition and no wording with anything
    unplaced = {k: {q.ref for q in quotes} for k, quotes in report.unplaced}
    assert unplaced == {"b": {"b/digital"}, "c": {"c/tea"}}
    for p in report.related:
        assert p.relation == "related" and not p.topics
    # every statement appears somewhere
    shown = ({e.quote.ref for b in report.blocks for e in b.evidence} | {q.ref for p in report.related for q in (p.a, p.b)}
             | {q.ref for _, quotes in report.unplaced for q in quotes})
    assert shown == {f"{k}/{st['id']}" for k, src in SOURCES.items() for st in src["statements"]}


def test_relation_filter_says_what_it_hides(root):
    r = build(root, relations=["disagree"])
    assert {b.finding for b in r.blocks} == {"disagree"}
    assert r.hidden == {"agree": 1}
    assert r.unplaced == () and r.related == ()
    assert all(p.relation == "disagree" for v in r.pairwise for p in v.pairs)
    # the summary is the whole finding, whatever is shown
    assert [line.kind for line in r.summary] == ["disagree", "agree"]
    md = render_compare(r)
    assert "Not shown (`--relation disagree`): 1 agreement." in md and "none" not in md.lower().split("## method")[0]
    r = build(root, relations=["agree"])
    assert r.hidden == {"disagree": 3}


def test_methods(root, report):
    m = report.methods
    assert m["version"] == __version__
    assert m["threshold"] == 0.5
    assert m["corpus_hash"] == corpus_hash(load_corpus(root))
    assert len(m["corpus_hash"]) == 12 and int(m["corpus_hash"], 16) >= 0
    assert m["date"] is None
    assert m["command"] == "positions report a b c"
    assert m["weights"] == DEFAULT_WEIGHTS.describe()
    assert "text similarity reaches 0.5" in m["rule"] and "always compared" in m["rule"]
    assert "rapidfuzz" in m["matcher"] and "IDF-weighted term cosine" in m["matcher"]
    assert build(root, threshold=0.4).methods["threshold"] == 0.4
    assert build(root, date="2024-05-01").methods["date"] == "2024-05-01"
    filtered = build(root, topics=["unpaid-work"])
    assert filtered.methods["topics_filter"] == ["unpaid-work"]
    assert filtered.methods["command"] == "positions report a b c --topic unpaid-work"


def test_topic_filter(root):
    r = build(root, topics=["public-ownership"])
    assert [p.key for p in r.propositions] == ["public-ownership"]
    assert [b.proposition.key for b in r.blocks] == ["public-ownership"]
    for _, quotes in r.unplaced:
        assert all("public-ownership" in dict(q.stances) for q in quotes)


def test_headline_names_the_most_contested_proposition(report):
    assert report.headline.startswith("This report compares 3 sources (Alpha Union, Beta Ministry, Gamma Charity): "
                                      "12 statements, with positions on 4 propositions. The sources disagree on 3, "
                                      "agree on 1,")
    # local-delivery is split 1:1 (controversy 1.0), public-ownership 2:1
    assert "The most contested proposition is “Probation should be run locally.”" in report.headline


def test_headline_states_ties_as_ties(make_corpus):
    topics = [{"key": "x", "label": "X", "proposition": "X should happen."},
              {"key": "y", "label": "Y", "proposition": "Y should happen."}]
    sources = {"a": {"name": "A", "statements": [{"id": "p", "text": "Yes to X.", "stances": {"x": "support"}},
                                                 {"id": "q", "text": "Yes to Y.", "stances": {"y": "support"}}]},
               "b": {"name": "B", "statements": [{"id": "p", "text": "No to X.", "stances": {"x": "oppose"}},
                                                 {"id": "q", "text": "No to Y.", "stances": {"y": "oppose"}}]}}
    r = build(make_corpus(sources, topics))
    assert "2 propositions are equally contested" in r.headline
    assert "“X should happen.”" in r.headline and "“Y should happen.”" in r.headline


def test_corpus_hash_changes_with_the_corpus(make_corpus, report):
    other = make_corpus({**SOURCES, "c": {**SOURCES["c"], "name": "Gamma Trust"}}, TOPICS)
    assert build(other).methods["corpus_hash"] != report.methods["corpus_hash"]


def test_deterministic(root):
    first, second = build(root), build(root)
    assert first == second
    assert render_markdown(first) == render_markdown(second)
    assert render_compare(first, explain=True) == render_compare(second, explain=True)


def test_date_only_when_given(root):
    assert "Date:" not in render_markdown(build(root))
    dated = build(root, date="2024-05-01")
    assert "- Date: 2024-05-01." in render_markdown(dated)


def test_silent_on_record_is_told_apart_from_not_curated(make_corpus):
    """A proposition in a source's silent_on is 'silent' (checked); no statement and no record is 'uncurated'."""
    sources = {**SOURCES, "c": {**SOURCES["c"], "silent_on": ["reports", "victims"]}}
    root = make_corpus(sources, TOPICS)
    r = build(root)
    assert [p.stance for p in r.matrix.row("reports")] == ["support", "mixed", "silent"]
    assert "victims" not in r.matrix.propositions  # nobody speaks on victims: still no row
    md = render_markdown(r)
    assert "| Pre-sentence reports (`reports`) | + supports | ± mixed | ∅ silent |" in md
    assert "∅ says nothing on it (checked by a curator); · no statement, and no silence recorded" in md  # legend
    two = build(root, keys=["a", "c"])
    assert ("only", "a", ["local-delivery", "reports"], "Gamma Charity: silent on 1 (checked), not curated on 1") in [
        (line.kind, line.source, [p.key for p in line.propositions], line.note) for line in two.summary]


def test_matrix_command_tells_silent_from_not_curated(invoke, make_corpus):
    import json

    sources = {**SOURCES, "c": {**SOURCES["c"], "silent_on": ["reports"]}}
    root = make_corpus(sources, TOPICS)
    doc = json.loads(invoke("--data", root, "matrix", "--format", "json").stdout)
    rows = {t["key"]: t["stances"] for t in doc["propositions"]}
    assert rows["reports"] == {"a": "support", "b": "mixed", "c": "silent"}
    assert doc["legend"]["silent"].startswith("says nothing on it") and "not yet curated" in doc["legend"]["uncurated"]
    rows = {t["key"]: t["stances"] for t in json.loads(invoke("--data", root, "matrix", "a", "b", "--format", "json").stdout)["propositions"]}
    assert rows["reports"] == {"a": "support", "b": "mixed"}

    def reports_row(table: str) -> str:
        lines = table.splitlines()
        return next(lines[n] for n, line in enumerate(lines) if "Pre-sentence reports" in line)

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
        return [(t["key"], t.get("controversy")) for t in json.loads(r.stdout)["propositions"]]

    assert keys() == [(t["key"], None) for t in reversed(TOPICS)]
    assert [k for k, _ in keys("--sort", "name")] == sorted(t["key"] for t in TOPICS)
    ranked = keys("--sort", "contested")
    # most evenly split first; then by how many sources take a side (unpaid-work: 3, reports: 1), then taxonomy
    assert ranked == [("local-delivery", 1.0), ("public-ownership", 0.5), ("unpaid-work", 0.0), ("reports", 0.0),
                      ("victims", 0.0)]
    table = invoke("--data", root, "topics", "--sort", "contested").stdout
    assert "most contested first" in table and "controversy" in table
    assert table.index("local-delivery") < table.index("public-ownership") < table.index("victims")
    assert invoke("--data", root, "topics", "--sort", "loud").exit_code == 2
