"""Gaps against a reference source, by proposition (positions.gaps, `positions gaps`, `report --against`).

Gaps come from the curated stances alone (no matching), so the expected gaps follow from the
definitions.
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

@pytest.fixture
def root(make_corpus):
    return make_corpus(SOURCES, TOPICS)


def gaps_for(root, topics=None, others=("charity", "union")):
    from positions.corpus import load_corpus
    from positions.gaps import find_gaps

    return find_gaps(load_corpus(root), "gov", list(others), topics)


def shape(groups):
    return [(t.key, t.reference_stance, [i.quote.ref for i in t.items]) for t in groups]


def test_known_gaps(root):
    g = gaps_for(root)
    # the others take sides on victims; gov only mentions it
    assert shape(g.unaddressed) == [("victims", "neutral", ["charity/c-victims", "union/u-both"])]
    assert g.unaddressed[0].items[1].sides == (("local-delivery", "oppose"), ("victims", "support"))
    # gov takes a side on unpaid work that nobody shares (the union disagrees); on ownership the union
    # and the charity share its side, on local delivery the charity does
    assert shape(g.unsupported) == [("unpaid-work", "opposes", ["gov/g-market"])]
    assert [(q.ref, stance) for q, stance in g.unsupported[0].items[0].counterparts] == [("union/u-upw", "support")]
    assert g.counts == {"unaddressed": 2, "unaddressed_propositions": 1, "unsupported": 1, "unsupported_propositions": 1}
    assert g.summary.startswith("2 statements of the other sources take a side on 1 proposition that Government does "
                                "not address")


def test_topic_filter_and_fewer_sources(root):
    g = gaps_for(root, topics=["victims"])
    assert shape(g.unaddressed) == [("victims", "neutral", ["charity/c-victims", "union/u-both"])]
    assert g.unsupported == ()
    g = gaps_for(root, others=("union",))
    assert shape(g.unaddressed) == [("victims", "neutral", ["union/u-both"])]
    # without the charity, nobody shares gov's side on local delivery (the union opposes it)
    assert shape(g.unsupported) == [("unpaid-work", "opposes", ["gov/g-market"]),
                                    ("local-delivery", "supports", ["gov/g-local"])]
    assert [(q.ref, s) for q, s in g.unsupported[1].items[0].counterparts] == [("union/u-both", "oppose")]


def test_cli_formats(invoke, root, tmp_path):
    r = invoke("--data", root, "gaps", "--against", "gov", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["reference"] == "gov" and doc["others"] == ["charity", "union"]
    assert [(t["proposition"], [f"{s['source']}/{s['id']}" for s in t["statements"]]) for t in doc["unaddressed"]] == [
        ("victims", ["charity/c-victims", "union/u-both"])]
    assert doc["unsupported"][0]["statements"][0]["others"] == [
        {"source": "union", "id": "u-upw", "text": "Community payback must stay a public service.", "stance": "support"}]
    assert doc["counts"]["unsupported"] == 1

    md = invoke("--data", root, "gaps", "--against", "gov", "union", "--format", "markdown").stdout
    assert md.startswith("# Gaps: Government against the other sources\n")
    assert "## What the others take a side on that Government does not address (1)" in md
    assert "### Victims (`victims`; Government: neutral)" in md
    assert "- **Union** (support): “Victims must be told about releases, and local courts must stay open.” (`union/u-both`)" in md
    assert "the others on it: support `union/u-upw`" in md

    table = invoke("--data", root, "gaps", "--against", "gov").stdout
    assert "What the others take a side on that Government does not address (2)" in table
    assert "What Government takes a side on that no other source shares (1)" in table
    assert "charity/c-victims" in table and "union/u-upw (support)" in table

    out = tmp_path / "gaps.md"
    r = invoke("--data", root, "gaps", "--against", "gov", "--format", "markdown", "--output", out)
    assert r.exit_code == 0 and out.read_text().startswith("# Gaps: Government")


@pytest.mark.parametrize("args, message", [
    (["--against", "gv"], "unknown source 'gv'; did you mean 'gov'?"),
    (["--against", "gov", "gov"], "gaps needs at least one source other than 'gov'"),
    (["--against", "gov", "--topic", "victim"], "unknown topic 'victim'; did you mean 'victims'?"),
])
def test_cli_errors(invoke, root, args, message):
    r = invoke("--data", root, "gaps", *args)
    assert r.exit_code == 2 and message in r.stderr


def test_report_against(invoke, root):
    md = invoke("--data", root, "report", "--against", "gov").stdout
    assert "## Gaps: Government against the other sources" in md
    assert "### What the others take a side on that Government does not address (2)" in md
    assert "#### Victims (`victims`; Government: neutral)" in md
    assert md.index("## Gaps: Government") < md.index("## Methods")
    assert "`positions report charity gov union --against gov --threshold 0.5`" in md
    assert "Gaps:" not in invoke("--data", root, "report").stdout
    r = invoke("--data", root, "report", "union", "charity", "--against", "gov")
    assert r.exit_code == 2 and "must be one of the report's sources" in r.stderr


def test_shipped_corpus_gaps_against_moj(invoke):
    r = invoke("--data", SHIPPED_DATA, "gaps", "--against", "moj", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["others"] == ["alliance", "clinks", "institute", "manifesto"]
    assert doc["counts"]["unaddressed"] > 0 and doc["counts"]["unsupported"] > 0
    for t in doc["unaddressed"]:
        assert t["reference_stance"] in ("silent", "uncurated", "neutral")
        for s in t["statements"]:
            assert s["source"] != "moj" and s["sides"][t["proposition"]] in ("support", "oppose", "mixed")
    for t in doc["unsupported"]:
        for s in t["statements"]:
            assert s["source"] == "moj"
            mine = s["sides"][t["proposition"]]
            assert all(o["stance"] != mine or mine == "mixed" for o in s["others"])
