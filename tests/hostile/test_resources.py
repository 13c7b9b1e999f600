"""Resource bounds: the hostile inputs of this suite are refused in seconds and a few hundred MB
at most, measured on a real child process (time, and its own peak memory from os.wait4) and, for
the alias bomb, with tracemalloc in this process.

The bounds are generous (10 s of CPU time, 400 MB; measured: under a second and under 100 MB on a
2-core machine) so that they catch hangs and blow-ups, not a slow CI runner. Time is CPU time (the
child's user + system time from os.wait4): another job on the machine slows the wall clock, not
that; a child that waits without using the CPU is killed by the wall-clock timeout.
"""

from __future__ import annotations

import os
import time
import tracemalloc

import pytest

from positions.corpus import load_corpus
from positions.errors import CorpusError

from .helpers import MEGABYTES, OK_SOURCE, SECONDS, positions_subprocess
from .test_yaml import billion_laughs

needs_wait4 = pytest.mark.skipif(not hasattr(os, "wait4"), reason="measures a child's memory with os.wait4 (POSIX only)")


def _sparse(path, size):
    with open(path, "ab") as fh:
        fh.truncate(size)


HOSTILE = {
    "20 MB file": (lambda p: _sparse(p, 20 * 1024 * 1024), "over the 5 MB limit"),
    "20 MB of real text": (lambda p: p.write_bytes(OK_SOURCE.encode() + b"# " + b"x" * (20 * 1024 * 1024) + b"\n"),
                           "over the 5 MB limit"),
    "billion laughs": (lambda p: p.write_text(billion_laughs(), encoding="utf-8"), "aliases are not allowed"),
    "nested 100,000 deep": (lambda p: p.write_text("name: x\nnote: " + "[" * 100_000 + "]" * 100_000 + "\n"),
                            "nested more than 32 levels"),
    "100,000-character quote": (lambda p: p.write_text(
        "name: x\nstatements:\n  - id: a\n    text: " + "word " * 20_000 + "\n"), "'text' is too long"),
    "60,000 statements": (lambda p: p.write_text("name: x\nstatements:\n" + "".join(
        f"  - id: s{i}\n    text: t{i}\n" for i in range(60_000))), "holds more than 150,000 values"),
    "500,000-item list": (lambda p: p.write_text("name: x\nauthors: [" + ", ".join(["a"] * 500_000) + "]\n"),
                          "holds more than 150,000 values"),
    "150,001 values in 2.6 MB": (lambda p: p.write_text("name: x\nauthors: [" + ", ".join(
        ["author-000000000"] * 150_000) + "]\nstatements: []\n"), "holds more than 150,000 values"),
}

# Refused before the YAML parse: a file just over the value limit is counted, not parsed.
EARLY = {"60,000 statements", "500,000-item list", "150,001 values in 2.6 MB"}


@needs_wait4
@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_file_is_refused_within_bounds(make_corpus, case):
    write, fragment = HOSTILE[case]
    root = make_corpus()
    write(root / "sources" / "evil.yaml")
    done = positions_subprocess("--data", root, "validate", timeout=120)
    assert done.status == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert fragment in done.stderr
    assert done.cpu_seconds < SECONDS, f"{case}: {done.cpu_seconds:.1f} s of CPU"
    assert done.max_rss_mb < MEGABYTES, f"{case}: {done.max_rss_mb:.0f} MB"
    if case in EARLY:
        assert done.cpu_seconds < 2.5, f"{case}: {done.cpu_seconds:.1f} s of CPU: parsed before it was refused?"


def test_billion_laughs_in_process_memory(make_corpus):
    root = make_corpus(sources={"evil": billion_laughs(levels=12, width=12)})  # 12**12 if expanded
    tracemalloc.start()
    start = time.process_time()
    try:
        with pytest.raises(CorpusError) as info:
            load_corpus(root)
        seconds = time.process_time() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "uses the alias '*a0'" in str(info.value)
    assert seconds < 5, seconds
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_size_limit_is_checked_before_reading(make_corpus):
    # A 2 GB sparse file: refused from its size, so neither time nor memory grows with it.
    root = make_corpus()
    path = root / "sources" / "huge.yaml"
    try:
        _sparse(path, 2 * 1024 ** 3)
    except OSError as exc:
        pytest.skip(f"cannot create a sparse 2 GB file here: {exc}")
    tracemalloc.start()
    try:
        with pytest.raises(CorpusError) as info:
            load_corpus(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        os.unlink(path)
    assert "file is 2048.0 MB, over the 5 MB limit" in str(info.value)
    assert peak < 10 * 1024 * 1024
