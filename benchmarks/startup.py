"""Start-up time of the command line, as ratios to `python -c pass` measured in the same run.

Usage: python benchmarks/startup.py [--runs N]
Cold cache: a fresh, empty cache folder (embeddings and parsed corpus rebuilt, or read from the seed
shipped in the package); warm: the same command again, with the parsed corpus and the embeddings in
the cache. Every run loads the corpus and computes its answer: nothing is replayed. Each run gets
another terminal width (COLUMNS), as a person resizing their terminal would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# issue 17 item 3's targets
TARGETS = {"--version": 8, "sources": 20, "compare alliance moj (warm)": 30, "search (warm)": 35,
           "compare alliance moj (cold)": 60}
SEARCH = ["search", "probation services should be run locally"]


def timed(args: list[str], env: dict, runs: int) -> float:
    samples = []
    for n in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env={**env, "COLUMNS": str(100 + n)}, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()
    py = sys.executable
    env = dict(os.environ)
    env.pop("POSITIONS_DATA", None)
    with tempfile.TemporaryDirectory() as cache:
        env["POSITIONS_CACHE_DIR"] = cache
        base = timed([py, "-c", "pass"], env, opts.runs)
        rows = [("--version", timed([py, "-m", "positions", "--version"], env, opts.runs))]
        timed([py, "-m", "positions", "sources"], env, 1)  # warm the parsed-file cache
        rows.append(("sources", timed([py, "-m", "positions", "sources"], env, opts.runs)))
        cold = []
        for _ in range(max(3, opts.runs // 2)):
            with tempfile.TemporaryDirectory() as fresh:
                cold.append(timed([py, "-m", "positions", "compare", "alliance", "moj"], {**env, "POSITIONS_CACHE_DIR": fresh}, 1))
        timed([py, "-m", "positions", "compare", "alliance", "moj"], env, 1)  # warm the caches
        rows.append(("compare alliance moj (warm)", timed([py, "-m", "positions", "compare", "alliance", "moj"], env, opts.runs)))
        timed([py, "-m", "positions", *SEARCH], env, 1)
        rows.append(("search (warm)", timed([py, "-m", "positions", *SEARCH], env, opts.runs)))
        rows.append(("compare alliance moj (cold)", statistics.median(cold)))
    print(f"python -c pass: {base * 1000:.0f} ms (median of {opts.runs})")
    print(f"{'command':42} {'ms':>7} {'ratio':>7} {'target':>7}")
    for name, seconds in rows:
        ratio = seconds / base
        mark = "ok" if ratio <= TARGETS[name] else "OVER"
        print(f"{name:42} {seconds * 1000:7.0f} {ratio:7.1f} {TARGETS[name]:>6}x {mark}")


if __name__ == "__main__":
    main()
