"""Plain-data summaries of a corpus for the listing commands (sources, show, topics)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from positions.models import Corpus, Source, StatementRef


def source_record(source: Source) -> dict[str, Any]:
    """The JSON shape of a source's metadata."""
    d = source.data
    return {
        "key": source.key,
        "name": d.name,
        "title": d.title,
        "date": d.date,
        "kind": d.kind,
        "authors": list(d.authors),
        "url": d.url,
        "published_in": d.published_in,
        "notes": d.notes,
        "silent_on": list(d.silent_on),
        "silent_note": d.silent_note,
        "statements": len(d.statements),
    }


def statement_record(ref: StatementRef) -> dict[str, Any]:
    """The JSON shape of a statement."""
    st = ref.statement
    return {
        "source": ref.source,
        "id": st.id,
        "text": st.text,
        "section": st.section,
        "stances": dict(st.stances),
        "note": st.note,
    }


def statements_on_topics(refs: list[StatementRef], topics: Collection[str] | None) -> list[StatementRef]:
    """The statements that take a stance on any of the topics (all of them when topics is empty)."""
    return [r for r in refs if r.on_topics(topics)]


def topic_usage(corpus: Corpus) -> list[dict[str, Any]]:
    """Each proposition, in taxonomy order, with its topic (theme) and how many statements of each
    source take a stance on it."""
    rows = []
    for topic in corpus.topics:
        for prop in topic.claims:
            counts = {}
            for source in corpus.sources:
                counts[source.key] = sum(1 for st in source.data.statements if prop.key in st.stances)
            rows.append({
                "key": prop.key,
                "label": prop.label,
                "text": prop.text,
                "topic": topic.key,
                "topic_label": topic.label,
                "statements": counts,
                "total": sum(counts.values()),
                "sources_using": sum(1 for n in counts.values() if n),
            })
    return rows


def topic_records(corpus: Corpus) -> list[dict[str, Any]]:
    """The topics (themes) with their descriptions, aliases and proposition keys."""
    return [{"key": t.key, "label": t.label, "description": t.description, "aliases": list(t.aliases),
             "propositions": [p.key for p in t.claims]} for t in corpus.topics]


def corpus_counts(corpus: Corpus) -> dict[str, int]:
    return {
        "sources": len(corpus.sources),
        "statements": sum(len(s.data.statements) for s in corpus.sources),
        "topics": len(corpus.topics),
        "propositions": len(corpus.propositions),
    }
