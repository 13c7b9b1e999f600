"""The scale and start-up benchmark scripts run and print the figures they must (quick smoke runs).

The tiny scale run is deterministic (a generated corpus from a fixed seed): its recall figures
are exact, and both ways of scoring (every pair, candidates only) align the same pairs. Times are
CPU seconds per stage, which must be measured (positive) and stay far below a generous bound on a
loaded two-core machine. The full runs take minutes; their figures are in benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import benchmark_module

REPO = Path(__file__).resolve().parents[1]
SCALE = REPO / "benchmarks" / "scale.py"
# CPU seconds no stage of the 200-statement run may reach (each takes well under one).
CPU_BOUND_S = 30


@pytest.fixture(scope="module")
def scale_module():
    return benchmark_module("scale")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The figures of `scale.py --tiny --json` (one 200-statement corpus, measured in subprocesses)."""
    cache = tmp_path_factory.mktemp("cache")
    result = subprocess.run([sys.executable, str(SCALE), "--tiny", "--json", "--workdir", str(tmp_path_factory.mktemp("work"))],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "POSITIONS_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_tiny_run_measures_every_stage(tiny):
    (row,) = tiny["rows"]
    cold = row["cold"]
    assert cold["status"] == "ok", cold["status"]
    # a small corpus must load through load_corpus (the benchmark falls back to a plain load otherwise)
    assert not cold.get("load_error") and not cold.get("load_refused"), cold.get("load_error") or cold.get("load_refused")
    assert cold["stage"] == "plain load"
    assert row["size"] == 200 and cold["statements"] == 200 and cold["sources"] == 4
    assert row["default_scoring"] == "exhaustive" and set(cold["scored_by"].values()) == {"exhaustive"}
    # every stage ran and was timed: CPU seconds measured, and far below what 200 statements take
    for stage in ("import", "load", "model", "embed", "compare", "search", "report"):
        assert 0 < cold["cpu_s"][stage] < CPU_BOUND_S, (stage, cold["cpu_s"])
    for stage in ("load", "compare"):
        assert 0 < row["warm"]["cpu_s"][stage] < CPU_BOUND_S, (stage, row["warm"]["cpu_s"])
    assert len(cold["search_ms"]) == 6 and all(0 < ms < 1000 * CPU_BOUND_S for ms in cold["search_ms"])
    # memory: more than the interpreter with numpy, less than a small corpus could need
    assert 40 < max(cold["peak_mb"].values()) < 1024
    assert cold["aligned_pairs"] == sum(cold["relations"].values()) > 0
    assert set(cold["relations"]) == {"agree", "disagree", "related"}
    assert cold["report_chars"] > 10_000
    assert row["warm"]["status"] == "ok"


def test_tiny_run_recall_figures_are_fractions(tiny):
    (row,) = tiny["rows"]
    cold, ref = row["cold"], row["reference"]
    assert row["planted"] == cold["planted"] == 10
    # light edits of a statement (a swapped word, a synonym...): every planted pair is found
    assert cold["planted_found"] == 10 and cold["planted_recall"] == 1.0
    assert ref["status"] == "ok" and ref["kind"].startswith("forced candidates")
    # the candidate path finds what scoring every pair finds, on this corpus exactly
    assert ref["candidate_recall"] == ref["exhaustive_recall"] == ref["recall_ratio"] == 1.0
    assert ref["pairs_kept"] == 1.0
    assert ref["candidate_aligned"] == ref["exhaustive_aligned"] == cold["aligned_pairs"]


def test_table_prints_from_saved_figures(tiny, tmp_path):
    saved = tmp_path / "figures.json"
    saved.write_text(json.dumps(tiny), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCALE), "--from-json", str(saved)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    header, _, first = result.stdout.splitlines()[:3]
    columns = ("size", "src", "stmts", "load s", "embed s", "compare s", "again s", "peak MB", "search ms",
               "report s", "planted", "vs exh.", "kept", "scoring")
    assert [c for c in columns if c not in header] == []
    cells = first.split()
    assert cells[:3] == ["200", "4", "200"] and cells[-1] == "exhaustive"
    assert cells[-4:-1] == ["1.000", "1.000", "1.00"]  # planted recall, vs exhaustive, pairs kept


def test_generated_corpus_is_valid_and_reproducible(scale_module, tmp_path):
    from positions.corpus import load_corpus

    vocab = scale_module.Vocabulary(scale_module.DATA, random.Random(1))
    gen = scale_module.generate(300, 5, 7, vocab)
    assert gen == scale_module.generate(300, 5, 7, vocab)
    corpus = load_corpus(scale_module.write_corpus(gen, tmp_path / "corpus"))
    refs = corpus.statements()
    assert len(refs) == 300 and len(corpus.sources) == 5
    lengths = [len(r.text.split()) for r in refs]
    assert min(lengths) >= 8 and max(lengths) <= 66  # 10-60 words, give or take an edit
    assert 0.4 < sum(bool(r.stances) for r in refs) / len(refs) < 0.8
    known = {r.ref for r in refs}
    assert len(gen["planted"]) == 15
    for a, b in gen["planted"]:
        assert a in known and b in known and a.split("/")[0] != b.split("/")[0]
        assert corpus.statement(a).text != corpus.statement(b).text


def test_startup_benchmark_options():
    # A full run of startup.py takes over 10 s even with --runs 1 (three cold compares): only its
    # options are checked here.
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "startup.py"), "--help"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "--runs" in result.stdout
