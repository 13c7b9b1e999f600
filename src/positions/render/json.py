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
                    "topics": list(p.topics), "status": p.status}
            if p.review is not None:
                item["review"] = dict(p.review)
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


def matrix_json(report) -> dict:
    """`positions matrix --format json`: each topic's stance per source, and what the stances mean."""
    from positions.report import LEGEND

    labels = {t.key: t.label for t in report.topics}
    return {
        "sources": list(report.source_keys),
        "legend": {s: meaning for s, meaning in LEGEND},
        "topics": [{"key": key, "label": labels[key], "stances": dict(zip(report.source_keys, stances))}
                   for key, stances in report.matrix],
    }


def _gap_item(item, counterparts: bool) -> dict:
    out = {**_ref(item.quote), "sides": dict(item.sides)}
    if counterparts:
        out["aligned"] = [{**_ref(q), "relation": rel, "score": round(score, 4)} for q, rel, score in item.counterparts]
    return out


def gaps_json(gaps) -> dict:
    """`positions gaps --format json`."""
    def topics(groups, counterparts):
        return [{"topic": t.key, "label": t.label, "reference_stance": t.reference_stance,
                 "statements": [_gap_item(i, counterparts) for i in t.items]} for t in groups]

    return {
        "reference": gaps.reference,
        "others": list(gaps.others),
        "threshold": gaps.threshold,
        "topics_filter": list(gaps.topics_filter),
        "counts": gaps.counts,
        "unaddressed": topics(gaps.unaddressed, False),
        "unsupported": topics(gaps.unsupported, True),
    }
