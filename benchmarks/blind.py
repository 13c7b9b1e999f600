"""Blind judging of the pairs `positions compare` shows: is each pair about the same concrete
question, and which relation would a careful reader give it?

    python benchmarks/blind.py sample                       # print the 60-pair sample, texts only
    python benchmarks/blind.py sample --out FILE.md         # write it for a judge
    python benchmarks/blind.py join VERDICTS.csv            # join a judge's verdicts with the tool's labels
    python benchmarks/blind.py join VERDICTS.csv --details  # and list every disagreement
    python benchmarks/blind.py missed --out FILE.md         # the other side: pairs NOT shown
    python benchmarks/blind.py join-missed VERDICTS.csv     # what a reader finds among them

The protocol:

1. `sample` draws a fixed-seed sample of shown pairs over the ten source pairs of the shipped
   corpus (default options of `compare`): the same number from each source pair where it has that
   many, the rest from the others, in a shuffled order. Each item gives the two statements' texts
   only, as A and B (randomly swapped), with no source, stance, score or label.
2. Someone who did not curate the corpus judges each item, writing one CSV row per item:
   `item,quality,relation[,note]`, where quality is `sound` (both answer the same concrete
   question), `borderline` (same broad area, different questions) or `weak` (a reader would find
   the pairing unhelpful or wrong), and relation is the one the judge would give: `agree` (same
   answer), `disagree` (opposite answers, or one holds back from what the other asserts) or
   `related` (neither).
3. `join` draws the same sample again (same corpus, code and seed give the same items; it checks
   the texts), joins the verdicts, and prints: the share of sound pairs, the weak pairs the tool
   labels agree or disagree, and label accuracy (the tool's relation equal to the judge's).

The other side (`missed`, `join-missed`): a fixed-seed sample of 40 pairs that `compare` does
NOT show although both statements take a stance under the same theme (the pairs a reader scanning
a theme would look at), over the ten source pairs, in the same texts-only form. The judge is not
told that the pairs are unshown. `join-missed` prints the share the judge calls sound (same
question), the relations the judge gives them, and, scaled to the whole frame, about how many
same-question pairs the tool leaves unshown.

Verdicts of earlier runs are kept in benchmarks/blind/ with the date; benchmarks/README.md gives
their figures.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

from positions.vocabulary import RELATIONS

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent / "data"
SEED = 2026
SIZE = 60
MISSED_SIZE = 40
QUALITIES = ("sound", "borderline", "weak")


def shown_pairs(data: Path = DEFAULT_DATA) -> dict[tuple[str, str], list]:
    """Every pair `compare` shows for each of the source pairs, as match.Pair objects."""
    from positions.corpus import load_corpus
    from positions.match import Matcher

    corpus = load_corpus(data)
    matcher = Matcher(corpus, use_cache=False)
    return {(a, b): list(matcher.align_sources(a, b).pairs) for a, b in combinations(corpus.source_keys, 2)}


def unshown_same_theme(data: Path = DEFAULT_DATA) -> dict[tuple[str, str], list]:
    """For each source pair, the cross-source pairs `compare` does not show whose statements both
    take a stance on a proposition of the same theme, as match.Pair-like records (relation
    'unshown', topics = the shared themes)."""
    from positions.corpus import load_corpus
    from positions.match import Matcher

    corpus = load_corpus(data)
    matcher = Matcher(corpus, use_cache=False)
    themes: dict[str, set[str]] = {}
    for r in corpus.statements():
        themes[r.ref] = {corpus.theme_of[k].key for k in r.statement.stances if k in corpus.theme_of}
    out: dict[tuple[str, str], list] = {}
    for a, b in combinations(corpus.source_keys, 2):
        shown = {frozenset((p.a.ref, p.b.ref)) for p in matcher.align_sources(a, b).pairs}
        rows = []
        for ra in corpus.statements([a]):
            for rb in corpus.statements([b]):
                shared = themes[ra.ref] & themes[rb.ref]
                if shared and frozenset((ra.ref, rb.ref)) not in shown:
                    rows.append(_Unshown(ra, rb, "unshown", tuple(sorted(shared))))
        out[(a, b)] = rows
    return out


class _Unshown:
    def __init__(self, a, b, relation: str, topics: tuple[str, ...]):
        self.a, self.b, self.relation, self.topics = a, b, relation, topics


def draw(by_source_pair: dict[tuple[str, str], list], size: int = SIZE, seed: int = SEED) -> list[dict]:
    """A fixed-seed sample spread over the source pairs; each item with its texts (A/B randomly
    swapped) and, kept apart from what the judge sees, the tool's relation and the refs."""
    rng = random.Random(seed)
    pools = {k: sorted(v, key=lambda p: (p.a.ref, p.b.ref)) for k, v in sorted(by_source_pair.items())}
    for pool in pools.values():
        rng.shuffle(pool)
    chosen: list = []
    # round robin over the source pairs, so that each gives as many as it can up to an even share
    while len(chosen) < size and any(pools.values()):
        for key in sorted(pools):
            if pools[key] and len(chosen) < size:
                chosen.append(pools[key].pop())
    rng.shuffle(chosen)
    items = []
    for n, p in enumerate(chosen, 1):
        a, b = (p.a, p.b) if rng.random() < 0.5 else (p.b, p.a)
        items.append({"item": n, "text_a": a.text, "text_b": b.text, "ref_a": a.ref, "ref_b": b.ref,
                      "relation": p.relation, "propositions": list(p.topics)})
    return items


def sample_text(items: list[dict]) -> str:
    lines = ["# Blind sample: pairs of statements", "",
             "For each item, judge only from the two texts (see benchmarks/blind.py for the protocol):",
             "quality = sound (same concrete question) / borderline (same broad area) / weak (unhelpful or wrong);",
             "relation = agree / disagree / related. Answer as CSV rows: item,quality,relation[,note]", ""]
    for it in items:
        lines += [f"## {it['item']}", "", f"A: {' '.join(it['text_a'].split())}", "",
                  f"B: {' '.join(it['text_b'].split())}", ""]
    return "\n".join(lines)


def read_verdicts(path: Path) -> dict[int, dict]:
    out = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if not row or row[0].strip().lower() in ("item", "") or row[0].lstrip().startswith("#"):
                continue
            item, quality, relation = (x.strip().lower() for x in row[:3])
            if quality not in QUALITIES or relation not in RELATIONS:
                raise SystemExit(f"{path}: item {item}: quality must be one of {QUALITIES}, relation one of {RELATIONS}")
            out[int(item)] = {"quality": quality, "relation": relation, "note": ",".join(row[3:]).strip()}
    return out


def figures(items: list[dict], verdicts: dict[int, dict]) -> dict:
    rows = []
    for it in items:
        v = verdicts.get(it["item"])
        if v is not None:
            rows.append({**it, "judge_quality": v["quality"], "judge_relation": v["relation"], "note": v["note"]})
    n = len(rows) or 1
    sound = sum(r["judge_quality"] == "sound" for r in rows)
    weak_labelled = [r for r in rows if r["judge_quality"] == "weak" and r["relation"] in ("agree", "disagree")]
    correct = sum(r["judge_relation"] == r["relation"] for r in rows)
    confusion = Counter((r["relation"], r["judge_relation"]) for r in rows)
    by_relation = {rel: (sum(1 for r in rows if r["relation"] == rel and r["judge_relation"] == rel),
                         sum(1 for r in rows if r["relation"] == rel)) for rel in RELATIONS}
    return {"judged": len(rows), "sound": sound / n, "borderline": sum(r["judge_quality"] == "borderline" for r in rows) / n,
            "weak": sum(r["judge_quality"] == "weak" for r in rows) / n, "weak_labelled": weak_labelled,
            "label_accuracy": correct / n, "confusion": confusion, "by_relation": by_relation, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="print or write the blind sample (texts only)")
    s.add_argument("--out", type=Path)
    j = sub.add_parser("join", help="join a judge's verdicts with the tool's labels")
    j.add_argument("verdicts", type=Path)
    j.add_argument("--details", action="store_true")
    for p in (s, j):
        p.add_argument("--data", type=Path, default=DEFAULT_DATA)
        p.add_argument("--seed", type=int, default=SEED)
        p.add_argument("--size", type=int, default=SIZE)
    m = sub.add_parser("missed", help="print or write a blind sample of unshown same-theme pairs")
    m.add_argument("--out", type=Path)
    jm = sub.add_parser("join-missed", help="join a judge's verdicts on the unshown sample")
    jm.add_argument("verdicts", type=Path)
    jm.add_argument("--details", action="store_true")
    for p in (m, jm):
        p.add_argument("--data", type=Path, default=DEFAULT_DATA)
        p.add_argument("--seed", type=int, default=SEED)
        p.add_argument("--size", type=int, default=MISSED_SIZE)
    args = ap.parse_args(argv)
    if args.command in ("missed", "join-missed"):
        return _missed(args)
    items = draw(shown_pairs(args.data), args.size, args.seed)
    if args.command == "sample":
        text = sample_text(items)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
            print(f"wrote {args.out} ({len(items)} items)", file=sys.stderr)
        else:
            print(text)
        return 0
    f = figures(items, read_verdicts(args.verdicts))
    print(f"judged {f['judged']} of {len(items)} sampled pairs ({args.verdicts})")
    print(f"sound {f['sound']:.0%} · borderline {f['borderline']:.0%} · weak {f['weak']:.0%}")
    print(f"weak pairs labelled agree or disagree: {len(f['weak_labelled'])}")
    print(f"label accuracy (tool = judge): {f['label_accuracy']:.0%}")
    for rel, (ok, total) in f["by_relation"].items():
        if total:
            print(f"  tool {rel:<8} {ok}/{total} the judge's relation too")
    print("confusion (tool -> judge): " + ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(f["confusion"].items())))
    if args.details:
        for r in f["rows"]:
            if r["judge_relation"] != r["relation"] or r["judge_quality"] != "sound":
                print(f"\n#{r['item']} tool {r['relation']} ({', '.join(r['propositions']) or 'no shared proposition'}) · "
                      f"judge {r['judge_quality']}, {r['judge_relation']}  {r['ref_a']} × {r['ref_b']}"
                      + (f"\n  note: {r['note']}" if r["note"] else ""))
    return 0


def _missed(args) -> int:
    frame = unshown_same_theme(args.data)
    items = draw(frame, args.size, args.seed)
    if args.command == "missed":
        text = sample_text(items)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
            print(f"wrote {args.out} ({len(items)} items)", file=sys.stderr)
        else:
            print(text)
        return 0
    total = sum(len(v) for v in frame.values())
    f = figures(items, read_verdicts(args.verdicts))
    print(f"judged {f['judged']} of {len(items)} sampled unshown same-theme pairs ({args.verdicts}); "
          f"frame: {total} pairs over {len(frame)} source pairs")
    print(f"sound {f['sound']:.0%} · borderline {f['borderline']:.0%} · weak {f['weak']:.0%}")
    judged = Counter(r["judge_relation"] for r in f["rows"] if r["judge_quality"] == "sound")
    print("the judge's relation for the sound ones: " + (", ".join(f"{k} {n}" for k, n in sorted(judged.items())) or "none"))
    # the sample is spread evenly over the source pairs, not in proportion, so this is rough
    print(f"roughly {f['sound'] * total:.0f} same-question pairs unshown in the frame (sound share x frame)")
    if args.details:
        for r in f["rows"]:
            if r["judge_quality"] == "sound":
                print(f"\n#{r['item']} judge {r['judge_relation']} ({', '.join(r['propositions'])})  {r['ref_a']} × {r['ref_b']}"
                      + (f"\n  note: {r['note']}" if r["note"] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
