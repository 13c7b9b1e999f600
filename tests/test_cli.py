"""CLI tests of the foundation commands: sources, show, topics, validate, --version."""

from __future__ import annotations

import json
import re

import pytest

from positions import __version__

from conftest import DEFAULT_SOURCES, SHIPPED_DATA

PROBLEM_LINE = re.compile(r"^\S+:\d+:\d+: ", re.MULTILINE)


def data_args(how: str, corpus) -> tuple[tuple, dict]:
    """(leading args, env) choosing the corpus by --data or by POSITIONS_DATA."""
    if how == "option":
        return ("--data", str(corpus)), {}
    return (), {"POSITIONS_DATA": str(corpus)}


@pytest.fixture(params=["option", "environment"])
def run_on(request, invoke, corpus_dir):
    """run_on(*args, corpus=None): positions ARGS on the default corpus (or `corpus`),
    chosen by --data and by $POSITIONS_DATA in turn."""

    def run(*args, corpus=None):
        lead, env = data_args(request.param, corpus or corpus_dir)
        return invoke(*lead, *args, env=env)

    return run


def ok(result):
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.output
    return result


def load_json(result) -> dict:
    ok(result)
    assert result.stderr == ""
    return json.loads(result.stdout)


# --- --version and help -----------------------------------------------------------------------


def test_version(invoke):
    result = ok(invoke("--version"))
    assert result.stdout == f"positions {__version__}\n"


def test_version_ignores_a_broken_corpus(invoke, make_corpus):
    broken = make_corpus(sources={"x": ""})
    result = ok(invoke("--data", broken, "--version"))
    assert result.stdout.startswith("positions ")


def test_no_arguments_shows_help(invoke):
    result = invoke()
    assert result.exit_code in (0, 2)
    assert "sources" in result.output and "validate" in result.output


# --- sources ----------------------------------------------------------------------------------


def test_sources_table(run_on):
    result = ok(run_on("sources"))
    lines = result.stdout.splitlines()
    alliance = next(line for line in lines if "alliance" in line)
    moj = next(line for line in lines if " moj " in line)
    for cell in ("Probation Alliance", "2019", "coalition", "2"):
        assert cell in alliance
    for cell in ("Ministry of Justice", "2018-07", "government", "3"):
        assert cell in moj
    assert result.stdout.index("alliance") < result.stdout.index("moj")


def test_sources_json(run_on):
    payload = load_json(run_on("sources", "--format", "json"))
    assert list(payload) == ["sources"]
    rows = payload["sources"]
    assert [r["key"] for r in rows] == ["alliance", "moj"]
    alliance = rows[0]
    assert alliance["name"] == "Probation Alliance"
    assert alliance["title"] == "Initial Position Statement"
    assert alliance["date"] == "2019"
    assert alliance["kind"] == "coalition"
    assert alliance["authors"] == ["Napo", "UNISON"]
    assert alliance["statements"] == 2
    assert rows[1]["statements"] == 3
    assert rows[1]["title"] is None and rows[1]["authors"] == []


def test_sources_json_is_utf8_not_escaped(run_on, make_corpus):
    corpus = make_corpus(sources={"cafe": {"name": "Café Société", "statements": [{"id": "a", "text": "Naïve “quote”."}]}})
    result = run_on("sources", "--format", "json", corpus=corpus)
    assert "Café Société" in result.stdout
    assert load_json(result)["sources"][0]["name"] == "Café Société"


def test_sources_does_not_interpret_markup(run_on, make_corpus):
    corpus = make_corpus(sources={"x": {"name": "[bold]Not bold[/bold]", "statements": []}})
    result = ok(run_on("sources", corpus=corpus))
    assert "[bold]Not bold[/bold]" in result.stdout


# --- show -------------------------------------------------------------------------------------


def test_show_table(run_on):
    result = ok(run_on("show", "moj"))
    out = result.stdout
    assert "Ministry of Justice" in out
    for sid in ("mixed-market", "upw-visible", "plain"):
        assert sid in out
    assert "We will keep a mixed market of providers." in out
    assert "A statement without stances." in out
    assert out.index("mixed-market") < out.index("upw-visible") < out.index("plain")
    assert "publicly-owned-service" not in out


def test_show_table_topic_filter(run_on):
    out = ok(run_on("show", "moj", "--topic", "unpaid-work")).stdout
    assert "upw-visible" in out
    assert "mixed-market" not in out and "plain" not in out


def test_show_one_statement_by_its_reference(run_on):
    out = ok(run_on("show", "moj/upw-visible")).stdout
    assert "upw-visible" in out and "Ministry of Justice" in out
    assert "mixed-market" not in out and "plain" not in out
    payload = load_json(run_on("show", "moj/upw-visible", "--format", "json"))
    assert [st["id"] for st in payload["statements"]] == ["upw-visible"]
    assert payload["source"]["key"] == "moj"


@pytest.mark.parametrize("ref, message", [
    ("moj/upw-visibl", "unknown statement 'moj/upw-visibl'; did you mean 'moj/upw-visible'?"),
    ("mj/upw-visible", "unknown source 'mj'; did you mean 'moj'?"),
    ("moj/", "unknown source 'moj/'; did you mean 'moj'?"),
])
def test_show_unknown_statement_is_a_usage_error(run_on, ref, message):
    result = run_on("show", ref)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_show_json_contract(run_on):
    payload = load_json(run_on("show", "alliance", "--format", "json"))
    assert {"source", "statements"} <= set(payload)
    source = payload["source"]
    assert source["key"] == "alliance"
    assert source["name"] == "Probation Alliance"
    assert source["date"] == "2019"
    assert source["kind"] == "coalition"
    assert source["authors"] == ["Napo", "UNISON"]
    statements = payload["statements"]
    assert isinstance(statements, list) and len(statements) == 2
    for st in statements:
        assert {"source", "id", "text", "section", "stances"} <= set(st)
    first, second = statements
    assert {k: first[k] for k in ("source", "id", "text", "section", "stances")} == {
        "source": "alliance",
        "id": "publicly-owned-service",
        "text": "A publically owned service with directly employed staff.",
        "section": "Principles",
        "stances": {"public-ownership": "support"},
    }
    assert {k: second[k] for k in ("source", "id", "text", "section", "stances")} == {
        "source": "alliance",
        "id": "local-links",
        "text": "Strong links with local partners.",
        "section": None,
        "stances": {"local-delivery": "support", "public-ownership": "neutral"},
    }
    assert second.get("note", "A curator's note.") == "A curator's note."


def test_show_json_matches_the_source_file(run_on):
    payload = load_json(run_on("show", "moj", "--format", "json"))
    expected = DEFAULT_SOURCES["moj"]["statements"]
    assert [s["id"] for s in payload["statements"]] == [s["id"] for s in expected]
    assert [s["text"] for s in payload["statements"]] == [s["text"] for s in expected]
    assert [s["stances"] for s in payload["statements"]] == [s.get("stances", {}) for s in expected]
    assert [s["section"] for s in payload["statements"]] == [s.get("section") for s in expected]
    assert {s["source"] for s in payload["statements"]} == {"moj"}


def test_show_json_topic_filter(run_on):
    payload = load_json(run_on("show", "alliance", "--topic", "local-delivery", "--format", "json"))
    assert [s["id"] for s in payload["statements"]] == ["local-links"]
    assert payload["source"]["key"] == "alliance"


def test_show_json_repeated_topic_is_a_union(run_on):
    payload = load_json(run_on("show", "moj", "-t", "unpaid-work", "-t", "public-ownership", "--format", "json"))
    assert [s["id"] for s in payload["statements"]] == ["mixed-market", "upw-visible"]


def test_show_topic_with_no_statements(run_on):
    payload = load_json(run_on("show", "moj", "--topic", "local-delivery", "--format", "json"))
    assert payload["statements"] == []


def test_show_minimal_source(run_on, make_corpus):
    corpus = make_corpus(sources={"bare": "name: Bare\nstatements:\n  - id: only\n    text: Only text.\n"})
    payload = load_json(run_on("show", "bare", "--format", "json", corpus=corpus))
    assert payload["source"]["key"] == "bare" and payload["source"]["name"] == "Bare"
    (st,) = payload["statements"]
    assert (st["source"], st["id"], st["text"], st["section"], st["stances"]) == ("bare", "only", "Only text.", None, {})
    assert "Only text." in ok(run_on("show", "bare", corpus=corpus)).stdout


def test_show_unknown_source(run_on):
    result = run_on("show", "mj")
    assert result.exit_code == 2
    assert "unknown source 'mj'; did you mean 'moj'?" in result.stderr
    assert "(known: alliance, moj)" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_show_unknown_source_without_close_match(run_on):
    result = run_on("show", "zzzzzz")
    assert result.exit_code == 2
    assert "unknown source 'zzzzzz'" in result.stderr and "did you mean" not in result.stderr


def test_show_unknown_topic(run_on):
    result = run_on("show", "moj", "--topic", "upaid-work", "--format", "json")
    assert result.exit_code == 2
    assert "unknown topic 'upaid-work'; did you mean 'unpaid-work'?" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_show_requires_a_key(run_on):
    result = run_on("show")
    assert result.exit_code == 2


# --- topics -----------------------------------------------------------------------------------


def test_topics_table(run_on):
    out = ok(run_on("topics")).stdout
    lines = out.splitlines()
    for key, label in (("public-ownership", "Public ownership"), ("unpaid-work", "Unpaid work"),
                       ("local-delivery", "Local delivery")):
        n = next(n for n, line in enumerate(lines) if line.strip().startswith(key))
        assert label in lines[n - 1]  # the label, then its key under it
    assert out.index("public-ownership") < out.index("unpaid-work") < out.index("local-delivery")
    assert "alliance" in out and "moj" in out


def test_topics_json(run_on):
    payload = load_json(run_on("topics", "--format", "json"))
    assert list(payload) == ["topics", "propositions"]
    topics = {t["key"]: t for t in payload["topics"]}
    assert topics["public-ownership"]["aliases"] == ["public sector", "privatisation"]
    assert topics["unpaid-work"]["description"] == "Community payback placements."
    assert topics["local-delivery"]["propositions"] == ["local-delivery"]  # an older topic is its own proposition
    rows = {r["key"]: r for r in payload["propositions"]}
    assert [r["key"] for r in payload["propositions"]] == ["public-ownership", "unpaid-work", "local-delivery"]
    po = rows["public-ownership"]
    assert po["label"] == "Public ownership" and po["topic"] == "public-ownership"
    assert po["text"] == "Probation should be publicly owned."
    assert po["statements"] == {"alliance": 2, "moj": 1}
    assert po["total"] == 3 and po["sources_using"] == 2
    assert rows["unpaid-work"]["statements"] == {"alliance": 0, "moj": 1}
    assert rows["local-delivery"]["total"] == 1 and rows["local-delivery"]["sources_using"] == 1


# --- validate ---------------------------------------------------------------------------------


def test_validate_ok(run_on):
    result = ok(run_on("validate"))
    assert result.stdout == "OK: 2 sources, 5 statements, 3 topics\n"


def test_validate_directory_argument(invoke, make_corpus):
    corpus = make_corpus(sources={"x": "name: X\nstatements:\n  - id: a\n    text: b\n"})
    result = ok(invoke("validate", corpus))
    assert result.stdout == "OK: 1 sources, 1 statements, 3 topics\n"


def test_validate_directory_argument_wins_over_data(invoke, make_corpus):
    small = make_corpus(sources={"x": "name: X\nstatements: []\n"})
    default = make_corpus()
    result = ok(invoke("--data", default, "validate", small))
    assert result.stdout == "OK: 1 sources, 0 statements, 3 topics\n"
    result = ok(invoke("validate", small, env={"POSITIONS_DATA": str(default)}))
    assert result.stdout == "OK: 1 sources, 0 statements, 3 topics\n"


def test_data_option_wins_over_environment(invoke, make_corpus):
    small = make_corpus(sources={"x": "name: X\nstatements: []\n"})
    default = make_corpus()
    result = ok(invoke("--data", small, "validate", env={"POSITIONS_DATA": str(default)}))
    assert result.stdout == "OK: 1 sources, 0 statements, 3 topics\n"


def test_validate_shipped_corpus(invoke):
    result = ok(invoke("validate", SHIPPED_DATA))
    assert re.fullmatch(r"OK: [1-9]\d* sources, [1-9]\d* statements, [1-9]\d* topics(, [1-9]\d* propositions)?\n",
                        result.stdout)


BROKEN = {
    "alliance": "name: Alliance\ncolour: red\nstatements:\n  - id: a\n    text: ''\n",
    "moj": "name: MoJ\nstatements:\n  - id: a\n    text: b\n    stances:\n      unpaid-wrk: support\n",
}


@pytest.mark.parametrize("command", [("validate",), ("sources",), ("show", "moj"), ("topics",),
                                     ("sources", "--format", "json")])
def test_invalid_corpus_exits_1_with_positions(run_on, make_corpus, command):
    corpus = make_corpus(sources=BROKEN)
    result = run_on(*command, corpus=corpus)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""
    err = result.stderr
    lines = PROBLEM_LINE.findall(err)
    assert len(lines) == 3, err
    assert re.search(r"sources/alliance\.yaml:2:1: colour: unknown field 'colour'", err)
    assert re.search(r"sources/alliance\.yaml:5:11: statement 'a' text: 'text' is empty", err)
    assert re.search(r"sources/moj\.yaml:6:7: statement 'a' stances: unknown topic 'unpaid-wrk'; did you mean 'unpaid-work'\?", err)
    assert err.index("alliance.yaml:2:1") < err.index("alliance.yaml:5:11") < err.index("moj.yaml:6:7")
    assert err.rstrip("\n").endswith("3 problems found; fix them and run 'positions validate'")


def test_invalid_corpus_single_problem_wording(invoke, make_corpus):
    corpus = make_corpus(sources={"x": "name: X\nstatements:\n  - id: a\n    text: ''\n"})
    result = invoke("validate", corpus)
    assert result.exit_code == 1
    assert "1 problem found;" in result.stderr


@pytest.mark.parametrize(
    "body",
    [
        'name: "X\n',                                            # unclosed quote
        "name: X\nstatements:\n\t- id: a\n",                     # tab
        "name: X\ndate: 2019-02-30\nstatements: []\n",           # impossible unquoted date
        b"name: caf\xe9\nstatements: []\n",                      # invalid UTF-8
        "name: !!python/object/apply:os.system ['true']\nstatements: []\n",
        "name: &a X\ntitle: *a\nstatements: []\n",
    ],
)
def test_malformed_files_give_positions_not_tracebacks(invoke, make_corpus, body):
    corpus = make_corpus(sources={"x": body})
    result = invoke("validate", corpus)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert re.search(r"sources/x\.yaml:\d+:\d+: ", result.stderr), result.stderr


def test_validate_not_a_corpus_folder(invoke, tmp_path):
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    assert "is not a corpus folder" in result.stderr


# --- usage errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("sources",), ("show", "moj"), ("topics",)])
def test_unknown_format(run_on, command):
    result = run_on(*command, "--format", "xml")
    assert result.exit_code == 2
    assert "xml" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [("sources",), ("show", "moj"), ("topics",), ("validate",)])
def test_data_folder_missing(invoke, tmp_path, command):
    missing = tmp_path / "nope"
    result = invoke("--data", missing, *command)
    assert result.exit_code == 2
    assert f"--data: folder '{missing}' does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_environment_folder_missing(invoke, tmp_path):
    missing = tmp_path / "nope"
    result = invoke("sources", env={"POSITIONS_DATA": str(missing)})
    assert result.exit_code == 2
    # typer reads POSITIONS_DATA through --data, but the message names the variable the user set
    assert f"POSITIONS_DATA: folder '{missing}' does not exist" in result.stderr


def test_validate_missing_directory_argument(invoke, tmp_path):
    result = invoke("validate", tmp_path / "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_data_is_a_file(invoke, tmp_path):
    f = tmp_path / "file.yaml"
    f.write_text("x: 1\n", encoding="utf-8")
    result = invoke("--data", f, "sources")
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_unknown_command(invoke):
    result = invoke("nonsense")
    assert result.exit_code == 2
