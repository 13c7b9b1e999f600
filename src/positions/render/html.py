"""A self-contained HTML page of a Report: the same briefing as render/markdown.render_report, in
the same order: title, the sources compared, the headline, the findings summary, the sources, where
each source stands (the stand table), the propositions by theme, the related statements, the
statements with no position, gaps (with --against) and methods.

One file with an inline stylesheet and nothing else: no scripts, no fonts, images or links outside
the page (every href is an in-page #anchor). It reads on a phone:

* every table sits in an `overflow-x: auto` wrapper, so that only the table, never the page,
  scrolls sideways;
* the sources table becomes one card per source on screens narrower than it (no empty cells, no
  columns off screen);
* the stand table becomes one card per proposition on phones (each cell labelled with its source);
  on wider screens narrower than the table it keeps its first column (the proposition) in place
  while the sources' columns scroll, and says "Scroll sideways →" (the breakpoints are estimated
  from the tables' columns, per report: `table_css`);
* keys and statement references (`<code>`) never wrap inside a word: a reference may break only
  after its "/" (a `<wbr>`), commands only at their spaces.

Stances show as a symbol, a word and a colour (the class st-STANCE), so colour is never the only
signal. It prints (an @media print block).

Every piece of corpus text (quotes, names, titles, labels, propositions, ...) goes through `esc`,
i.e. html.escape(quote=True), so nothing from the corpus can become markup; the generated CSS holds
only numbers. The output is deterministic: no timestamps, the report's date only when it was given.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from positions.quotes import Quote
from positions.report import (
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
from positions.stances import SourcePosition

if TYPE_CHECKING:
    from positions.gaps import GapProposition

SCROLL_HINT = "Scroll sideways →"
SOURCE_FIELDS = ("Source", "Document", "Date", "Kind", "Authors or signatories", "Published in")

STYLE = """
:root { --fg: #1b1b1b; --muted: #585858; --line: #cfcfcf; --bg: #fff; --head: #f1f1f1; --accent: #1c4f8c;
  --support: #d4efd9; --oppose: #f8d3d0; --mixed: #fbe8b8; --neutral: #dde6f3; --split: #e8dcf3; --silent: #f1f1f1; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.55rem; line-height: 1.25; margin: .5rem 0 .75rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .75rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.25rem 0 .3rem; }
p { margin: .5rem 0; }
a { color: var(--accent); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .85em;
  white-space: nowrap; overflow-wrap: normal; word-break: normal; hyphens: none; }
ul { padding-left: 1.2rem; }
li { margin: .3rem 0; }
.f { color: var(--muted); font-weight: normal; }
nav ol { display: flex; flex-wrap: wrap; gap: .2rem 1rem; list-style: none; padding: 0; margin: .75rem 0; }
nav li { margin: 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; margin: .5rem 0 1rem; }
.hint { display: none; margin: .5rem 0 0; font-size: .85rem; color: var(--muted); }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); }
td:empty::after { content: "–"; color: var(--muted); }
table.stands { border-collapse: separate; border-spacing: 0; border: solid var(--line); border-width: 1px 0 0 1px; }
table.stands th, table.stands td { border-width: 0 1px 1px 0; }
table.stands th[scope="row"] { position: sticky; left: 0; z-index: 1; background: var(--bg); min-width: 8rem;
  font-weight: normal; }
table.stands thead th:first-child { position: sticky; left: 0; z-index: 2; }
table.stands td { min-width: 6.5rem; }
.st-support { background: var(--support); }
.st-oppose { background: var(--oppose); }
.st-mixed { background: var(--mixed); }
.st-neutral { background: var(--neutral); }
.st-split { background: var(--split); }
.st-silent { background: var(--silent); color: var(--muted); }
.st-uncurated { color: var(--muted); font-style: italic; }
span[class^="st-"] { padding: 0 .3em; border-radius: 3px; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; font-size: .9rem; }
ul.legend li { margin: 0; }
article { margin: 0 0 1.5rem; }
ul.pos { list-style: none; padding-left: 0; }
ul.pos > li { margin: .5rem 0; }
ul.q li { white-space: pre-line; }
ul.q li li { white-space: normal; }
section.theme { border-top: 1px solid var(--line); margin-top: 2rem; }
@media (max-width: 40rem) {
  main { padding: .75rem .75rem 2rem; }
  h1 { font-size: 1.3rem; }
  ul { padding-left: 1rem; }
  code { font-size: .8em; }
}
@media print {
  body { font-size: 10.5pt; line-height: 1.4; }
  main { max-width: none; padding: 0; }
  nav, .hint { display: none !important; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  table.stands th { position: static; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  li, tr { break-inside: avoid; page-break-inside: avoid; }
  [class^="st-"] { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# On phones the stand table becomes one card per proposition, each cell labelled with its source's
# key (its data-s), so that no column is ever off screen.
STAND_CARDS = (
    "  table.stands, table.stands tbody, table.stands tr, table.stands th, table.stands td { display: block; }\n"
    """\
  table.stands { border: 0; }
  table.stands thead, #stands-hint { display: none; }
  table.stands tr { border: 1px solid var(--line); margin: 0 0 .6rem; }
  table.stands th[scope="row"] { position: static; border: 0; background: var(--head); }
  table.stands td { border: 0; border-top: 1px solid var(--line); min-width: 0; }
  table.stands td::before { content: attr(data-s); display: inline-block; min-width: 7.5rem; white-space: nowrap;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .85em; }
""")

# The sources table as one card per source (on screens narrower than the table, see table_css).
SOURCE_CARDS = (
    "  table.sources, table.sources tbody, table.sources tr, table.sources th, table.sources td { display: block; }\n"
    """\
  table.sources thead { display: none; }
  table.sources tr { border: 1px solid var(--line); margin: 0 0 .6rem; padding: .3rem 0; }
  table.sources th, table.sources td { border: 0; padding: .1rem .6rem; }
  table.sources td:empty { display: none; }
  table.sources td::before { color: var(--muted); }
"""
    # written "Date" ": " so that "Date:" is in a page only when the report is dated
    + "".join(f'  table.sources td:nth-child({n + 1})::before {{ content: "{label}" ": "; }}\n'
              for n, label in enumerate(SOURCE_FIELDS) if n))

# Widths in CSS pixels (1rem = 16px) used to estimate how wide a table must be (its min-content
# width): table text is .9rem; code .85em of it in a monospace font (.6em a character); proportional
# text about .55em a character; cells add .5rem padding each side and a border.
_TABLE_CHAR = 14.4 * 0.56
_CODE_CHAR = 14.4 * 0.85 * 0.61
_CELL_EXTRA = 17.0
_PAGE_PADDING = 2 * 16.0  # main's padding on both sides (wide screens)
_NARROW_PX = 640  # 40rem: phones (the narrow-screen media query above)


def esc(text: object) -> str:
    """Corpus text as HTML text or attribute value: nothing in it can become markup."""
    if text is None:
        return ""
    return html.escape(str(text), quote=True)


def code(text: str) -> str:
    """A key or any other single token as code (never wrapped)."""
    return f"<code>{esc(text)}</code>"


def code_words(text: str) -> str:
    """A command as code that may wrap only at its spaces: one <code> per word."""
    return " ".join(code(w) for w in text.split(" ") if w)


def ref_code(ref: str) -> str:
    """A statement reference, 'source/id': on a narrow screen it may break after the '/' only."""
    source, _, sid = ref.partition("/")
    return f"<code>{esc(source)}/<wbr>{esc(sid)}</code>"


def quote_html(q: Quote) -> str:
    """“text” (source/id), as in markdown."""
    return f"“{esc(q.text)}” ({ref_code(q.ref)})"


def stance_text(stance: str, words: str) -> str:
    """'+ supports 2': the stance's symbol and words (escaped)."""
    return f"{esc(SYMBOLS.get(stance, ''))} {esc(words)}"


def stance_tag(stance: str, words: str) -> str:
    """A stance as symbol, word(s) and colour (the class st-STANCE)."""
    return f'<span class="st-{esc(stance)}">{stance_text(stance, words)}</span>'


def position_tag(p: SourcePosition) -> str:
    return stance_tag(p.stance, p.describe())


def prop_id(key: str) -> str:
    return f"p-{key}"


def theme_id(key: str) -> str:
    return f"t-{key}"


def _block_keys(report: Report) -> set[str]:
    return {b.proposition.key for b in report.blocks}


def prop_link(report: Report, key: str, label: str) -> str:
    """A proposition's label, linked to its block when the report shows one."""
    if key in _block_keys(report):
        return f'<a href="#{esc(prop_id(key))}">{esc(label)}</a>'
    return esc(label)


def _text_px(text: str, per_char: float) -> float:
    """Estimated width of the longest unbreakable word of `text`."""
    return max((len(w) for w in text.split()), default=0) * per_char


def _scroll_table(table: str, hint_id: str | None = None) -> list[str]:
    """A table in a sideways-scrolling wrapper, after the hint that it scrolls (shown by the CSS only
    on screens narrower than the table)."""
    hint = [f'<p class="hint" id="{hint_id}">{SCROLL_HINT}</p>'] if hint_id else []
    return [*hint, f'<div class="scroll">{table}</div>']


def _table(cls: str, header: list[str], rows: list[str]) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in header)
    body = "".join(f"<tr>{r}</tr>\n" for r in rows)
    return f'<table class="{cls}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>'


# --- widths of the tables, for the CSS ------------------------------------------------------------


def stands_width(report: Report) -> int:
    """Estimated min-content width (px) of the stand table: the proposition column (its label's
    longest word, its key, at least 8rem) and one column per source (its key, at least 6.5rem)."""
    first = max([8 * 16.0] + [max(_text_px(p.label, _TABLE_CHAR), (len(p.key) + 2) * _CODE_CHAR) + _CELL_EXTRA
                              for p in report.propositions])
    cols = [max(6.5 * 16, len(k) * _CODE_CHAR) + _CELL_EXTRA for k in report.source_keys]
    return int(first + sum(cols) + 0.999)


def sources_width(report: Report) -> int:
    """Estimated min-content width (px) of the sources table."""
    total = 0.0
    for n, title in enumerate(SOURCE_FIELDS):
        widths = [_text_px(title, _TABLE_CHAR)]
        for s in report.sources:
            if n == 0:
                widths += [_text_px(s["name"], _TABLE_CHAR), (len(s["key"]) + 2) * _CODE_CHAR]
            else:
                widths.append(_text_px(_source_field(s, n), _TABLE_CHAR))
        total += max(widths) + _CELL_EXTRA
    return int(total + 0.999)


def table_css(report: Report) -> str:
    """This report's breakpoints: the sources table turns into cards below the wider of 40rem and
    its own width; the stand table scrolls, and says so, on screens narrower than it, and turns into
    cards below 40rem."""
    cards = max(_NARROW_PX, sources_width(report) + int(_PAGE_PADDING))
    stands = stands_width(report) + int(_PAGE_PADDING)
    return (f"@media (max-width: {cards}px) {{\n{SOURCE_CARDS}}}\n"
            f"@media (max-width: {stands}px) {{ #stands-hint {{ display: block; }} }}\n"
            f"@media (max-width: {_NARROW_PX}px) {{\n{STAND_CARDS}}}\n")


# --- sections ------------------------------------------------------------------------------------


def summary_html(report: Report) -> list[str]:
    """The findings summary: one item a kind of finding (markdown's summary_lines)."""
    items = []
    for line in report.summary:
        n = len(line.propositions)
        labels = "; ".join(prop_link(report, p.key, p.label) for p in line.propositions)
        head = summary_head(line.kind, n, esc(report.name(line.source)) if line.source else "")
        note = f" ({esc(line.note)})" if line.note else ""
        items.append(f'<li class="{esc(line.kind)}"><strong>{head}</strong>: {labels}{note}</li>')
    if not report.summary and len(report.source_keys) > 1:
        items.append("<li>No source takes a position on any proposition here.</li>")
    if not items:
        return []
    return ['<ul class="summary">', *items, "</ul>"]


def hidden_html(report: Report) -> list[str]:
    parts = hidden_parts(report)
    if not parts:
        return []
    flags = " ".join(f"--relation {r}" for r in report.relations_filter)
    return [f'<p class="hidden">Not shown ({code_words(flags)}): {esc(", ".join(parts))}.</p>']


def _source_field(s: dict[str, Any], n: int) -> str:
    return [s.get("title") or "", s.get("date") or "", s.get("kind") or "", ", ".join(s.get("authors") or []),
            s.get("published_in") or ""][n - 1]


def sources_section(report: Report) -> list[str]:
    rows = []
    for s in report.sources:
        cells = [f'<th scope="row">{esc(s["name"])} ({code(s["key"])})</th>']
        cells += [f"<td>{esc(_source_field(s, n))}</td>" for n in range(1, len(SOURCE_FIELDS))]
        rows.append("".join(cells))
    return ['<section id="sources">', "<h2>Sources</h2>",
            *_scroll_table(_table("sources", list(SOURCE_FIELDS), rows)), "</section>"]


def stands_section(report: Report) -> list[str]:
    """HOW_READ, the stand table (propositions x sources, each cell the position with counts) and
    its legend."""
    out = ['<section id="stands">', "<h2>Where each source stands</h2>", f"<p>{esc(HOW_READ)}</p>"]
    if not report.propositions:
        out += ["<p>No source takes a position on any proposition here.</p>", "</section>"]
        return out
    header = ["Proposition", *[f'<abbr title="{esc(report.name(k))}">{code(k)}</abbr>' for k in report.source_keys]]
    rows = []
    for info in report.propositions:
        cells = "".join(f'<td class="st-{esc(p.stance)}" data-s="{esc(p.source)}">'
                        f'{stance_text(p.stance, p.describe())}</td>' for p in report.matrix.row(info.key))
        rows.append(f'<th scope="row">{prop_link(report, info.key, info.label)} ({code(info.key)})</th>{cells}')
    legend = "".join(f"<li>{stance_tag(s, meaning)}</li>" for s, meaning in LEGEND)
    out += [*_scroll_table(_table("stands", header, rows), "stands-hint"),
            f'<p>Legend:</p><ul class="legend">{legend}</ul>', "</section>"]
    return out


def block_html(report: Report, block: PropositionBlock, seen: dict[str, str], level: int = 4) -> list[str]:
    """One proposition: its sentence, each source's position and its quotes, and the pairs a curator
    reviewed on it; a quote already in `seen` (its theme section) is given by reference, linked to
    the proposition it is quoted under."""
    info = block.proposition
    out = [f'<article id="{esc(prop_id(info.key))}">',
           f'<h{level}>{esc(info.label)} <span class="f">({esc(FINDING_WORDS[block.finding])})</span></h{level}>',
           f"<p>Proposition ({code(info.key)}): {esc(info.text)}</p>", '<ul class="pos">']
    for position in block.positions:
        if not position.statements and len(block.positions) > 2:
            continue
        line = f"<li><strong>{esc(report.name(position.source))}</strong>: {position_tag(position)}"
        quotes = []
        for ev in block.evidence_of(position.source):
            lead = "" if len(position.counts) == 1 else f"{stance_tag(ev.stance, ev.stance)}: "
            ref = ev.quote.ref
            if ref in seen:
                quotes.append(f'<li>{lead}<a href="#{esc(prop_id(seen[ref]))}">{ref_code(ref)}</a> (quoted above)</li>')
            else:
                seen[ref] = info.key
                quotes.append(f"<li>{lead}{quote_html(ev.quote)}</li>")
        if quotes:
            line += '\n<ul class="q">\n' + "\n".join(quotes) + "\n</ul>"
        out.append(line + "</li>")
    out.append("</ul>")
    reviewed = [p for p in block.pairs if p.reviewed]
    if reviewed:
        out += ['<ul class="pairs">', *[f"<li>{ref_code(p.a.ref)} × {ref_code(p.b.ref)}: {esc(p.relation)}, "
                                        f"{esc(score_words(p))}</li>" for p in reviewed], "</ul>"]
    out.append("</article>")
    return out


def themes_section(report: Report) -> list[str]:
    """One section per theme; a theme that is its own single proposition has one heading."""
    themes = report.themes()
    out = ['<section id="themes">', "<h2>Propositions by theme</h2>"]
    if themes:
        links = "".join(f'<li><a href="#{esc(theme_id(t.key))}">{esc(t.label)}</a></li>' for t in themes)
        out.append(f'<nav aria-label="Themes"><ol>{links}</ol></nav>')
    for theme in themes:
        out.append(f'<section class="theme" id="{esc(theme_id(theme.key))}">')
        seen: dict[str, str] = {}
        if len(theme.blocks) == 1 and theme.blocks[0].proposition.label == theme.label:
            out += block_html(report, theme.blocks[0], seen, 3)
        else:
            out.append(f"<h3>{esc(theme.label)}</h3>")
            for block in theme.blocks:
                out += block_html(report, block, seen, 4)
        out.append("</section>")
    out.append("</section>")
    return out


def related_section(report: Report) -> list[str]:
    if not report.related:
        return []
    seen: set[str] = set()

    def one(q: Quote) -> str:
        if q.ref in seen:
            return f"{ref_code(q.ref)} (quoted above)"
        seen.add(q.ref)
        return quote_html(q)

    items = []
    for p in report.related:
        items.append(f"<li><strong>{esc(p.a.source_name)}</strong> {one(p.a)} and <strong>{esc(p.b.source_name)}"
                     f"</strong> {one(p.b)}: {esc(score_words(p))}</li>")
    return ['<section id="related">', f"<h2>Related statements, not compared ({len(report.related)})</h2>",
            f"<p>{esc(RELATED_INTRO)}</p>", '<ul class="q">', *items, "</ul>", "</section>"]


def unplaced_section(report: Report) -> list[str]:
    out: list[str] = []
    for key, quotes in report.unplaced:
        out += [f'<section id="unplaced-{esc(key)}">',
                f"<h2>{esc(report.name(key))}: no position here ({len(quotes)})</h2>", f"<p>{esc(UNPLACED_INTRO)}</p>",
                '<ul class="q">', *[f"<li>{quote_html(q)}</li>" for q in quotes], "</ul>", "</section>"]
    return out


def _gap_heading(report: Report, t: GapProposition, ref: str) -> list[str]:
    heading = (f'<h4>{prop_link(report, t.key, t.label)} <span class="f">({code(t.key)}; {ref}: '
               f"{esc(t.reference_stance)})</span></h4>")
    return [heading, f"<p>Proposition: {esc(t.text)}</p>"]


def gaps_section(report: Report) -> list[str]:
    """The gaps of the reference source (markdown's gaps_lines)."""
    gaps = report.gaps
    if gaps is None:
        return []
    ref = esc(gaps.name(gaps.reference))
    c = gaps.counts
    out = ['<section id="gaps">', f"<h2>Gaps: {ref} against the other sources</h2>", f"<p>{esc(gaps.summary)}</p>",
           ("<p>A statement takes a side when it supports, opposes or takes a mixed position on a proposition; "
            "each is listed once in each list, under the first proposition that puts it there.</p>"),
           f"<h3>What the others take a side on that {ref} does not address ({c['unaddressed']})</h3>"]
    if not gaps.unaddressed:
        out.append("<p>None.</p>")
    for t in gaps.unaddressed:
        items = [f"<li><strong>{esc(i.quote.source_name)}</strong> ({esc(dict(i.sides).get(t.key, ''))}): "
                 f"{quote_html(i.quote)}</li>" for i in t.items]
        out += [*_gap_heading(report, t, ref), '<ul class="q">', *items, "</ul>"]
    out.append(f"<h3>What {ref} takes a side on that no other source shares ({c['unsupported']})</h3>")
    if not gaps.unsupported:
        out.append("<p>None.</p>")
    for t in gaps.unsupported:
        items = []
        for i in t.items:
            line = f"<li>({esc(dict(i.sides).get(t.key, ''))}) {quote_html(i.quote)}"
            if i.counterparts:
                line += "; the others on it: " + ", ".join(f"{esc(stance)} {ref_code(q.ref)}"
                                                           for q, stance in i.counterparts)
            items.append(line + "</li>")
        out += [*_gap_heading(report, t, ref), '<ul class="q">', *items, "</ul>"]
    out.append("</section>")
    return out


def methods_section(report: Report) -> list[str]:
    m = report.methods
    items = [
        esc(m["rule"]),
        f"Matcher: {esc(m['matcher'])}.",
        f"Package version: positions {esc(m['version'])}.",
        f"Corpus hash: {code(m['corpus_hash'])} (SHA-256 of the corpus files, first 12 hex digits).",
        "Each pair is machine-suggested, or reviewed by a curator in links.yaml; "
        "pairs a curator rejected are never shown.",
        f"Reproduce: {code_words(m['command'] + ' --threshold ' + format(m['threshold'], 'g'))}.",
    ]
    if m.get("date"):
        items.insert(3, f"Date: {esc(m['date'])}.")
    return ['<section id="methods">', "<h2>Methods</h2>", "<ul>", *[f"<li>{i}</li>" for i in items], "</ul>",
            "</section>"]


def _contents(report: Report) -> str:
    contents = [("sources", "Sources"), ("stands", "Where each source stands"), ("themes", "Propositions by theme")]
    if report.related:
        contents.append(("related", "Related statements"))
    contents += [(f"unplaced-{key}", f"{report.name(key)}: no position") for key, _ in report.unplaced]
    if report.gaps is not None:
        contents.append(("gaps", "Gaps"))
    contents.append(("methods", "Methods"))
    return "".join(f'<li><a href="#{esc(i)}">{esc(t)}</a></li>' for i, t in contents)


def render_report(report: Report) -> str:
    """The full briefing as one HTML5 page."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title>",
        f"<style>{STYLE}{table_css(report)}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{esc(report.title)}</h1>",
        *([f'<p class="heading"><strong>{esc(report.heading)}</strong></p>'] if report.heading else []),
        f'<p class="headline">{esc(report.headline)}</p>',
        *summary_html(report),
        *hidden_html(report),
        f'<nav aria-label="Contents"><ol>{_contents(report)}</ol></nav>',
        "</header>",
        *sources_section(report),
        *stands_section(report),
        *themes_section(report),
        *related_section(report),
        *unplaced_section(report),
        *gaps_section(report),
        *methods_section(report),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"

