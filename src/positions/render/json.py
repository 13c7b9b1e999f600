"""JSON output: stable key order, UTF-8, a trailing newline."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from positions.vocabulary import RELATION_ORDER

if TYPE_CHECKING:
    from positions.gaps import GapItem, GapProposition, Gaps
    from positions.match import Hit
    from positions.models import StatementRef
    from positions.quotes import Quote
    from positions.report import Report
    from positions.stances import SourcePosition
    from positions.suggest import Answer, Suggestion


def to_json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _ref(q: Quote) -> dict[str, str]:
    return {"source": q.source, "id": q.id, "text": q.text}


def position_json(position: SourcePosition) -> dict[str, Any]:
    """A source's position on a proposition: one word, its counts, and its statements' ids."""
    return {"stance": position.stance, "counts": dict(position.counts),
            "statements": [{"id": ref.partition("/")[2], "stance": stance} for ref, stance in position.statements]}


def propositions_json(report: Report) -> list[dict[str, Any]]:
    """Each proposition of the report with each source's position, and the finding where sources take sides."""
    findings = {b.proposition.key: b.finding for b in report.blocks}
    out = []
    for info in report.propositions:
        out.append({"key": info.key, "label": info.label, "text": info.text, "theme": info.theme,
                    "finding": findings.get(info.key),
                    "stances": {p.source: position_json(p) for p in report.matrix.row(info.key)}})
    return out


def summary_json(report: Report) -> list[dict[str, Any]]:
    return [{"kind": line.kind, "source": line.source, "propositions": [p.key for p in line.propositions],
             **({"note": line.note} if line.note else {})} for line in report.summary]


def compare_json(report: Report, explain: bool = False) -> dict[str, Any]:
    """The documented JSON of `positions compare`: the pairs and unmatched statements (as before),
    the findings summary, and each proposition with each source's position."""
    pairs = []
    unmatched: dict[str, list[dict[str, str]]] = {}
    for view in report.pairwise:
        for p in view.pairs:
            item: dict[str, Any] = {"a": _ref(p.a), "b": _ref(p.b), "score": round(p.score, 4),
                                    "relation": p.relation, "topics": list(p.topics), "status": p.status}
            if p.review is not None:
                item["review"] = dict(p.review)
            if explain:
                item["signals"] = p.signals
            pairs.append(item)
    pairs.sort(key=lambda x: (RELATION_ORDER[x["relation"]], -x["score"], x["a"]["source"], x["a"]["id"],
                              x["b"]["source"], x["b"]["id"]))
    matched = {(x["a"]["source"], x["a"]["id"]) for x in pairs} | {(x["b"]["source"], x["b"]["id"]) for x in pairs}
    for view in report.pairwise:
        for q in (*view.only_a, *view.only_b):
            if (q.source, q.id) not in matched:
                bucket = unmatched.setdefault(q.source, [])
                if _ref(q) not in bucket:
                    bucket.append(_ref(q))
    out: dict[str, Any] = {
        "sources": list(report.source_keys),
        "threshold": report.methods["threshold"],
        "summary": summary_json(report),
        "propositions": propositions_json(report),
        "pairs": pairs,
        "unmatched": {k: unmatched.get(k, []) for k in report.source_keys},
    }
    if report.relations_filter:
        out["relations_filter"] = list(report.relations_filter)
        out["not_shown"] = dict(report.hidden)
    return out


def search_json(query: str, hits: list[Hit], explain: bool = False,
                answers: list[Answer] | None = None) -> dict[str, Any]:
    out = []
    for h in hits:
        item = {"source": h.ref.source, "id": h.ref.id, "text": h.ref.text, "score": round(h.score, 4)}
        if explain:
            item["signals"] = h.signals.as_dict()
        out.append(item)
    doc: dict[str, Any] = {"query": query, "hits": out}
    if answers is not None:
        doc["propositions"] = answers_json(answers)
    return doc


def matrix_json(report: Report) -> dict[str, Any]:
    """`positions matrix --format json`: each proposition's position per source, and what the stance words mean."""
    from positions.report import LEGEND

    return {
        "sources": list(report.source_keys),
        "legend": {s: meaning for s, meaning in LEGEND},
        "propositions": [{"key": info.key, "label": info.label, "text": info.text, "theme": info.theme,
                          "stances": {p.source: p.stance for p in report.matrix.row(info.key)},
                          "counts": {p.source: dict(p.counts) for p in report.matrix.row(info.key)}}
                         for info in report.propositions],
    }


def _gap_item(item: GapItem, counterparts: bool) -> dict[str, Any]:
    out: dict[str, Any] = {**_ref(item.quote), "sides": dict(item.sides)}
    if counterparts:
        out["others"] = [{**_ref(q), "stance": stance} for q, stance in item.counterparts]
    return out


def gaps_json(gaps: Gaps) -> dict[str, Any]:
    """`positions gaps --format json`."""
    def groups(found: tuple[GapProposition, ...], counterparts: bool) -> list[dict[str, Any]]:
        return [{"proposition": t.key, "label": t.label, "text": t.text, "topic": t.theme,
                 "reference_stance": t.reference.stance, "reference_counts": dict(t.reference.counts),
                 "statements": [_gap_item(i, counterparts) for i in t.items]} for t in found]

    return {
        "reference": gaps.reference,
        "others": list(gaps.others),
        "topics_filter": list(gaps.topics_filter),
        "counts": gaps.counts,
        "unaddressed": groups(gaps.unaddressed, False),
        "unsupported": groups(gaps.unsupported, True),
    }


def suggestion_json(s: Suggestion, with_text: bool = False) -> dict[str, Any]:
    out = s.as_dict()
    if with_text:
        out["text"] = s.proposition.text
    return out


def suggest_json(text: str, suggestions: list[Suggestion]) -> dict[str, Any]:
    """`positions suggest TEXT --format json`."""
    return {"text": text, "suggestions": [suggestion_json(s, True) for s in suggestions]}


def suggest_source_json(source: str, queue: list[tuple[StatementRef, list[Suggestion]]]) -> dict[str, Any]:
    """`positions suggest SOURCE --format json`: its statements without stances, most confident first."""
    return {"source": source, "statements": [
        {"id": ref.id, "text": ref.text, "suggestions": [suggestion_json(s) for s in found]} for ref, found in queue]}


def answers_json(answers: list[Answer]) -> list[dict[str, Any]]:
    """The propositions search opens with: score and each source's stance with its counts."""
    return [{"key": a.key, "label": a.proposition.label, "score": round(a.score, 4),
             "stances": {p.source: {"stance": p.stance, "counts": dict(p.counts)} for p in a.positions}}
            for a in answers]
