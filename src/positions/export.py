"""The whole analysis of a corpus as tables, for spreadsheets and SQL (docs/export.md).

`build_export` turns a corpus and a `match.Comparison` into rows, one list per table in `TABLES`;
`sqlite_bytes`, `csv_files` + `zip_bytes`, and `write_csv_folder` write them out. Every row order
is fixed, so the same corpus and options give the same CSV bytes and the same SQLite rows.
`csv_text` with `matrix_table` or `compare_table` gives the one-table CSV of `matrix` and `compare`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sqlite3
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from positions.errors import FilesystemError, RefusedError, UsageError, printable
from positions.vocabulary import RELATION_ORDER, STANCES

if TYPE_CHECKING:
    from positions.match import Comparison, Pair
    from positions.models import Corpus
    from positions.quotes import PairView
    from positions.report import Report

SCHEMA_VERSION = 1
LIST_SEPARATOR = "; "  # joins list cells (authors, aliases, a pair's propositions)
# The FTS5 module name; a test swaps it for a missing one to take the no-FTS5 path for real.
FTS_MODULE = "fts5"
FTS_TABLE = "statements_fts"
# Cells a spreadsheet would run as a formula (OWASP's list: = + - @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # TEXT, INTEGER or REAL
    required: bool = False


@dataclass(frozen=True)
class Table:
    """A table of the export: its columns, keys and the foreign keys that join it to others."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    unique: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def ddl(self) -> str:
        parts = [f"{c.name} {c.type}{' NOT NULL' if c.required else ''}" for c in self.columns]
        parts.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        if self.unique:
            parts.append(f"UNIQUE ({', '.join(self.unique)})")
        for cols, table, refs in self.foreign_keys:
            parts.append(f"FOREIGN KEY ({', '.join(cols)}) REFERENCES {table} ({', '.join(refs)})")
        return f"CREATE TABLE {self.name} (\n  " + ",\n  ".join(parts) + "\n)"


def _text(*names: str, required: bool = False) -> tuple[Column, ...]:
    return tuple(Column(n, "TEXT", required) for n in names)


def _key(*names: str) -> tuple[Column, ...]:
    return _text(*names, required=True)


def _int(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, "INTEGER", True) for n in names)


_TO_SOURCE = (("source",), "sources", ("key",))
_TO_PROPOSITION = (("proposition",), "propositions", ("key",))
_STATEMENT_A = (("source_a", "statement_a"), "statements", ("source", "id"))
_STATEMENT_B = (("source_b", "statement_b"), "statements", ("source", "id"))
_PAIR_KEY = ("source_a", "statement_a", "source_b", "statement_b")

# Parents before children: rows are inserted in this order with foreign keys enforced.
TABLES: tuple[Table, ...] = (
    Table("sources", _key("key", "name") + _text("title", "date", "kind", "authors", "url", "published_in", "notes",
                                                 "silent_note"), ("key",)),
    Table("topics", _key("key", "label") + _text("description", "aliases") + _int("position"), ("key",)),
    Table("propositions", _key("key", "topic", "label", "text") + _text("description") + _int("position"), ("key",),
          ((("topic",), "topics", ("key",)),)),
    Table("statements", _key("source", "id", "ref") + _int("position") + _text("section") + _key("text")
          + _text("note"), ("source", "id"), (_TO_SOURCE,), unique=("ref",)),
    Table("stances", _key("source", "statement_id", "proposition", "stance"), ("source", "statement_id", "proposition"),
          ((("source", "statement_id"), "statements", ("source", "id")), _TO_PROPOSITION)),
    Table("positions", _key("source", "proposition", "stance") + _int("n_support", "n_oppose", "n_mixed", "n_neutral")
          + _text("finding"), ("source", "proposition"), (_TO_SOURCE, _TO_PROPOSITION)),
    Table("pairs", (*_key(*_PAIR_KEY, "relation"), Column("score", "REAL", True), *_key("status"),
                    *_text("propositions")), _PAIR_KEY, (_STATEMENT_A, _STATEMENT_B)),
    Table("links", _key(*_PAIR_KEY, "decision") + _text("relation", "reason", "reviewer", "date"), _PAIR_KEY,
          (_STATEMENT_A, _STATEMENT_B)),
    Table("silences", _key("source", "proposition"), ("source", "proposition"), (_TO_SOURCE, _TO_PROPOSITION)),
    Table("meta", _key("key", "value"), ("key",)),
)
TABLE_MAP = {t.name: t for t in TABLES}


class ExportFormat(StrEnum):
    sqlite = "sqlite"
    zip = "zip"
    csv = "csv"


SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
FORMAT_CHOICES = ("OUT.db, OUT.sqlite or OUT.sqlite3 for a SQLite database, OUT.zip for a zip of CSV files, "
                  "OUT/ (or --format csv OUT) for a folder of CSV files")


def format_for_path(path: str, given: ExportFormat | None = None) -> ExportFormat:
    """The export format: the one given, else from the path's extension (a trailing / or an existing
    folder: a folder of CSV files); UsageError naming the choices when the path does not say."""
    if given is not None:
        return given
    if path.endswith(("/", os.sep)) or Path(path).is_dir():
        return ExportFormat.csv
    suffix = Path(path).suffix.lower()
    if suffix in SQLITE_SUFFIXES:
        return ExportFormat.sqlite
    if suffix == ".zip":
        return ExportFormat.zip
    shown = printable(path)
    if suffix == ".csv":
        # An export is ten tables, so no single .csv file can hold it.
        stem = printable(str(Path(path).with_suffix("")))
        raise UsageError(f"an export is several tables, one CSV file each: write them to a folder ({stem}/) or a "
                         f"zip ({stem}.zip); for one table, use 'positions matrix --format csv' or "
                         "'positions compare A B --format csv'")
    raise UsageError(f"cannot tell the export format from '{shown}'; give {FORMAT_CHOICES}")


@dataclass(frozen=True)
class Export:
    """The rows of every table, in their documented order."""

    rows: dict[str, list[Row]]
    meta: list[tuple[str, str]] = field(default_factory=list)

    def count(self, table: str) -> int:
        return len(self.rows[table])


def _opt(value: str | None) -> str | None:
    # an absent value is NULL in SQLite and an empty cell in CSV, whether missing or empty in the YAML
    return value or None


def _joined(values: Iterable[str]) -> str | None:
    return LIST_SEPARATOR.join(values) or None


def build_export(corpus: Corpus, comparison: Comparison, *, corpus_hash: str, version: str,
                 created_with: str) -> Export:
    """Every table of the export: the corpus (sources, topics, propositions, statements, stances,
    links, silences) for the compared sources, and the analysis (positions, pairs)."""
    from positions.report import finding_of
    from positions.stances import stance_matrix

    keys = sorted(comparison.sources)  # an export is in key order, whatever order the sources came in
    chosen = set(keys)
    sources = [corpus.source_map[k] for k in keys]
    rows: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    for s in sources:
        d = s.data
        rows["sources"].append((s.key, d.name, _opt(d.title), _opt(d.date), _opt(d.kind), _joined(d.authors),
                                _opt(d.url), _opt(d.published_in), _opt(d.notes), _opt(d.silent_note)))
    order = {p.key: n for n, p in enumerate(corpus.propositions, 1)}
    for n, t in enumerate(corpus.topics, 1):
        rows["topics"].append((t.key, t.label, _opt(t.description), _joined(t.aliases), n))
        for p in t.claims:
            rows["propositions"].append((p.key, t.key, p.label, p.text, _opt(p.description), order[p.key]))
    for s in sources:
        for n, ref in enumerate(s.statements, 1):
            st = ref.statement
            rows["statements"].append((s.key, st.id, ref.ref, n, _opt(st.section), st.text, _opt(st.note)))
            for prop in sorted(st.stances, key=lambda k: order[k]):
                rows["stances"].append((s.key, st.id, prop, st.stances[prop]))
        rows["silences"].extend((s.key, p) for p in sorted(corpus.silences(s.key), key=lambda k: order[k]))
    matrix = stance_matrix(corpus, keys, keep_empty=True)
    for prop in matrix.propositions:
        row = matrix.row(prop)
        finding = finding_of(row)
        for position in row:
            counts = position.counts
            rows["positions"].append((position.source, prop, position.stance,
                                      *(counts.get(s, 0) for s in STANCES), finding))
    # source_a is the first of the two sources in key order, whatever order they were compared in
    pairs = [p if p.a.source < p.b.source else p.swapped() for c in comparison.pairwise for p in c.pairs]
    rows["pairs"] = [pair_row(p) for p in sorted(pairs, key=_pair_order)]
    for link in corpus.links:
        # oriented as pairs are (source_a first in key order), so that links and pairs join
        (sa, _, ia), (sb, _, ib) = sorted((link.a.partition("/"), link.b.partition("/")))
        if sa in chosen and sb in chosen:  # a link into a source left out would join nothing
            rows["links"].append((sa, ia, sb, ib, link.decision, link.relation, _opt(link.reason),
                                  _opt(link.reviewer), _opt(link.date)))
    rows["links"].sort(key=lambda r: r[:4])
    meta = [
        ("schema_version", str(SCHEMA_VERSION)),
        ("positions_version", version),
        ("corpus_hash", corpus_hash),
        ("sources", LIST_SEPARATOR.join(keys)),
        ("threshold", f"{comparison.threshold:g}"),
        ("created_with", created_with),
    ]
    return Export(rows, meta)


def _pair_order(p: Pair | PairView) -> tuple[int, float, str, str, str, str]:
    """Disagreements first, then agreements, then related pairs; closest first; ties by reference."""
    return (RELATION_ORDER[p.relation], -p.score, p.a.source, p.a.id, p.b.source, p.b.id)


def pair_row(p: Pair | PairView) -> Row:
    """A `match.Pair` or `quotes.PairView` as a row of the pairs table."""
    return (p.a.source, p.a.id, p.b.source, p.b.id, p.relation, p.score,
            "reviewed" if p.reviewed else "suggested", _joined(p.topics))


# -- one table to standard output ------------------------------------------------------------

def matrix_table(report: Report) -> tuple[tuple[str, ...], list[Row]]:
    """`matrix --format csv`: proposition, label, then each source's one-word stance."""
    header = ("proposition", "label", *report.source_keys)
    rows = [(info.key, info.label, *(p.stance for p in report.matrix.row(info.key))) for info in report.propositions]
    return header, rows


COMPARE_COLUMNS = (*TABLE_MAP["pairs"].names, "text_a", "text_b")


def compare_table(report: Report) -> tuple[tuple[str, ...], list[Row]]:
    """`compare --format csv`: the listed pairs (as the pairs table), with both quotes."""
    views = sorted((p for v in report.pairwise for p in v.pairs), key=_pair_order)
    return COMPARE_COLUMNS, [(*pair_row(p), p.a.text, p.b.text) for p in views]


# -- CSV -------------------------------------------------------------------------------------

def _cell(value: Any, excel: bool) -> Any:
    if value is None:
        return ""
    if excel and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # shown as text by spreadsheets, never run
    return value


def csv_text(header: Sequence[str], rows: Iterable[Row], excel: bool = False) -> str:
    """RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or
    a line break. excel: a byte-order mark, and formula-looking text cells prefixed with '."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([_cell(v, excel) for v in row] for row in rows)
    return ("\ufeff" if excel else "") + buf.getvalue()


def csv_files(export: Export, excel: bool = False) -> list[tuple[str, bytes]]:
    """One UTF-8 CSV file per table, in the order of TABLES: (file name, bytes)."""
    out = []
    for table in TABLES:
        rows = export.meta if table.name == "meta" else export.rows[table.name]
        out.append((f"{table.name}.csv", csv_text(table.names, rows, excel).encode("utf-8")))
    return out


EXPORT_FILE_NAMES = frozenset(f"{t.name}.csv" for t in TABLES)
# 1980-01-01, the earliest time a zip entry can hold: no clock in the bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zip_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """A zip of the files, at its root, with fixed times and permissions so that it is reproducible."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def check_destination(path: Path, kind: ExportFormat) -> None:
    """Fail before the comparison runs, not after, when the output cannot go where asked: a missing
    folder (FilesystemError), a corpus file or folder, or a folder of other files (RefusedError)."""
    if kind is ExportFormat.csv:
        _folder_target(path)
        return
    from positions.safe_write import corpus_file_kind

    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    _check_parent(target, printable(str(path)))
    what = corpus_file_kind(target)
    if what:
        raise RefusedError(f"refusing to write '{printable(str(path))}': it {'is' if target.exists() else 'would be'} "
                           f"{what} of a corpus; give another file name, e.g. positions.db")


def _check_parent(target: Path, shown: str) -> None:
    parent = target.parent
    if not parent.is_dir():
        folder = printable(str(parent))
        if parent.exists():
            raise FilesystemError(f"cannot write '{shown}': '{folder}' is a file, not a folder")
        raise FilesystemError(f"cannot write '{shown}': the folder '{folder}' does not exist; create it first")


def _folder_target(path: Path) -> tuple[Path, str, bool]:
    """The folder to write (a link is followed), its name as shown, and whether it holds an earlier
    export to replace; FilesystemError or RefusedError when it cannot be written."""
    shown = printable(str(path))
    target = Path(os.path.abspath(os.path.realpath(path) if path.is_symlink() else path))
    if target.exists() and not target.is_dir():
        raise FilesystemError(f"cannot write the folder '{shown}': it is a file; give a new folder name, "
                              "or OUT.zip for one file")
    _check_parent(target, shown)
    _refuse_corpus_folder(target, shown)
    previous = target.is_dir() and any(target.iterdir())
    if previous and not is_export_folder(target):
        raise RefusedError(f"refusing to write into '{shown}': it holds files that are not a positions export; "
                           "give a new or empty folder")
    return target, shown, previous


def write_csv_folder(path: Path, files: list[tuple[str, bytes]]) -> None:
    """Write the CSV files as a folder, atomically: built in a hidden folder beside it, then renamed
    into place. A folder that is missing or empty is created; one that holds only an earlier export
    is replaced; any other folder is refused (RefusedError), as is a corpus folder."""
    import shutil
    import tempfile

    target, shown, previous = _folder_target(path)
    parent = target.parent
    try:
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as exc:
        raise _write_error(shown, exc) from exc
    old: Path | None = None
    try:
        for name, data in files:
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # what a plain mkdir would have made (mkdtemp makes it private)
        if previous:
            # Move the earlier export aside, put the new one in place, then delete the old one.
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".old"))
            os.rename(target, old / target.name)
            try:
                os.rename(tmp, target)
            except BaseException:
                os.rename(old / target.name, target)
                raise
        else:
            if target.is_dir():
                target.rmdir()  # empty: rename will not replace a folder on every system
            os.rename(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            with contextlib.suppress(OSError):
                old.rmdir()  # empty once the earlier export is back in place
        if isinstance(exc, OSError):
            raise _write_error(shown, exc) from exc
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_error(shown: str, exc: OSError) -> FilesystemError:
    if isinstance(exc, PermissionError):
        return FilesystemError(f"cannot write '{shown}': permission denied; choose another folder")
    return FilesystemError(f"cannot write '{shown}': {exc.strerror or exc}")


def is_export_folder(folder: Path) -> bool:
    """Whether a folder holds an earlier CSV export and nothing else (so it may be replaced)."""
    entries = list(folder.iterdir())
    return ("meta.csv" in {p.name for p in entries}
            and all(p.name in EXPORT_FILE_NAMES and p.is_file() and not p.is_symlink() for p in entries))


def _refuse_corpus_folder(target: Path, shown: str) -> None:
    def is_corpus(d: Path) -> bool:
        return (d / "topics.yaml").is_file() or (d / "sources").is_dir()

    if is_corpus(target) or (target.name in ("sources", "schema") and is_corpus(target.parent)):
        raise RefusedError(f"refusing to write '{shown}': it is (or is part of) a corpus folder; "
                           "give another folder, e.g. export/")


# -- SQLite ----------------------------------------------------------------------------------

def sqlite_bytes(export: Export) -> tuple[bytes, str | None]:
    """The export as a SQLite database file (foreign keys declared and checked, full-text search on
    statement text), and why full-text search is missing when this SQLite has no FTS5 (else None)."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute("PRAGMA foreign_keys = ON")  # every row is checked against its parents as it goes in
        with con:
            for table in TABLES:
                con.execute(table.ddl())
                rows = export.rows.get(table.name, [])
                if rows:
                    marks = ", ".join("?" * len(table.columns))
                    con.executemany(f"INSERT INTO {table.name} VALUES ({marks})", rows)
        missing = _add_fts(con)
        meta = [*export.meta, ("full_text_search", f"{FTS_TABLE} (FTS5)" if missing is None else missing)]
        with con:
            con.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return con.serialize(), missing
    finally:
        con.close()


def _add_fts(con: sqlite3.Connection) -> str | None:
    """statements_fts, an external-content FTS5 index of statements.text keyed by the statements'
    rowid (as sqlite-utils makes them, so Datasette offers search); None, or why it is missing."""
    try:
        with con:
            con.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING {FTS_MODULE}"
                        "(text, content=\"statements\", tokenize='porter unicode61')")
            con.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    except sqlite3.OperationalError as exc:
        return f"none: this SQLite ({sqlite3.sqlite_version}) has no FTS5 ({exc})"
    return None
