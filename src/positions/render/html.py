"""A self-contained HTML page of a Report: the same briefing as render/markdown.render_report.

One file with an inline stylesheet and nothing else: no scripts, no fonts, images or links outside
the page. It reads on a phone (viewport meta, a narrow column, tables that scroll sideways) and
prints (an @media print block). The stance matrix shows each stance as a symbol, a word and a
colour, so colour is never the only signal.

Every piece of corpus text (quotes, names, titles, propositions, ...) goes through `esc`, i.e.
html.escape(quote=True), so nothing from the corpus can become markup. The output is
deterministic: no timestamps, the report's date only when it was given.
"""

from __future__ import annotations

import html

from positions.render.markdown import topic_heading
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
    TopicFinding,
    review_text,
    stance_word,
)

STANCE_LABELS = (("support", "supports:"), ("oppose", "opposes:"), ("mixed", "mixed:"), ("neutral", "neutral:"),
                 ("silent", "silent:"), ("uncurated", "not curated:"))
TOPIC_PAIR_TITLES = (("agreements", "Where they agree"), ("disagreements", "Where they disagree"),
                     ("related", "Related positions"))

STYLE = """
:root { --fg: #1b1b1b; --muted: #555; --line: #cfcfcf; --bg: #fff; --head: #f1f1f1; --accent: #1c4f8c;
  --support: #d4efd9; --oppose: #f8d3d0; --mixed: #fbe8b8; --neutral: #dde6f3; --silent: #f3f3f3; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.55rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .75rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.25rem 0 .4rem; color: var(--muted); }
p { margin: .5rem 0; }
a { color: var(--accent); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
.summary { font-size: 1.05rem; }
.muted { color: var(--muted); }
nav.toc ol { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: 1rem 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .75rem 0 1rem; max-width: 100%; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); }
table.sources td, table.sources th { min-width: 7rem; }
table.sources td:nth-child(2), table.sources td:nth-child(6) { min-width: 14rem; }
.url { display: block; color: var(--muted); font-size: .85em; overflow-wrap: anywhere; }
table.matrix th[scope="row"] { position: sticky; left: 0; z-index: 1; background: var(--bg);
  min-width: 9rem; max-width: 15rem; font-weight: normal; }
table.matrix td { white-space: nowrap; }
.st-support { background: var(--support); }
.st-oppose { background: var(--oppose); }
.st-mixed { background: var(--mixed); }
.st-neutral { background: var(--neutral); }
.st-silent { background: var(--silent); color: var(--muted); }
.st-uncurated { color: var(--muted); font-style: italic; }
.sym { display: inline-block; min-width: 1em; font-weight: 700; text-align: center; }
ul.legend { list-style: none; padding: 0; margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .4rem; }
ul.legend li { border: 1px solid var(--line); border-radius: 3px; padding: .1rem .5rem; font-size: .9rem; }
ul.quotes, ul.pairs, ul.lines { padding-left: 1.2rem; }
ul.quotes li, ul.lines li { margin: .45rem 0; }
ul.pairs { list-style: none; padding-left: 0; }
ul.pairs li { margin: .75rem 0; }
.quote { white-space: pre-line; }
.ref { overflow-wrap: anywhere; }
.ref code { color: var(--muted); }
.pair p { margin: .2rem 0; padding-left: .6rem; border-left: 3px solid var(--line); }
.pair p.score { border-left: 0; padding-left: 0; color: var(--muted); font-size: .9rem; }
section.topic { border-top: 1px solid var(--line); margin-top: 2rem; }
h2 + section.topic { border-top: 0; margin-top: 0; }
.stances { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
.stances li { border: 1px solid var(--line); border-radius: 3px; padding: .1rem .5rem; font-size: .9rem; }
@media (max-width: 30rem) {
  main { padding: .75rem .75rem 2rem; }
  h1 { font-size: 1.3rem; }
  ul.quotes, ul.lines { padding-left: 1rem; }
}
@media print {
  body { font-size: 10.5pt; line-height: 1.4; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  table.matrix th[scope="row"] { position: static; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  li, tr { break-inside: avoid; page-break-inside: avoid; }
  section.topic { break-before: auto; }
  .st-support, .st-oppose, .st-mixed, .st-neutral, .st-silent, .st-uncurated, ul.legend li, .stances li {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def esc(text: object) -> str:
    """Corpus text as HTML text or attribute value: nothing in it can become markup."""
    if text is None:
        return ""
    return html.escape(str(text), quote=True)


def _names(report: Report) -> dict[str, str]:
    return {s["key"]: s["name"] for s in report.sources}


def _section_keys(report: Report) -> list[str]:
    return [sec.topic.key for sec in report.topic_sections]


def topic_id(key: str) -> str:
    return f"topic-{key}"


def topic_link(report: Report, key: str) -> str:
    """The topic's label, linked to its section when the report has one."""
    label = esc(report.topic(key).label)
    if key not in _section_keys(report):
        return label
    return f'<a href="#{esc(topic_id(key))}">{label}</a>'


def quote_topic(report: Report, q: Quote, context: str | None = None) -> str | None:
    """The topic section a quote links to: the topic it is quoted under (`context`) when it takes
    a stance on it, else the first of its topics (in report order) that has a section; None when
    it has none (a statement without stances)."""
    mine = {t for t, _ in q.stances}
    keys = _section_keys(report)
    if context in mine and context in keys:
        return context
    return next((k for k in keys if k in mine), None)


def ref_html(report: Report, q: Quote, context: str | None = None) -> str:
    code = f"<code>{esc(q.ref)}</code>"
    key = quote_topic(report, q, context)
    if key is None:
        return f'<span class="ref">{code}</span>'
    title = esc(topic_heading(report, key))
    return f'<a class="ref" href="#{esc(topic_id(key))}" title="{title}">{code}</a>'


def quote_html(report: Report, q: Quote, context: str | None = None) -> str:
    """“text” and the quote's source/id, linked to its topic section."""
    return f'<span class="quote">“{esc(q.text)}”</span> ({ref_html(report, q, context)})'


def quote_list(report: Report, quotes: tuple[Quote, ...], context: str | None = None) -> str:
    items = "".join(f"<li><strong>{esc(q.source_name)}</strong>: {quote_html(report, q, context)}</li>\n"
                    for q in quotes)
    return f'<ul class="quotes">\n{items}</ul>'


def stance_html(stance: str) -> str:
    return f'<span class="sym" aria-hidden="true">{esc(SYMBOLS[stance])}</span> {esc(stance_word(stance))}'


def _table(header: list[str], rows: list[str], cls: str) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in header)
    body = "".join(f"<tr>{r}</tr>\n" for r in rows)
    return (f'<div class="scroll"><table class="{cls}">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}</tbody>\n</table></div>")


def sources_section(report: Report) -> list[str]:
    rows = []
    for s in report.sources:
        doc = esc(s.get("title") or "")
        if s.get("url"):  # shown as text, never as a link: the page links nowhere outside itself
            doc += f'<span class="url">{esc(s["url"])}</span>'
        cells = [f'<th scope="row">{esc(s["name"])} (<code>{esc(s["key"])}</code>)</th>', f"<td>{doc}</td>",
                 f'<td>{esc(s.get("date") or "")}</td>', f'<td>{esc(s.get("kind") or "")}</td>',
                 f'<td>{esc(", ".join(s.get("authors") or []))}</td>', f'<td>{esc(s.get("published_in") or "")}</td>']
        rows.append("".join(cells))
    header = ["Source", "Document", "Date", "Kind", "Authors or signatories", "Published in"]
    return ['<section id="sources">', "<h2>Sources</h2>", _table(header, rows, "sources"), "</section>"]


def matrix_section(report: Report) -> list[str]:
    names = _names(report)
    legend = "".join(f'<li class="st-{esc(s)}">{stance_html(s)}: {esc(meaning)}</li>' for s, meaning in LEGEND)
    out = ['<section id="matrix">', "<h2>Stance matrix</h2>", f'<ul class="legend" aria-label="Legend">{legend}</ul>']
    if not report.matrix:
        out.append("<p>No topic is touched by these sources.</p>")
    else:
        header = ["Topic", *[f'<abbr title="{esc(names[k])}"><code>{esc(k)}</code></abbr>' for k in report.source_keys]]
        rows = []
        for key, stances in report.matrix:
            cells = "".join(f'<td class="st-{esc(s)}">{stance_html(s)}</td>' for s in stances)
            rows.append(f'<th scope="row">{topic_link(report, key)}</th>{cells}')
        out.append(_table(header, rows, "matrix"))
    out.append("</section>")
    return out


def _finding(report: Report, f: TopicFinding, heading_extra: str, body: list[str], quotes: tuple[Quote, ...]) -> list[str]:
    return ['<article class="finding">', f"<h3>{topic_link(report, f.topic.key)}{heading_extra}</h3>",
            f"<p>Proposition: {esc(f.topic.proposition)}</p>", *body, quote_list(report, quotes, f.topic.key),
            "</article>"]


def consensus_section(report: Report) -> list[str]:
    names = _names(report)
    out = ['<section id="consensus">', "<h2>Consensus</h2>",
           f"<p>{CONSENSUS_INTRO}</p>"]
    if not report.consensus:
        out.append("<p>None.</p>")
    for f in report.consensus:
        side = "support" if f.supporters else "oppose"
        who = ", ".join(esc(names[k]) for k in (f.supporters or f.opponents))
        out += _finding(report, f, "", [f"<p>All who speak {side} it: {who}.</p>"], f.quotes)
    out.append("</section>")
    return out


def contested_section(report: Report) -> list[str]:
    names = _names(report)
    out = ['<section id="contested">', "<h2>Contested</h2>",
           f"<p>{CONTESTED_INTRO}</p>"]
    if not report.contested:
        out.append("<p>None.</p>")
    for f in report.contested:
        sup = ", ".join(esc(names[k]) for k in f.supporters)
        opp = ", ".join(esc(names[k]) for k in f.opponents)
        out += _finding(report, f, f' <span class="muted">(controversy {f.controversy:.2f})</span>',
                        [f"<p>Support: {sup}. Oppose: {opp}.</p>"], f.decided_quotes)
    out.append("</section>")
    return out


def _pair_item(report: Report, p: PairView, context: str) -> str:
    score = f"Score {p.score:.2f}, {esc(review_text(p))}"
    return ('<li class="pair">'
            f"<p><strong>{esc(p.a.source_name)}</strong>: {quote_html(report, p.a, context)}</p>"
            f"<p><strong>{esc(p.b.source_name)}</strong>: {quote_html(report, p.b, context)}</p>"
            f'<p class="score">{score}</p></li>')


def topics_section(report: Report) -> list[str]:
    names = _names(report)
    out = ['<section id="topics">', "<h2>Topics</h2>"]
    for sec in report.topic_sections:
        key = sec.topic.key
        stances = "".join(f'<li class="st-{esc(s)}">{esc(names[k])} {stance_html(s)}</li>' for k, s in sec.stances)
        out += [f'<section class="topic" id="{esc(topic_id(key))}">', f"<h3>{esc(topic_heading(report, key))}</h3>",
                f"<p>Proposition: {esc(sec.topic.proposition)}</p>",
                f'<ul class="stances" aria-label="Stances">{stances}</ul>']
        for attr, title in TOPIC_PAIR_TITLES:
            pairs = getattr(sec, attr)
            if pairs:
                items = "\n".join(_pair_item(report, p, key) for p in pairs)
                out += [f"<h4>{title}</h4>", f'<ul class="pairs">\n{items}\n</ul>']
        out += ["<h4>What each source says</h4>", quote_list(report, sec.quotes, key), "</section>"]
    out.append("</section>")
    return out


def unique_section(report: Report) -> list[str]:
    if not report.unique:
        return []
    names = _names(report)
    out = ['<section id="unique">', "<h2>Positions unique to one source</h2>",
           f"<p>{UNIQUE_INTRO}</p>"]
    for key, quotes in report.unique:
        out += [f"<h3>{esc(names[key])} ({len(quotes)})</h3>", quote_list(report, quotes) if quotes else "<p>None.</p>"]
    out.append("</section>")
    return out


def methods_section(report: Report) -> list[str]:
    m = report.methods
    items = [
        f"Matcher: {esc(m['matcher'])}; weights {esc(m['weights'])}; threshold {m['threshold']:g}.",
        f"Package version: positions {esc(m['version'])}.",
        f"Corpus hash: <code>{esc(m['corpus_hash'])}</code> (SHA-256 of the corpus files, first 12 hex digits).",
        ALIGNMENT_RULE,
        REVIEW_NOTE,
        f"Reproduce: <code>{esc(m['command'])} --threshold {m['threshold']:g}</code>.",
    ]
    if m.get("date"):
        items.insert(3, f"Date: {esc(m['date'])}.")
    lis = "".join(f"<li>{i}</li>\n" for i in items)
    return ['<section id="methods">', "<h2>Methods</h2>", f'<ul class="lines">\n{lis}</ul>', "</section>"]


def _gap_topic(report: Report, gaps, t, counterparts: bool) -> list[str]:
    ref = esc(gaps.name(gaps.reference))
    items = []
    for i in t.items:
        line = f"<li><strong>{esc(i.quote.source_name)}</strong>: {quote_html(report, i.quote, t.key)}"
        if counterparts and i.counterparts:
            line += "; aligned without agreement: " + ", ".join(
                f"{esc(rel)} {ref_html(report, q, t.key)}" for q, rel, _ in i.counterparts)
        items.append(line + "</li>\n")
    return [f'<h4>{topic_link(report, t.key)} <span class="muted">({len(t.items)}; {ref}: '
            f"{esc(stance_word(t.reference_stance))})</span></h4>", f'<ul class="quotes">\n{"".join(items)}</ul>']


def gaps_section(report: Report) -> list[str]:
    gaps = report.gaps
    if gaps is None:
        return []
    ref = esc(gaps.name(gaps.reference))
    c = gaps.counts
    out = ['<section id="gaps">', f"<h2>Gaps: {ref} against the other sources</h2>", f"<p>{esc(gaps.summary)}</p>",
           "<p>A statement takes a side when it supports or opposes a topic's proposition; each is listed under the "
           "first topic it takes a side on.</p>",
           f"<h3>What the others ask that {ref} does not address ({c['unaddressed']})</h3>"]
    for t in gaps.unaddressed:
        out += _gap_topic(report, gaps, t, False)
    if not gaps.unaddressed:
        out.append("<p>None.</p>")
    out.append(f"<h3>What {ref} proposes that no other source supports ({c['unsupported']})</h3>")
    for t in gaps.unsupported:
        out += _gap_topic(report, gaps, t, True)
    if not gaps.unsupported:
        out.append("<p>None.</p>")
    out.append("</section>")
    return out


def render_report(report: Report) -> str:
    """The full briefing as one HTML5 page."""
    contents = [("sources", "Sources"), ("matrix", "Stance matrix"), ("consensus", "Consensus"),
                ("contested", "Contested"), ("topics", "Topics")]
    if report.unique:
        contents.append(("unique", "Unique positions"))
    if report.gaps is not None:
        contents.append(("gaps", "Gaps"))
    contents.append(("methods", "Methods"))
    toc = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in contents)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="summary">{esc(report.summary)}</p>',
        f'<nav class="toc" aria-label="Contents"><ol>{toc}</ol></nav>',
        "</header>",
        *sources_section(report),
        *matrix_section(report),
        *consensus_section(report),
        *contested_section(report),
        *topics_section(report),
        *unique_section(report),
        *gaps_section(report),
        *methods_section(report),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
