"""The suggester on sources it has not seen: leave one source out on the shipped corpus.

For each source, the suggester is built on the corpus without that source (its statements and
stances are hidden from the evidence, the claim scorer's population and the term weights:
`Suggester.suggest(..., exclude_source=SOURCE)`), then asked about each of the source's statements
that has stances, and its answers are compared with the curated stances:

* recall@k - a statement is a hit when any of its curated propositions is among the top k;
* stance accuracy - over the curated propositions found in the top 3, the share whose suggested
  stance is the curated one (and, for comparison, the share a constant "support" would get);
* accepted - suggestions whose confidence reaches ACCEPT_CONFIDENCE (what `add --accept-suggested`
  would take): how many per statement and how many are right (curated proposition and stance).

    python benchmarks/suggest.py              # the table, a few seconds
    python benchmarks/suggest.py --json       # figures as JSON
    python benchmarks/suggest.py --details    # each miss
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def run(data: Path, sources: list[str] | None = None, details: bool = False, log=None) -> dict:
    from positions.corpus import load_corpus
    from positions.match import Matcher
    from positions.suggest import ACCEPT_CONFIDENCE, Suggester

    corpus = load_corpus(data)
    suggester = Suggester(corpus, Matcher(corpus, use_cache=False))
    rows = {}
    sweep = {t: [0, 0] for t in THRESHOLDS}  # confidence threshold -> [accepted, right]
    totals = {"statements": 0, "hit1": 0, "hit3": 0, "found": 0, "stance_right": 0, "support_right": 0,
              "accepted": 0, "accepted_right": 0}
    for source in sources or corpus.source_keys:
        refs = [r for r in corpus.source_map[source].statements if r.sides]
        if not refs:
            continue
        t0 = time.process_time()
        found_all = suggester.suggest_many([r.text for r in refs], limit=3, exclude_source=source)
        cpu = time.process_time() - t0
        row = {k: 0 for k in totals}
        for ref, found in zip(refs, found_all):
            keys = [s.key for s in found]
            row["statements"] += 1
            row["hit1"] += bool(keys[:1] and keys[0] in ref.sides)
            row["hit3"] += any(k in ref.sides for k in keys[:3])
            for s in found[:3]:
                if s.key in ref.sides:
                    row["found"] += 1
                    row["stance_right"] += s.stance == ref.sides[s.key]
                    row["support_right"] += ref.sides[s.key] == "support"
                for t in THRESHOLDS:
                    if s.confidence >= t:
                        sweep[t][0] += 1
                        sweep[t][1] += ref.sides.get(s.key) == s.stance
                if s.confidence >= ACCEPT_CONFIDENCE:
                    row["accepted"] += 1
                    row["accepted_right"] += ref.sides.get(s.key) == s.stance
            if details and not any(k in ref.sides for k in keys[:3]) and log:
                log(f"  miss {ref.ref}: curated {sorted(ref.sides)}; suggested {keys}")
        for k in totals:
            totals[k] += row[k]
        rows[source] = {**_figures(row), "cpu_seconds": round(cpu, 3)}
    n = max(1, totals["statements"])
    thresholds = [{"confidence": t, "accepted_per_statement": round(a / n, 2), "precision": round(r / max(1, a), 3)}
                  for t, (a, r) in sweep.items()]
    return {"sources": rows, "overall": _figures(totals), "accept_confidence": ACCEPT_CONFIDENCE,
            "thresholds": thresholds}


def _figures(row: dict) -> dict:
    n = max(1, row["statements"])
    return {
        "statements": row["statements"],
        "recall_at_1": round(row["hit1"] / n, 3),
        "recall_at_3": round(row["hit3"] / n, 3),
        "stances_found": row["found"],
        "stance_accuracy": round(row["stance_right"] / max(1, row["found"]), 3),
        "always_support_accuracy": round(row["support_right"] / max(1, row["found"]), 3),
        "accepted_per_statement": round(row["accepted"] / n, 2),
        "accepted_precision": round(row["accepted_right"] / max(1, row["accepted"]), 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data", help="corpus folder (default: the shipped one)")
    ap.add_argument("--source", action="append", help="only this held-out source (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--details", action="store_true", help="list each statement missed at 3")
    opts = ap.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    t0 = time.time()
    figures = run(opts.data, opts.source, opts.details, log)
    figures["seconds"] = round(time.time() - t0, 2)
    if opts.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("Leave one source out: each source's statements with stances, suggested by a suggester built without "
          "that source.\n")
    head = "| held-out source | statements | recall@1 | recall@3 | stance accuracy (found) | always support | accepted / statement | accepted right |"
    print(head)
    print("|---|---|---|---|---|---|---|---|")
    for name, f in list(figures["sources"].items()) + [("**overall**", figures["overall"])]:
        print(f"| {name} | {f['statements']} | {f['recall_at_1']:.3f} | {f['recall_at_3']:.3f} | "
              f"{f['stance_accuracy']:.3f} ({f['stances_found']}) | {f['always_support_accuracy']:.3f} | "
              f"{f['accepted_per_statement']:.2f} | {f['accepted_precision']:.3f} |")
    print("\nSuggestions (top 3) a confidence threshold would accept: per statement, and the share right "
          "(a curated proposition with the curated stance):\n")
    print("| confidence >= | accepted / statement | right |")
    print("|---|---|---|")
    for t in figures["thresholds"]:
        print(f"| {t['confidence']:.1f} | {t['accepted_per_statement']:.2f} | {t['precision']:.3f} |")
    print(f"\nACCEPT_CONFIDENCE {figures['accept_confidence']}; {figures['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
