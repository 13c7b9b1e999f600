"""Quality figures of the matcher against the development gold set (benchmarks/gold.yaml).

    python benchmarks/alignment.py                 # table for each scorer at the default threshold
    python benchmarks/alignment.py --threshold 0.45
    python benchmarks/alignment.py --details       # also list missed pairs, wrong relations, ...
    python benchmarks/alignment.py --sweep         # grid-search weights and thresholds, show the 10 best
    python benchmarks/alignment.py --check         # only validate gold.yaml against the corpus

The gold set has two parts, split by position in gold.yaml: every HELD_OUT_EVERY-th pair of each
relation, decoy and query (the 4th, 8th, ...) is *held out*, the rest is the *development* part. The sweep fits
weights and threshold on the development part only and never sees the held-out part; the table
shows both parts, and tests/test_quality.py holds its floors on the held-out part.

Figures (all ten source pairs aligned with the library's `Matcher.align_sources`):

* gold recall       share of gold pairs that are shown (compared or related; either orientation)
* compared recall   share of the gold pairs labelled agree or disagree that are shown with that relation
* related shown     share of the gold pairs labelled related (same issue, no shared answer) that are shown
* relation accuracy share of the shown gold pairs whose predicted relation equals the gold one
* disagree found    share of gold `disagree` pairs aligned AND labelled disagree
* decoys aligned    gold decoys that were aligned (should be 0)
* aligned pairs     all aligned pairs, to show that recall is not bought with volume (the whole
                    corpus: the same for both parts)
* search recall@3   share of gold queries with at least one expected statement in the top 3

Sweep objective (on the development part): gold recall + relation accuracy + search recall@3; a
configuration that aligns any decoy, or more than 3.5x as many pairs as the whole gold set holds,
is disqualified.

`evaluate(corpus_path, weights, threshold, part=...)` returns the figures as a dict, for tests that
hold floors (part "held-out", "development" or "all").
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from ruamel.yaml import YAML

from positions.corpus import load_corpus
from positions.match import DEFAULT_THRESHOLD, Matcher, Weights
from positions.vocabulary import RELATIONS

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent / "data"
DEFAULT_GOLD = HERE / "gold.yaml"
SEARCH_K = 3
VOLUME_FACTOR = 3.5  # aligned pairs above this many times the gold pairs disqualify a configuration
SINGLE_SCORERS = {
    "lexical": Weights(1, 0, 0),
    "semantic": Weights(0, 1, 0),
    "topics": Weights(0, 0, 1),
}
SINGLE_SWEEP = [round(0.05 + 0.025 * i, 3) for i in range(37)]      # 0.05 .. 0.95
FUZZY_SHARES = (0.0, 0.1, 0.2)  # share of the lexical signal from rapidfuzz (Weights.fuzzy)
GRID_THRESHOLDS = [round(0.15 + 0.025 * i, 3) for i in range(19)]   # 0.15 .. 0.60
HELD_OUT_EVERY = 4  # every 4th pair (of each relation), decoy and query of gold.yaml is held out from the sweep
PARTS = ("development", "held-out", "all")


# -- gold set ------------------------------------------------------------------------------------

def load_gold(path: str | Path = DEFAULT_GOLD) -> dict:
    with open(path, encoding="utf-8") as fh:
        gold = YAML(typ="safe").load(fh)
    return {"pairs": gold.get("pairs") or [], "decoys": gold.get("decoys") or [],
            "queries": gold.get("queries") or []}


def held_out_flags(gold: dict) -> dict[str, list[bool]]:
    """Which items of each list of a gold set are held out: the HELD_OUT_EVERY-th, 2 *
    HELD_OUT_EVERY-th, ... (counting from 1, in file order); pairs are counted within each
    relation, so that the held-out part has its share of agree, disagree and related pairs."""
    flags: dict[str, list[bool]] = {}
    for kind, items in gold.items():
        seen: dict[str, int] = {}
        out = []
        for item in items:
            group = item.get("relation", "") if kind == "pairs" else ""
            seen[group] = seen.get(group, 0) + 1
            out.append(seen[group] % HELD_OUT_EVERY == 0)
        flags[kind] = out
    return flags


def gold_part(gold: dict, part: str) -> dict:
    """The development or held-out part of a gold set (`held_out_flags`), or "all" of it."""
    if part == "all":
        return gold
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}")
    held = part == "held-out"
    flags = held_out_flags(gold)
    return {kind: [item for item, flag in zip(items, flags[kind]) if flag == held] for kind, items in gold.items()}


def check_gold(corpus, gold: dict) -> list[str]:
    """Problems with the gold set: unknown references, bad relations, same-source or repeated pairs."""
    known = {r.ref for r in corpus.statements()}
    problems = []

    def ref_ok(ref: str, where: str) -> bool:
        if ref not in known:
            problems.append(f"{where}: unknown statement '{ref}'")
            return False
        return True

    seen: dict[frozenset, str] = {}
    for kind in ("pairs", "decoys"):
        for n, item in enumerate(gold[kind], 1):
            where = f"{kind}[{n}] {item.get('a')} ~ {item.get('b')}"
            ok = ref_ok(item.get("a", ""), where) & ref_ok(item.get("b", ""), where)
            if not item.get("why"):
                problems.append(f"{where}: no 'why'")
            if kind == "pairs" and item.get("relation") not in RELATIONS:
                problems.append(f"{where}: relation must be one of {', '.join(RELATIONS)}")
            if not ok:
                continue
            if item["a"].split("/")[0] == item["b"].split("/")[0]:
                problems.append(f"{where}: both statements are from one source")
            key = frozenset((item["a"], item["b"]))
            if key in seen:
                problems.append(f"{where}: already listed under {seen[key]}")
            seen[key] = kind
    for n, q in enumerate(gold["queries"], 1):
        where = f"queries[{n}] {q.get('query')!r}"
        expect = q.get("expect") or []
        if not q.get("query") or not expect:
            problems.append(f"{where}: needs a query and 1-3 expected statements")
        if len(expect) > 3:
            problems.append(f"{where}: more than 3 expected statements")
        for ref in expect:
            ref_ok(ref, where)
    return problems


# -- scoring -------------------------------------------------------------------------------------

class BenchMatcher(Matcher):
    """A Matcher that keeps each source pair's scores, so one weight setting can be aligned at
    many thresholds without rescoring (scores do not depend on the threshold)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._scores: dict = {}
        self._search: dict = {}

    def candidate_scores(self, ia, ib, floor=None):
        # every pair scored exactly (no floor), so one scoring serves every threshold
        key = (tuple(ia), tuple(ib))
        if key not in self._scores:
            self._scores[key] = super().candidate_scores(ia, ib)
        return self._scores[key]

    def cached_search(self, query: str, limit: int):
        key = (query, limit)
        if key not in self._search:
            self._search[key] = self.search(query, limit=limit)
        return self._search[key]


class Bench:
    """One corpus and gold set; builds one matcher per weight setting and reuses it."""

    def __init__(self, corpus_path: str | Path = DEFAULT_DATA, gold_path: str | Path = DEFAULT_GOLD,
                 part: str = "all"):
        self.corpus = load_corpus(corpus_path)
        whole = load_gold(gold_path)
        problems = check_gold(self.corpus, whole)
        if problems:
            raise ValueError("gold set does not fit the corpus:\n  " + "\n  ".join(problems))
        self.part = part
        self.gold = gold_part(whole, part)
        # the volume cap is relative to the whole gold set: volume is the corpus's, not a part's
        self.all_gold_pairs = len({frozenset((p["a"], p["b"])) for p in whole["pairs"]})
        self.sources = [s.key for s in self.corpus.sources]
        self.gold_rel = {frozenset((p["a"], p["b"])): p["relation"] for p in self.gold["pairs"]}
        self.decoys = {frozenset((d["a"], d["b"])) for d in self.gold["decoys"]}
        self._matchers: dict[Weights, BenchMatcher] = {}

    @property
    def gold_pairs_count(self) -> int:
        return len(self.gold_rel)

    def matcher(self, weights: Weights) -> BenchMatcher:
        if weights not in self._matchers:
            self._matchers[weights] = BenchMatcher(self.corpus, weights=weights, use_cache=True)
        return self._matchers[weights]

    def aligned(self, weights: Weights, threshold: float) -> dict[frozenset, str]:
        """Every aligned pair of every source pair: {frozenset of refs: predicted relation}."""
        m = self.matcher(weights)
        out = {}
        for a, b in combinations(self.sources, 2):
            for p in m.align_sources(a, b, threshold).pairs:
                out[frozenset((p.a.ref, p.b.ref))] = p.relation
        return out

    def search_figures(self, weights: Weights) -> tuple[float, list[dict]]:
        m = self.matcher(weights)
        failed = []
        for q in self.gold["queries"]:
            top = [h.ref.ref for h in m.cached_search(q["query"], SEARCH_K)]
            if not set(top) & set(q["expect"]):
                failed.append({"query": q["query"], "expect": q["expect"], "got": top})
        n = len(self.gold["queries"])
        return (1 - len(failed) / n if n else 0.0), failed

    def figures(self, weights: Weights, threshold: float) -> dict:
        aligned = self.aligned(weights, threshold)
        found = {k: aligned[k] for k in self.gold_rel if k in aligned}
        correct = [k for k, rel in found.items() if rel == self.gold_rel[k]]
        disagree = [k for k, rel in self.gold_rel.items() if rel == "disagree"]
        disagree_found = [k for k in disagree if aligned.get(k) == "disagree"]
        decided = [k for k, rel in self.gold_rel.items() if rel in ("agree", "disagree")]
        decided_found = [k for k in decided if aligned.get(k) == self.gold_rel[k]]
        related = [k for k, rel in self.gold_rel.items() if rel == "related"]
        decoy_hits = [k for k in self.decoys if k in aligned]
        search_recall, failed = self.search_figures(weights)
        n = len(self.gold_rel)
        return {
            "part": self.part,
            "weights": {"lexical": weights.lexical, "semantic": weights.semantic, "topics": weights.topics,
                        "fuzzy": weights.fuzzy},
            "threshold": threshold,
            "gold_pairs": n,
            "all_gold_pairs": self.all_gold_pairs,
            "gold_aligned": len(found),
            "gold_recall": len(found) / n if n else 0.0,
            "relation_correct": len(correct),
            "relation_accuracy": len(correct) / len(found) if found else 0.0,
            "compared_recall": len(decided_found) / len(decided) if decided else 0.0,
            "related_shown": sum(1 for k in related if k in aligned) / len(related) if related else 0.0,
            "disagree_pairs": len(disagree),
            "disagree_found": len(disagree_found) / len(disagree) if disagree else 0.0,
            "decoys_aligned": len(decoy_hits),
            "aligned_pairs": len(aligned),
            "queries": len(self.gold["queries"]),
            "search_recall_at_3": search_recall,
            # details, for --details and for debugging a failing floor
            "missed_pairs": sorted(_pair_text(k) for k in self.gold_rel if k not in aligned),
            "wrong_relations": sorted(f"{_pair_text(k)}: gold {self.gold_rel[k]}, predicted {rel}"
                                      for k, rel in found.items() if rel != self.gold_rel[k]),
            "decoy_hits": sorted(_pair_text(k) for k in decoy_hits),
            "failed_queries": failed,
        }


def _pair_text(key: frozenset) -> str:
    return " ~ ".join(sorted(key))


def objective(f: dict) -> float:
    return f["gold_recall"] + f["relation_accuracy"] + f["search_recall_at_3"]


def qualified(f: dict) -> bool:
    return f["decoys_aligned"] == 0 and f["aligned_pairs"] <= VOLUME_FACTOR * f["all_gold_pairs"]


def _rank_key(f: dict):
    return (qualified(f), round(objective(f), 9), -f["aligned_pairs"])


@lru_cache(maxsize=8)
def _bench(corpus_path: str, gold_path: str, part: str) -> Bench:
    return Bench(corpus_path, gold_path, part)


def evaluate(corpus_path: str | Path | None = None, weights: Weights | None = None,
             threshold: float = DEFAULT_THRESHOLD, gold_path: str | Path | None = None, part: str = "all") -> dict:
    """The quality figures of one configuration on one part of the gold set (defaults: the repo's
    data/, Weights(), DEFAULT_THRESHOLD, the whole gold set)."""
    bench = _bench(str(Path(corpus_path or DEFAULT_DATA).resolve()), str(Path(gold_path or DEFAULT_GOLD).resolve()),
                   part)
    return bench.figures(weights or Weights(), threshold)


# -- reporting -----------------------------------------------------------------------------------

HEADER = (f"{'configuration':<34} {'thresh':>6} {'recall':>7} {'compar':>7} {'rel.acc':>7} {'disagr':>7} "
          f"{'decoys':>6} {'shown':>7} {'srch@3':>7}")


def _row(label: str, f: dict) -> str:
    return (f"{label:<34} {f['threshold']:>6.3f} {f['gold_recall']:>7.3f} {f['compared_recall']:>7.3f} {f['relation_accuracy']:>7.3f} "
            f"{f['disagree_found']:>7.3f} {f['decoys_aligned']:>6d} {f['aligned_pairs']:>7d} "
            f"{f['search_recall_at_3']:>7.3f}")


def _best_threshold(bench: Bench, weights: Weights, thresholds) -> dict:
    return max((bench.figures(weights, t) for t in thresholds), key=_rank_key)


def _describe(bench: Bench) -> str:
    g = bench.gold
    counts = ", ".join(f"{sum(p['relation'] == r for p in g['pairs'])} {r}" for r in RELATIONS)
    return f"{len(g['pairs'])} pairs ({counts}), {len(g['decoys'])} decoys, {len(g['queries'])} queries"


def report(bench: Bench, held_out: Bench, threshold: float, details: bool) -> None:
    """The table on the development part, then the default weights on the held-out part."""
    print(f"gold set, development part: {_describe(bench)}; corpus {bench.corpus.root}")
    print(f"gold set, held-out part (every {HELD_OUT_EVERY}th item; the sweep never sees it): {_describe(held_out)}")
    print(f"objective for 'best': recall + rel.acc + srch@3, disqualified if any decoy aligns "
          f"or aligned > {VOLUME_FACTOR}x all gold pairs ({int(VOLUME_FACTOR * bench.all_gold_pairs)})\n")
    print("development part:")
    print(HEADER)
    print("-" * len(HEADER))
    rows = []
    for name, w in SINGLE_SCORERS.items():
        rows.append((f"{name} alone", bench.figures(w, threshold)))
        best = _best_threshold(bench, w, SINGLE_SWEEP)
        mark = "" if qualified(best) else " (none qualifies)"
        rows.append((f"{name} alone, best threshold{mark}", best))
    default = bench.figures(Weights(), threshold)
    combined = f"combined {Weights().lexical:g}/{Weights().semantic:g}/{Weights().topics:g} (default)"
    rows.append((combined, default))
    for label, f in rows:
        print(_row(label, f))
    print("\nheld-out part:")
    print(HEADER)
    print("-" * len(HEADER))
    print(_row(combined, held_out.figures(Weights(), threshold)))
    if details:
        print(f"\ndetails for the default combined weights at threshold {threshold:.3f}:")
        for key, title in (("missed_pairs", "missed gold pairs"), ("wrong_relations", "wrong relations"),
                           ("decoy_hits", "decoys aligned")):
            print(f"  {title} ({len(default[key])}):")
            for line in default[key]:
                print(f"    {line}")
        print(f"  failed queries ({len(default['failed_queries'])}):")
        for q in default["failed_queries"]:
            print(f"    {q['query']!r}: expected {', '.join(q['expect'])}; top {SEARCH_K}: {', '.join(q['got'])}")


def _figures_key(f: dict) -> tuple:
    return tuple(f[k] for k in ("gold_aligned", "relation_correct", "disagree_found", "decoys_aligned",
                                "aligned_pairs", "search_recall_at_3"))


def sweep(bench: Bench, top: int, held_out: Bench | None = None) -> None:
    """Grid-search weights (steps of 0.1 summing to 1) and GRID_THRESHOLDS on the gold part of
    `bench` (the development part); print the best, and the default weights on `held_out`.

    Thresholds of one weight setting that give identical figures are shown as one row (a range).
    """
    grid = [(i / 10, j / 10, round(1 - i / 10 - j / 10, 1)) for i in range(11) for j in range(11 - i)]
    results = []
    started = time.perf_counter()
    grid = [(lex, sem, top_w, fuzzy) for fuzzy in FUZZY_SHARES for lex, sem, top_w in grid]
    for lex, sem, top_w, fuzzy in grid:
        w = Weights(lexical=lex, semantic=sem, topics=top_w, fuzzy=fuzzy)
        runs = [bench.figures(w, t) for t in GRID_THRESHOLDS]
        bench._matchers.pop(w, None)  # one weight setting at a time keeps memory flat
        for f in runs:  # collapse neighbouring thresholds with identical figures
            last = results[-1] if results else None
            if last and last["weights"] == f["weights"] and _figures_key(last) == _figures_key(f):
                last["threshold_to"] = f["threshold"]
            else:
                results.append(dict(f, threshold_to=f["threshold"]))
    n_configs = len(grid) * len(GRID_THRESHOLDS)
    n_ok = sum(qualified(f) for f in results)
    results.sort(key=_rank_key, reverse=True)
    print(f"sweep: {len(grid)} weight settings x {len(GRID_THRESHOLDS)} thresholds "
          f"({GRID_THRESHOLDS[0]:.3f}..{GRID_THRESHOLDS[-1]:.3f}) = {n_configs} configurations in "
          f"{time.perf_counter() - started:.1f}s; {len(results)} distinct results, {n_ok} qualify")
    print(f"fitted on the {bench.part} part of the gold set: {_describe(bench)}")
    print(f"objective: gold recall + relation accuracy + search recall@3; disqualified: any decoy aligned, "
          f"or more than {VOLUME_FACTOR}x all gold pairs aligned (> {int(VOLUME_FACTOR * bench.all_gold_pairs)}); "
          f"ties: fewer aligned pairs first\n")
    header = f"{'rank':>4} {'lex':>4} {'sem':>4} {'top':>4} {'fuzzy':>5} {'objective':>9} {'thresholds':>11}" + HEADER[41:]
    print(header)
    print("-" * len(header))

    def line(label, f):
        w = f["weights"]
        ts = (f"{f['threshold']:.3f}" if f["threshold_to"] == f["threshold"]
              else f"{f['threshold']:.3f}-{f['threshold_to']:.3f}")
        flag = "" if qualified(f) else "  DISQUALIFIED"
        return (f"{label:>4} {w['lexical']:>4.1f} {w['semantic']:>4.1f} {w['topics']:>4.1f} {w['fuzzy']:>5.1f} {objective(f):>9.3f} "
                f"{ts:>11}" + _row("", f)[41:] + flag)

    for n, f in enumerate(results[:top], 1):
        print(line(str(n), f))
    d = Weights()
    default = next((f for f in results if f["weights"] == {"lexical": d.lexical, "semantic": d.semantic,
                                                           "topics": d.topics, "fuzzy": d.fuzzy}
                    and f["threshold"] <= DEFAULT_THRESHOLD <= f["threshold_to"]), None)
    if default is not None:
        rank = results.index(default) + 1
        print(line("dflt", default) + f"   <- current defaults, rank {rank}")
    print("\nbest qualifying configuration under a tighter volume cap:")
    for factor in (2.0, 1.5, 1.0):
        cap = factor * bench.all_gold_pairs
        best = next((f for f in results if qualified(f) and f["aligned_pairs"] <= cap), None)
        if best is not None:
            print(line(f"{factor:g}x", best))
    if held_out is not None:
        print(f"\nthe current defaults on the held-out part ({_describe(held_out)}), never seen by the sweep:")
        print(header)
        f = held_out.figures(Weights(), DEFAULT_THRESHOLD)
        print(line("dflt", dict(f, threshold_to=f["threshold"])))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="corpus folder (default: the repo's data/)")
    ap.add_argument("--gold", default=str(DEFAULT_GOLD), help="gold set (default: benchmarks/gold.yaml)")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--sweep", action="store_true", help="grid-search weights and thresholds")
    ap.add_argument("--top", type=int, default=10, help="configurations shown by --sweep")
    ap.add_argument("--details", action="store_true", help="list misses for the default weights")
    ap.add_argument("--check", action="store_true", help="only validate the gold set")
    args = ap.parse_args(argv)

    if args.check:
        problems = check_gold(load_corpus(args.data), load_gold(args.gold))
        for p in problems:
            print(p)
        print("gold set OK" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    try:
        bench = Bench(args.data, args.gold, "development")
        held_out = Bench(args.data, args.gold, "held-out")
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    if args.sweep:
        sweep(bench, args.top, held_out)
    else:
        report(bench, held_out, args.threshold, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
