"""JSON output: stable key order, UTF-8, a trailing newline."""

from __future__ import annotations

import json
from typing import Any


def to_json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _ref(q) -> dict:
    return {"source": q.source, "id": q.id, "text": q.text}


def compare_json(report, explain: bool = False) -> dict:
    """The documented JSON of `positions compare`."""
    pairs = []
    unmatched: dict[str, list] = {}
    for view in report.pairwise:
        for p in (*view.disagreements, *view.agreements, *view.related):
            item = {"a": _ref(p.a), "b": _ref(p.b), "score": round(p.score, 4), "relation": p.relation,
                    "topics": list(p.topics), "status": "reviewed" if p.reviewed else "suggested"}
            if explain:
                item["signals"] = p.signals
            pairs.append(item)
    matched = {(x["a"]["source"], x["a"]["id"]) for x in pairs} | {(x["b"]["source"], x["b"]["id"]) for x in pairs}
    for view in report.pairwise:
        for q in (*view.only_a, *view.only_b):
            if (q.source, q.id) not in matched:
                bucket = unmatched.setdefault(q.source, [])
                if _ref(q) not in bucket:
                    bucket.append(_ref(q))
    return {
        "sources": list(report.source_keys),
        "threshold": report.methods["threshold"],
        "pairs": pairs,
        "unmatched": {k: unmatched.get(k, []) for k in report.source_keys},
    }


def search_json(query: str, hits, explain: bool = False) -> dict:
    out = []
    for h in hits:
        item = {"source": h.ref.source, "id": h.ref.id, "text": h.ref.text, "score": round(h.score, 4)}
        if explain:
            item["signals"] = h.signals.as_dict()
        out.append(item)
    return {"query": query, "hits": out}
