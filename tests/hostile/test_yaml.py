"""Hostile YAML: syntax errors, the plain-YAML-only rules, encodings, line ends, limits.

Each case is a corpus whose files are broken in one way; `positions validate` (and, for a few,
other commands) must exit 1 with exactly the listed problems, as (path suffix, line, column,
message fragment), and change nothing. Line and column 0 mean the problem has no position.
"""

from __future__ import annotations

import json

import pytest

from .helpers import OK_SOURCE, expect_problems, one_source, run

X = "sources/x.yaml"
STATEMENT = "statements:\n  - id: a\n    text: b\n"


# --- malformed YAML ---------------------------------------------------------------------------

MALFORMED = {
    "unclosed double quote": ('name: "Foo\nstatements: []\n', 1, 7, "invalid YAML: this quote is never closed; add the closing quote"),
    "unclosed single quote far from the end": (
        "name: Foo\nstatements:\n  - id: a\n    text: 'He said\n  - id: b\n    text: c\n", 4, 11,
        "this quote is never closed"),
    "tab indentation": ("name: Foo\nstatements:\n\t- id: a\n\t  text: b\n", 3, 1,
                        "invalid YAML: a tab here; YAML cannot be indented with tabs, replace it with spaces"),
    "bad indentation": ("name: Foo\nstatements:\n  - id: a\n    text: b\n   section: c\n", 5, 4,
                        "invalid YAML: the indentation of this line does not match the lines above it"),
    "over-indented field": ("name: Foo\n  title: x\nstatements: []\n", 2, 8,
                            "a ':' followed by a space starts a new key, which is not possible here"),
    "colon in an unquoted value": ("name: Foo\nstatements:\n  - id: a\n    text: Note: this is text\n", 4, 15,
                                   "put a value that contains ': ' in quotes"),
    "list item among fields": ("name: Foo\n- a\n", 2, 1, "a list item ('- ') where a field was expected"),
    "text after a quoted value": ('name: "Foo" bar\nstatements: []\n', 1, 13,
                                  "unexpected text after a value; put the whole value in quotes"),
    "unclosed flow list": ("name: [x\nstatements: []\n", 1, 7, "the '[' here is never closed with ']'"),
    "unclosed flow mapping": ("name: {a: b\nstatements: []\n", 1, 7, "the '{' here is never closed with '}'"),
    "value starting with @": ("name: @foo\nstatements: []\n", 1, 7, "a value cannot start with '@'; put the value in quotes"),
    "value starting with a backtick": ("name: `foo`\nstatements: []\n", 1, 7, "a value cannot start with '`'"),
    "unknown escape": ('name: "a\\qb"\nstatements: []\n', 1, 10, "unknown escape '\\q' in a double-quoted value"),
    "text after a block indicator": ("name: |x\nstatements: []\n", 1, 8, "after '|' or '>' the text must start on the next line"),
    "line without a colon": ("name: Foo\nstatements:\n  - id: a\n    text b\n    more\n", 4, 5,
                             "a line with no ':' where 'key: value' was expected"),
    "text after the document": ("name: Foo\nstatements: []\n...\n%foo\n", 5, 1, "text after the end of the document"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_yaml(make_corpus, invoke, case):
    body, line, column, fragment = MALFORMED[case]
    expect_problems(invoke, one_source(make_corpus, body), [(X, line, column, fragment)],
                    commands=(("validate",), ("sources",)))


def test_malformed_topics_file(make_corpus, invoke):
    root = make_corpus(topics="topics:\n  - key: a\n    label: 'A\n", sources={"x": OK_SOURCE})
    expect_problems(invoke, root, [("topics.yaml", 3, 12, "this quote is never closed")])


def test_yaml_errors_carry_no_library_boilerplate(make_corpus, invoke):
    (problem,) = expect_problems(invoke, one_source(make_corpus, "name: Foo\nname: Bar\nstatements: []\n"),
                                 [(X, 2, 1, 'duplicate key "name"')])
    assert "To suppress this" not in problem.rest and "original value" not in problem.rest


# --- duplicate keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "line", "column", "key"), [
    ("name: Foo\nname: Bar\n" + STATEMENT, 2, 1, "name"),
    ("name: Foo\nstatements:\n  - id: a\n    text: b\n    text: c\n", 5, 5, "text"),
    ("name: Foo\nstatements:\n  - id: a\n    text: b\n    stances:\n      unpaid-work: support\n"
     "      unpaid-work: oppose\n", 7, 7, "unpaid-work"),
], ids=["top level", "in a statement", "in stances"])
def test_duplicate_keys(make_corpus, invoke, body, line, column, key):
    expect_problems(invoke, one_source(make_corpus, body), [
        (X, line, column, f'invalid YAML: duplicate key "{key}": it is already set above in the same mapping; remove one of them')])


# --- plain YAML only: aliases, anchors, tags, documents, nesting, keys -------------------------


def test_aliases_are_rejected(make_corpus, invoke):
    root = one_source(make_corpus, "name: &n Foo\ntitle: *n\n" + STATEMENT)
    expect_problems(invoke, root, [(X, 2, 8, "uses the alias '*n'; aliases are not allowed, write the value out")])


def test_anchors_are_rejected(make_corpus, invoke):
    # docs/corpus-format.md: "no aliases or anchors".
    root = one_source(make_corpus, "name: &n Foo\n" + STATEMENT)
    expect_problems(invoke, root, [(X, 1, 7, "defines the anchor '&n'; anchors are not allowed, remove it")])


def billion_laughs(levels: int = 10, width: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_rejected_at_the_first_alias(make_corpus, invoke):
    # 10**10 "lol"s if expanded; time and memory are measured in test_resources.py.
    expect_problems(invoke, one_source(make_corpus, billion_laughs()), [(X, 2, 10, "uses the alias '*a0'")],
                    commands=(("validate",), ("compare", "x", "y")))


def test_python_tags_are_rejected_and_nothing_runs(make_corpus, invoke, tmp_path):
    marker = tmp_path / "PWNED"
    body = (
        f"name: !!python/object/apply:os.system ['touch {marker}']\n"
        f"title: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]\n"
        + STATEMENT
    )
    root = one_source(make_corpus, body)
    expect_problems(invoke, root, [(X, 1, 7, (
        "uses the tag '!!python/object/apply:os.system'; tags are not allowed in corpus files "
        "(they can build objects), remove it"))], commands=(("validate",), ("report",)))
    assert not marker.exists()


@pytest.mark.parametrize(("value", "tag"), [
    ("!!python/object:positions.models.Corpus {}", "!!python/object:positions.models.Corpus"),
    ("!!python/name:os.system", "!!python/name:os.system"),
    ("!local thing", "!local"),
    ("! thing", "!"),
    ("!!binary aGVsbG8=", "!!binary"),
    ("!!set {a, b}", "!!set"),
    ("!<tag:example.com,2000:x> thing", "tag:example.com,2000:x"),
])
def test_custom_tags_are_rejected(make_corpus, invoke, value, tag):
    root = one_source(make_corpus, f"name: Foo\ntitle: {value}\n" + STATEMENT)
    expect_problems(invoke, root, [(X, 2, 8, f"uses the tag '{tag}'; tags are not allowed in corpus files")])


@pytest.mark.parametrize(("line", "tag"), [
    ("title: !!str Foo", "!!str"), ("title: !!int 2019", "!!int"), ("title: !!float 1.5", "!!float"),
    ("title: !!bool true", "!!bool"), ("title: !!null ''", "!!null"), ("title: !!timestamp 2019-01-01", "!!timestamp"),
    ("authors: !!seq [a]", "!!seq"), ("title: !!map {a: b}", "!!map"),
])
def test_standard_tags_are_rejected_with_a_plain_message(make_corpus, invoke, line, tag):
    # Decision (docs/corpus-format.md): no tags at all. Every value of a corpus file is text, a list
    # or a mapping, so a tag adds nothing; the message says what to do instead.
    root = one_source(make_corpus, f"name: Foo\n{line}\n" + STATEMENT)
    column = line.index("!") + 1
    expect_problems(invoke, root, [(X, 2, column, (
        f"uses the tag '{tag}'; corpus files do not use tags, remove it (to make a value text, put it in "
        "quotes instead)"))])


def test_tag_in_the_topics_file(make_corpus, invoke):
    root = make_corpus(topics="topics:\n  - key: !!str a\n    label: A\n    proposition: P.\n", sources={})
    expect_problems(invoke, root, [("topics.yaml", 2, 10, "uses the tag '!!str'")])


def test_multiple_documents(make_corpus, invoke):
    root = one_source(make_corpus, OK_SOURCE + "---\nname: Bar\nstatements: []\n")
    expect_problems(invoke, root, [(X, 5, 1, "holds more than one YAML document ('---'); keep one document per file")])


def test_single_explicit_document_is_fine(make_corpus, invoke):
    root = one_source(make_corpus, "%YAML 1.2\n---\n" + OK_SOURCE + "...\n")
    run(invoke, "--data", root, "validate", status=0)


@pytest.mark.parametrize(("body", "line", "column"), [
    (OK_SOURCE + "    note: " + "[" * 40 + "]" * 40 + "\n", 5, 40),
    (OK_SOURCE + "    note: " + "[" * 100_000 + "]" * 100_000 + "\n", 5, 40),
    ("name: Foo\nnote:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 200)) + STATEMENT, 34, 33),
    ("name: Foo\nnote: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n" + STATEMENT, 2, 131),
], ids=["flow lists", "100,000 levels", "block mappings", "flow mappings"])
def test_deep_nesting_is_rejected(make_corpus, invoke, body, line, column):
    expect_problems(invoke, one_source(make_corpus, body),
                    [(X, line, column, "is nested more than 32 levels deep; a corpus file needs at most 4")])


def test_too_many_values_are_refused_before_building_them(make_corpus, invoke):
    # Values cost time to parse (about 50 microseconds each): a file is refused at its 150,001st.
    # Nodes: the mapping, "name", "Foo", "authors", the list; then the items.
    items = 160_000
    body = "name: Foo\nauthors: [" + ", ".join(["a"] * items) + "]\n" + STATEMENT
    nth_item = 150_001 - 5
    expect_problems(invoke, one_source(make_corpus, body), [
        (X, 2, len("authors: [") + 3 * (nth_item - 1) + 1,
         "holds more than 150,000 values; split the source into several sources")])


@pytest.mark.parametrize(("body", "line", "column", "fragment"), [
    ("name: Foo\n1: x\n" + STATEMENT, 2, 1, "the key 1 is a number, not text"),
    ("name: Foo\ntrue: x\n" + STATEMENT, 2, 1, "the key true is a yes/no value, not text"),
    ("name: Foo\n~: x\n" + STATEMENT, 2, 1, "the key is empty, not text"),
    ("name: Foo\n? [a, b]\n: x\n" + STATEMENT, 2, 3, "the key is a list or mapping, not text"),
    ("name: Foo\nstatements:\n  - id: a\n    text: b\n    stances:\n      7: support\n", 6, 7, "the key 7 is a number"),
], ids=["number", "yes/no", "null", "list", "stance topic number"])
def test_keys_must_be_text(make_corpus, invoke, body, line, column, fragment):
    (problem,) = expect_problems(invoke, one_source(make_corpus, body), [(X, line, column, fragment)])
    assert problem.rest.endswith("keys are field names such as 'text' or topic keys such as 'public-ownership'")


# --- empty files ------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "\n\n", "   \n", "# only a comment\n# and another\n", "---\n", "---\n...\n"])
def test_empty_and_comment_only_source_files(make_corpus, invoke, body):
    expect_problems(invoke, one_source(make_corpus, body),
                    [(X, 0, 0, "file is empty; it needs at least name: and statements:")])


@pytest.mark.parametrize("body", ["", "# nothing yet\n"])
def test_empty_topics_file(make_corpus, invoke, body):
    root = make_corpus(topics=body, sources={"x": OK_SOURCE})
    expect_problems(invoke, root, [("topics.yaml", 0, 0, "file is empty; it needs at least topics:")])


# --- size -------------------------------------------------------------------------------------


def test_file_just_over_the_size_limit_is_refused(make_corpus, invoke):
    root = one_source(make_corpus, OK_SOURCE + "# " + "x" * (5 * 1024 * 1024) + "\n")
    expect_problems(invoke, root, [(X, 0, 0, (
        "file is 5.0 MB, over the 5 MB limit for a corpus file; is it the right file? Split a source this large into several sources"))])


def test_twenty_megabyte_file_is_refused_without_reading_it(make_corpus, invoke):
    root = one_source(make_corpus, OK_SOURCE)
    with open(root / X, "ab") as fh:  # sparse: the loader must refuse it from its size alone
        fh.truncate(20 * 1024 * 1024)
    expect_problems(invoke, root, [(X, 0, 0, "file is 20.0 MB, over the 5 MB limit")],
                    commands=(("validate",), ("search", "anything")))


# --- encodings, odd characters, line ends -----------------------------------------------------


@pytest.mark.parametrize(("body", "line", "column", "fragment"), [
    (b"name: Foo\nstatements:\n  - id: a\n    text: caf\xe9\n", 4, 14, "byte 0xe9 is not valid UTF-8 ('é' in Windows-1252 or Latin-1); save the file as UTF-8"),
    (b"name: \xed\xa0\x80\nstatements: []\n", 1, 7, "byte 0xed is not valid UTF-8"),  # an encoded surrogate
    ("name: Foo\nstatements: []\n".encode("utf-16"), 1, 1, "byte 0xff is not valid UTF-8 (it looks like UTF-16)"),
], ids=["latin-1", "surrogate", "utf-16"])
def test_invalid_utf8(make_corpus, invoke, body, line, column, fragment):
    expect_problems(invoke, one_source(make_corpus, body), [(X, line, column, fragment)])


def test_invalid_utf8_in_topics(make_corpus, invoke):
    root = make_corpus(topics=b"topics:\n  - key: a\n    label: \xff\n    proposition: P.\n", sources={})
    expect_problems(invoke, root, [("topics.yaml", 3, 12, "byte 0xff is not valid UTF-8")])


@pytest.mark.parametrize(("raw", "column", "fragment"), [
    ("\x00", 11, "contains the control character U+0000, which YAML does not allow; remove it"),
    ("\x1b[31m", 11, "contains the control character U+001B"),
    ("\x07", 11, "contains the control character U+0007"),
    ("\ufffe", 11, "contains the character U+FFFE, which YAML does not allow"),
], ids=["NUL", "ESC", "BEL", "U+FFFE"])
def test_raw_characters_yaml_forbids(make_corpus, invoke, raw, column, fragment):
    root = one_source(make_corpus, f"name: Foo\nstatements:\n  - id: a\n    text: a{raw}b\n")
    expect_problems(invoke, root, [(X, 4, column + 1, fragment)])


def show_json(invoke, root, key="x") -> dict:
    return json.loads(run(invoke, "--data", root, "show", key, "--format", "json", status=0).stdout)


def test_utf8_bom_loads(make_corpus, invoke):
    root = make_corpus(
        topics=b"\xef\xbb\xbftopics:\n  - key: a\n    label: A\n    proposition: P.\n",
        sources={"x": b"\xef\xbb\xbf" + "name: Café\nstatements:\n  - id: a\n    text: b\n".encode()},
    )
    assert run(invoke, "--data", root, "validate", status=0).stdout == "OK: 1 sources, 1 statements, 1 topics\n"
    assert show_json(invoke, root)["source"]["name"] == "Café"


def test_crlf_line_ends_load(make_corpus, invoke):
    source = ("name: Foo\nstatements:\n  - id: a\n    text: >-\n      one\n      two\n"
              "    stances:\n      unpaid-work: support\n")
    root = one_source(make_corpus, source.replace("\n", "\r\n"))
    (st,) = show_json(invoke, root)["statements"]
    assert (st["text"], st["stances"]) == ("one two", {"unpaid-work": "support"})


def test_crlf_problems_keep_their_lines(make_corpus, invoke):
    root = one_source(make_corpus, "name: Foo\r\ncolour: red\r\nstatements: []\r\n")
    expect_problems(invoke, root, [(X, 2, 1, "unknown field 'colour'")])


def test_bom_and_crlf_together(make_corpus, invoke):
    root = one_source(make_corpus, b"\xef\xbb\xbf" + OK_SOURCE.replace("\n", "\r\n").encode())
    assert show_json(invoke, root)["statements"][0]["text"] == "A quote."


def test_lone_carriage_returns_are_line_ends_too(make_corpus, invoke):
    root = one_source(make_corpus, "name: Foo\rcolour: red\rstatements: []\r")
    expect_problems(invoke, root, [(X, 2, 1, "unknown field 'colour'")])


def test_number_too_long_to_read(make_corpus, invoke):
    # Python refuses to convert integers of over 4,300 digits (a denial-of-service guard).
    root = one_source(make_corpus, "name: Foo\ndate: " + "9" * 5000 + "\n" + STATEMENT)
    expect_problems(invoke, root, [(X, 2, 7, (
        "a number 5,000 digits long is too long to read; put it in quotes if it is meant as text"))])
