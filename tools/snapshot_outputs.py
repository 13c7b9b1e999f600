"""Record what every command of the CLI prints, to check that a refactor changes no output.

Runs each command line below on the shipped corpus (data/) with fixed options, at two terminal
widths (COLUMNS=80 and 120), with NO_COLOR, a fresh cache folder and no pager, and writes one file
per command line into OUT: its exit status, standard output and standard error, and for commands
that write files (export, add, link, review, new-source, init, schema --write, report -o) the bytes
of what they wrote (a SQLite database as its schema and rows, a zip as its members).

Usage, before and after a change:

    python tools/snapshot_outputs.py /tmp/snap-before     # on the old code
    python tools/snapshot_outputs.py /tmp/snap-after      # on the new code
    diff -r /tmp/snap-before /tmp/snap-after               # nothing: the outputs are byte-identical

Commands run through the installed `positions` entry point next to this Python (install the
checkout with `pip install -e .`). Paths of temporary folders are fixed (under /tmp/positions-snap)
so that messages naming them compare equal; cache file names and sizes are normalised in the
output of `cache info`, since cache keys include a fingerprint of the code, and today's date is
written <TODAY>.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BASE = Path("/tmp/positions-snap")
WIDTHS = (80, 120)

# (name, argv, stdin): commands that only read the corpus
READS: list[tuple[str, list[str], str]] = [
    ("version", ["--version"], ""),
    ("help", ["--help"], ""),
    ("compare-help", ["compare", "--help"], ""),
    ("sources", ["sources"], ""),
    *[(f"show-{k}", ["show", k], "") for k in ("alliance", "clinks", "institute", "manifesto", "moj")],
    ("show-ref", ["show", "moj/workforce-strategy"], ""),
    ("show-json", ["show", "alliance", "--format", "json"], ""),
    ("show-topic", ["show", "moj", "--topic", "funding"], ""),
    ("topics", ["topics"], ""),
    ("topics-name", ["topics", "--sort", "name"], ""),
    ("topics-contested", ["topics", "--sort", "contested"], ""),
    ("topics-json", ["topics", "--format", "json"], ""),
    ("topics-contested-json", ["topics", "--sort", "contested", "--format", "json"], ""),
    ("validate", ["validate"], ""),
    ("compare2", ["compare", "alliance", "moj"], ""),
    ("compare2-full", ["compare", "alliance", "moj", "--full"], ""),
    ("compare2-explain", ["compare", "alliance", "moj", "--explain"], ""),
    ("compare2-markdown", ["compare", "alliance", "moj", "--format", "markdown"], ""),
    ("compare2-json", ["compare", "alliance", "moj", "--format", "json"], ""),
    ("compare2-csv", ["compare", "alliance", "moj", "--format", "csv"], ""),
    ("compare2-csv-excel", ["compare", "alliance", "moj", "--format", "csv", "--excel"], ""),
    ("compare2-disagree", ["compare", "alliance", "moj", "--relation", "disagree"], ""),
    ("compare2-topic", ["compare", "alliance", "moj", "--topic", "funding"], ""),
    ("compare2-threshold", ["compare", "institute", "clinks", "--threshold", "0.3", "--format", "json"], ""),
    ("compare5", ["compare", "alliance", "clinks", "institute", "manifesto", "moj"], ""),
    ("compare5-full", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "--full"], ""),
    ("compare5-explain", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "--explain"], ""),
    ("compare5-markdown", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "--format",
                           "markdown"], ""),
    ("compare5-json", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "--format", "json"], ""),
    ("compare5-csv", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "--format", "csv"], ""),
    ("compare5-disagree", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "-r", "disagree"],
     ""),
    ("compare5-agree-related-md", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "-r", "agree",
                                   "-r", "related", "--format", "markdown"], ""),
    ("compare5-topic", ["compare", "alliance", "clinks", "institute", "manifesto", "moj", "--topic", "workforce-training",
                        "--topic", "payment-by-results"], ""),
    ("search1", ["search", "probation should be run by local government"], ""),
    ("search1-json", ["search", "probation should be run by local government", "--format", "json"], ""),
    ("search1-explain", ["search", "probation should be run by local government", "--explain"], ""),
    ("search2", ["search", "staff caseloads are too high", "-n", "3", "-s", "moj", "-s", "manifesto"], ""),
    ("search2-json", ["search", "staff caseloads are too high", "-n", "3", "--format", "json"], ""),
    ("suggest-text", ["suggest", "Probation officers need smaller caseloads and better training."], ""),
    ("suggest-text-json", ["suggest", "Probation officers need smaller caseloads and better training.",
                           "--format", "json"], ""),
    ("suggest-source", ["suggest", "alliance", "-n", "2"], ""),
    ("suggest-source-json", ["suggest", "alliance", "-n", "2", "--format", "json"], ""),
    ("matrix", ["matrix"], ""),
    ("matrix-some", ["matrix", "alliance", "moj", "--topic", "funding"], ""),
    ("matrix-json", ["matrix", "--format", "json"], ""),
    ("matrix-csv", ["matrix", "--format", "csv"], ""),
    ("matrix-csv-excel", ["matrix", "--format", "csv", "--excel"], ""),
    ("report-md", ["report"], ""),
    ("report-md-against", ["report", "--against", "moj", "--date", "2020-01-01"], ""),
    ("report-md-some", ["report", "alliance", "clinks", "--topic", "funding"], ""),
    ("report-html", ["report", "--format", "html"], ""),
    ("report-html-against", ["report", "--format", "html", "--against", "alliance"], ""),
    ("gaps", ["gaps", "--against", "moj"], ""),
    ("gaps-md", ["gaps", "--against", "moj", "--format", "markdown"], ""),
    ("gaps-json", ["gaps", "--against", "alliance", "clinks", "institute", "--format", "json"], ""),
    ("schema-source", ["schema"], ""),
    ("schema-topics", ["schema", "topics"], ""),
    ("schema-links", ["schema", "links"], ""),
    # errors
    ("err-unknown-source", ["compare", "alliance", "nosuch"], ""),
    ("err-unknown-source-show", ["show", "moj/nosuch"], ""),
    ("err-same-source", ["compare", "moj", "moj"], ""),
    ("err-bad-option", ["compare", "alliance", "moj", "--format", "xml"], ""),
    ("err-unknown-option", ["sources", "--colour"], ""),
    ("err-unknown-command", ["comapre", "alliance", "moj"], ""),
    ("err-unknown-topic", ["matrix", "--topic", "nosuch"], ""),
    ("err-threshold", ["compare", "alliance", "moj", "--threshold", "2"], ""),
    ("err-gaps-no-against", ["gaps"], ""),
    ("err-schema", ["schema", "nosuch"], ""),
]


def _env(width: int, cache: Path, home: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": str(width),
        "LINES": "40",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "POSITIONS_CACHE_DIR": str(cache),
        "USER": "snapshot",
        "PYTHONHASHSEED": "0",
    }
    return env


def _dump_sqlite(path: Path) -> bytes:
    con = sqlite3.connect(path)
    out = io.StringIO()
    tables = con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    for kind, name, sql in tables:
        out.write(f"-- {kind} {name}\n{sql}\n")
        if kind == "table":
            for row in con.execute(f'SELECT * FROM "{name}"'):
                out.write(repr(row) + "\n")
    con.close()
    return out.getvalue().encode()


def _dump_zip(path: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            out.write(f"== {info.filename}\n".encode())
            out.write(z.read(info) + b"\n")
    return out.getvalue()


def _dump_tree(folder: Path) -> bytes:
    out = io.BytesIO()
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_dir():
            out.write(f"== {rel}/\n".encode())
        else:
            out.write(f"== {rel} ({p.stat().st_size} bytes, sha256 {hashlib.sha256(p.read_bytes()).hexdigest()})\n"
                      .encode())
            out.write(p.read_bytes() + b"\n")
    return out.getvalue()


class Run:
    """One width's pass: its own cache, home and work folders."""

    def __init__(self, width: int, out: Path):
        self.width = width
        self.base = BASE / f"w{width}"
        if self.base.exists():
            shutil.rmtree(self.base)
        self.cache = self.base / "cache"
        self.home = self.base / "home"
        self.work = self.base / "work"
        for p in (self.cache, self.home, self.work):
            p.mkdir(parents=True)
        self.out = out / f"w{width}"
        self.out.mkdir(parents=True, exist_ok=True)
        self.exe = str(Path(sys.executable).with_name("positions"))

    def run(self, name: str, argv: list[str], stdin: str = "", files: list[Path] | None = None,
            cwd: Path | None = None) -> None:
        proc = subprocess.run([self.exe, *argv], input=stdin.encode(), capture_output=True,
                              env=_env(self.width, self.cache, self.home), cwd=cwd or self.work, timeout=600)
        stdout, stderr = proc.stdout, proc.stderr
        if argv[:2] == ["cache", "info"]:
            stdout, stderr = self._normalise_cache(stdout), self._normalise_cache(stderr)
        blob = io.BytesIO()
        blob.write(f"$ positions {' '.join(argv)}\n".encode())
        blob.write(f"== exit {proc.returncode}\n== stdout\n".encode() + stdout + b"\n== stderr\n" + stderr)
        for f in files or []:
            blob.write(f"\n== file {f}\n".encode())
            if not f.exists():
                blob.write(b"(missing)\n")
            elif f.is_dir():
                blob.write(_dump_tree(f))
            elif f.suffix in (".db", ".sqlite", ".sqlite3"):
                blob.write(_dump_sqlite(f))
            elif f.suffix == ".zip":
                blob.write(_dump_zip(f))
            else:
                blob.write(f.read_bytes())
        # decisions and new sources are dated today: a run after midnight must compare equal
        data = blob.getvalue().replace(datetime.date.today().isoformat().encode(), b"<TODAY>")
        (self.out / f"{name}.txt").write_bytes(data)

    def _normalise_cache(self, text: bytes) -> bytes:
        s = text.decode("utf-8", "replace").replace(str(self.cache), "<CACHE>")
        s = re.sub(r"[0-9a-f]{12,}", "<HASH>", s)
        s = re.sub(r"\d+(\.\d+)? ?(B|KB|kB|MB|KiB|MiB|bytes)\b", "<SIZE>", s)
        return s.encode()

    def all(self) -> None:
        for name, argv, stdin in READS:
            self.run(name, argv, stdin)
        self.writes()
        self.run("cache-info", ["cache", "info"])

    def writes(self) -> None:
        w = self.work
        # report and gaps to files
        self.run("report-out", ["report", "-o", str(w / "report.md")], files=[w / "report.md"])
        self.run("report-out-html", ["report", "--format", "html", "-o", str(w / "report.html")],
                 files=[w / "report.html"])
        self.run("compare-out-csv", ["compare", "alliance", "moj", "--format", "csv", "-o", str(w / "c.csv")],
                 files=[w / "c.csv"])
        self.run("gaps-out", ["gaps", "--against", "moj", "--format", "markdown", "-o", str(w / "gaps.md")],
                 files=[w / "gaps.md"])
        # export
        self.run("export-db", ["export", str(w / "out.db")], files=[w / "out.db"])
        self.run("export-zip", ["export", str(w / "out.zip"), "-s", "alliance", "-s", "moj"], files=[w / "out.zip"])
        self.run("export-csv", ["export", str(w / "outcsv") + "/"], files=[w / "outcsv"])
        self.run("export-csv-excel", ["export", str(w / "outx.zip"), "--excel"], files=[w / "outx.zip"])
        self.run("err-export-exists", ["export", str(w / "out.db")])
        # a copy to edit
        copy = w / "copy"
        self.run("init", ["init", str(copy)], files=[copy])
        self.run("err-init-nonempty", ["init", str(copy)])
        data = ["--data", str(copy)]
        links = copy / "links.yaml"
        self.run("validate-copy", ["validate", str(copy)])
        self.run("link-confirm", [*data, "link", "alliance/" + _first_id(copy, "alliance"),
                                  "moj/workforce-strategy", "--confirm", "--relation", "agree",
                                  "--reason", "same point", "--reviewer", "Snap"], files=[links])
        self.run("link-reject", [*data, "link", "clinks/" + _first_id(copy, "clinks"),
                                 "moj/workforce-strategy", "--reject", "--reviewer", "Snap"], files=[links])
        self.run("err-link-both", [*data, "link", "clinks/x", "moj/y", "--confirm", "--reject"])
        self.run("compare-copy-linked", [*data, "compare", "alliance", "moj", "--explain"])
        self.run("review", [*data, "review", "alliance", "clinks", "--reviewer", "Snap"],
                 stdin="c\nr\nnot the same\na\nd\nl\ns\nx\nq\n", files=[links])
        self.run("review-eof", [*data, "review", "institute", "manifesto"], stdin="s\nc\n", files=[links])
        src = copy / "sources" / "alliance.yaml"
        self.run("add", [*data, "add", "alliance", "--text",
                         "Probation officers should carry fewer cases so that they can see people more often.",
                         "--section", "Workloads", "--stance", "reduce-workloads=support", "--note", "A test."],
                 files=[src])
        self.run("add-plain", [*data, "add", "alliance", "--text", "A wholly new remark about weather and tea."],
                 files=[src])
        self.run("add-id", [*data, "add", "alliance", "--text", "Another remark, with its own id.", "--id",
                            "own-id"], files=[src])
        self.run("add-suggested", [*data, "add", "moj", "--text",
                                   "We will reduce caseloads so that staff can spend more time with offenders.",
                                   "--accept-suggested"], files=[copy / "sources" / "moj.yaml"])
        self.run("err-add-dup", [*data, "add", "alliance", "--text",
                                 "Probation officers should carry fewer cases so that they can see people more often."],
                 files=[src])
        self.run("err-add-bad-stance", [*data, "add", "alliance", "--text", "x y z", "--stance", "nosuch=support"])
        self.run("err-add-bad-stance-word", [*data, "add", "alliance", "--text", "x y z", "--stance",
                                             "reduce-workloads=maybe"])
        self.run("new-source", [*data, "new-source", "howard-league", "--name", "The Howard League",
                                "--title", "A title", "--date", "2021-03", "--kind", "charity", "--author", "A. B",
                                "--author", "C. D", "--url", "https://example.org/x"],
                 files=[copy / "sources" / "howard-league.yaml"])
        self.run("new-source-min", [*data, "new-source", "min", "--name", "Minimal"],
                 files=[copy / "sources" / "min.yaml"])
        self.run("err-new-source-exists", [*data, "new-source", "moj", "--name", "x"])
        self.run("err-new-source-bad-key", [*data, "new-source", "Bad Key", "--name", "x"])
        self.run("add-to-new", [*data, "add", "howard-league", "--text", "Sentences should be shorter.",
                                "--stance", "reduce-workloads=oppose"], files=[copy / "sources" / "howard-league.yaml"])
        self.run("schema-write", [*data, "schema", "--write"], files=[copy / "schema"])
        self.run("validate-copy-after", ["validate", str(copy)])
        self.run("sources-copy", [*data, "sources"])
        self.run("compare-copy", [*data, "compare", "alliance", "moj", "howard-league", "--format", "json"])
        self.run("copy-tree", [*data, "topics", "--format", "json"], files=[copy])


def _first_id(copy: Path, key: str) -> str:
    for line in (copy / "sources" / f"{key}.yaml").read_text().splitlines():
        m = re.match(r"\s*- id: (\S+)", line)
        if m:
            return m.group(1)
    raise SystemExit(f"no statement in {key}")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = Path(sys.argv[1])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with ThreadPoolExecutor(len(WIDTHS)) as pool:
        list(pool.map(lambda w: Run(w, out).all(), WIDTHS))
    print(f"wrote {sum(1 for _ in out.rglob('*.txt'))} files to {out}")


if __name__ == "__main__":
    main()
