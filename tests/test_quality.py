"""Quality floors of the shipped matcher on the development gold set, and the benchmark scripts run.

The floors are the figures measured when the defaults were chosen (benchmarks/README.md), rounded
down; a change that makes the matcher worse fails here.
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


def test_gold_recall_floor(figures):
    assert figures["gold_recall"] >= 0.90


def test_relation_accuracy_floor(figures):
    assert figures["relation_accuracy"] >= 0.92


def test_no_decoy_aligned(figures):
    assert figures["decoys_aligned"] == 0


def test_volume_stays_bounded(figures):
    # recall must not be bought with volume: at most 3.5 aligned pairs per gold pair (397 now)
    assert figures["aligned_pairs"] <= 3.5 * figures["gold_pairs"]


def test_search_recall_floor(figures):
    assert figures["search_recall_at_3"] >= 0.92


@pytest.mark.skipif(not ARGKP.is_dir(), reason="ArgKP-2021 data not found beside the repository (../shared/benchmarks/argkp2021)")
def test_argkp_benchmark_runs_quickly():
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "argkp.py"), "--quick", "--no-write"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "strict" in result.stdout
