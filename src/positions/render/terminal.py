"""Rich renderings for the terminal. Each function takes plain data and returns a renderable."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from positions.gaps import GapProposition, Gaps
    from positions.match import Hit
    from positions.models import StatementRef
    from positions.quotes import PairView, Quote
    from positions.report import PropositionBlock, Report
    from positions.stances import SourcePosition
    from positions.suggest import Answer, Suggestion

# How each stance, and each cell of the stance matrix (split, silent, not curated), is coloured.
STANCE_STYLE = {"support": "green", "oppose": "red", "mixed": "yellow", "neutral": "blue", "split": "magenta",
                "silent": "dim", "uncurated": "dim italic"}


def safe(text: str | None) -> Text:
    """A rich Text that never interprets markup in corpus text."""
    from rich.text import Text

    return Text(text or "")


def stances_text(stances: dict[str, str]) -> Text:
    """'key +support' one a line; keys are never wrapped."""
    from rich.text import Text

    from positions.report import SYMBOLS

    out = Text(no_wrap=True, overflow="ignore")
    for i, (topic, stance) in enumerate(sorted(stances.items())):
        if i:
            out.append("\n")
        out.append(topic)
        out.append(f" {SYMBOLS[stance]}{stance}", style=STANCE_STYLE[stance])
    return out


def sources_table(rows: list[dict[str, Any]]) -> Table:
    from rich.table import Table

    table = Table(title="Sources", show_lines=False)
    table.add_column("key", style="bold")
    table.add_column("name")
    table.add_column("date")
    table.add_column("kind")
    table.add_column("statements", justify="right")
    for r in rows:
        table.add_row(safe(r["key"]), safe(r["name"]), safe(r["date"] or ""), safe(r["kind"] or ""),
                      str(r["statements"]))
    return table


def statements_table(source: dict[str, Any], statements: list[dict[str, Any]]) -> Group:
    """A source's statements, one block each: the id (never cut), the section, the quote, and its
    stances one a line, so that ids and proposition keys stay whole at any width."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.text import Text

    title = f"{source['name']} ({source['key']})"
    if source.get("title"):
        title += f": {source['title']}"
    parts: list[RenderableType] = [Rule(safe(title))]
    for st in statements:
        parts.append(Text(st["id"], style="bold", no_wrap=True, overflow="ignore"))
        if st.get("section"):
            parts.append(Padding(Text(st["section"], style="dim italic"), (0, 0, 0, INDENT), expand=False))
        parts.append(Padding(Text.assemble(("“", "dim"), st["text"], ("”", "dim")), (0, 0, 0, INDENT), expand=False))
        if st["stances"]:
            parts.append(Padding(stances_text(st["stances"]), (0, 0, 0, INDENT), expand=False))
        else:
            parts.append(Padding(Text(no_stance_words(st.get("note")), style="dim italic"), (0, 0, 0, INDENT),
                                 expand=False))
        if st.get("note"):
            parts.append(Padding(Text("note: " + st["note"], style="dim"), (0, 0, 0, INDENT), expand=False))
        parts.append(Text(""))
    return Group(*parts)


KEY_WIDTH = 40  # the widest a column holding keys is made so that no key is cut


def _key_column_width(keys: Iterable[str]) -> int:
    return min(KEY_WIDTH, max([len(k) for k in keys] or [10]))


def topics_table(rows: list[dict[str, Any]], source_keys: list[str], grouped: bool = True) -> _TopicsTable:
    """Propositions with statement counts per source, under their topics when `grouped`; with a
    `controversy` column when the rows carry it."""
    return _TopicsTable(rows, source_keys, grouped)


class _TopicsTable:
    """The propositions with their counts, laid out for the width it is printed at: a grid when the
    keys fit beside the count columns, else one proposition per line with its counts under it."""

    def __init__(self, rows: list[dict[str, Any]], source_keys: list[str], grouped: bool):
        self.rows, self.keys, self.grouped = rows, source_keys, grouped

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        rows, keys = self.rows, self.keys
        contested = bool(rows) and "controversy" in rows[0]
        title = "Propositions" + (", most contested first" if contested else ", by topic")
        extra = ["total"] + (["controversy"] if contested else [])
        widths = [max(len(k), 3) for k in keys] + [len(e) for e in extra]
        longest = max([len(r["key"]) for r in rows] or [10])
        first = options.max_width - 1 - sum(w + 2 for w in widths) - 2
        caption = "controversy: the smaller side ÷ the larger side, counting sources that support or oppose"
        if first < min(longest, KEY_WIDTH):
            yield Text(title, style="bold")
            topic = None
            for r in rows:
                if self.grouped and r["topic"] != topic:
                    topic = r["topic"]
                    yield Text(r["topic_label"], style="bold underline")
                yield Text.assemble(r["label"], "  ", (r["key"], "dim"))
                cells = [f"{k} {r['statements'][k] or '·'}" for k in keys] + [f"total {r['total']}"]
                if contested:
                    cells.append(f"controversy {r['controversy']:.2f}")
                yield Text("  " + " · ".join(cells))
            if contested:
                yield Text(caption, style="dim")
            return
        table = Table(title=title, show_lines=False, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
        table.add_column("proposition (key)", overflow="fold", width=max(longest, first) if first >= longest else first)
        for key, width in zip([*keys, *extra], widths, strict=True):
            table.add_column(safe(key), justify="right", width=width, no_wrap=True)
        topic = None
        for r in rows:
            if self.grouped and r["topic"] != topic:
                topic = r["topic"]
                table.add_row(Text(r["topic_label"], style="bold underline"), *([""] * len(widths)))
            cells = [str(r["statements"][k] or "·") for k in keys] + [str(r["total"])]
            if contested:
                cells.append(f"{r['controversy']:.2f}")
            table.add_row(Text.assemble(r["label"], "\n", (r["key"], "dim")), *cells)
        if contested:
            table.caption = caption
        yield table


FINDING_STYLE = {"disagree": "red", "agree": "green", "mixed": "yellow", "one": "blue"}
FINDING_MARK = {"disagree": "✗", "agree": "✓", "mixed": "±", "one": "·"}


def _summary_style(kind: str) -> str:
    """A summary line's head: bold, in its finding's colour (a line of one source's positions: plain bold)."""
    return f"bold {FINDING_STYLE[kind]}" if kind in ("disagree", "agree", "mixed") else "bold"
INDENT = 2


def _ref_line(ref: str, indent: int) -> Text:
    """A statement's reference on its own line: never wrapped (it is typed into other commands)."""
    from rich.text import Text

    return Text(" " * indent + ref, style="dim", no_wrap=True, overflow="ignore")


def _quote(q: Quote, indent: int, seen: set[str] | None, lead: str = "") -> list[RenderableType]:
    """A quote, then its reference; only the reference when `seen` says it was quoted above."""
    from rich.padding import Padding
    from rich.text import Text

    if seen is not None and q.ref in seen:
        return [_ref_line(f"{lead}{q.ref} (quoted above)", indent)]
    if seen is not None:
        seen.add(q.ref)
    body = Text.assemble((lead, "dim"), ("“", "dim"), q.text, ("”", "dim"))
    return [Padding(body, (0, 0, 0, indent), expand=False), _ref_line(q.ref, indent + 2)]


def _summary_lines(report: Report) -> list[RenderableType]:
    from rich.text import Text

    from positions.report import summary_head

    out: list[RenderableType] = [Text(report.heading, style="bold")]
    for line in report.summary:
        labels = "; ".join(p.label for p in line.propositions)
        n = len(line.propositions)
        head = summary_head(line.kind, n, report.name(line.source) if line.source else "")
        style = _summary_style(line.kind)
        text = Text.assemble((head, style), ": ", labels)
        if line.note:
            text.append(f" ({line.note})", style="dim")
        out.append(text)
    if not report.summary and len(report.source_keys) > 1:
        out.append(Text("No source takes a position on any proposition here.", style="dim"))
    return out


def _hidden_line(report: Report) -> Text | None:
    from rich.text import Text

    from positions.report import hidden_parts

    parts = hidden_parts(report)
    if not parts:
        return None
    flags = " ".join(f"--relation {r}" for r in report.relations_filter)
    return Text(f"Not shown ({flags}): " + ", ".join(parts) + ".", style="yellow")


def stand_table(report: Report) -> _StandTable:
    """Propositions as rows, sources as columns; each cell the source's position with counts."""
    return _StandTable(report)


def _short(position: SourcePosition) -> str:
    """'+3', '+1 ±3', '∅', '·': the compact cell of a narrow terminal."""
    from positions.report import SYMBOLS

    if not position.statements:
        return SYMBOLS[position.stance]
    return " ".join(f"{SYMBOLS[s]}{n if n > 1 or len(position.counts) > 1 else ''}"
                    for s, n in position.counts.items())


class _StandTable:
    """The stand table, laid out for the width it is printed at: a grid with stance words in the
    cells when the keys fit beside them, else with symbols and counts; when even that grid would cut
    a key, one proposition per line with its cells under it. A key is never cut."""

    WORD_CELL = 14  # "· not curated" on one line

    def __init__(self, report: Report):
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        from positions.report import SYMBOLS

        report = self.report
        keys = list(report.source_keys)
        longest = max([len(p.key) for p in report.propositions] or [10])
        # a column costs its width plus 2 (its right padding and the separator); the table 1 more
        words = [max(len(k), self.WORD_CELL) for k in keys]
        short = [max(len(k), 3) for k in keys]
        room = options.max_width - 1

        def first_width(widths: list[int]) -> int:
            return room - sum(w + 2 for w in widths) - 2

        caption = ("+ supports  − opposes  ± mixed (in part or with a condition)  ◐ statements differ  "
                   "∅ silent (checked)  · not curated")
        if first_width(short) < longest:
            yield Text("Where each source stands", style="bold")
            for info in report.propositions:
                yield Text.assemble((info.label, "bold"), "  ", (info.key, "dim"))
                cells = Text("  ")
                for n, position in enumerate(report.matrix.row(info.key)):
                    if n:
                        cells.append(" · ", style="dim")
                    cells.append(f"{position.source} ")
                    cells.append(_short(position), style=STANCE_STYLE.get(position.stance, ""))
                yield cells
            yield Text(caption + "  (numbers: statements)", style="dim")
            return
        use_words = first_width(words) >= max(longest, 24)
        widths = words if use_words else short
        table = Table(title="Where each source stands", show_lines=False, box=box.SIMPLE_HEAD, pad_edge=False,
                      padding=(0, 1, 0, 0))
        table.add_column("proposition (key)", overflow="fold", width=max(longest, first_width(widths)))
        for key, width in zip(keys, widths, strict=True):
            table.add_column(safe(key), overflow="fold", width=width)
        for info in report.propositions:
            row: list[Text] = []
            for position in report.matrix.row(info.key):
                stance = position.stance
                text = f"{SYMBOLS.get(stance, '')} {position.describe()}" if use_words else _short(position)
                row.append(Text(text, style=STANCE_STYLE.get(stance, "")))
            table.add_row(Text.assemble(info.label, "\n", (info.key, "dim")), *row)
        table.caption = caption + ("" if use_words else "  (numbers: statements)")
        yield table


def proposition_block(report: Report, block: PropositionBlock, seen: set[str] | None,
                      explain: bool = False) -> list[RenderableType]:
    """One proposition: its finding, its sentence, each source's position and quotes."""
    from rich.text import Text

    from positions.report import FINDING_WORDS

    style = FINDING_STYLE[block.finding]
    info = block.proposition
    head = f"{FINDING_MARK[block.finding]} {FINDING_WORDS[block.finding]}"
    out: list[RenderableType] = [Text.assemble((head, f"bold {style}"), "  ", (info.label, "bold"), "  ",
                                               (info.key, "dim"))]
    from rich.padding import Padding

    out.append(Padding(Text(info.text, style="italic"), (0, 0, 0, INDENT), expand=False))
    for position in block.positions:
        if not position.statements and len(block.positions) > 2:
            continue  # the stand table says who is silent or not curated
        cell = STANCE_STYLE.get(position.stance, "")
        out.append(Text.assemble(" " * INDENT, (report.name(position.source), "bold"), ": ",
                                 (position.describe(), cell)))
        for ev in block.evidence_of(position.source):
            lead = "" if len(position.counts) == 1 else f"[{ev.stance}] "
            out += _quote(ev.quote, INDENT * 2, seen, lead)
    for p in block.pairs:
        if explain or p.reviewed:
            from positions.quotes import review_text

            line = f"{p.a.ref} × {p.b.ref}: {p.relation}, " + (
                review_text(p) if p.reviewed else f"text similarity {p.score:.2f}")
            if explain:
                line += ", " + ", ".join(f"{k} {v:.2f}" for k, v in p.signals.items())
            out.append(Padding(Text(line, style="dim"), (0, 0, 0, INDENT), expand=False))
    return out


def related_pairs(report: Report, seen: set[str] | None, explain: bool = False) -> list[RenderableType]:
    from rich.text import Text

    from positions.report import RELATED_INTRO, score_words

    out: list[RenderableType] = [Text(RELATED_INTRO, style="dim")]
    for p in report.related:
        line = score_words(p)
        if explain:
            line += " · " + ", ".join(f"{k} {v:.2f}" for k, v in p.signals.items())
        out.append(Text(f"≈ {p.a.source_name} and {p.b.source_name}: {line}", style="blue"))
        out += _quote(p.a, INDENT, seen) + _quote(p.b, INDENT, seen)
    return out


def compare_view(report: Report, explain: bool = False, full: bool = False) -> Group:
    """`positions compare`: the findings summary, the stand table (three or more sources), one block
    per proposition (disagreements first), the related statements, and what is left.

    By default each block is a digest that fits a terminal: a line per source with its stance and
    its strongest quote, shortened to the line; `full` (and `explain`, which shows the pairs behind
    each block) shows every quote whole, with references."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    from positions.report import FINDING_TITLES, UNPLACED_INTRO

    full = full or explain
    parts: list[RenderableType] = _summary_lines(report) if full else [_Summary(report)]
    hidden = _hidden_line(report)
    if hidden is not None:
        parts.append(hidden)
    if len(report.source_keys) > 2 and report.propositions:
        parts.append(stand_table(report))
    seen: set[str] = set()
    for finding, title in FINDING_TITLES.items():
        blocks = [b for b in report.blocks if b.finding == finding]
        if not blocks:
            continue
        if finding == "one" and not full:
            continue  # listed after the related statements
        parts.append(Rule(f"{title} ({len(blocks)})", style=FINDING_STYLE[finding]))
        for block in blocks:
            parts += proposition_block(report, block, seen, explain) if full else [_Digest(report, block)]
    if report.related:
        parts.append(Rule(f"Related statements, not compared ({len(report.related)})", style="blue"))
        if full:
            parts += related_pairs(report, seen, explain)
        else:
            parts += [Text(RELATED_NOTE, style="dim"), *[_RelatedDigest(p, explain) for p in report.related]]
    if not full:
        ones = [b for b in report.blocks if b.finding == "one"]
        if ones:
            parts.append(Rule(f"{FINDING_TITLES['one']} ({len(ones)})", style=FINDING_STYLE["one"]))
            parts += [_OneSourceLine(report, b) for b in ones]
    for key, quotes in report.unplaced:
        parts.append(Rule(safe(f"{report.name(key)}: no position here ({len(quotes)})"), style="dim"))
        if full:
            parts.append(Text(UNPLACED_INTRO, style="dim"))
            for q in quotes:
                parts += _quote(q, INDENT, seen)
        else:
            parts.append(Padding_(Text(" ".join(q.ref for q in quotes), style="dim")))
    m = report.methods
    footer = (f"Related: text similarity ≥ {m['threshold']:g} · corpus {m['corpus_hash']} · "
              "'positions show SOURCE/ID' opens a statement")
    if not full:
        footer = ("Quotes are shortened to a line: --full shows every quote whole, with its reference "
                  "(or --format markdown). " + footer)
    parts.append(Text(footer, style="dim"))
    return Group(*parts)


RELATED_NOTE = "Similar wording, no shared proposition: neither agreement nor disagreement is claimed."


def Padding_(renderable: RenderableType) -> Padding:  # a small factory, named like the rich class it makes
    from rich.padding import Padding

    return Padding(renderable, (0, 0, 0, INDENT), expand=False)


def fit_items(head: str, items: list[str], width: int) -> str:
    """'head: a; b; c' cut to the width at an item boundary, ending '; and N more'."""
    out = head + ": " if items else head
    for n, item in enumerate(items):
        rest = len(items) - n - 1
        tail = f"; and {rest} more" if rest else ""
        piece = item if n == 0 else "; " + item
        if len(out) + len(piece) + len(tail) > width:
            return out + f"; and {len(items) - n} more" if n else head
        out += piece
    return out


def shorten(text: str, room: int) -> str:
    """A quote cut at a word boundary to `room` characters, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= room:
        return flat
    cut = flat[: max(1, room - 1)]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


class _Summary:
    """The findings summary: the heading, then one line per finding, each cut to the width."""

    def __init__(self, report: Report):
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        from positions.report import summary_head

        report, width = self.report, options.max_width
        yield Text(report.heading, style="bold")
        for line in report.summary:
            n = len(line.propositions)
            head = summary_head(line.kind, n, line.source or "")  # keys, not names: the line is cut to the width
            if line.kind == "only" and line.other:
                said = [f"{line.silent} silent" if line.silent else "",
                        f"{line.uncurated} not curated" if line.uncurated else ""]
                head += f" ({line.other}: {', '.join(x for x in said if x)})"
            style = _summary_style(line.kind)
            labels = [p.label for p in line.propositions]
            if line.kind == "only" or len(report.source_keys) > 2:  # long lists: cut to the line
                text = fit_items(head, labels, width)
                yield Text.assemble((head, style), text[len(head):], no_wrap=True, overflow="ellipsis")
            else:
                yield Text.assemble((head, style), ": ", "; ".join(labels))
        if not report.summary and len(report.source_keys) > 1:
            yield Text("No source takes a position on any proposition here.", style="dim")


class _Digest:
    """A proposition in a few lines: its label and key, then a line per source taking a side: its
    stance with counts and its strongest quote, shortened to the line."""

    def __init__(self, report: Report, block: PropositionBlock):
        self.report, self.block = report, block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        from positions.report import FINDING_WORDS

        block, width = self.block, options.max_width
        info = block.proposition
        finding = block.finding
        yield Text.assemble((f"{FINDING_MARK[finding]} {FINDING_WORDS[finding]}  ", f"bold {FINDING_STYLE[finding]}"),
                            (info.label, "bold"), "  ", (info.key, "dim"))
        for position in block.positions:
            if not position.takes_side:
                continue
            evidence = block.evidence_of(position.source)
            lead = f"  {position.source} {position.describe()}: "
            room = width - len(lead) - 2
            quote = shorten(evidence[0].quote.text, room) if evidence else ""
            yield Text.assemble((lead, STANCE_STYLE.get(position.stance, "")), ("“", "dim"), quote, ("”", "dim"),
                                no_wrap=True, overflow="ellipsis")


class _RelatedDigest:
    def __init__(self, pair: PairView, explain: bool):
        self.pair, self.explain = pair, explain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        from positions.report import score_words

        p, width = self.pair, options.max_width
        line = f"≈ {p.a.ref} × {p.b.ref}: {score_words(p)}"
        if self.explain:
            line += " · " + ", ".join(f"{k} {v:.2f}" for k, v in p.signals.items())
        yield Text(line, style="blue")
        for q in (p.a, p.b):
            lead = f"  {q.source}: "
            yield Text.assemble(lead, ("“", "dim"), shorten(q.text, width - len(lead) - 2), ("”", "dim"),
                                no_wrap=True, overflow="ellipsis")


class _OneSourceLine:
    def __init__(self, report: Report, block: PropositionBlock):
        self.report, self.block = report, block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        block = self.block
        position = next(p for p in block.positions if p.takes_side)
        refs = " ".join(r for r, _ in position.statements)
        yield Text.assemble("· ", (block.proposition.label, "bold"), "  ", (block.proposition.key, "dim"), ": ",
                            (f"{position.source} {position.describe()}", STANCE_STYLE.get(position.stance, "")),
                            "  ", (refs, "dim"))


def matrix_view(report: Report) -> _StandTable:
    return stand_table(report)


def answers_view(answers: list[Answer]) -> list[RenderableType]:
    """The propositions a search opens with: each with its score and every source's position."""
    from rich.padding import Padding
    from rich.text import Text

    if not answers:
        return []
    out: list[RenderableType] = [Text("Propositions it most likely takes a side on (with where each source stands):",
                           style="bold")]
    for n, a in enumerate(answers, 1):
        out.append(Text.assemble(f"{n}. ", (a.proposition.label, "bold"), "  ", (a.key, "dim"),
                                 f"  score {a.score:.2f}"))
        out.append(Padding(Text(a.proposition.text, style="italic"), (0, 0, 0, INDENT + 1), expand=False))
        line = Text()
        for i, p in enumerate(a.positions):
            if i:
                line.append(" · ", style="dim")
            style = STANCE_STYLE.get(p.stance, "dim") if p.statements else "dim"
            line.append(f"{p.source}: ")
            line.append(p.describe(), style=style)
        out.append(Padding(line, (0, 0, 0, INDENT + 1), expand=False))
    return out


def _pad(renderable: RenderableType, indent: int = INDENT + 1) -> Padding:
    from rich.padding import Padding

    return Padding(renderable, (0, 0, 0, indent), expand=False)


def no_stance_words(note: str | None) -> str:
    """A statement without stances: curated as answering nothing (its note says why), or not curated."""
    return "takes no stance (see its note)" if note else "no stance: not curated"


def _sides_line(stances: Mapping[str, str], note: str | None = None) -> Text:
    """'key +support · key −oppose' (keys whole: the line wraps only between stances)."""
    from rich.text import Text

    from positions.report import SYMBOLS

    out = Text()
    for i, (key, stance) in enumerate(sorted(stances.items())):
        if i:
            out.append(" · ", style="dim")
        out.append(key)
        out.append(f" {SYMBOLS.get(stance, '')}{stance}", style=STANCE_STYLE.get(stance, ""))
    return out if stances else Text(no_stance_words(note), style="dim italic")


def search_table(query: str, hits: list[Hit], explain: bool = False, answers: list[Answer] | None = None) -> Group:
    """`positions search`: the propositions it most likely answers, then the closest statements, one
    block each (the quote, then its reference, stances and score), so that no key is cut."""
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = answers_view(answers or [])
    if parts:
        parts.append(Text(""))
    parts.append(Text(f"Closest statements to: {query}", style="bold"))
    for n, h in enumerate(hits, 1):
        parts.append(Text.assemble(f"{n}. ", ("“", "dim"), h.ref.text, ("”", "dim")))
        line = Text.assemble((h.ref.ref, "dim"), f"  score {h.score:.2f}")
        if explain:
            line.append("  (" + ", ".join(f"{k} {v:.2f}" for k, v in h.signals.as_dict().items()) + ")", style="dim")
        parts.append(_pad(line))
        parts.append(_pad(_sides_line(h.ref.stances, h.ref.statement.note)))
    if not hits:
        parts.append(Text("No statement.", style="dim"))
    return Group(*parts)


def _evidence_lines(s: Suggestion, room: int = 3) -> list[RenderableType]:
    from rich.text import Text

    from positions.report import SYMBOLS

    out: list[RenderableType] = []
    for e in [e for e in s.evidence if e.kind == "statement"][:room]:
        line = Text.assemble("evidence: ", (e.ref, ""), (f" {SYMBOLS.get(e.stance, '')}{e.stance}",
                                                          STANCE_STYLE.get(e.stance, "")),
                             (f" similarity {e.similarity:.2f}" + (", reversed" if e.reversed else ""), "dim"))
        out.append(_pad(line, INDENT + 2))
    prop = next(e for e in s.evidence if e.kind == "proposition")
    reversed_words = ", reversed" if prop.reversed else ""
    out.append(_pad(Text(f"proposition text: similarity {prop.similarity:.2f}{reversed_words}", style="dim"),
                    INDENT + 2))
    return out


def _stance_cell(stance: str) -> Text:
    from rich.text import Text

    from positions.report import SYMBOLS

    return Text(f"{SYMBOLS.get(stance, '')}{stance}", style=STANCE_STYLE.get(stance, ""))


def suggest_table(text: str, suggestions: list[Suggestion]) -> Group:
    """`positions suggest TEXT`: the propositions it most likely takes a side on, best first, each
    with its suggested stance, score and evidence."""
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = [Text(f"Suggested propositions for: {text}", style="bold")]
    for n, s in enumerate(suggestions, 1):
        parts.append(Text.assemble(f"{n}. ", (s.proposition.label, "bold"), "  ", (s.key, "dim")))
        parts.append(_pad(Text.assemble("suggested stance ", _stance_cell(s.stance),
                                        f"  score {s.score:.2f}  confidence {s.confidence:.2f}")))
        parts += _evidence_lines(s)
    if not suggestions:
        parts.append(Text("No proposition.", style="dim"))
    return Group(*parts)


def suggest_source_view(source: str, name: str,
                        queue: list[tuple[StatementRef, list[Suggestion]]]) -> RenderableType:
    """`positions suggest SOURCE`: its statements without stances, most confident suggestion first."""
    from rich.console import Group
    from rich.text import Text

    if not queue:
        return Text(f"Every statement of {name} ({source}) has stances: nothing to curate.")
    parts: list[RenderableType] = [Text(f"{name} ({source}): statements without stances, most likely first",
                                        style="bold")]
    for n, (ref, found) in enumerate(queue, 1):
        parts.append(Text.assemble(f"{n}. ", ("“", "dim"), shorten(" ".join(ref.text.split()), 160), ("”", "dim")))
        parts.append(_pad(Text(ref.ref, style="dim")))
        if not found:
            parts.append(_pad(Text("no suggestion", style="dim")))
            continue
        best = found[0]
        parts.append(_pad(Text.assemble("best: ", (best.proposition.label, "bold"), "  ", (best.key, "dim"), "  ",
                                        _stance_cell(best.stance),
                                        f"  score {best.score:.2f}, confidence {best.confidence:.2f}")))
        if len(found) > 1:
            parts.append(_pad(Text("also: " + " · ".join(f"{s.key} {s.score:.2f}" for s in found[1:]), style="dim")))
    parts.append(Text("A suggestion is a starting point: decide each stance by the proposition's text and description "
                      "(docs/curation.md).", style="dim"))
    return Group(*parts)


def _gap_block(gaps: Gaps, prop: GapProposition, counterparts: bool) -> list[RenderableType]:
    from rich.padding import Padding
    from rich.text import Text

    ref_name = gaps.name(gaps.reference)
    out: list[RenderableType] = [
        Text.assemble((prop.label, "bold"), "  ", (prop.key, "dim"), f"  ({len(prop.items)}) · ",
                      f"{ref_name}: {prop.reference_stance}"),
        Padding(Text(prop.text, style="italic"), (0, 0, 0, INDENT), expand=False)]
    for item in prop.items:
        stance = dict(item.sides).get(prop.key, "")
        out += _quote(item.quote, INDENT, None, f"{item.quote.source_name}, {stance}: ")
    if counterparts and prop.items and prop.items[0].counterparts:
        others = ", ".join(f"{q.ref} ({stance})" for q, stance in prop.items[0].counterparts)
        out.append(Padding(Text(f"The others on it: {others}", style="dim"), (0, 0, 0, INDENT), expand=False))
    return out


def gaps_view(gaps: Gaps) -> Group:
    """`positions gaps`: the others' positions the reference does not address, then the reference's
    positions no other source shares."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    ref = gaps.name(gaps.reference)
    others = ", ".join(gaps.name(k) for k in gaps.others)
    parts: list[RenderableType] = [Rule(safe(f"Gaps: {ref} ({gaps.reference}) against {others}")), Text(gaps.summary)]
    c = gaps.counts
    sections = ((f"What the others take a side on that {ref} does not address ({c['unaddressed']})", "red",
                 gaps.unaddressed, False),
                (f"What {ref} takes a side on that no other source shares ({c['unsupported']})", "yellow",
                 gaps.unsupported, True))
    for title, style, found, counterparts in sections:
        parts.append(Rule(safe(title), style=style))
        for prop in found:
            parts += _gap_block(gaps, prop, counterparts)
        if not found:
            parts.append(Text("None.", style="dim"))
    parts.append(Text("A statement takes a side when it supports, opposes or takes a mixed position on a "
                      "proposition.", style="dim"))
    return Group(*parts)


def to_text(renderable: RenderableType, width: int = 120) -> str:
    """A renderable as plain text (no colour codes), for writing to a file."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().split("\n"))
