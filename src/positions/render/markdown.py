"""GitHub-flavoured markdown views of a Report: the full briefing and the compare tables.

Every piece of corpus text goes through `escape_inline` (or `escape_cell` inside tables), so no
quote can open a table cell, emphasis, code, a link or raw HTML.
"""

from __future__ import annotations

import re

from positions.report import (
    ALIGNMENT_RULE,
    CONSENSUS_INTRO,
    CONTESTED_INTRO,
    LEGEND,
    REVIEW_NOTE,
    SYMBOLS,
    UNIQUE_INTRO,
    PairView,
    Quote,
    Report,
    SourcePairView,
    review_text,
    stance_word,
)

_SPECIAL = set("\\`*_[]<>|~&!#")
RELATION_TITLES = (("disagreements", "Disagreements"), ("agreements", "Agreements"), ("related", "Related"))


def escape_inline(text: str | None) -> str:
    """Text safe to place mid-line in markdown; it renders back to exactly the same characters
    (newlines become spaces)."""
    if not text:
        return ""
    flat = " ".join(text.split())
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in flat)


def escape_cell(text: str | None) -> str:
    """Text safe inside a GFM table cell (pipes are escaped by escape_inline)."""
    return escape_inline(text)


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def topic_heading(report: Report, key: str) -> str:
    return f"Topic: {report.topic(key).label}"


def topic_link(report: Report, key: str, link: bool = True) -> str:
    """The topic's label, linked to its section of the report when it has one."""
    if not link or not report.topic_sections:
        return escape_inline(report.topic(key).label)
    heading = topic_heading(report, key)
    return f"[{escape_inline(report.topic(key).label)}](#{github_anchor(heading)})"


def quote_inline(q: Quote) -> str:
    return f"“{escape_inline(q.text)}” (`{q.ref}`)"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table from already-escaped cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell if cell else " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def pair_table(report: Report, pairs: tuple[PairView, ...], a_name: str, b_name: str, explain: bool = False,
               links: bool = True) -> str:
    header = ["Topics", escape_cell(a_name), escape_cell(b_name), "Score", "Status"]
    if explain:
        header.append("Signals")
    rows = []
    for p in pairs:
        topics = ", ".join(topic_link(report, t, links) for t in p.topics if _has_topic(report, t)) or "—"
        row = [topics, quote_inline(p.a), quote_inline(p.b), f"{p.score:.2f}", escape_cell(review_text(p))]
        if explain:
            row.append(", ".join(f"{k} {v:.2f}" for k, v in p.signals.items()))
        rows.append(row)
    return table(header, rows)


def _has_topic(report: Report, key: str) -> bool:
    return any(t.key == key for t in report.topics)


def quote_list(quotes: tuple[Quote, ...]) -> str:
    return "\n".join(f"- **{escape_inline(q.source_name)}**: {quote_inline(q)}" for q in quotes)


def source_pair_section(report: Report, view: SourcePairView, level: int = 2, explain: bool = False,
                        links: bool = True) -> list[str]:
    names = {s["key"]: s["name"] for s in report.sources}
    h = "#" * level
    out = [f"{h} {escape_inline(names[view.a])} and {escape_inline(names[view.b])}", ""]
    for attr, title in RELATION_TITLES:
        pairs = getattr(view, attr)
        out += [f"{h}# {title} ({len(pairs)})", ""]
        out += [pair_table(report, pairs, names[view.a], names[view.b], explain, links) if pairs else "None.", ""]
    for attr, key in (("only_a", view.a), ("only_b", view.b)):
        quotes = getattr(view, attr)
        out += [f"{h}# Only in {escape_inline(names[key])} ({len(quotes)})", ""]
        out += [quote_list(quotes) if quotes else "None.", ""]
    return out


def matrix_section(report: Report) -> list[str]:
    legend = "; ".join(f"{SYMBOLS[s]} {meaning}" for s, meaning in LEGEND)
    header = ["Topic", *[f"`{k}`" for k in report.source_keys]]
    rows = [[topic_link(report, key), *[f"{SYMBOLS[s]} {stance_word(s)}" for s in stances]] for key, stances in report.matrix]
    return [f"Legend: {legend}.", "", table(header, rows) if rows else "No topic is touched by these sources.", ""]


def consensus_lines(report: Report, links: bool = True) -> list[str]:
    """One line per topic: who supports, who opposes, who is silent."""
    names = {s["key"]: s["name"] for s in report.sources}
    out = []
    for key, stances in report.matrix:
        groups: dict[str, list[str]] = {}
        for source, stance in zip(report.source_keys, stances):
            groups.setdefault(stance, []).append(escape_inline(names[source]))
        parts = [f"{label} {', '.join(groups[s])}" for s, label in (
            ("support", "supports:"), ("oppose", "opposes:"), ("mixed", "mixed:"), ("neutral", "neutral:"), ("silent", "silent:"),
            ("uncurated", "not curated:")) if s in groups]
        out.append(f"- {topic_link(report, key, links)}: " + "; ".join(parts))
    return out


def methods_section(report: Report) -> list[str]:
    m = report.methods
    lines = [
        f"- Matcher: {escape_inline(m['matcher'])}; weights {escape_inline(m['weights'])}; threshold {m['threshold']:g}.",
        f"- Package version: positions {escape_inline(m['version'])}.",
        f"- Corpus hash: `{m['corpus_hash']}` (SHA-256 of the corpus files, first 12 hex digits).",
        f"- {ALIGNMENT_RULE}",
        f"- {REVIEW_NOTE}",
        f"- Reproduce: `{escape_inline(m['command'])} --threshold {m['threshold']:g}`.",
    ]
    if m.get("date"):
        lines.insert(3, f"- Date: {escape_inline(m['date'])}.")
    return lines


def render_compare(report: Report, explain: bool = False) -> str:
    """Markdown of `positions compare`: each pair of sources, then (for three or more) the topic lines."""
    names = {s["key"]: s["name"] for s in report.sources}
    out = [f"# Comparison: {escape_inline(', '.join(names[k] for k in report.source_keys))}", ""]
    for view in report.pairwise:
        out += source_pair_section(report, view, 2, explain, links=False)
    if len(report.source_keys) > 2:
        out += ["## Where each source stands, by topic", "", *consensus_lines(report, links=False), ""]
    out += ["## Method", "", *methods_section(report), ""]
    return "\n".join(out).rstrip() + "\n"


def render_report(report: Report) -> str:
    """The full markdown briefing."""
    names = {s["key"]: s["name"] for s in report.sources}
    out = [f"# {escape_inline(report.title)}", "", escape_inline(report.summary), ""]
    out += ["## Sources", ""]
    rows = [[f"{escape_cell(s['name'])} (`{s['key']}`)", escape_cell(s.get("title") or ""), escape_cell(s.get("date") or ""),
             escape_cell(s.get("kind") or ""), escape_cell(", ".join(s.get("authors") or [])), escape_cell(s.get("published_in") or "")]
            for s in report.sources]
    out += [table(["Source", "Document", "Date", "Kind", "Authors or signatories", "Published in"], rows), ""]
    out += ["## Stance matrix", "", *matrix_section(report)]
    out += ["## Consensus", "", CONSENSUS_INTRO, ""]
    if not report.consensus:
        out += ["None.", ""]
    for f in report.consensus:
        side = "support" if f.supporters else "oppose"
        who = ", ".join(escape_inline(names[k]) for k in (f.supporters or f.opponents))
        out += [f"### {topic_link(report, f.topic.key)}", "", f"Proposition: {escape_inline(f.topic.proposition)}", "",
                f"All who speak {side} it: {who}.", "", quote_list(f.quotes), ""]
    out += ["## Contested", "", CONTESTED_INTRO, ""]
    if not report.contested:
        out += ["None.", ""]
    for f in report.contested:
        sup = ", ".join(escape_inline(names[k]) for k in f.supporters)
        opp = ", ".join(escape_inline(names[k]) for k in f.opponents)
        out += [f"### {topic_link(report, f.topic.key)} (controversy {f.controversy:.2f})", "",
                f"Proposition: {escape_inline(f.topic.proposition)}", "", f"Support: {sup}. Oppose: {opp}.", "",
                quote_list(f.decided_quotes), ""]
    out += ["## Topics", ""]
    for sec in report.topic_sections:
        out += [f"### {escape_inline(topic_heading(report, sec.topic.key))}", "",
                f"Proposition: {escape_inline(sec.topic.proposition)}", "",
                "Stances: " + "; ".join(f"{escape_inline(names[k])} {SYMBOLS[s]} {stance_word(s)}" for k, s in sec.stances) + ".", ""]
        for attr, title in (("agreements", "Where they agree"), ("disagreements", "Where they disagree"), ("related", "Related positions")):
            pairs = getattr(sec, attr)
            if pairs:
                out += [f"#### {title}", ""]
                out += [f"- {quote_inline(p.a)} ({escape_inline(p.a.source_name)}) and {quote_inline(p.b)} ({escape_inline(p.b.source_name)}), "
                        f"score {p.score:.2f}, {escape_inline(review_text(p))}"
                        for p in pairs]
                out += [""]
        out += ["#### What each source says", "", quote_list(sec.quotes), ""]
    if report.unique:
        out += ["## Positions unique to one source", "", UNIQUE_INTRO, ""]
        for key, quotes in report.unique:
            out += [f"### {escape_inline(names[key])} ({len(quotes)})", "", quote_list(quotes) if quotes else "None.", ""]
    if report.gaps is not None:
        out += gaps_lines(report.gaps, 2, report)
    out += ["## Methods", "", *methods_section(report), ""]
    return "\n".join(out).rstrip() + "\n"


def _gap_topic_heading(gaps, t, report: Report | None) -> str:
    label = topic_link(report, t.key) if report is not None else escape_inline(t.label)
    return f"{label} ({len(t.items)}; {escape_inline(gaps.name(gaps.reference))}: {escape_inline(stance_word(t.reference_stance))})"


def gaps_lines(gaps, level: int = 2, report: Report | None = None) -> list[str]:
    """The gaps of a reference source as markdown, headed at `level` (in a report, topic labels link
    to their sections)."""
    h = "#" * level
    ref = escape_inline(gaps.name(gaps.reference))
    c = gaps.counts
    out = [f"{h} Gaps: {ref} against the other sources", "", escape_inline(gaps.summary), "",
           "A statement takes a side when it supports or opposes a topic's proposition; each is listed under "
           "the first topic it takes a side on.", ""]
    out += [f"{h}# What the others ask that {ref} does not address ({c['unaddressed']})", ""]
    if not gaps.unaddressed:
        out += ["None.", ""]
    for t in gaps.unaddressed:
        out += [f"{h}## {_gap_topic_heading(gaps, t, report)}", "",
                "\n".join(f"- **{escape_inline(i.quote.source_name)}**: {quote_inline(i.quote)}" for i in t.items), ""]
    out += [f"{h}# What {ref} proposes that no other source supports ({c['unsupported']})", ""]
    if not gaps.unsupported:
        out += ["None.", ""]
    for t in gaps.unsupported:
        lines = []
        for i in t.items:
            line = f"- {quote_inline(i.quote)}"
            if i.counterparts:
                line += "; aligned without agreement: " + ", ".join(f"{rel} `{q.ref}`" for q, rel, _ in i.counterparts)
            lines.append(line)
        out += [f"{h}## {_gap_topic_heading(gaps, t, report)}", "", "\n".join(lines), ""]
    return out


def render_gaps(gaps) -> str:
    """Markdown of `positions gaps`."""
    out = gaps_lines(gaps, 1)
    out += [f"Threshold {gaps.threshold:g}. Reproduce: `positions gaps --against {gaps.reference} "
            f"{' '.join(gaps.others)}" + "".join(f" --topic {t}" for t in gaps.topics_filter)
            + f" --threshold {gaps.threshold:g} --format markdown`.", ""]
    return "\n".join(out).rstrip() + "\n"
