"""Hostile values in well-formed YAML: wrong types everywhere, oversized text, control and
direction characters, ids and file names that are not slugs.
"""

from __future__ import annotations

import json
import os

import pytest

from .helpers import OK_SOURCE, expect_problems, fails, one_source, run, tree

X = "sources/x.yaml"


def statement(lines: str) -> str:
    return "name: Foo\nstatements:\n  - id: a\n" + lines


# --- wrong types ------------------------------------------------------------------------------

WRONG_TYPES = {
    "number as id": ("name: Foo\nstatements:\n  - id: 42\n    text: b\n", 3, 9, "statement 1 id: 'id' must be text, not the number 42; put it in quotes"),
    "list as id": ("name: Foo\nstatements:\n  - id: [a]\n    text: b\n", 3, 9, "statement 1 id: 'id' must be text, not a list"),
    "list where text belongs": (statement("    text: [one, two]\n"), 4, 11, "statement 'a' text: 'text' must be text, not a list"),
    "mapping where text belongs": (statement("    text: {one: two}\n"), 4, 11, "'text' must be text, not a mapping"),
    "number as text": (statement("    text: 1.5\n"), 4, 11, "'text' must be text, not the number 1.5; put it in quotes"),
    "yes/no as text": (statement("    text: true\n"), 4, 11, "'text' must be text, not the yes/no value true; put it in quotes"),
    "mapping as name": ("name: {first: Foo}\nstatements: []\n", 1, 7, "name: 'name' must be text, not a mapping"),
    "number as name": ("name: 2019\nstatements: []\n", 1, 7, "'name' must be text, not the number 2019; put it in quotes"),
    "infinity as name": ("name: .inf\nstatements: []\n", 1, 7, "'name' must be text, not the number inf"),
    "text as statements": ("name: Foo\nstatements: lots\n", 2, 13, "'statements' must be a list"),
    "mapping as statements": ("name: Foo\nstatements: {a: b}\n", 2, 13, "'statements' must be a list"),
    "text as a statement": ("name: Foo\nstatements:\n  - just text\n", 3, 5, "statement 1: must be a mapping of fields"),
    "text as authors": ("name: Foo\nauthors: Napo\nstatements: []\n", 2, 10, "'authors' must be a list"),
    "list as stances": (statement("    text: b\n    stances: [unpaid-work]\n"), 5, 14, "'stances' must be a mapping"),
    "number as stance": (statement("    text: b\n    stances:\n      unpaid-work: 1\n"), 6, 20, "'1' is not a stance; use support, oppose, mixed or neutral"),
    "empty stance": (statement("    text: b\n    stances:\n      unpaid-work:\n"), 6, 7, "the stance is empty; use support, oppose, mixed or neutral"),
    "number as topic in silent_on": ("silent_on: [7]\n" + OK_SOURCE, 1, 13, "silent_on.0: 'silent_on item 1' must be text, not the number 7"),
}


@pytest.mark.parametrize("case", WRONG_TYPES, ids=list(WRONG_TYPES))
def test_wrong_types(make_corpus, invoke, case):
    body, line, column, fragment = WRONG_TYPES[case]
    expect_problems(invoke, one_source(make_corpus, body), [(X, line, column, fragment)])


@pytest.mark.parametrize("body", ["- a\n- b\n", "hello\n", "42\n", "[]\n"])
def test_file_must_be_a_mapping(make_corpus, invoke, body):
    expect_problems(invoke, one_source(make_corpus, body),
                    [(X, 1, 1, "must be a mapping of fields, not a list or a single value")])


@pytest.mark.parametrize(("body", "line", "column", "fragment"), [
    ("topics: lots\n", 1, 9, "'topics' must be a list"),
    ("topics:\n  - just text\n", 2, 5, "topic 1: must be a mapping of fields"),
    ("- key: a\n", 1, 1, "must be a mapping of fields, not a list or a single value"),
    ("topics:\n  - key: a\n    label: [A]\n    proposition: P.\n", 3, 12, "'label' must be text, not a list"),
])
def test_wrong_types_in_topics(make_corpus, invoke, body, line, column, fragment):
    expect_problems(invoke, make_corpus(topics=body, sources={}), [("topics.yaml", line, column, fragment)])


def test_quoted_number_as_id_is_fine(make_corpus, invoke):
    root = one_source(make_corpus, "name: Foo\nstatements:\n  - id: '42'\n    text: b\n")
    payload = json.loads(run(invoke, "--data", root, "show", "x", "--format", "json", status=0).stdout)
    assert payload["statements"][0]["id"] == "42"


# --- text length ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10_001, 100_000])
def test_text_too_long(make_corpus, invoke, n):
    root = one_source(make_corpus, statement(f"    text: {'x' * n}\n"))
    expect_problems(invoke, root, [(X, 4, 11, f"statement 'a' text: 'text' is too long ({n} characters; the limit is 10000)")],
                    commands=(("validate",), ("compare", "x", "y")))


def test_text_at_the_limit_loads(make_corpus, invoke):
    root = one_source(make_corpus, statement(f"    text: {'word ' * 1999}word\n"))
    run(invoke, "--data", root, "validate", status=0)


# --- control characters and direction marks ---------------------------------------------------


@pytest.mark.parametrize(("field_line", "line", "column", "fragment"), [
    ('    text: "a\\x07b"\n', 4, 11, "statement 'a' text: 'text' contains the control character U+0007; remove it"),
    ('    text: "a\\eb"\n', 4, 11, "'text' contains the control character U+001B"),
    ('    text: "a\\rb"\n', 4, 11, "'text' contains the control character U+000D"),
    ('    text: "abc\\u202Edef"\n', 4, 11, "'text' contains the invisible direction-override character U+202E; remove it"),
    ('    text: "abc\\u2067def"\n', 4, 11, "direction-override character U+2067"),
    ('    text: b\n    section: "\\e[2J"\n', 5, 14, "'section' contains the control character U+001B"),
    ('    text: b\n    note: "\\u202d"\n', 5, 11, "'note' contains the invisible direction-override character U+202D"),
])
def test_control_and_direction_characters_in_statements(make_corpus, invoke, field_line, line, column, fragment):
    expect_problems(invoke, one_source(make_corpus, statement(field_line)), [(X, line, column, fragment)])


@pytest.mark.parametrize(("head", "line", "column", "field"), [
    ('name: "Evil\\e]0;PWNED\\a\\e[31mRED"\n', 1, 7, "name"),
    ('name: Foo\ntitle: "T\\e[2J"\n', 2, 8, "title"),
    ('name: Foo\nauthors: ["\\e[5mblink"]\n', 2, 10, "authors"),
    ('name: Foo\nkind: "a\\u202Eb"\n', 2, 7, "kind"),
    ('name: Foo\nurl: "https://x\\x00y"\n', 2, 6, "url"),
])
def test_terminal_escapes_in_source_fields_are_refused(make_corpus, invoke, head, line, column, field):
    # Printed as they are, escape sequences in a name would retitle or clear the reader's terminal.
    body = head + "statements:\n  - id: a\n    text: b\n"
    (problem,) = expect_problems(invoke, one_source(make_corpus, body), [(X, line, column, f"'{field}' contains the ")],
                                 commands=(("validate",), ("sources",)))
    assert "remove it" in problem.rest


def test_terminal_escapes_in_topics_are_refused(make_corpus, invoke):
    root = make_corpus(topics='topics:\n  - key: a\n    label: "\\e[31mA"\n    proposition: P.\n', sources={})
    expect_problems(invoke, root, [("topics.yaml", 3, 12, "topic 'a' label: 'label' contains the control character U+001B")])


def test_marks_and_joiners_are_legitimate_text(make_corpus, invoke):
    # Right-to-left and left-to-right marks (U+200F, U+200E) and joiners are ordinary in Arabic,
    # Hebrew or Persian text; only embeddings, overrides and isolates are refused.
    text = "\u05e9\u05dc\u05d5\u05dd\u200f (shalom) and \u0633\u0644\u0627\u0645\u200e, zero\u200dwidth"
    body = statement(f'    text: "{text}"\n')
    root = one_source(make_corpus, body)
    payload = json.loads(run(invoke, "--data", root, "show", "x", "--format", "json", status=0).stdout)
    assert payload["statements"][0]["text"] == text
    assert text in run(invoke, "--data", root, "show", "x", status=0).stdout


# --- ids and file names -----------------------------------------------------------------------


@pytest.mark.parametrize("sid", ["café", "a/b", "../../etc/passwd", "a\\\\b", "UPPER", "with space", "a--b", "-a", "''"])
def test_ids_must_be_slugs(make_corpus, invoke, sid):
    root = one_source(make_corpus, f"name: Foo\nstatements:\n  - id: {sid}\n    text: b\n")
    (problem,) = expect_problems(invoke, root, [(X, 3, 9, "is not a valid id: use lowercase letters, digits and hyphens")])


def test_id_too_long(make_corpus, invoke):
    root = one_source(make_corpus, f"name: Foo\nstatements:\n  - id: {'a' * 81}\n    text: b\n")
    expect_problems(invoke, root, [(X, 3, 9, "'id' is too long (81 characters; the limit is 80)")])


@pytest.mark.parametrize(("stem", "suggestion"), [
    ("Bad_Key", "bad-key.yaml"), ("1st", "source-1st.yaml"), ("under_score", "under-score.yaml"),
    ("trailing-", "trailing.yaml"), ("café", "cafe.yaml"), ("with space", "with-space.yaml"),
])
def test_source_file_names_must_be_slugs(make_corpus, invoke, stem, suggestion):
    root = one_source(make_corpus, OK_SOURCE, key=stem)
    (problem,) = expect_problems(invoke, root, [(f"sources/{stem}.yaml", 0, 0, (
        f"source key '{stem}' (the file name) is not a lowercase slug; rename the file to something like '{suggestion}'"))])


def test_a_hostile_file_name_cannot_reach_the_terminal(make_corpus, invoke):
    # A file name with an escape sequence and a newline: shown escaped, on one line.
    root = make_corpus(sources={})
    name = "evil\x1b]0;PWNED\x07\nname.yaml"
    try:
        (root / "sources" / name).write_text(OK_SOURCE, encoding="utf-8")
    except OSError:
        pytest.skip("this filesystem does not allow control characters in file names")
    result = run(invoke, "--data", root, "validate", status=1)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "evil\\x1b]0;PWNED\\x07\\x0aname.yaml: source key 'evil\\x1b]0;PWNED\\x07\\x0aname'" in result.stderr
    assert len(result.stderr.splitlines()) == 2  # the problem and the count


# --- the same rules for what the command line adds ---------------------------------------------


@pytest.mark.parametrize(("args", "says"), [
    (("--id", "café"), "--id: 'café' is not a valid id"),
    (("--id", "../x"), "--id: '../x' is not a valid id"),
    (("--id", "a/b"), "--id: 'a/b' is not a valid id"),
    (("--section", "a\u202eb"), "--section: 'section' contains the invisible direction-override character U+202E"),
    (("--note", "a\x1b[31mb"), "--note: 'note' contains the control character U+001B"),
    (("--stance", "public-ownershp=support"), "unknown topic 'public-ownershp'; did you mean 'public-ownership'?"),
    (("--stance", "unpaid-work=maybe"), "'maybe' is not a stance"),
])
def test_add_refuses_hostile_values(corpus_dir, invoke, args, says):
    fails(invoke, "--data", corpus_dir, "add", "moj", "--text", "Something new about probation.", *args,
          status=2, says=says, unchanged=corpus_dir)


@pytest.mark.parametrize("text", ["a\x07b", "x" * 10_001, "a\u202eb", "   "])
def test_add_refuses_hostile_text(corpus_dir, invoke, text):
    fails(invoke, "--data", corpus_dir, "add", "moj", "--text", text, status=2, says="--text: 'text' ",
          unchanged=corpus_dir)


@pytest.mark.parametrize(("key", "says"), [
    ("../evil", "'../evil' is not a valid source key"), ("évil", "try 'evil'"), ("a/b", "'a/b' is not a valid source key"),
])
def test_new_source_refuses_hostile_keys(corpus_dir, invoke, key, says):
    fails(invoke, "--data", corpus_dir, "new-source", key, "--name", "X", status=2, says=says, unchanged=corpus_dir)
    assert not (corpus_dir.parent / "evil.yaml").exists()


def test_new_source_refuses_escape_sequences_in_its_name(corpus_dir, invoke):
    before = tree(corpus_dir)
    fails(invoke, "--data", corpus_dir, "new-source", "ok", "--name", "a\x1b[31m", status=2,
          says="--name: 'name' contains the control character U+001B; remove it")
    after = tree(corpus_dir)
    # nothing but (at most) the lock file the command took
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == before
    assert not os.path.exists(corpus_dir / "sources" / "ok.yaml")
