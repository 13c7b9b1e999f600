"""Quality floors of the shipped matcher on the held-out part of the development gold set, and the
benchmark scripts run.

benchmarks/alignment.py splits benchmarks/gold.yaml deterministically: every 4th pair of each
relation, every 4th decoy and every 4th query is held out, and the weight sweep
(`alignment.py --sweep`) fits on the rest only, so these floors are measured on pairs and queries
the weights were not chosen on. The floors are the figures measured on the shipped corpus
(`python benchmarks/alignment.py`, "held-out part"), rounded down; a change that makes the matcher
or the curation worse fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import benchmark_module

REPO = Path(__file__).resolve().parents[1]
ARGKP = REPO.parent / "shared" / "benchmarks" / "argkp2021"


@pytest.fixture(scope="module")
def figures():
    return benchmark_module("alignment").evaluate(part="held-out")


def test_the_held_out_part_is_a_quarter_of_each_kind(figures):
    alignment = benchmark_module("alignment")
    gold = alignment.load_gold()
    held, dev = alignment.gold_part(gold, "held-out"), alignment.gold_part(gold, "development")
    for kind in ("pairs", "decoys", "queries"):
        assert len(held[kind]) + len(dev[kind]) == len(gold[kind])
        assert not {id(x) for x in held[kind]} & {id(x) for x in dev[kind]}
    for kind in ("decoys", "queries"):
        assert len(held[kind]) == len(gold[kind]) // 4
    for relation in ("agree", "disagree", "related"):
        count = sum(p["relation"] == relation for p in gold["pairs"])
        assert sum(p["relation"] == relation for p in held["pairs"]) == count // 4 > 0
    assert figures["part"] == "held-out" and figures["gold_pairs"] == len(held["pairs"]) == 29


def test_compared_recall_floor(figures):
    # held-out gold pairs labelled agree or disagree (same question, same or opposite answer) are
    # compared, with that relation (1.0 measured: 12 of 12; the floor lets one slip)
    assert figures["compared_recall"] >= 0.9


def test_disagreements_found(figures):
    # both held-out disagree pairs are aligned as disagreements (1.0 measured)
    assert figures["disagree_found"] >= 0.5


def test_gold_recall_is_what_the_rule_allows(figures):
    # The other gold pairs are labelled related: same issue, different questions. Only the few
    # with similar wording are shown (0.414 of the held-out gold pairs measured); showing the rest
    # would take hundreds of loose pairs (benchmarks/README.md). A floor, so that the figure cannot
    # fall unseen.
    assert figures["gold_recall"] >= 0.40


def test_relation_accuracy_floor(figures):
    assert figures["relation_accuracy"] >= 0.95  # 1.0 measured


def test_no_decoy_aligned(figures):
    assert figures["decoys_aligned"] == 0


def test_volume_stays_bounded(figures):
    # a short true finding rather than a long list: 78 pairs over the ten source pairs now, for a
    # whole gold set of 123 pairs (volume is the corpus's, the same for either part)
    assert figures["aligned_pairs"] <= 1.5 * figures["all_gold_pairs"]


def test_search_recall_floor(figures):
    # 6 held-out queries, each with 1-3 statements it should find in the top 3 (6 of 6 measured;
    # the floor lets one slip)
    assert figures["search_recall_at_3"] >= 5 / 6 - 1e-9


@pytest.mark.skipif(not ARGKP.is_dir(), reason="ArgKP-2021 data not found beside the repository (../shared/benchmarks/argkp2021)")
def test_argkp_benchmark_runs_quickly():
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "argkp.py"), "--quick", "--no-write"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "strict" in result.stdout
