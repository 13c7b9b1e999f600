"""GitHub-flavoured markdown views of a Report: the full briefing and the comparison.

Every piece of corpus text goes through `escape_inline` (or `escape_cell` inside tables), so no
quote can open a table cell, emphasis, code, a link or raw HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from positions.quotes import PairView, Quote
from positions.report import (
    FINDING_TITLES,
    FINDING_WORDS,
    HOW_READ,
    LEGEND,
    RELATED_INTRO,
    SYMBOLS,
    UNPLACED_INTRO,
    PropositionBlock,
    Report,
    hidden_parts,
    score_words,
    summary_head,
)

if TYPE_CHECKING:
    from positions.gaps import Gaps

_SPECIAL = set("\\`*_[]<>|~&!#")


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


def quote_inline(q: Quote) -> str:
    return f"“{escape_inline(q.text)}” (`{q.ref}`)"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table from already-escaped cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell if cell else " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_lines(report: Report) -> list[str]:
    """The findings summary, one line each."""
    out = []
    for line in report.summary:
        n = len(line.propositions)
        labels = "; ".join(escape_inline(p.label) for p in line.propositions)
        head = summary_head(line.kind, n, escape_inline(report.name(line.source)) if line.source else "")
        note = f" ({escape_inline(line.note)})" if line.note else ""
        out.append(f"- **{head}**: {labels}{note}")
    if not report.summary and len(report.source_keys) > 1:
        out.append("- No source takes a position on any proposition here.")
    return out


def hidden_line(report: Report) -> list[str]:
    parts = hidden_parts(report)
    if not parts:
        return []
    flags = " ".join(f"--relation {r}" for r in report.relations_filter)
    return [f"Not shown (`{flags}`): " + ", ".join(parts) + ".", ""]


def stand_table(report: Report) -> list[str]:
    """Propositions as rows, sources as columns, each cell the source's position with counts."""
    if not report.propositions:
        return ["No source takes a position on any proposition here.", ""]
    header = ["Proposition", *[f"`{k}`" for k in report.source_keys]]
    rows = []
    for info in report.propositions:
        cells = [f"{SYMBOLS.get(p.stance, '')} {escape_cell(p.describe())}" for p in report.matrix.row(info.key)]
        rows.append([f"{escape_cell(info.label)} (`{info.key}`)", *cells])
    legend = "; ".join(f"{SYMBOLS[s]} {meaning}" for s, meaning in LEGEND)
    return [table(header, rows), "", f"Legend: {legend}.", ""]


def block_lines(report: Report, block: PropositionBlock, seen: set[str], level: int,
                explain: bool = False) -> list[str]:
    """One proposition: heading, sentence, each source's position and its quotes (each quote once
    in `seen`'s scope)."""
    info = block.proposition
    h = "#" * level
    out = [f"{h} {escape_inline(info.label)} ({FINDING_WORDS[block.finding]})", "",
           f"Proposition (`{info.key}`): {escape_inline(info.text)}", ""]
    for position in block.positions:
        if not position.statements and len(block.positions) > 2:
            continue
        out.append(f"- **{escape_inline(report.name(position.source))}**: {escape_inline(position.describe())}")
        for ev in block.evidence_of(position.source):
            lead = "" if len(position.counts) == 1 else f"{ev.stance}: "
            if ev.quote.ref in seen:
                out.append(f"  - {lead}`{ev.quote.ref}` (quoted above)")
            else:
                seen.add(ev.quote.ref)
                out.append(f"  - {lead}{quote_inline(ev.quote)}")
    out.append("")
    shown = [p for p in block.pairs if explain or p.reviewed]
    if shown:
        for p in shown:
            line = f"- `{p.a.ref}` × `{p.b.ref}`: {p.relation}, {escape_inline(score_words(p))}"
            out.append(line + ("; " + ", ".join(f"{k} {v:.2f}" for k, v in p.signals.items()) if explain else ""))
        out.append("")
    return out


def related_lines(report: Report, pairs: tuple[PairView, ...], seen: set[str], explain: bool = False) -> list[str]:
    out = [RELATED_INTRO, ""]
    for p in pairs:
        def one(q: Quote) -> str:
            if q.ref in seen:
                return f"`{q.ref}` (quoted above)"
            seen.add(q.ref)
            return quote_inline(q)
        extra = ("; " + ", ".join(f"{k} {v:.2f}" for k, v in p.signals.items())) if explain else ""
        out.append(f"- **{escape_inline(p.a.source_name)}** {one(p.a)} and **{escape_inline(p.b.source_name)}** "
                   f"{one(p.b)}: {escape_inline(score_words(p))}{extra}")
    return [*out, ""]


def unplaced_lines(report: Report, seen: set[str], level: int) -> list[str]:
    out: list[str] = []
    for key, quotes in report.unplaced:
        out += [f"{'#' * level} {escape_inline(report.name(key))}: no position here ({len(quotes)})", "",
                UNPLACED_INTRO, ""]
        for q in quotes:
            if q.ref in seen:
                out.append(f"- `{q.ref}` (quoted above)")
            else:
                seen.add(q.ref)
                out.append(f"- {quote_inline(q)}")
        out.append("")
    return out


def methods_section(report: Report) -> list[str]:
    m = report.methods
    lines = [
        f"- {escape_inline(m['rule'])}",
        f"- Matcher: {escape_inline(m['matcher'])}.",
        f"- Package version: positions {escape_inline(m['version'])}.",
        f"- Corpus hash: `{m['corpus_hash']}` (SHA-256 of the corpus files, first 12 hex digits).",
        "- Each pair is machine-suggested, or reviewed by a curator in links.yaml; "
        "pairs a curator rejected are never shown.",
        f"- Reproduce: `{escape_inline(m['command'])} --threshold {m['threshold']:g}`.",
    ]
    if m.get("date"):
        lines.insert(3, f"- Date: {escape_inline(m['date'])}.")
    return lines


def sources_table(report: Report) -> list[str]:
    rows = [[f"{escape_cell(s['name'])} (`{s['key']}`)", escape_cell(s.get("title") or ""),
             escape_cell(s.get("date") or ""), escape_cell(s.get("kind") or ""),
             escape_cell(", ".join(s.get("authors") or [])),
             escape_cell(s.get("published_in") or "")]
            for s in report.sources]
    return [table(["Source", "Document", "Date", "Kind", "Authors or signatories", "Published in"], rows), ""]


def render_compare(report: Report, explain: bool = False) -> str:
    """Markdown of `positions compare`: the summary (and stand table), one block per proposition,
    the related statements, and what is left."""
    out = [f"# {escape_inline(report.heading)}", "", *summary_lines(report), "", *hidden_line(report)]
    if len(report.source_keys) > 2:
        out += ["## Where each source stands", "", *stand_table(report)]
    seen: set[str] = set()
    for finding, title in FINDING_TITLES.items():
        blocks = [b for b in report.blocks if b.finding == finding]
        if blocks:
            out += [f"## {title} ({len(blocks)})", ""]
            for block in blocks:
                out += block_lines(report, block, seen, 3, explain)
    if report.related:
        out += [f"## Related statements, not compared ({len(report.related)})", ""]
        out += related_lines(report, report.related, seen, explain)
    out += unplaced_lines(report, seen, 2)
    out += ["## Method", "", HOW_READ, "", *methods_section(report), ""]
    return "\n".join(out).rstrip() + "\n"


def render_report(report: Report) -> str:
    """The full markdown briefing: summary, sources, the stand table, one section per theme with its
    propositions (each quote at most once per section), related statements, gaps, methods."""
    out = [f"# {escape_inline(report.title)}", "", f"**{escape_inline(report.heading)}**", "",
           escape_inline(report.headline), "", *summary_lines(report), "", *hidden_line(report)]
    out += ["## Sources", "", *sources_table(report)]
    out += ["## Where each source stands", "", HOW_READ, "", *stand_table(report)]
    out += ["## Propositions by theme", ""]
    for theme in report.themes():
        seen: set[str] = set()
        if len(theme.blocks) == 1 and theme.blocks[0].proposition.label == theme.label:
            out += block_lines(report, theme.blocks[0], seen, 3)  # a topic that is its own proposition
            continue
        out += [f"### {escape_inline(theme.label)}", ""]
        for block in theme.blocks:
            out += block_lines(report, block, seen, 4)
    if report.related:
        out += [f"## Related statements, not compared ({len(report.related)})", ""]
        out += related_lines(report, report.related, set())
    out += unplaced_lines(report, set(), 2)
    if report.gaps is not None:
        out += gaps_lines(report.gaps, 2)
    out += ["## Methods", "", *methods_section(report), ""]
    return "\n".join(out).rstrip() + "\n"


def gaps_lines(gaps: Gaps, level: int = 2) -> list[str]:
    """The gaps of a reference source as markdown, headed at `level`."""
    h = "#" * level
    ref = escape_inline(gaps.name(gaps.reference))
    c = gaps.counts
    out = [f"{h} Gaps: {ref} against the other sources", "", escape_inline(gaps.summary), "",
           "A statement takes a side when it supports, opposes or takes a mixed position on a proposition; each "
           "is listed once in each list, under the first proposition that puts it there.", ""]
    out += [f"{h}# What the others take a side on that {ref} does not address ({c['unaddressed']})", ""]
    if not gaps.unaddressed:
        out += ["None.", ""]
    for t in gaps.unaddressed:
        out += [f"{h}## {escape_inline(t.label)} (`{t.key}`; {ref}: {escape_inline(t.reference_stance)})", "",
                f"Proposition: {escape_inline(t.text)}", "",
                "\n".join(f"- **{escape_inline(i.quote.source_name)}** "
                          f"({escape_inline(dict(i.sides).get(t.key, ''))}): {quote_inline(i.quote)}"
                          for i in t.items), ""]
    out += [f"{h}# What {ref} takes a side on that no other source shares ({c['unsupported']})", ""]
    if not gaps.unsupported:
        out += ["None.", ""]
    for t in gaps.unsupported:
        lines = []
        for i in t.items:
            line = f"- ({escape_inline(dict(i.sides).get(t.key, ''))}) {quote_inline(i.quote)}"
            if i.counterparts:
                line += "; the others on it: " + ", ".join(f"{stance} `{q.ref}`" for q, stance in i.counterparts)
            lines.append(line)
        out += [f"{h}## {escape_inline(t.label)} (`{t.key}`; {ref}: {escape_inline(t.reference_stance)})", "",
                f"Proposition: {escape_inline(t.text)}", "", "\n".join(lines), ""]
    return out


def render_gaps(gaps: Gaps) -> str:
    """Markdown of `positions gaps`."""
    out = gaps_lines(gaps, 1)
    out += [f"Reproduce: `positions gaps --against {gaps.reference} {' '.join(gaps.others)}"
            + "".join(f" --topic {t}" for t in gaps.topics_filter) + " --format markdown`.", ""]
    return "\n".join(out).rstrip() + "\n"
