"""The scale and start-up benchmark scripts run and print plausible figures (quick smoke runs).

The full runs take minutes; their figures are in benchmarks/README.md.
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
    for key in ("load_s", "matcher_s", "embed_s", "compare_s", "report_build_s", "report_render_s"):
        assert 0 <= cold[key] < 60, key
    assert len(cold["search_ms"]) == 6 and all(0 < ms < 10_000 for ms in cold["search_ms"])
    assert 20 < max(cold["peak_mb"].values()) < 2048
    assert cold["aligned_pairs"] > 0 and cold["report_chars"] > 0
    assert row["warm"]["status"] == "ok" and row["warm"]["load_s"] >= 0


def test_tiny_run_recall_figures_are_fractions(tiny):
    (row,) = tiny["rows"]
    cold, ref = row["cold"], row["reference"]
    assert row["planted"] == cold["planted"] == 10
    assert 0 <= cold["planted_recall"] <= 1
    assert cold["planted_recall"] >= 0.5  # light edits of a statement: most must be found
    assert ref["status"] == "ok"
    assert 0 <= ref["candidate_recall"] <= 1 and 0 <= ref["exhaustive_recall"] <= 1
    assert 0 <= ref["pairs_kept"] <= 1
    assert ref["recall_ratio"] is None or ref["recall_ratio"] >= 0


def test_table_prints_from_saved_figures(tiny, tmp_path):
    saved = tmp_path / "figures.json"
    saved.write_text(json.dumps(tiny), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCALE), "--from-json", str(saved)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    header, _, first = result.stdout.splitlines()[:3]
    assert "compare s" in header and "planted" in header
    assert first.split()[0] == "200"


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
