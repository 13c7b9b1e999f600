"""Quality floors of the shipped matcher on the development gold set, and the benchmark scripts run.

The floors are the figures measured on the shipped corpus (benchmarks/README.md), rounded down; a
change that makes the matcher or the curation worse fails here.
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
    return benchmark_module("alignment").evaluate()


def test_compared_recall_floor(figures):
    # gold pairs labelled agree or disagree (same question, same or opposite answer) are compared,
    # with that relation (0.98 measured: one miss, manifesto/independent-local-governance ~
    # moj/ten-probation-regions, which share no proposition)
    assert figures["compared_recall"] >= 0.95


def test_gold_recall_is_what_the_rule_allows(figures):
    # The other gold pairs are labelled related: same issue, different questions. Only the few
    # with similar wording are shown (0.415 of all gold pairs measured); showing the rest would take
    # hundreds of loose pairs (benchmarks/README.md). A floor, so that the figure cannot fall unseen.
    assert figures["gold_recall"] >= 0.40


def test_relation_accuracy_floor(figures):
    assert figures["relation_accuracy"] >= 0.95


def test_no_decoy_aligned(figures):
    assert figures["decoys_aligned"] == 0


def test_volume_stays_bounded(figures):
    # a short true finding rather than a long list: 78 pairs over the ten source pairs now
    assert figures["aligned_pairs"] <= 1.5 * figures["gold_pairs"]


def test_search_recall_floor(figures):
    assert figures["search_recall_at_3"] >= 0.92


@pytest.mark.skipif(not ARGKP.is_dir(), reason="ArgKP-2021 data not found beside the repository (../shared/benchmarks/argkp2021)")
def test_argkp_benchmark_runs_quickly():
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "argkp.py"), "--quick", "--no-write"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "strict" in result.stdout
