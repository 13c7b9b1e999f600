"""positions export (SQLite, zip and folder of CSV files) and the one-table CSV of matrix and compare.

The schema and the example queries are read from docs/export.md, so the documentation and the
code cannot drift apart."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO_ROOT, SHIPPED_DATA, dump_yaml
from sample_corpus import SOURCES, TOPICS

from positions import export as exp
from positions.corpus import load_corpus
from positions.models import Corpus

DOC = (REPO_ROOT / "docs" / "export.md").read_text(encoding="utf-8")


# -- helpers -----------------------------------------------------------------------------------

def _section(title: str) -> str:
    return DOC.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def documented_columns() -> dict[str, list[tuple[str, str]]]:
    """Each table of docs/export.md's Tables section: its (column, type) rows."""
    out = {}
    for chunk in _section("Tables").split("\n### ")[1:]:
        name = chunk.split("\n", 1)[0].strip()
        out[name] = re.findall(r"^\| `(\w+)` \| ([A-Z ]+) \|", chunk, re.MULTILINE)
    return out


def documented_queries() -> dict[str, str]:
    """Title -> SQL of every example query in docs/export.md."""
    out = {}
    for chunk in _section("Example queries").split("\n### ")[1:]:
        title = chunk.split("\n", 1)[0].strip()
        out[title] = re.search(r"```sql\n(.*?)```", chunk, re.DOTALL).group(1)
    return out


def read_csv_bytes(data: bytes) -> list[list[str]]:
    assert data.decode("utf-8")  # UTF-8, else this raises
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _export(runner: CliRunner, data: Path, *args, env: dict | None = None):
    from positions.cli import app

    return runner.invoke(app, ["--data", str(data), "export", *map(str, args)], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, _session_cache) -> dict:
    """The shipped corpus exported once as SQLite, zip and folder, and loaded."""
    folder = tmp_path_factory.mktemp("export")
    runner = CliRunner()
    env = {"POSITIONS_CACHE_DIR": str(_session_cache), "POSITIONS_DATA": None}
    for name in ("positions.db", "positions.zip", "csv/"):
        result = _export(runner, SHIPPED_DATA, f"{folder}/{name}", env=env)
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith(f"wrote {folder}/{name} (")
    return {"folder": folder, "db": folder / "positions.db", "zip": folder / "positions.zip", "csv": folder / "csv",
            "corpus": load_corpus(SHIPPED_DATA, use_cache=False)}


@pytest.fixture
def db(shipped):
    con = sqlite3.connect(shipped["db"])
    yield con
    con.close()


def _pairs_of(corpus: Corpus, sources: list[str]) -> list:
    from positions.match import Matcher, compare_sources

    return [p for c in compare_sources(Matcher(corpus), sources).pairwise for p in c.pairs]


# -- SQLite ------------------------------------------------------------------------------------

def test_the_documented_schema_is_the_code_and_the_database(db):
    documented = documented_columns()
    assert list(documented) == [t.name for t in exp.TABLES]
    for table in exp.TABLES:
        expected = [(c.name, c.type + (" NOT NULL" if c.required else "")) for c in table.columns]
        assert documented[table.name] == expected, table.name
        info = db.execute(f"PRAGMA table_info({table.name})").fetchall()
        assert [(r[1], r[2] + (" NOT NULL" if r[3] else "")) for r in info] == expected
        assert tuple(r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]) == table.primary_key
        fks: dict[int, list] = {}
        for row in db.execute(f"PRAGMA foreign_key_list({table.name})"):
            fks.setdefault(row[0], []).append(row)
        declared = {(tuple(r[3] for r in rows), rows[0][2], tuple(r[4] for r in rows)) for rows in fks.values()}
        assert declared == set(table.foreign_keys), table.name
    assert db.execute("PRAGMA user_version").fetchone()[0] == exp.SCHEMA_VERSION


def test_foreign_keys_hold_and_the_database_is_sound(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_tables_hold_the_corpus(db, shipped):
    corpus = shipped["corpus"]
    count = lambda t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
    statements = corpus.statements()
    assert count("statements") == len(statements) == 148
    assert count("stances") == sum(len(r.stances) for r in statements)
    assert count("positions") == len(corpus.sources) * len(corpus.propositions)
    assert count("silences") == sum(len(corpus.silences(s.key)) for s in corpus.sources)
    # each statement verbatim, in document order
    rows = db.execute("SELECT ref, text, section, position FROM statements ORDER BY source, position").fetchall()
    assert [(r.ref, r.text, r.statement.section) for r in statements] == [row[:3] for row in rows]
    meta = dict(db.execute("SELECT key, value FROM meta"))
    from positions import __version__
    from positions.corpus import corpus_hash

    assert meta == {"schema_version": "1", "positions_version": __version__, "corpus_hash": corpus_hash(corpus),
                    "sources": "alliance; clinks; institute; manifesto; moj", "threshold": "0.5",
                    "created_with": "positions export FILE --threshold 0.5",
                    "full_text_search": "statements_fts (FTS5)"}


def test_documented_queries_answer_from_the_corpus(db, shipped):
    corpus: Corpus = shipped["corpus"]
    queries = documented_queries()
    names = {s.key: s.name for s in corpus.sources}

    def opposes(rows):
        expected = [(names[r.source], corpus.source_map[r.source].data.date, r.ref, r.text)
                    for r in corpus.statements() if r.stances.get("core-probation-public") == "oppose"]
        assert rows and sorted(rows, key=str) == sorted(expected, key=str)
        assert [r[1] for r in rows] == sorted(r[1] for r in rows)  # by date

    def stands(rows):
        from positions.stances import stance_matrix

        row = stance_matrix(corpus, corpus.source_keys, ["core-probation-public"]).row("core-probation-public")
        assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows] == [
            (p.source, p.stance, p.counts.get("support", 0), p.counts.get("oppose", 0), p.counts.get("mixed", 0))
            for p in row]
        assert {r[6] for r in rows} == {"disagree"}

    def disagreements(rows):
        expected = {(p.a.id, p.b.id) for p in _pairs_of(corpus, ["alliance", "moj"]) if p.relation == "disagree"}
        assert rows and {(r[1], r[3]) for r in rows} == expected
        assert all(r[2] == corpus.statement(f"alliance/{r[1]}").text and r[4] == corpus.statement(f"moj/{r[3]}").text
                   for r in rows)

    def search(rows):
        expected = {r.ref for r in corpus.statements() if re.search(r"\bworkloads?\b", r.text, re.IGNORECASE)}
        assert expected and {r[0] for r in rows} == expected
        assert all("[workload" in r[1].lower() for r in rows)

    def contested(rows):
        from positions.report import finding_of
        from positions.stances import stance_matrix

        matrix = stance_matrix(corpus, corpus.source_keys, keep_empty=True)
        expected = [k for k in matrix.propositions if finding_of(matrix.row(k)) == "disagree"]
        assert expected and [r[0] for r in rows] == expected
        assert all(r[2] + r[4] >= 1 and r[3] + r[4] >= 1 for r in rows)

    def silent(rows):
        order = [p.key for p in corpus.propositions]
        assert [r[0] for r in rows] == sorted(corpus.silences("moj"), key=order.index)
        assert {r[2] for r in rows} == {corpus.source_map["moj"].data.silent_note}

    checks = {
        "Every statement that opposes a proposition, with its source and date": opposes,
        "Where each source stands on a proposition": stands,
        "The disagreements between two sources, with both quotes": disagreements,
        "Full-text search for a word": search,
        "The propositions the sources disagree on, and how many take each side": contested,
        "What a source was checked for and found silent on": silent,
    }
    assert set(queries) == set(checks), "every documented query needs a check here"
    for title, sql in queries.items():
        checks[title](db.execute(sql).fetchall())


def test_pairs_are_those_compare_lists(db, shipped):
    corpus = shipped["corpus"]
    expected = {(p.a.source, p.a.id, p.b.source, p.b.id, p.relation, p.score) for p in _pairs_of(corpus, corpus.source_keys)}
    rows = set(db.execute("SELECT source_a, statement_a, source_b, statement_b, relation, score FROM pairs"))
    assert rows == expected and all(r[0] < r[2] for r in rows)


def test_without_fts5_the_export_says_so_and_keeps_the_rest(invoke, make_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(exp, "FTS_MODULE", "no_such_fts")  # the real failure path of a SQLite without FTS5
    root = make_corpus(sources=SOURCES, topics=TOPICS)
    result = invoke("--data", root, "export", tmp_path / "out.db")
    assert result.exit_code == 0, result.output
    assert "warning: no full-text search table (statements_fts)" in result.stderr
    con = sqlite3.connect(tmp_path / "out.db")
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert "statements_fts" not in names and {t.name for t in exp.TABLES} <= names
    assert dict(con.execute("SELECT key, value FROM meta"))["full_text_search"].startswith("none: ")
    assert con.execute("SELECT count(*) FROM statements").fetchone()[0] == 8


# -- CSV ---------------------------------------------------------------------------------------

def test_every_csv_reads_back_with_the_csv_module(shipped):
    corpus: Corpus = shipped["corpus"]
    folder: Path = shipped["csv"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(exp.EXPORT_FILE_NAMES)
    with zipfile.ZipFile(shipped["zip"]) as z:
        assert z.namelist() == [f"{t.name}.csv" for t in exp.TABLES]
        assert all(z.read(n) == (folder / n).read_bytes() for n in z.namelist())
    tables = {}
    for table in exp.TABLES:
        data = (folder / f"{table.name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")  # no byte-order mark by default
        assert data.split(b"\n", 1)[0].endswith(b"\r") and data.endswith(b"\r\n")  # CRLF line ends
        rows = read_csv_bytes(data)
        assert tuple(rows[0]) == table.names
        assert all(len(r) == len(table.names) for r in rows)
        tables[table.name] = rows[1:]
    statements = corpus.statements()
    assert len(tables["statements"]) == 148 == len(statements)
    assert len(tables["stances"]) == sum(len(r.stances) for r in statements)
    assert len(tables["sources"]) == len(corpus.sources)
    assert len(tables["topics"]) == len(corpus.topics)
    assert len(tables["propositions"]) == len(corpus.propositions)
    assert len(tables["positions"]) == len(corpus.sources) * len(corpus.propositions)
    assert len(tables["silences"]) == sum(len(corpus.silences(s.key)) for s in corpus.sources)
    assert len(tables["pairs"]) == len(_pairs_of(corpus, corpus.source_keys))
    assert len(tables["links"]) == len(corpus.links) == 0
    assert [r[0] for r in tables["meta"]] == ["schema_version", "positions_version", "corpus_hash", "sources",
                                              "threshold", "created_with"]
    texts = {(r[0], r[1]): r[5] for r in tables["statements"]}
    assert all(texts[(r.source, r.id)] == r.text for r in statements)


def test_same_corpus_and_options_give_the_same_bytes(invoke, shipped, tmp_path):
    # another name, another folder: only the corpus and the options count
    for name in ("again.zip", "again.db", "again/"):
        assert invoke("--data", SHIPPED_DATA, "export", f"{tmp_path}/{name}").exit_code == 0
    assert (tmp_path / "again.zip").read_bytes() == shipped["zip"].read_bytes()
    assert all((tmp_path / "again" / n).read_bytes() == (shipped["csv"] / n).read_bytes() for n in exp.EXPORT_FILE_NAMES)
    one, two = sqlite3.connect(shipped["db"]), sqlite3.connect(tmp_path / "again.db")
    assert list(one.iterdump()) == list(two.iterdump())


def test_source_and_threshold_options(invoke, tmp_path):
    result = invoke("--data", SHIPPED_DATA, "export", tmp_path / "two.db", "--source", "moj", "-s", "alliance",
                    "--threshold", "0.3")
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(tmp_path / "two.db")
    assert [r[0] for r in con.execute("SELECT key FROM sources")] == ["alliance", "moj"]
    meta = dict(con.execute("SELECT key, value FROM meta"))
    assert meta["created_with"] == "positions export FILE --source alliance --source moj --threshold 0.3"
    assert meta["threshold"] == "0.3"
    assert con.execute("SELECT count(*) FROM positions").fetchone()[0] == 2 * 101
    assert {r for r in con.execute("SELECT DISTINCT source_a, source_b FROM pairs")} == {("alliance", "moj")}
    assert con.execute("SELECT count(*) FROM statements").fetchone()[0] == 16 + 50
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


# -- hostile text, links, silences ---------------------------------------------------------------

HOSTILE_TOPICS = [
    {"key": "ownership", "label": "Ownership", "propositions": [
        {"key": "public", "label": "Public", "text": "Probation should be public."},
        {"key": "market", "label": "=Market", "text": "A market should deliver rehabilitation."},
    ]},
    {"key": "other", "label": "Other", "proposition": "Something else."},
]
HOSTILE_TEXTS = {
    "formula": "=HYPERLINK(\"http://example.com\",\"click\")",
    "plus": "+1 for public probation, says the union",
    "minus": "-- keep probation public, \"always\"",
    "at": "@SUM(A1) and, then, more",
    "lines": "First line, with a comma;\nsecond line with \"quotes\"\nthird",
}


@pytest.fixture
def hostile(make_corpus):
    sources = {
        "union": {"name": "Union, \"the\" one", "authors": ["A, B", "C"], "silent_on": ["other"], "statements": [
            {"id": key, "text": text, "stances": {"public": "support"}} for key, text in HOSTILE_TEXTS.items()]},
        "gov": {"name": "Government", "date": "2020-01", "silent_on": ["ownership"], "statements": [
            {"id": "market", "text": "The market will deliver, not the state.",
             "stances": {"public": "oppose", "market": "support"}},
            {"id": "unrelated", "text": "Digital services, data exchange."}]},
        "third": {"name": "Third", "statements": [{"id": "x", "text": "Probation should be public.",
                                                   "stances": {"public": "support"}}]},
    }
    links = {"links": [
        {"a": "union/formula", "b": "gov/market", "decision": "confirmed", "relation": "disagree",
         "reason": "Opposite sides, plainly.", "reviewer": "jo", "date": "2024-05-01"},
        {"a": "gov/unrelated", "b": "union/lines", "decision": "rejected"},
        {"a": "third/x", "b": "gov/market", "decision": "rejected"},
    ]}
    return make_corpus(sources=sources, topics=HOSTILE_TOPICS, files={"links.yaml": dump_yaml(links)})


def test_hostile_text_round_trips_verbatim(invoke, hostile, tmp_path):
    assert invoke("--data", hostile, "export", f"{tmp_path}/out/").exit_code == 0
    rows = read_csv_bytes((tmp_path / "out" / "statements.csv").read_bytes())
    texts = {r[1]: r[5] for r in rows[1:] if r[0] == "union"}
    assert texts == HOSTILE_TEXTS
    sources = {r[0]: r for r in read_csv_bytes((tmp_path / "out" / "sources.csv").read_bytes())}
    assert sources["union"][1:6] == ["Union, \"the\" one", "", "", "", "A, B; C"]
    assert invoke("--data", hostile, "export", tmp_path / "out.db").exit_code == 0
    con = sqlite3.connect(tmp_path / "out.db")
    assert dict(con.execute("SELECT id, text FROM statements WHERE source = 'union'")) == HOSTILE_TEXTS
    assert con.execute("SELECT section, note FROM statements WHERE id = 'plus'").fetchone() == (None, None)


def test_excel_mode_marks_formulas_and_adds_a_bom(invoke, hostile, tmp_path):
    assert invoke("--data", hostile, "export", tmp_path / "xl.zip", "--excel").exit_code == 0
    with zipfile.ZipFile(tmp_path / "xl.zip") as z:
        statements, propositions, positions = (z.read(f"{n}.csv") for n in ("statements", "propositions", "positions"))
    assert statements.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(statements.decode("utf-8-sig"), newline="")))
    texts = {r[1]: r[5] for r in rows[1:] if r[0] == "union"}
    assert texts == {k: ("'" + v if v[0] in "=+-@" else v) for k, v in HOSTILE_TEXTS.items()}
    labels = {r[0]: r[2] for r in csv.reader(io.StringIO(propositions.decode("utf-8-sig"), newline=""))}
    assert labels["market"] == "'=Market"
    counts = list(csv.reader(io.StringIO(positions.decode("utf-8-sig"), newline="")))
    assert all(c.isdigit() for r in counts[1:] for c in r[3:7])  # numbers untouched
    r = invoke("--data", hostile, "export", tmp_path / "xl.db", "--excel")
    assert r.exit_code == 2 and "--excel applies to CSV files" in r.stderr


def test_links_and_silences(invoke, hostile, tmp_path):
    assert invoke("--data", hostile, "export", tmp_path / "all.db").exit_code == 0
    con = sqlite3.connect(tmp_path / "all.db")
    # oriented by source key (gov < third < union), whatever links.yaml says
    assert con.execute("SELECT * FROM links").fetchall() == [
        ("gov", "market", "third", "x", "rejected", None, None, None, None),
        ("gov", "market", "union", "formula", "confirmed", "disagree", "Opposite sides, plainly.", "jo", "2024-05-01"),
        ("gov", "unrelated", "union", "lines", "rejected", None, None, None, None),
    ]
    reviewed = con.execute("SELECT p.relation, p.status, l.reviewer FROM pairs AS p "
                           "JOIN links AS l USING (source_a, statement_a, source_b, statement_b)").fetchall()
    assert reviewed == [("disagree", "reviewed", "jo")]
    assert con.execute("SELECT count(*) FROM pairs WHERE statement_a = 'market' AND source_b = 'third'").fetchone()[0] == 0
    # a theme in silent_on stands for each of its propositions; an older-format theme is its own
    assert con.execute("SELECT * FROM silences").fetchall() == [
        ("gov", "public"), ("gov", "market"), ("union", "other")]
    # gov has statements on `public`, so its silence there does not make it silent
    stances = dict(con.execute("SELECT source || ':' || proposition, stance FROM positions"))
    assert stances["gov:public"] == "oppose" and stances["gov:market"] == "support"
    assert stances["union:other"] == "silent" and stances["third:market"] == "uncurated"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    # a link into a source left out is left out
    assert invoke("--data", hostile, "export", tmp_path / "two.db", "-s", "gov", "-s", "union").exit_code == 0
    two = sqlite3.connect(tmp_path / "two.db")
    assert [r[2] for r in two.execute("SELECT * FROM links")] == ["union", "union"]


# -- writing: formats, errors, atomicity ---------------------------------------------------------

@pytest.mark.parametrize(("name", "fmt"), [
    ("a.db", "sqlite"), ("a.SQLITE", "sqlite"), ("a.sqlite3", "sqlite"), ("a.zip", "zip"), ("a/", "csv")])
def test_the_format_comes_from_the_name(name, fmt):
    assert exp.format_for_path(name) is exp.ExportFormat(fmt)
    assert exp.format_for_path(name, exp.ExportFormat.zip) is exp.ExportFormat.zip


@pytest.mark.parametrize(("name", "says"), [
    ("out.csv", "an export is several tables, one CSV file each: write them to a folder ({d}/out/) or a zip ({d}/out.zip)"),
    ("out.xlsx", "cannot tell the export format from '{d}/out.xlsx'; give OUT.db, OUT.sqlite or OUT.sqlite3"),
    ("out", "or --format csv OUT"),
])
def test_unknown_names_are_usage_errors(invoke, corpus_dir, tmp_path, name, says):
    r = invoke("--data", corpus_dir, "export", tmp_path / name)
    assert r.exit_code == 2 and r.stdout == ""
    assert says.format(d=tmp_path) in r.stderr and r.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == [corpus_dir]


def test_format_option_names_a_folder(invoke, corpus_dir, tmp_path):
    assert invoke("--data", corpus_dir, "export", "--format", "csv", tmp_path / "plain").exit_code == 0
    assert (tmp_path / "plain" / "meta.csv").is_file()


@pytest.mark.parametrize("name", ["missing/out.db", "missing/out.zip", "missing/out/"])
def test_a_missing_folder_is_one_line_exit_3(invoke, corpus_dir, tmp_path, name):
    r = invoke("--data", corpus_dir, "export", f"{tmp_path}/{name}")
    assert r.exit_code == 3
    assert r.stderr == f"error: cannot write '{tmp_path / name.rstrip('/')}': the folder '{tmp_path / 'missing'}' does not exist; create it first\n"


def test_unknown_source_is_exit_2(invoke, corpus_dir, tmp_path):
    r = invoke("--data", corpus_dir, "export", tmp_path / "x.db", "--source", "mj")
    assert r.exit_code == 2 and "unknown source 'mj'; did you mean 'moj'?" in r.stderr
    assert not (tmp_path / "x.db").exists()


def test_corpus_folders_and_foreign_folders_are_refused(invoke, corpus_dir, tmp_path):
    from hostile.helpers import tree

    before = tree(corpus_dir)
    for target in (corpus_dir, corpus_dir / "sources"):
        r = invoke("--data", corpus_dir, "export", f"{target}/")
        assert r.exit_code == 4 and "corpus folder" in r.stderr
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    r = invoke("--data", corpus_dir, "export", f"{mine}/")
    assert r.exit_code == 4 and "holds files that are not a positions export" in r.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert tree(corpus_dir) == before


def test_an_earlier_export_folder_is_replaced_and_an_empty_one_filled(invoke, make_corpus, tmp_path):
    root = make_corpus(sources=SOURCES, topics=TOPICS)
    (tmp_path / "empty").mkdir()
    assert invoke("--data", root, "export", f"{tmp_path / 'empty'}/").exit_code == 0
    out = tmp_path / "out"
    assert invoke("--data", root, "export", f"{out}/").exit_code == 0
    first = (out / "statements.csv").read_bytes()
    assert invoke("--data", root, "export", f"{out}/", "-s", "unions", "-s", "ministry", "--excel").exit_code == 0
    assert (out / "statements.csv").read_bytes() != first and (out / "statements.csv").read_bytes().startswith(b"\xef")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["empty", "out", root.name])  # nothing hidden left


def test_a_failure_mid_write_leaves_no_partial_file(invoke, corpus_dir, tmp_path, monkeypatch):
    # --no-cache: the export's own writes are then the only ones that sync
    (tmp_path / "old.db").write_bytes(b"the earlier file")
    calls = {"n": 0, "fail_at": 1}
    real_fsync = os.fsync

    def failing_fsync(fd):
        calls["n"] += 1
        if calls["n"] == calls["fail_at"]:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    for name, fail_at in (("new.db", 1), ("old.db", 1), ("new.zip", 1), ("folder/", 3)):
        calls.update(n=0, fail_at=fail_at)  # a database or zip is one file; a folder fails at its third
        r = invoke("--no-cache", "--data", corpus_dir, "export", f"{tmp_path}/{name}")
        assert r.exit_code == 3, r.output
        assert r.stderr == f"error: cannot write '{tmp_path}/{name.rstrip('/')}': No space left on device\n"
        assert calls["n"] == fail_at
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([corpus_dir.name, "old.db"])
    assert (tmp_path / "old.db").read_bytes() == b"the earlier file"


def test_a_failure_replacing_an_earlier_export_keeps_it(invoke, corpus_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert invoke("--data", corpus_dir, "export", f"{out}/").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_rename = os.rename

    def failing_rename(src, dst):
        if Path(src).name.endswith(".tmp"):  # putting the new export in place
            raise OSError(5, "Input/output error")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    r = invoke("--no-cache", "--data", corpus_dir, "export", f"{out}/", "--excel")
    assert r.exit_code == 3 and "Input/output error" in r.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([corpus_dir.name, "out"])


# -- one table: matrix and compare --format csv ------------------------------------------------

def test_matrix_csv_round_trips(invoke):
    result = invoke("--data", SHIPPED_DATA, "matrix", "alliance", "moj", "clinks", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.count(b"\r\n") == result.stdout_bytes.count(b"\n")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    doc = json.loads(invoke("--data", SHIPPED_DATA, "matrix", "alliance", "moj", "clinks", "--format", "json").stdout)
    assert rows[0] == ["proposition", "label", "alliance", "moj", "clinks"]
    assert rows[1:] == [[p["key"], p["label"], *(p["stances"][s] for s in ("alliance", "moj", "clinks"))]
                        for p in doc["propositions"]]


def test_compare_csv_round_trips(invoke, tmp_path):
    args = ("--data", SHIPPED_DATA, "compare", "moj", "alliance")
    result = invoke(*args, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    pairs = json.loads(invoke(*args, "--format", "json").stdout)["pairs"]
    assert list(rows[0]) == list(exp.COMPARE_COLUMNS)
    assert [(r["source_a"], r["statement_a"], r["statement_b"], r["relation"], float(r["score"]), r["status"],
             r["propositions"], r["text_a"], r["text_b"]) for r in rows] == [
        (p["a"]["source"], p["a"]["id"], p["b"]["id"], p["relation"], p["score"], p["status"], "; ".join(p["topics"]),
         p["a"]["text"], p["b"]["text"]) for p in pairs]
    assert rows[0]["source_a"] == "moj"  # the first source named, as in JSON
    only = invoke(*args, "--format", "csv", "--relation", "disagree", "--output", tmp_path / "d.csv")
    assert only.exit_code == 0 and only.stdout == ""
    kept = list(csv.DictReader(io.StringIO((tmp_path / "d.csv").read_text(encoding="utf-8"), newline="")))
    assert kept and {r["relation"] for r in kept} == {"disagree"}


def test_compare_and_matrix_csv_with_excel(invoke, hostile):
    out = invoke("--data", hostile, "compare", "union", "gov", "--format", "csv", "--excel").stdout
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out[1:], newline="")))
    assert {r["text_a"] for r in rows if r["statement_a"] == "formula"} == {"'" + HOSTILE_TEXTS["formula"]}
    plain = invoke("--data", hostile, "compare", "union", "gov", "--format", "csv").stdout
    assert HOSTILE_TEXTS["formula"] in {r["text_a"] for r in csv.DictReader(io.StringIO(plain, newline=""))}
    matrix = invoke("--data", hostile, "matrix", "--format", "csv", "--excel").stdout
    assert "'=Market" in matrix
    for args in (("compare", "union", "gov", "--excel"), ("matrix", "--excel", "--format", "json")):
        r = invoke("--data", hostile, *args)
        assert r.exit_code == 2 and r.stderr == "error: --excel applies to --format csv\n"
