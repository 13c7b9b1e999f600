"""Loader tests: every way `load_corpus` rejects a corpus, and the odd inputs it must accept.

Expected problems are stated compactly, as in yamllint's tests/common.py:
(file suffix, 1-based line, column, message substring). Line and column are 0 when unknown.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from positions.corpus import load_corpus
from positions.errors import CorpusError, Problem
from positions.models import Corpus

from conftest import SHIPPED_DATA

OK_SOURCE = "name: Foo\nstatements:\n  - id: a\n    text: A quote.\n"


def problems_of(corpus_dir: Path) -> list[Problem]:
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_dir)
    return info.value.problems


def assert_problems(corpus_dir: Path, expected: list[tuple[str, int, int, str]]) -> list[Problem]:
    """The corpus fails with exactly these problems, in this (sorted) order."""
    problems = problems_of(corpus_dir)
    got = [(p.path, p.line, p.column, p.message) for p in problems]
    assert len(problems) == len(expected), f"expected {len(expected)} problems, got:\n" + "\n".join(
        map(str, problems)
    )
    for problem, (suffix, line, column, fragment) in zip(problems, expected):
        assert problem.path.replace(os.sep, "/").endswith(suffix), got
        assert (problem.line, problem.column) == (line, column), (str(problem), got)
        assert fragment in problem.message, (str(problem), got)
    return problems


def one_source(make_corpus, text: str | bytes, key: str = "x"):
    return make_corpus(sources={key: text})


# --- unknown fields ---------------------------------------------------------------------------


def test_unknown_top_level_field_lists_allowed_fields(make_corpus):
    root = one_source(make_corpus, "name: Foo\ncolour: red\n" + OK_SOURCE.split("\n", 1)[1])
    (problem,) = assert_problems(root, [("sources/x.yaml", 2, 1, "unknown field 'colour'")])
    assert "allowed: name, title, date" in problem.message
    assert problem.where == "colour"


def test_unknown_top_level_field_did_you_mean(make_corpus):
    root = one_source(make_corpus, "name: Foo\ntitel: T\n" + OK_SOURCE.split("\n", 1)[1])
    assert_problems(root, [("sources/x.yaml", 2, 1, "unknown field 'titel'; did you mean 'title'?")])


def test_unknown_statement_field_did_you_mean(make_corpus):
    root = one_source(make_corpus, OK_SOURCE + "    sectoin: Principles\n")
    (problem,) = assert_problems(
        root, [("sources/x.yaml", 5, 5, "unknown field 'sectoin'; did you mean 'section'?")]
    )
    assert problem.where == "statement 'a' sectoin"


def test_misspelt_required_field_reports_missing_and_unknown(make_corpus):
    root = one_source(make_corpus, "name: Foo\nstatements:\n  - id: a\n    txt: b\n")
    assert_problems(
        root,
        [
            ("sources/x.yaml", 3, 5, "'text' is missing; add it"),
            ("sources/x.yaml", 4, 5, "unknown field 'txt'; did you mean 'text'?"),
        ],
    )


def test_missing_required_top_level_field(make_corpus):
    root = one_source(make_corpus, "name: Foo\n")
    assert_problems(root, [("sources/x.yaml", 1, 1, "'statements' is missing; add it")])


def test_unknown_topic_field(make_corpus):
    root = make_corpus(
        topics="topics:\n  - key: a\n    label: A\n    proposition: P.\n    aliasses: [x]\n",
        sources={"x": OK_SOURCE},
    )
    assert_problems(root, [("topics.yaml", 5, 5, "unknown field 'aliasses'; did you mean 'aliases'?")])


def test_topic_missing_label(make_corpus):
    root = make_corpus(
        topics="topics:\n  - key: a\n    proposition: P.\n", sources={"x": OK_SOURCE}
    )
    assert_problems(root, [("topics.yaml", 2, 5, "'label' is missing; add it")])


# --- statement content ------------------------------------------------------------------------


def test_duplicate_statement_ids(make_corpus):
    root = one_source(
        make_corpus, "name: Foo\nstatements:\n  - id: a\n    text: b\n  - id: a\n    text: c\n"
    )
    (problem,) = assert_problems(
        root, [("sources/x.yaml", 5, 9, "duplicate id (first used by statement 1)")]
    )
    assert problem.where == "statement 'a'"


def test_duplicate_ids_found_even_when_other_fields_are_invalid(make_corpus):
    root = one_source(
        make_corpus,
        "name: Foo\ncolour: red\nstatements:\n  - id: a\n    text: b\n  - id: a\n    text: c\n",
    )
    assert_problems(
        root,
        [
            ("sources/x.yaml", 2, 1, "unknown field 'colour'"),
            ("sources/x.yaml", 6, 9, "duplicate id"),
        ],
    )


@pytest.mark.parametrize("text", ["''", "'   '", '""'])
def test_empty_text(make_corpus, text):
    root = one_source(make_corpus, f"name: Foo\nstatements:\n  - id: a\n    text: {text}\n")
    assert_problems(root, [("sources/x.yaml", 4, 11, "'text' is empty; write the verbatim quote")])


def test_null_text(make_corpus):
    root = one_source(make_corpus, "name: Foo\nstatements:\n  - id: a\n    text:\n")
    # A null value has no position of its own: the problem points at its key.
    assert_problems(root, [("sources/x.yaml", 4, 5, "'text' is empty; write the verbatim quote")])


def test_null_name(make_corpus):
    root = one_source(make_corpus, "name:\nstatements: []\n")
    assert_problems(root, [("sources/x.yaml", 1, 1, "'name' is empty")])


def test_invalid_statement_id_slug(make_corpus):
    root = one_source(make_corpus, "name: Foo\nstatements:\n  - id: Not A Slug\n    text: b\n")
    assert_problems(root, [("sources/x.yaml", 3, 9, "'Not A Slug' is not a valid id")])


# --- stances ----------------------------------------------------------------------------------


def test_unknown_topic_in_stances_did_you_mean(make_corpus):
    root = one_source(make_corpus, OK_SOURCE + "    stances:\n      public-ownershp: support\n")
    (problem,) = assert_problems(
        root,
        [("sources/x.yaml", 6, 7, "unknown topic 'public-ownershp'; did you mean 'public-ownership'?")],
    )
    assert "(known: local-delivery, public-ownership, unpaid-work)" in problem.message
    assert problem.where == "statement 'a' stances"


def test_unknown_topic_without_close_match(make_corpus):
    root = one_source(make_corpus, OK_SOURCE + "    stances:\n      zzz: support\n")
    (problem,) = assert_problems(root, [("sources/x.yaml", 6, 7, "unknown topic 'zzz'")])
    assert "did you mean" not in problem.message


def test_unknown_topic_in_silent_on(make_corpus):
    root = one_source(make_corpus, "silent_on: [unpaid-wrk]\n" + OK_SOURCE)
    assert_problems(root, [("sources/x.yaml", 1, 13, "unknown topic 'unpaid-wrk'; did you mean 'unpaid-work'?")])


@pytest.mark.parametrize("value", ["agree", "Support", "yes"])
def test_invalid_stance_value(make_corpus, value):
    root = one_source(make_corpus, OK_SOURCE + f"    stances:\n      unpaid-work: {value}\n")
    (problem,) = assert_problems(
        root, [("sources/x.yaml", 6, 20, f"'{value}' is not a stance; use support, oppose, mixed or neutral")]
    )
    assert problem.where == "statement 'a' stances.unpaid-work"


def test_every_stance_value_is_accepted(make_corpus):
    lines = "".join(
        f"  - id: s{i}\n    text: T{i}.\n    stances:\n      unpaid-work: {stance}\n"
        for i, stance in enumerate(["support", "oppose", "mixed", "neutral"])
    )
    corpus = load_corpus(one_source(make_corpus, "name: Foo\nstatements:\n" + lines))
    assert [r.stances["unpaid-work"] for r in corpus.statements()] == ["support", "oppose", "mixed", "neutral"]


def test_stances_must_be_a_mapping(make_corpus):
    root = one_source(make_corpus, OK_SOURCE + "    stances: [unpaid-work]\n")
    assert_problems(root, [("sources/x.yaml", 5, 14, "'stances' must be a mapping")])


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ('"2019"', "2019"),
        ("2019", "2019"),  # a bare year is an int in YAML
        ('"2019-03"', "2019-03"),
        ("2019-03", "2019-03"),
        ('"2019-03-05"', "2019-03-05"),
        ("2019-03-05", "2019-03-05"),  # an unquoted YAML date
        ('"2020-02-29"', "2020-02-29"),
    ],
)
def test_valid_dates(make_corpus, written, stored):
    corpus = load_corpus(one_source(make_corpus, f"date: {written}\n" + OK_SOURCE))
    assert corpus.source_map["x"].data.date == stored


@pytest.mark.parametrize(
    ("written", "column", "fragment"),
    [
        ('"March 2019"', 7, "'March 2019' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
        ('"19"', 7, "'19' is not a date"),
        ('"2019/03/05"', 7, "'2019/03/05' is not a date"),
        ('"2019-3"', 7, "'2019-3' is not a date"),
        ('"2019-13"', 7, "'2019-13' is not a real date"),
        ("2019-13", 7, "'2019-13' is not a real date"),
        ('"2019-02-30"', 7, "'2019-02-30' is not a real date"),
        ('"2019-00"', 7, "'2019-00' is not a real date"),
        ("2019.5", 7, "must be text, not the number 2019.5"),
    ],
)
def test_invalid_dates(make_corpus, written, column, fragment):
    root = one_source(make_corpus, f"name: Foo\ndate: {written}\nstatements:\n  - id: a\n    text: b\n")
    assert_problems(root, [("sources/x.yaml", 2, column, fragment)])


@pytest.mark.parametrize("written", ["2019-02-30", "2019-13-01", "2019-02-30 10:00:00"])
def test_unquoted_impossible_date_is_a_problem_not_a_crash(make_corpus, written):
    # The YAML library fails to build these timestamps itself; that must still be a Problem.
    root = one_source(make_corpus, f"name: Foo\ndate: {written}\nstatements:\n  - id: a\n    text: b\n")
    assert_problems(root, [("sources/x.yaml", 2, 7, f"'{written}' is not a real date")])


# --- keys and types ---------------------------------------------------------------------------


def test_source_key_problem_is_reported_with_the_files_other_problems(make_corpus):
    root = one_source(make_corpus, "name: Foo\ncolour: red\nstatements: []\n", key="Bad")
    assert_problems(
        root,
        [("sources/Bad.yaml", 0, 0, "not a lowercase slug"), ("sources/Bad.yaml", 2, 1, "unknown field 'colour'")],
    )


def test_duplicate_topic_keys(make_corpus):
    topics = (
        "topics:\n"
        "  - key: a\n    label: A\n    proposition: P.\n"
        "  - key: b\n    label: B\n    proposition: P.\n"
        "  - key: a\n    label: A again\n    proposition: P.\n"
    )
    root = make_corpus(topics=topics, sources={"x": OK_SOURCE})
    (problem,) = assert_problems(root, [("topics.yaml", 8, 10, "duplicate topic key (first at topic 1); rename one")])
    assert problem.where == "topic 'a'"


def test_topic_key_must_be_a_slug(make_corpus):
    root = make_corpus(topics="topics:\n  - key: Bad Key\n    label: B\n    proposition: P.\n", sources={})
    assert_problems(root, [("topics.yaml", 2, 10, "'Bad Key' is not a valid key")])


# --- several files, folder layout -------------------------------------------------------------


def test_all_problems_across_files_at_once_and_sorted(make_corpus):
    root = make_corpus(
        topics="topics:\n  - key: a\n    label: A\n    proposition: P.\n    colour: red\n",
        sources={
            "zed": "name: Zed\nstatements:\n  - id: a\n    text: ''\n",
            "alpha": "name: Alpha\nstatements:\n  - id: a\n    text: b\n    stances:\n      a: agree\n  - id: a\n    text: c\n",
            "mid": "name: 'Mid\n",
        },
    )
    problems = assert_problems(
        root,
        [
            ("sources/alpha.yaml", 6, 10, "'agree' is not a stance"),
            ("sources/alpha.yaml", 7, 9, "duplicate id"),
            ("sources/mid.yaml", 1, 7, "invalid YAML"),
            ("sources/zed.yaml", 4, 11, "'text' is empty"),
            ("topics.yaml", 5, 5, "unknown field 'colour'"),
        ],
    )
    assert problems == sorted(problems)


def test_invalid_topics_file_does_not_make_every_stance_unknown(make_corpus):
    root = make_corpus(
        topics="topics:\n  - key: a\n    label: A\n    proposition: P.\n    colour: red\n",
        sources={"x": OK_SOURCE + "    stances:\n      a: support\n      b: support\n"},
    )
    # 'a' is spelt out in the (invalid) topics file, so only 'b' is unknown.
    assert_problems(
        root,
        [("sources/x.yaml", 7, 7, "unknown topic 'b'"), ("topics.yaml", 5, 5, "unknown field 'colour'")],
    )


def test_unreadable_topics_file_reports_only_itself(make_corpus):
    root = make_corpus(topics="topics: [\n", sources={"x": OK_SOURCE + "    stances:\n      a: support\n"})
    assert_problems(root, [("topics.yaml", 2, 1, "invalid YAML")])


def test_corpus_error_message_lists_every_problem(make_corpus):
    root = make_corpus(sources={"a": "name: A\ncolour: red\nstatements: []\n", "b": ""})
    with pytest.raises(CorpusError) as info:
        load_corpus(root)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("sources/a.yaml:2:1: colour: unknown field 'colour' (allowed: name, title, date, kind, authors, url, published_in, notes, silent_on, silent_note, statements)")
    assert lines[1].endswith("sources/b.yaml: file is empty; it needs at least name: and statements:")


def test_problem_str_format():
    assert str(Problem("sources/x.yaml", 3, 1, "colour", "unknown field 'colour'")) == (
        "sources/x.yaml:3:1: colour: unknown field 'colour'"
    )
    assert str(Problem("sources/x.yaml", 0, 0, "", "file is empty")) == "sources/x.yaml: file is empty"


def test_problems_are_shown_relative_to_the_working_directory(make_corpus, monkeypatch):
    root = one_source(make_corpus, "name: Foo\ncolour: red\nstatements: []\n")
    monkeypatch.chdir(root)
    (problem,) = problems_of(root)
    assert problem.path == os.path.join("sources", "x.yaml")


def test_not_a_corpus_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_problems(empty, [("empty", 0, 0, "is not a corpus folder: it has neither topics.yaml nor sources/")])


def test_yml_files_are_sources_and_hidden_files_are_ignored(make_corpus):
    root = make_corpus(sources={"x.yml": OK_SOURCE, ".draft.yaml": "name: ['"}, files={"sources/notes.txt": "junk: ["})
    corpus = load_corpus(root)
    assert corpus.source_keys == ["x"]


# --- what loads -------------------------------------------------------------------------------


def test_minimal_valid_source(make_corpus):
    root = one_source(make_corpus, "name: Foo\nstatements:\n  - id: only-text\n    text: Just the quote.\n")
    corpus = load_corpus(root)
    assert isinstance(corpus, Corpus)
    (source,) = corpus.sources
    assert (source.key, source.name) == ("x", "Foo")
    (ref,) = source.statements
    assert (ref.ref, ref.text, ref.stances, ref.statement.section, ref.statement.note) == (
        "x/only-text", "Just the quote.", {}, None, None,
    )
    assert source.data.date is None and source.data.authors == []


def test_source_with_no_statements_loads(make_corpus):
    corpus = load_corpus(one_source(make_corpus, "name: Foo\nstatements: []\n"))
    assert corpus.source_map["x"].statements == []


def test_default_corpus_loads_sorted(corpus_dir):
    corpus = load_corpus(corpus_dir)
    assert corpus.source_keys == ["alliance", "moj"]
    assert [t.key for t in corpus.topics] == ["public-ownership", "unpaid-work", "local-delivery"]
    assert [r.ref for r in corpus.statements()] == [
        "alliance/publicly-owned-service", "alliance/local-links",
        "moj/mixed-market", "moj/upw-visible", "moj/plain",
    ]
    assert corpus.statement("moj/upw-visible").statement.section == "Unpaid work"
    assert corpus.statement("moj/nope") is None and corpus.statement("nope/plain") is None


def test_corpus_without_topics_file_loads_sources_without_stances(make_corpus):
    corpus = load_corpus(make_corpus(topics=None, sources={"x": OK_SOURCE}))
    assert corpus.topics == () and corpus.source_keys == ["x"]


def test_full_source_loads_every_field(make_corpus):
    body = (
        "# a comment\n"
        "name: Probation Alliance\n"
        "title: Initial Position Statement\n"
        "date: '2019'\n"
        "kind: coalition\n"
        "authors: [Napo, UNISON]\n"
        "url: https://example.org/statement\n"
        "published_in: A blog\n"
        "notes: >-\n  Where the text\n  comes from.\n"
        "silent_on: [unpaid-work]\n"
        "statements:\n"
        "  - id: publicly-owned-service\n"
        "    text: |\n      Line one.\n      Line two.\n"
        "    section: Principles\n"
        "    stances:\n      public-ownership: support\n      local-delivery: mixed\n"
        "    note: Curator's note.\n"
    )
    corpus = load_corpus(one_source(make_corpus, body, key="alliance"))
    d = corpus.source_map["alliance"].data
    assert (d.name, d.title, d.date, d.kind, d.authors, d.url, d.published_in, d.notes, d.silent_on) == (
        "Probation Alliance", "Initial Position Statement", "2019", "coalition", ["Napo", "UNISON"],
        "https://example.org/statement", "A blog", "Where the text comes from.", ["unpaid-work"],
    )
    (st,) = d.statements
    assert st.text == "Line one.\nLine two."
    assert st.stances == {"public-ownership": "support", "local-delivery": "mixed"}
    assert (st.section, st.note) == ("Principles", "Curator's note.")


def test_shipped_corpus_loads():
    corpus = load_corpus(SHIPPED_DATA)
    assert len(corpus.sources) >= 1 and len(corpus.topics) >= 1
    assert "alliance" in corpus.source_keys and "moj" in corpus.source_keys
    known = set(corpus.proposition_map)
    assert known and not known & (set(corpus.topic_map) - known)  # propositions are not named like topics
    for ref in corpus.statements():
        assert set(ref.stances) <= known


def test_shipped_corpus_validates(invoke):
    result = invoke("validate", SHIPPED_DATA)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: ")


def test_silent_note_is_loaded_and_listed(make_corpus, invoke):
    root = make_corpus(extra_sources={"quiet": {"name": "Quiet", "silent_on": ["unpaid-work"],
                                                "silent_note": "Read in full for unpaid work.", "statements": []}})
    corpus = load_corpus(root)
    assert corpus.source_map["quiet"].data.silent_note == "Read in full for unpaid work."
    listed = json.loads(invoke("--data", root, "sources", "--format", "json").stdout)
    quiet = next(s for s in listed["sources"] if s["key"] == "quiet")
    assert (quiet["silent_on"], quiet["silent_note"]) == (["unpaid-work"], "Read in full for unpaid work.")


# --- propositions -----------------------------------------------------------------------------

PROPOSITION_TOPICS = """topics:
  - key: ownership
    label: Ownership
    propositions:
      - key: core-public
        label: Core public
        text: Core probation work should be publicly owned and run.
      - key: pause
        label: Pause
        text: The re-procurement should be paused.
  - key: unpaid-work
    label: Unpaid work
    proposition: Unpaid work should be well organised.
"""


def test_topics_with_propositions_and_older_topics_load_together(make_corpus):
    source = ("name: A\nstatements:\n  - id: a\n    text: Keep it public.\n    stances:\n      core-public: support\n"
              "  - id: b\n    text: UPW works.\n    stances:\n      unpaid-work: support\n")
    corpus = load_corpus(make_corpus(sources={"a": source}, topics=PROPOSITION_TOPICS))
    assert [p.key for p in corpus.propositions] == ["core-public", "pause", "unpaid-work"]
    assert corpus.theme_of["pause"].key == "ownership"
    # an older-format topic is its own single proposition
    assert corpus.proposition_map["unpaid-work"].text == "Unpaid work should be well organised."
    assert corpus.expand_topics(["ownership"]) == frozenset({"core-public", "pause"})


def test_a_stance_on_a_topic_with_propositions_names_them(make_corpus):
    source = "name: A\nstatements:\n  - id: a\n    text: Keep it public.\n    stances:\n      ownership: support\n"
    assert_problems(make_corpus(sources={"a": source}, topics=PROPOSITION_TOPICS), [
        ("sources/a.yaml", 6, 7, "'ownership' is a topic with propositions; take a stance on the one the statement "
                                 "answers (core-public, pause)")])


def test_unknown_proposition_did_you_mean(make_corpus):
    source = "name: A\nstatements:\n  - id: a\n    text: Keep it public.\n    stances:\n      core-pubic: support\n"
    assert_problems(make_corpus(sources={"a": source}, topics=PROPOSITION_TOPICS), [
        ("sources/a.yaml", 6, 7, "unknown proposition 'core-pubic'; did you mean 'core-public'?")])


def test_silent_on_takes_propositions_and_topics(make_corpus):
    ok = "name: A\nsilent_on: [pause, unpaid-work, ownership]\nstatements:\n  - id: a\n    text: T.\n"
    load_corpus(make_corpus(sources={"a": ok}, topics=PROPOSITION_TOPICS))
    bad = "name: A\nsilent_on: [pauze]\nstatements:\n  - id: a\n    text: T.\n"
    assert_problems(make_corpus(sources={"a": bad}, topics=PROPOSITION_TOPICS), [
        ("sources/a.yaml", 2, 13, "unknown proposition or topic 'pauze'; did you mean 'pause'?")])


def test_proposition_keys_are_unique_and_never_a_topic_key(make_corpus):
    topics = PROPOSITION_TOPICS + """      - key: pause
        label: Again
        text: Twice.
      - key: unpaid-work
        label: Clash
        text: A proposition named like a topic.
"""
    # the two extra propositions land in the last topic, which then has both forms
    topics = topics.replace("    proposition: Unpaid work should be well organised.\n", "    propositions:\n")
    assert_problems(make_corpus(sources={}, topics=topics), [
        ("topics.yaml", 14, 14, "duplicate proposition key (first in topic 'ownership')"),
        ("topics.yaml", 17, 14, "'unpaid-work' is also a topic key"),
    ])


def test_a_topic_states_its_claims_one_way(make_corpus):
    both = PROPOSITION_TOPICS.replace("    label: Ownership\n", "    label: Ownership\n    proposition: Old sentence.\n")
    (problem,) = problems_of(make_corpus(sources={}, topics=both))
    assert "has both 'proposition' and 'propositions'" in problem.message and problem.line == 2
    neither = "topics:\n  - key: x\n    label: X\n"
    (problem,) = problems_of(make_corpus(sources={}, topics=neither))
    assert "needs a 'propositions' list" in problem.message and problem.line == 2


def test_cached_files_are_checked_against_new_propositions(make_corpus, tmp_path, monkeypatch):
    """A source parsed and cached under one taxonomy is checked again under an edited one."""
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cache"))
    source = "name: A\nstatements:\n  - id: a\n    text: Keep it public.\n    stances:\n      pause: support\n"
    root = make_corpus(sources={"a": source}, topics=PROPOSITION_TOPICS)
    load_corpus(root, use_cache=True)
    (root / "topics.yaml").write_text(PROPOSITION_TOPICS.replace("key: pause", "key: pause-it"), encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus(root, use_cache=True)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (6, 7) and "unknown proposition 'pause'" in problem.message
