"""`positions review`: the queue of suggested pairs and an interactive session driven by input lines."""

from __future__ import annotations

import json

import pytest

from sample_corpus import SOURCES, TOPICS

from positions.corpus import load_corpus
from positions.review import parse_choice

# Low enough that the sample corpus gives several suggested pairs whatever the scoring details.
THRESHOLD = "0.2"


# The sample corpus plus two statements that share curated topics with the other source, so that
# there are enough suggested pairs (pairs sharing a curated topic align well below the threshold).
REVIEW_SOURCES = {
    "unions": {**SOURCES["unions"], "statements": [*SOURCES["unions"]["statements"], {
        "id": "no-market", "text": "We oppose any mixed market in probation services.",
        "stances": {"public-ownership": "support"}}]},
    "ministry": {**SOURCES["ministry"], "statements": [*SOURCES["ministry"]["statements"], {
        "id": "upw-jobs", "text": "Unpaid work placements should help people into jobs.",
        "stances": {"unpaid-work": "support"}}]},
}


@pytest.fixture
def data(make_corpus):
    return make_corpus(sources=REVIEW_SOURCES, topics=TOPICS)


def queue(root) -> list[tuple[str, str]]:
    from positions.match import Matcher
    from positions.review import pending_pairs

    pairs = pending_pairs(Matcher(load_corpus(root), use_cache=False), "unions", "ministry", float(THRESHOLD))
    return [(p.a.ref, p.b.ref) for p in pairs]


def review(invoke, root, answers: str, *extra):
    return invoke("--data", root, "review", "unions", "ministry", "--threshold", THRESHOLD, "--reviewer", "jo",
                  *extra, input=answers)


def test_parse_choice():
    assert parse_choice("c").decision == "confirmed" and parse_choice("c").relation is None
    assert parse_choice(" R ").decision == "rejected"
    assert (parse_choice("d").decision, parse_choice("d").relation) == ("confirmed", "disagree")
    assert parse_choice("related").relation == "related" and parse_choice("agree").relation == "agree"
    assert parse_choice("s").action == "skip" and parse_choice("quit").action == "quit"
    assert parse_choice("") is None and parse_choice("x") is None and parse_choice("cr") is None


def test_session_writes_decisions_in_score_order_and_quitting_keeps_them(invoke, data):
    pending = queue(data)
    assert len(pending) >= 4
    first, second, third, fourth = pending[:4]
    r = review(invoke, data, "c\nr\nnot the same point\nx\nd\nq\n")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert f"{len(pending)} suggested pairs of unions and ministry to review, best first." in out
    assert f"[1/{len(pending)}] score " in out and "(lexical " in out and "semantic " in out
    assert "'x' is not a choice" in out  # asked again, nothing written for it
    assert f"A {first[0]}  (" in out and f"B {first[1]}  (" in out
    assert "3 decisions saved to " in out and "(2 confirmed, 1 rejected); 0 skipped;" in out
    assert f"{len(pending) - 3} not yet seen." in out
    links = load_corpus(data).links
    assert [(x.a, x.b, x.decision, x.relation, x.reason, x.reviewer) for x in links] == [
        (*first, "confirmed", None, None, "jo"),
        (*second, "rejected", None, "not the same point", "jo"),
        (*third, "confirmed", "disagree", None, "jo"),
    ]
    # the fourth pair was shown, then the session quit: it is still waiting, the decided ones are not
    assert f"A {fourth[0]}" in out
    assert queue(data) == [p for p in pending if p not in (first, second, third)]
    # and compare now marks them
    doc = json.loads(invoke("--data", data, "compare", "unions", "ministry", "--threshold", THRESHOLD,
                            "--format", "json").stdout)
    status = {(f"{p['a']['source']}/{p['a']['id']}", f"{p['b']['source']}/{p['b']['id']}"): p for p in doc["pairs"]}
    assert status[first]["status"] == "reviewed" and status[third]["relation"] == "disagree"
    assert second not in status
    assert status[fourth]["status"] == "suggested"


def test_second_session_resumes_and_skips_are_not_written(invoke, data):
    pending = queue(data)
    assert review(invoke, data, "s\na\n").exit_code == 0  # input ends: stop like q
    links = load_corpus(data).links
    assert [(x.a, x.b, x.relation) for x in links] == [(*pending[1], "agree")]
    r = review(invoke, data, "l\n")
    assert r.exit_code == 0, r.output
    assert f"{len(pending) - 1} suggested pairs" in r.stdout
    assert f"[1/{len(pending) - 1}] score" in r.stdout and f"A {pending[0][0]}" in r.stdout  # the skipped one again
    assert [(x.a, x.b, x.relation) for x in load_corpus(data).links] == [(*pending[1], "agree"), (*pending[0], "related")]


def test_no_input_writes_nothing(invoke, data):
    r = review(invoke, data, "")
    assert r.exit_code == 0, r.output
    assert "0 decisions saved" in r.stdout
    assert not (data / "links.yaml").exists()


def test_everything_decided(invoke, data):
    n = len(queue(data))
    assert review(invoke, data, "r\n\n" * n).exit_code == 0
    assert len(load_corpus(data).links) == n
    r = review(invoke, data, "")
    assert r.exit_code == 0 and "Nothing to review: every aligned pair of unions and ministry has been decided." in r.stdout


def test_topic_filter(invoke, data):
    r = review(invoke, data, "c\n", "--topic", "unpaid-work")
    assert r.exit_code == 0, r.output
    corpus = load_corpus(data)
    (link,) = corpus.links
    assert "unpaid-work" in corpus.statement(link.a).stances and "unpaid-work" in corpus.statement(link.b).stances
    assert "[1/2] score" in r.stdout  # upw-communities with each of the ministry's two unpaid-work statements


@pytest.mark.parametrize("args, message", [
    (["unions", "unions"], "review needs two different sources"),
    (["unions", "ministri"], "unknown source 'ministri'; did you mean 'ministry'?"),
    (["unions", "ministry", "--topic", "unpaid"], "unknown topic 'unpaid'"),
])
def test_usage_errors(invoke, data, args, message):
    r = invoke("--data", data, "review", *args, input="c\n")
    assert r.exit_code == 2 and message in r.stderr
    assert not (data / "links.yaml").exists()


def test_default_reviewer_is_the_user(invoke, data):
    r = invoke("--data", data, "review", "unions", "ministry", "--threshold", THRESHOLD, input="c\n",
               env={"USER": "curator-a"})
    assert r.exit_code == 0, r.output
    assert load_corpus(data).links[0].reviewer == "curator-a"


def test_new_commands_have_examples(invoke):
    for command in ("review", "link", "gaps"):
        r = invoke(command, "--help")
        assert r.exit_code == 0 and "Example: positions" in r.stdout


def test_interrupted_session_keeps_decisions_already_made(invoke, data, monkeypatch):
    """Each decision is written when it is made, not at the end: Ctrl-C at the third pair loses nothing."""
    import positions.cli.review as cli_review

    pending = queue(data)
    answers = iter(["c", "d"])

    def read(prompt):
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_review, "_read", read)
    r = review(invoke, data, None)
    assert r.exit_code == 130 and "interrupted" in r.stderr
    assert [(x.a, x.b, x.decision, x.relation) for x in load_corpus(data).links] == [
        (*pending[0], "confirmed", None), (*pending[1], "confirmed", "disagree")]
