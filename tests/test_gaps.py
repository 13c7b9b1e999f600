"""Gaps against a reference source (positions.gaps, `positions gaps`, `report --against`).

The small corpus pins every alignment with links.yaml and uses --threshold 1, so that no pair is
aligned by its score: the expected gaps follow from the definitions alone.
"""

from __future__ import annotations

import json

import pytest

from conftest import SHIPPED_DATA

TOPICS = [
    {"key": "public-ownership", "label": "Public ownership", "proposition": "Probation should be publicly owned."},
    {"key": "unpaid-work", "label": "Unpaid work", "proposition": "Unpaid work should be run in the public sector."},
    {"key": "local-delivery", "label": "Local delivery", "proposition": "Probation should be run locally."},
    {"key": "victims", "label": "Victims", "proposition": "Victims should be kept informed."},
]


def st(sid: str, text: str, **stances: str) -> dict:
    return {"id": sid, "text": text, "stances": {k.replace("_", "-"): v for k, v in stances.items()}}


SOURCES = {
    "gov": {"name": "Government", "statements": [
        st("g-own", "The state will own and run every probation office.", public_ownership="support"),
        st("g-market", "Private companies will run unpaid work placements.", unpaid_work="oppose"),
        st("g-local", "Regional directors will decide local priorities.", local_delivery="support"),
        st("g-victims", "Victims will get a named contact.", victims="neutral"),
        {"id": "g-plain", "text": "We will publish a timetable."},
    ]},
    "union": {"name": "Union", "statements": [
        st("u-own", "Probation belongs in public hands.", public_ownership="support"),
        st("u-upw", "Community payback must stay a public service.", unpaid_work="support"),
        st("u-both", "Victims must be told about releases, and local courts must stay open.",
           victims="support", local_delivery="oppose"),
        st("u-mixed", "Ownership matters less than quality.", public_ownership="mixed"),
    ]},
    "charity": {"name": "Charity", "statements": [
        st("c-local", "Local charities know their areas best.", local_delivery="support"),
        st("c-victims", "Victim contact schemes cost too much.", victims="oppose"),
        st("c-rejected", "The state should own probation outright.", public_ownership="support"),
    ]},
}

LINKS = """links:
  - a: gov/g-own
    b: union/u-own
    decision: confirmed
  - a: gov/g-market
    b: union/u-upw
    decision: confirmed
  - a: charity/c-local
    b: gov/g-local
    decision: confirmed
    relation: related
  - a: gov/g-own
    b: charity/c-rejected
    decision: rejected
"""


@pytest.fixture
def root(make_corpus):
    return make_corpus(SOURCES, TOPICS, files={"links.yaml": LINKS})


def gaps_for(root, topics=None, others=("charity", "union")):
    from positions.corpus import load_corpus
    from positions.gaps import gaps_of
    from positions.match import Matcher

    return gaps_of(Matcher(load_corpus(root), use_cache=False), "gov", list(others), 1.0, topics)


def shape(groups):
    return [(t.key, t.reference_stance, [i.quote.ref for i in t.items]) for t in groups]


def test_known_gaps(root):
    g = gaps_for(root)
    # asks of the others that gov does not address, under each statement's first topic (taxonomy order)
    assert shape(g.unaddressed) == [
        ("public-ownership", "support", ["charity/c-rejected"]),  # rejected by a curator: not aligned
        ("local-delivery", "support", ["union/u-both"]),          # also on victims, listed once
        ("victims", "neutral", ["charity/c-victims"]),
    ]
    assert g.unaddressed[1].items[0].sides == (("local-delivery", "oppose"), ("victims", "support"))
    # gov's proposals that nobody supports: a disagreement, and a pair a curator set to 'related'
    assert shape(g.unsupported) == [
        ("unpaid-work", "oppose", ["gov/g-market"]),
        ("local-delivery", "support", ["gov/g-local"]),
    ]
    assert [(q.ref, rel) for q, rel, _ in g.unsupported[0].items[0].counterparts] == [("union/u-upw", "disagree")]
    assert [(q.ref, rel) for q, rel, _ in g.unsupported[1].items[0].counterparts] == [("charity/c-local", "related")]
    assert g.counts == {"unaddressed": 3, "unaddressed_topics": 3, "unsupported": 2, "unsupported_topics": 2}
    assert g.summary.startswith("3 statements of the other sources take a side that Government does not address")
    # mixed, neutral and stance-less statements are never asks; g-own has an agreeing pair
    listed = {i.quote.ref for t in (*g.unaddressed, *g.unsupported) for i in t.items}
    assert not listed & {"union/u-mixed", "gov/g-victims", "gov/g-plain", "gov/g-own", "union/u-own"}


def test_topic_filter_and_fewer_sources(root):
    g = gaps_for(root, topics=["victims"])
    assert shape(g.unaddressed) == [("victims", "neutral", ["charity/c-victims", "union/u-both"])]
    assert g.unsupported == ()
    g = gaps_for(root, others=("union",))
    assert shape(g.unaddressed) == [("local-delivery", "support", ["union/u-both"])]
    # without the charity, g-local has no aligned pair at all: still unsupported, with no counterpart
    assert [(t.key, [(q.ref, rel) for q, rel, _ in t.items[0].counterparts]) for t in g.unsupported] == [
        ("unpaid-work", [("union/u-upw", "disagree")]), ("local-delivery", [])]


def test_cli_formats(invoke, root, tmp_path):
    r = invoke("--data", root, "gaps", "--against", "gov", "--threshold", "1", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["reference"] == "gov" and doc["others"] == ["charity", "union"] and doc["threshold"] == 1.0
    assert [(t["topic"], [f"{s['source']}/{s['id']}" for s in t["statements"]]) for t in doc["unaddressed"]] == [
        ("public-ownership", ["charity/c-rejected"]), ("local-delivery", ["union/u-both"]), ("victims", ["charity/c-victims"])]
    assert doc["unsupported"][0]["statements"][0]["aligned"][0]["relation"] == "disagree"
    assert doc["counts"]["unsupported"] == 2

    md = invoke("--data", root, "gaps", "--against", "gov", "union", "--threshold", "1", "--format", "markdown").stdout
    assert md.startswith("# Gaps: Government against the other sources\n")
    assert "## What the others ask that Government does not address (1)" in md
    assert "### Local delivery (1; Government: support)" in md
    assert "- **Union**: “Victims must be told about releases, and local courts must stay open.” (`union/u-both`)" in md
    assert "aligned without agreement: disagree `union/u-upw`" in md

    table = invoke("--data", root, "gaps", "--against", "gov", "--threshold", "1").stdout
    assert "What the others ask that Government does not address (3)" in table
    assert "What Government proposes that no other source supports (2)" in table
    assert "charity/c-victims" in table and "disagree: union/u-upw" in table

    out = tmp_path / "gaps.md"
    r = invoke("--data", root, "gaps", "--against", "gov", "--threshold", "1", "--format", "markdown", "--output", out)
    assert r.exit_code == 0 and out.read_text().startswith("# Gaps: Government")


@pytest.mark.parametrize("args, message", [
    (["--against", "gv"], "unknown source 'gv'; did you mean 'gov'?"),
    (["--against", "gov", "gov"], "gaps needs at least one source other than 'gov'"),
    (["--against", "gov", "--topic", "victim"], "unknown topic 'victim'; did you mean 'victims'?"),
    (["--against", "gov", "--threshold", "2"], "--threshold must be between 0 and 1"),
])
def test_cli_errors(invoke, root, args, message):
    r = invoke("--data", root, "gaps", *args)
    assert r.exit_code == 2 and message in r.stderr


def test_report_against(invoke, root):
    md = invoke("--data", root, "report", "--against", "gov", "--threshold", "1").stdout
    assert "## Gaps: Government against the other sources" in md
    assert "### What the others ask that Government does not address (3)" in md
    assert "#### [Victims](#topic-victims) (1; Government: neutral)" in md
    assert md.index("## Gaps: Government") < md.index("## Methods")
    assert "`positions report charity gov union --against gov --threshold 1`" in md
    html = invoke("--data", root, "report", "--against", "gov", "--threshold", "1", "--format", "html").stdout
    assert '<li><a href="#gaps">Gaps</a></li>' in html and '<section id="gaps">' in html
    assert "What Government proposes that no other source supports (2)" in html
    assert "Gaps:" not in invoke("--data", root, "report", "--threshold", "1").stdout
    # the gaps' topic links land on the report's topic sections; the page stays self-contained
    import test_render_html as h
    import test_render_markdown as m

    m.assert_links_resolve(m.Doc(m.md().render(md)))
    page = h.Page(html)
    h.assert_self_contained(html, page)
    h.assert_links_resolve(page)
    r = invoke("--data", root, "report", "union", "charity", "--against", "gov")
    assert r.exit_code == 2 and "must be one of the report's sources" in r.stderr


def test_shipped_corpus_gaps_against_moj(invoke):
    r = invoke("--data", SHIPPED_DATA, "gaps", "--against", "moj", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["others"] == ["alliance", "clinks", "institute", "manifesto"]
    assert doc["counts"]["unaddressed"] > 0 and doc["counts"]["unsupported"] > 0
    for t in doc["unaddressed"]:
        for s in t["statements"]:
            assert s["source"] != "moj" and s["sides"][t["topic"]] in ("support", "oppose")
    for t in doc["unsupported"]:
        for s in t["statements"]:
            assert s["source"] == "moj" and all(a["relation"] != "agree" for a in s["aligned"])
