"""Rich renderings for the terminal. Each function takes plain data and returns a renderable."""

from __future__ import annotations

from typing import Any

STANCE_STYLE = {
    "support": "green",
    "oppose": "red",
    "mixed": "yellow",
    "neutral": "blue",
}
STANCE_SYMBOL = {"support": "+", "oppose": "−", "mixed": "±", "neutral": "○", "silent": "∅", "uncurated": "·"}


def safe(text: str | None) -> Any:
    """A rich Text that never interprets markup in corpus text."""
    from rich.text import Text

    return Text(text or "")


def stances_text(stances: dict[str, str]) -> Any:
    from rich.text import Text

    out = Text()
    for i, (topic, stance) in enumerate(sorted(stances.items())):
        if i:
            out.append("\n")
        out.append(topic)
        out.append(f" {STANCE_SYMBOL[stance]}{stance}", style=STANCE_STYLE[stance])
    return out


def sources_table(rows: list[dict]) -> Any:
    from rich.table import Table

    table = Table(title="Sources", show_lines=False)
    table.add_column("key", style="bold")
    table.add_column("name")
    table.add_column("date")
    table.add_column("kind")
    table.add_column("statements", justify="right")
    for r in rows:
        table.add_row(safe(r["key"]), safe(r["name"]), safe(r["date"] or ""), safe(r["kind"] or ""), str(r["statements"]))
    return table


def statements_table(source: dict, statements: list[dict]) -> Any:
    from rich.table import Table

    title = f"{source['name']} ({source['key']})"
    if source.get("title"):
        title += f": {source['title']}"
    table = Table(title=safe(title), show_lines=True, expand=True)
    table.add_column("id", style="bold", ratio=1, overflow="fold")
    table.add_column("statement", ratio=4)
    table.add_column("topics and stances", ratio=2)
    for st in statements:
        body = safe(st["text"])
        if st.get("section"):
            from rich.text import Text

            body = Text.assemble((st["section"] + "\n", "dim italic"), st["text"])
        table.add_row(safe(st["id"]), body, stances_text(st["stances"]))
    return table


def topics_table(rows: list[dict], source_keys: list[str]) -> Any:
    """Topics with statement counts per source; with a `controversy` column when the rows carry it."""
    from rich.table import Table

    contested = bool(rows) and "controversy" in rows[0]
    table = Table(title="Topics" + (", most contested first" if contested else ""), show_lines=False)
    table.add_column("key", style="bold")
    table.add_column("label")
    for key in source_keys:
        table.add_column(key, justify="right")
    table.add_column("total", justify="right")
    if contested:
        table.add_column("controversy", justify="right")
    for r in rows:
        cells = [str(r["statements"][k] or "·") for k in source_keys]
        extra = [f"{r['controversy']:.2f}"] if contested else []
        table.add_row(safe(r["key"]), safe(r["label"]), *cells, str(r["total"]), *extra)
    if contested:
        table.caption = "controversy: the smaller side ÷ the larger side, counting sources that support or oppose"
    return table


RELATION_STYLE = {"disagree": "red", "agree": "green", "related": "blue"}
TOPIC_WIDTH = 16  # the widest the topic column of a pair table gets


def _quote_cell(q: Any) -> Any:
    from rich.text import Text

    return Text.assemble(("“", "dim"), q.text, ("”", "dim"), "\n", (q.ref, "dim"))


def _topic_labels(report: Any, keys: tuple[str, ...]) -> str:
    labels = {t.key: t.label for t in report.topics}
    return ", ".join(labels.get(k, k) for k in keys) or "—"


def pair_table(report: Any, title: str, pairs: tuple, a_name: str, b_name: str, style: str, explain: bool = False) -> Any:
    from rich.table import Table

    table = Table(title=safe(f"{title} ({len(pairs)})"), title_style=f"bold {style}", show_lines=True, expand=True)
    topics = [_topic_labels(report, p.topics) for p in pairs]
    # Not a ratio column: rich lets a ratio column shrink below its min_width, and a label would
    # then be cut mid-word. This one is as wide as its longest word, up to TOPIC_WIDTH.
    longest = max((len(w) for label in topics for w in label.split()), default=5)
    table.add_column("topic", min_width=min(TOPIC_WIDTH, max(5, longest)), max_width=TOPIC_WIDTH, overflow="fold")
    # fold, not ellipsis: a long reference wraps onto the next line instead of losing characters
    table.add_column(safe(a_name), ratio=3, overflow="fold")
    table.add_column(safe(b_name), ratio=3, overflow="fold")
    table.add_column("score", justify="right", no_wrap=True)
    for p, topic in zip(pairs, topics):
        score = f"{p.score:.2f}\n{p.status}"
        if explain:
            score += "\n" + "\n".join(f"{k[:3]} {v:.2f}" for k, v in p.signals.items())
        table.add_row(safe(topic), _quote_cell(p.a), _quote_cell(p.b), score)
    return table


def only_table(title: str, quotes: tuple) -> Any:
    from rich.table import Table

    table = Table(title=safe(f"{title} ({len(quotes)})"), title_style="bold", show_lines=True, expand=True)
    table.add_column("statement", ratio=5, overflow="fold")
    table.add_column("topics", ratio=2, overflow="fold")
    for q in quotes:
        table.add_row(_quote_cell(q), stances_text(dict(q.stances)))
    return table


def compare_view(report: Any, explain: bool = False) -> Any:
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    names = {s["key"]: s["name"] for s in report.sources}
    parts: list[Any] = []
    for view in report.pairwise:
        a, b = names[view.a], names[view.b]
        parts.append(Rule(safe(f"{a} ({view.a})  ×  {b} ({view.b})")))
        for attr, title, style in (("disagreements", "Disagreements", "red"), ("agreements", "Agreements", "green"), ("related", "Related", "blue")):
            pairs = getattr(view, attr)
            if pairs:
                parts.append(pair_table(report, title, pairs, a, b, style, explain))
            else:
                parts.append(Text(f"{title}: none", style=f"dim {style}"))
        for attr, key in (("only_a", view.a), ("only_b", view.b)):
            quotes = getattr(view, attr)
            parts.append(only_table(f"Only in {names[key]}", quotes) if quotes else Text(f"Only in {names[key]}: none", style="dim"))
    if len(report.source_keys) > 2:
        parts.append(Rule("Where each source stands, by topic"))
        parts.append(consensus_table(report))
    m = report.methods
    parts.append(Text(f"threshold {m['threshold']:g} · weights {m['weights']} · corpus {m['corpus_hash']}", style="dim"))
    return Group(*parts)


def consensus_table(report: Any) -> Any:
    from rich.table import Table
    from rich.text import Text

    names = {s["key"]: s["name"] for s in report.sources}
    labels = {t.key: t.label for t in report.topics}
    table = Table(show_lines=False, expand=True)
    table.add_column("topic", ratio=2)
    for title in ("supports", "opposes", "mixed / neutral", "silent", "not curated"):
        table.add_column(title, ratio=2)
    for key, stances in report.matrix:
        groups: dict[str, list[str]] = {}
        for source, stance in zip(report.source_keys, stances):
            groups.setdefault(stance, []).append(source)
        cells = [groups.get("support", []), groups.get("oppose", []), groups.get("mixed", []) + groups.get("neutral", []),
                 groups.get("silent", []), groups.get("uncurated", [])]
        styles = ("green", "red", "yellow", "dim", "dim italic")
        table.add_row(safe(labels[key]), *[Text(", ".join(c), style=s) for c, s in zip(cells, styles)])
    return table


def matrix_view(report: Any) -> Any:
    from rich.table import Table
    from rich.text import Text

    from positions.report import LEGEND, SYMBOLS, stance_word

    labels = {t.key: t.label for t in report.topics}
    table = Table(title="Stance matrix", show_lines=False)
    table.add_column("topic")
    for key in report.source_keys:
        table.add_column(key, justify="center")
    for key, stances in report.matrix:
        cells = [Text(f"{SYMBOLS[s]} {stance_word(s)}", style=STANCE_STYLE.get(s, "dim")) for s in stances]
        table.add_row(safe(labels[key]), *cells)
    # "silent" is on record (the source's silent_on); "not curated" means nobody has checked yet
    table.caption = "  ".join(f"{SYMBOLS[s]} {stance_word(s)}" + (" (checked)" if s == "silent" else "")
                              for s, _ in LEGEND)
    return table


def search_table(query: str, hits: list, explain: bool = False) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=safe(f"Closest to: {query}"), show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("statement", ratio=5, overflow="fold")
    table.add_column("topics", ratio=2, overflow="fold")
    table.add_column("score", justify="right", no_wrap=True)
    for n, h in enumerate(hits, 1):
        cell = Text.assemble(("“", "dim"), h.ref.text, ("”", "dim"), "\n", (h.ref.ref, "dim"))
        score = f"{h.score:.2f}"
        if explain:
            score += "\n" + "\n".join(f"{k[:3]} {v:.2f}" for k, v in h.signals.as_dict().items())
        table.add_row(str(n), cell, stances_text(h.ref.stances), score)
    return table


def _gap_table(gaps: Any, topic: Any, counterparts: bool) -> Any:
    from rich.table import Table
    from rich.text import Text

    from positions.report import stance_word

    ref_name = gaps.name(gaps.reference)
    title = f"{topic.label} ({len(topic.items)}) · {ref_name}: {stance_word(topic.reference_stance)}"
    table = Table(title=safe(title), title_justify="left", show_lines=True, expand=True)
    table.add_column("statement", ratio=5, overflow="fold")
    table.add_column("takes a side on", ratio=2, overflow="fold")
    if counterparts:
        table.add_column("aligned without agreement", ratio=2, overflow="fold")
    for item in topic.items:
        row = [_quote_cell(item.quote), stances_text(dict(item.sides))]
        if counterparts:
            row.append(Text("\n".join(f"{rel}: {q.ref}" for q, rel, _ in item.counterparts) or "—"))
        table.add_row(*row)
    return table


def gaps_view(gaps: Any) -> Any:
    """`positions gaps`: the others' unaddressed asks, then the reference's unsupported proposals."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    ref = gaps.name(gaps.reference)
    others = ", ".join(gaps.name(k) for k in gaps.others)
    parts: list[Any] = [Rule(safe(f"Gaps: {ref} ({gaps.reference}) against {others}")), Text(gaps.summary)]
    c = gaps.counts
    parts.append(Rule(safe(f"What the others ask that {ref} does not address ({c['unaddressed']})"), style="red"))
    parts += [_gap_table(gaps, t, False) for t in gaps.unaddressed] or [Text("None.", style="dim")]
    parts.append(Rule(safe(f"What {ref} proposes that no other source supports ({c['unsupported']})"), style="yellow"))
    parts += [_gap_table(gaps, t, True) for t in gaps.unsupported] or [Text("None.", style="dim")]
    parts.append(Text(f"threshold {gaps.threshold:g} · a statement takes a side when it supports or opposes "
                      "a topic's proposition", style="dim"))
    return Group(*parts)


def to_text(renderable: Any, width: int = 120) -> str:
    """A renderable as plain text (no colour codes), for writing to a file."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()
