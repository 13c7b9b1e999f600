"""Rich renderings for the terminal. Each function takes plain data and returns a renderable."""

from __future__ import annotations

from typing import Any

STANCE_STYLE = {
    "support": "green",
    "oppose": "red",
    "mixed": "yellow",
    "neutral": "blue",
}
STANCE_SYMBOL = {"support": "+", "oppose": "−", "mixed": "±", "neutral": "○", "silent": "·"}


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
    from rich.table import Table

    table = Table(title="Topics", show_lines=False)
    table.add_column("key", style="bold")
    table.add_column("label")
    for key in source_keys:
        table.add_column(key, justify="right")
    table.add_column("total", justify="right")
    for r in rows:
        cells = [str(r["statements"][k] or "·") for k in source_keys]
        table.add_row(safe(r["key"]), safe(r["label"]), *cells, str(r["total"]))
    return table
