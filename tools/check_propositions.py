"""Check the proposition-keyed corpus in data/ (dev helper, no package import needed).

Usage: python tools/check_propositions.py [DATA_DIR] [--seeds DIR] [--against GIT_REV]

Checks that topics.yaml parses; that every theme has `propositions:` and no `proposition:`;
that proposition keys are lowercase slugs, unique across the file and never equal to a theme
key; that every stance key is a proposition key and every stance is support, oppose or mixed;
that a statement without stances has a note; that every `silent_on` key is a proposition and
not also answered by the same source; that every quote occurs in its seed file (whitespace and
typographic quotes normalised); and, with --against, that ids, texts, sections and their order
are unchanged since GIT_REV. Prints counts, then every problem, and exits 1 if there is one.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

SEEDS = {
    "alliance": "000_941239107233e0c6.txt",
    "institute": "001_4dba6329ff14116c.txt",
    "clinks": "002_288a4b56b4ecf005.txt",
    "manifesto": "003_ea05dc3451fe564a.txt",
    "moj": "004_29e5073c628f1eb2.txt",
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STANCES = {"support", "oppose", "mixed"}
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.translate(QUOTES)).strip()


def main() -> int:
    ap = argparse.ArgumentParser()
    repo = Path(__file__).resolve().parents[1]
    ap.add_argument("data", nargs="?", default=str(repo / "data"))
    ap.add_argument("--seeds", default=str(repo.parent / "shared" / "seeds"))
    ap.add_argument("--against", default=None)
    args = ap.parse_args()
    data = Path(args.data)
    problems: list[str] = []

    topics = yaml.safe_load((data / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    themes = {t["key"] for t in topics}
    props: dict[str, str] = {}
    for t in topics:
        if "proposition" in t:
            problems.append(f"topics.yaml: theme {t['key']} still has `proposition:`")
        if not t.get("propositions"):
            problems.append(f"topics.yaml: theme {t['key']} has no propositions")
        for p in t.get("propositions") or []:
            k = p.get("key", "")
            if not SLUG.match(k):
                problems.append(f"topics.yaml: proposition key {k!r} is not a lowercase slug")
            if k in props:
                problems.append(f"topics.yaml: proposition key {k} defined twice")
            if k in themes:
                problems.append(f"topics.yaml: proposition key {k} equals a theme key")
            if not p.get("label") or not p.get("text"):
                problems.append(f"topics.yaml: proposition {k} lacks label or text")
            props[k] = t["key"]

    values: Counter = Counter()
    used: dict[str, set] = {k: set() for k in props}
    bare = 0
    n_statements = 0
    silences = 0
    for path in sorted((data / "sources").glob("*.yaml")):
        key = path.stem
        src = yaml.safe_load(path.read_text(encoding="utf-8"))
        answered = set()
        for st in src["statements"]:
            n_statements += 1
            stances = st.get("stances") or {}
            if not stances:
                bare += 1
                if not st.get("note"):
                    problems.append(f"{key}/{st['id']}: no stances and no note saying why")
            for p, v in stances.items():
                if p not in props:
                    problems.append(f"{key}/{st['id']}: stance key {p} is not a proposition"
                                    + (" (it is a theme)" if p in themes else ""))
                else:
                    used[p].add(key)
                if v not in STANCES:
                    problems.append(f"{key}/{st['id']}: stance {p}: {v} is not support/oppose/mixed")
                values[v] += 1
                answered.add(p)
        for p in src.get("silent_on") or []:
            silences += 1
            if p not in props:
                problems.append(f"{key}: silent_on {p} is not a proposition")
            if p in answered:
                problems.append(f"{key}: silent_on {p}, but a statement of the source answers it")
        if src.get("silent_on") and not src.get("silent_note"):
            problems.append(f"{key}: silent_on without silent_note")
        seed = Path(args.seeds) / SEEDS.get(key, "")
        if key in SEEDS and seed.is_file():
            text = norm(seed.read_text(encoding="utf-8"))
            for st in src["statements"]:
                if norm(st["text"]) not in text:
                    problems.append(f"{key}/{st['id']}: text not found in {seed.name}")
        if args.against:
            rel = f"data/sources/{key}.yaml"
            try:
                old_text = subprocess.run(["git", "-C", str(repo), "show", f"{args.against}:{rel}"],
                                          check=True, capture_output=True, text=True).stdout
            except subprocess.CalledProcessError:
                old_text = None
            if old_text is not None:
                old = yaml.safe_load(old_text)["statements"]
                a = [(s["id"], s["text"], s.get("section")) for s in old]
                b = [(s["id"], s["text"], s.get("section")) for s in src["statements"]]
                if a != b:
                    problems.append(f"{key}: ids, texts, sections or their order changed since {args.against}")

    unused = sorted(k for k, v in used.items() if not v)
    for k in unused:
        problems.append(f"topics.yaml: proposition {k} is answered by no source")
    multi = sum(1 for v in used.values() if len(v) >= 2)
    print(f"{len(themes)} themes, {len(props)} propositions ({multi} answered by two or more sources), "
          f"{n_statements} statements, {sum(values.values())} stance tags "
          f"({', '.join(f'{k} {v}' for k, v in sorted(values.items()))}), "
          f"{bare} statements without a stance, {silences} silences")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
