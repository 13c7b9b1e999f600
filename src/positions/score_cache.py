"""Scores of large source pairs, kept between runs in the user cache folder.

Scoring a source pair of millions of statement pairs takes seconds (benchmarks/scale.py: 22 of the
26 seconds of a 20k compare), and it depends only on the corpus, the weights, the floor and the
code. So the pairs that clear the floor are saved, one file per source pair, under a key made of
all of these, and read back by the next run: a compare with another --topic, --relation or
--format, a report, or a compare after a curator's link decision (the decisions are applied after
scoring) skips the scoring. Small source pairs are scored again each time (well under a second).
A missing, stale or corrupt file is scored again, never fatal.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from hashlib import blake2b
from pathlib import Path

import numpy as np

PREFIX = "scores-"
# Source pairs with fewer statement pairs than this are not cached.
MIN_PAIRS = 500_000
# Files of this many corpus versions are kept (the newest); older ones are deleted on writing.
KEEP_VERSIONS = 3
FIELDS = ("i", "j", "combined", "lexical", "semantic", "topics")


def scores_key(parts: Iterable[str]) -> str:
    """A hash of everything the scores depend on, given as strings."""
    digest = blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


class ScoreCache:
    """Scored pairs per source pair, for one corpus version (key)."""

    def __init__(self, folder: Path, key: str):
        self.folder = folder
        self.key = key

    def _path(self, first: str, second: str) -> Path:
        return self.folder / f"{PREFIX}{self.key}-{first}--{second}.npz"

    def get(self, first: str, second: str, statements: int) -> dict[str, np.ndarray] | None:
        """The saved arrays, or None when absent or not trustworthy."""
        from positions.cache import read_cache_file

        data = read_cache_file(self._path(first, second))  # a pipe or /dev/zero is not read
        if data is None:
            return None
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in FIELDS}
        except Exception:  # missing, truncated or not an npz file: score again
            return None
        n = len(arrays["i"])
        if any(a.ndim != 1 or len(a) != n for a in arrays.values()):
            return None
        i, j = arrays["i"], arrays["j"]
        if n and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= statements):
            return None
        arrays["i"] = arrays["i"].astype(np.int64)
        arrays["j"] = arrays["j"].astype(np.int64)
        return arrays

    def put(self, first: str, second: str, arrays: dict[str, np.ndarray]) -> None:
        """Save (atomically), then delete the files of older corpus versions; failures are ignored."""
        from positions.safe_write import write_atomic

        buf = io.BytesIO()
        small = {name: arrays[name].astype(np.int32) if name in ("i", "j") else arrays[name].astype(np.float32)
                 for name in FIELDS}
        np.savez(buf, **small)  # type: ignore[arg-type]  # numpy's stub checks ** values against allow_pickle: bool
        try:
            write_atomic(self._path(first, second), buf.getvalue())
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        from positions.cache import is_own_cache_file

        files = {path: _key_of(path) for path in self.folder.glob(f"{PREFIX}*.npz") if is_own_cache_file(path)}
        newest: dict[str, int] = {}
        for path, key in files.items():
            newest[key] = max(newest.get(key, 0), path.stat().st_mtime_ns)
        keep = {self.key} | set(sorted(newest, key=lambda k: newest[k], reverse=True)[:KEEP_VERSIONS])
        for path, key in files.items():
            if key not in keep:
                path.unlink(missing_ok=True)


def _key_of(path: Path) -> str:
    """The corpus version of a score file: scores-KEY-FIRST--SECOND.npz (KEY has no hyphen)."""
    return path.name[len(PREFIX):].split("-", 1)[0]
