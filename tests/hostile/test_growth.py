"""Loading costs time in proportion to the file's size, for every shape of file (issue 18 item 5):
four times the input costs at most about five times the CPU time (CPU time, so that another job
on the machine does not matter). Runs of comment lines were quadratic: 400,000 '# c' lines took 19 s.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from positions.corpus import load_corpus
from positions.errors import CorpusError

HEAD = "name: x\nstatements:\n"
TOPICS = "topics:\n  - key: a\n    label: A\n    proposition: A.\n"


def _st(i: int) -> str:
    return f"  - id: s{i}\n    text: A quote number {i}.\n"


# name: (make(n) -> file body, n): the larger file is make(4 * n)
SHAPES = {
    "comment lines": (lambda n: HEAD + _st(0) + "# c\n" * n, 30_000),
    "indented comment lines": (lambda n: HEAD + "  - id: a\n" + "    # c\n" * n + "    text: A quote.\n", 30_000),
    "comments between keys": (lambda n: "name: x\n" + "# c\n" * n + HEAD[8:] + _st(0), 30_000),
    "blank lines": (lambda n: HEAD + _st(0) + "\n" * n, 50_000),
    "a comment above each statement": (lambda n: HEAD + "".join(f"  # c{i}\n" + _st(i) for i in range(n)), 400),
    "invalid after many comments": (lambda n: HEAD + _st(0) + "# c\n" * n + "\tbad: tab\n", 30_000),
    "one long line": (lambda n: HEAD + "  - id: a\n    text: " + "word " * n + "\n", 10_000),
    "a long flow list": (lambda n: "name: x\nauthors: [" + ", ".join(["a"] * n) + "]\nstatements: []\n", 2_500),
    "an invalid field in each statement": (lambda n: HEAD + "".join(f"  - id: s{i}\n    texts: t\n" for i in range(n)), 400),
    "an unknown topic in each statement": (lambda n: HEAD + "".join(
        f"  - id: s{i}\n    text: t\n    stances: {{nope{i}: support}}\n" for i in range(n)), 300),
}


def _cpu_seconds(root: Path) -> float:
    start = time.process_time()
    try:
        load_corpus(root)
    except CorpusError:
        pass
    return time.process_time() - start


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_loading_is_linear_in_the_file_size(tmp_path, shape):
    make, n = SHAPES[shape]
    roots = []
    for size in (n, 4 * n):
        root = tmp_path / f"c{size}"
        (root / "sources").mkdir(parents=True)
        (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
        (root / "sources" / "x.yaml").write_text(make(size), encoding="utf-8")
        roots.append(root)
    small, large = [], []
    for _ in range(3):  # interleaved, best of three: another job's cache misses hit both alike
        small.append(_cpu_seconds(roots[0]))
        large.append(_cpu_seconds(roots[1]))
    ratio = min(large) / max(min(small), 0.005)
    assert ratio < 5.5, f"{shape}: 4x the input cost {ratio:.1f}x the CPU time ({min(small):.3f} s -> {min(large):.3f} s)"
