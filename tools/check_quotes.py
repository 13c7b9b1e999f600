"""Check that every statement's text occurs verbatim in its seed file (dev helper).

Usage: python tools/check_quotes.py data/sources/alliance.yaml ../shared/seeds/000_941239107233e0c6.txt
"""
import re
import sys

from ruamel.yaml import YAML

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.translate(QUOTES)).strip()


data = YAML(typ="safe", pure=True).load(open(sys.argv[1], encoding="utf-8"))
seed = norm(open(sys.argv[2], encoding="utf-8").read())
bad = 0
for st in data["statements"]:
    if norm(st["text"]) not in seed:
        bad += 1
        print("NOT FOUND:", st["id"], repr(st["text"][:80]))
print(f"{len(data['statements'])} statements, {bad} not found")
