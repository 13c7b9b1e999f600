"""The HTML report: golden file, the same content and order as the markdown report, well-formed
self-contained markup (html.parser and, when installed, `tidy -errors`), escaping of hostile corpus
text, each quote once per theme section, the stand table, narrow screens, and a real browser.

The golden file tests/fixtures/report/small.html is the report of the corpus in
tests/fixtures/report/corpus. After an intended change to the report, the HTML renderer or the
matcher, regenerate it from the repository root with

    positions --no-cache --data tests/fixtures/report/corpus report --format html -o tests/fixtures/report/small.html

and read the diff before committing it.

The Chromium test needs Debian's `chromium` (.ci/run installs it); it is skipped without it.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA
from test_render_markdown import CORPUS, FIXTURES, HOSTILE_TEXTS, md

from positions import __version__
from positions.corpus import corpus_hash, load_corpus
from positions.match import DEFAULT_THRESHOLD, Matcher, compare_sources
from positions.render.html import SCROLL_HINT, render_report, stands_width
from positions.render.markdown import render_report as render_markdown
from positions.render.markdown import summary_lines
from positions.report import LEGEND, SYMBOLS, build_report

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
IMG_ATTACK = "<img src=x onerror=alert(1)>"
OLD_SHIPPED_HTML_BYTES = 701_274  # the HTML report of the shipped corpus before the proposition model


# --- parsing ------------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def iter(self, tag: str | None = None, cls: str | None = None):
        """This element's descendants (document order) with that tag and class."""
        for c in self.elements():
            if (tag is None or c.tag == tag) and (cls is None or cls in c.classes):
                yield c
            yield from c.iter(tag, cls)

    def find(self, tag: str | None = None, cls: str | None = None, id: str | None = None) -> Node:
        for n in self.iter(tag, cls):
            if id is None or n.attrs.get("id") == id:
                return n
        raise AssertionError(f"no <{tag} class={cls} id={id}>")


class Page(HTMLParser):
    """Checks nesting as it parses; collects tags, attributes, ids, hrefs and text, and builds a
    tree (`root`) for structure checks. Text of <style> and <title> is left out of `text`."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: Counter = Counter()
        self.attrs: list[tuple[str, str, str | None]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.parts: list[str] = []
        self.doctype = None
        self.root = Node("#document", {})
        self._nodes = [self.root]
        self.feed(html)
        self.close()
        assert self.stack == [], f"unclosed: {self.stack}"
        self.text = "".join(self.parts)

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            self.attrs.append((tag, name, value))
            if name == "id":
                self.ids.append(value)
            if name == "href":
                self.hrefs.append(value)
        node = Node(tag, dict(attrs))
        self._nodes[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(tag)
            self._nodes.append(node)

    def handle_startendtag(self, tag, attrs):
        assert tag in VOID, tag
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        assert tag not in VOID, tag
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        self.stack.pop()
        self._nodes.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("style", "title"):
            return
        self.parts.append(data)
        self._nodes[-1].children.append(data)

    @property
    def headings(self) -> list[tuple[str, str]]:
        return [(n.tag, n.text) for n in self.root.iter() if re.fullmatch(r"h[1-6]", n.tag)]


def style_of(html: str) -> str:
    return html.split("<style>", 1)[1].split("</style>", 1)[0]


def assert_self_contained(html: str, page: Page) -> None:
    assert page.doctype and page.doctype.lower() == "doctype html"
    assert page.tags["script"] == 0 and page.tags["iframe"] == 0 and page.tags["object"] == 0
    assert page.tags["img"] == 0 and page.tags["link"] == 0 and page.tags["html"] == 1 and page.tags["style"] == 1
    for tag, name, value in page.attrs:
        assert not name.startswith("on"), (tag, name)
        assert name not in ("src", "srcset", "action", "formaction", "style"), (tag, name)
        if name == "href":
            assert value.startswith("#"), value
    style = style_of(html)
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1">', html)
    assert "@media print" in style and "overflow-x: auto" in style


def assert_links_resolve(page: Page) -> None:
    ids = Counter(page.ids)
    assert all(n == 1 for n in ids.values()), ids
    for href in page.hrefs:
        assert href[1:] in ids, href


def expected_places(report) -> Counter:
    """How many times the HTML report quotes each statement in full (by ref): once per theme section
    it answers a proposition of, once among the related statements, once among those with no
    position, once in each gaps list it is in."""
    places: Counter = Counter()
    for theme in report.themes():
        places.update({e.quote.ref for b in theme.blocks for e in b.evidence})
    places.update({q.ref for p in report.related for q in (p.a, p.b)})
    places.update({q.ref for _, quotes in report.unplaced for q in quotes})
    if report.gaps is not None:
        places.update(i.quote.ref for t in (*report.gaps.unaddressed, *report.gaps.unsupported) for i in t.items)
    return places


def assert_quotes_round_trip(corpus, text: str, places: Counter) -> None:
    """Each statement comes back from the page's text verbatim, as “text” (source/id), as often as
    `places` says."""
    for source in corpus.sources:
        for st in source.data.statements:
            ref = f"{source.key}/{st.id}"
            assert text.count(f"“{st.text}” ({ref})") == places[ref], ref


def build(root, keys=None, threshold=DEFAULT_THRESHOLD, date=None, against=None):
    corpus = load_corpus(root)
    keys = keys or corpus.source_keys
    comparison = compare_sources(Matcher(corpus, use_cache=False), keys, threshold)
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__, date=date,
                        against=against)


def tidy_errors(html: str) -> str | None:
    """`tidy -errors`'s complaints about the page ('' when none), None when tidy is not installed."""
    tidy = shutil.which("tidy")
    if tidy is None:
        return None
    result = subprocess.run([tidy, "-errors", "-quiet", "-utf8"], input=html.encode("utf-8"), capture_output=True,
                            timeout=60, check=False)
    return result.stderr.decode("utf-8") + ("" if result.returncode == 0 else f"(exit status {result.returncode})")


# --- corpora ------------------------------------------------------------------------------------

HOSTILE_QUOTE = 'Keep it <script>alert("x")</script> public & paused: "now" or \'never\' </li></ul>'

THEMED_TOPICS = [
    {"key": "ownership", "label": "Ownership", "propositions": [
        {"key": "core-public", "label": "Core public", "text": "Core probation work should be publicly owned."},
        {"key": "pause", "label": "Pause", "text": "The re-procurement should be paused."}]},
    {"key": "unpaid-work", "label": "Unpaid work", "proposition": "Unpaid work should benefit communities."},
    {"key": "courts", "label": "Courts", "propositions": [
        {"key": "psr", "label": "Full reports", "text": "Courts should get full pre-sentence reports."}]},
]

THEMED_SOURCES = {
    "alpha": {"name": "Alpha Union", "date": "2019", "statements": [
        {"id": "public-and-pause", "text": HOSTILE_QUOTE, "stances": {"core-public": "support", "pause": "support"}},
        {"id": "upw-and-reports", "text": "Unpaid work should visibly benefit communities, and courts need full reports.",
         "stances": {"unpaid-work": "support", "psr": "support"}},
        {"id": "caseloads", "text": "Probation officers need smaller caseloads and more time with each person."},
        {"id": "tea", "text": "Tea and biscuits for the staff room."},
    ]},
    "beta": {"name": "Beta Ministry", "statements": [
        {"id": "market", "text": "We will keep a mixed market of providers.", "stances": {"core-public": "oppose"}},
        {"id": "some-public", "text": "Some core work will stay public, and the timetable may move.",
         "stances": {"core-public": "support", "pause": "mixed"}},
        {"id": "upw", "text": "Community payback should benefit local communities.", "stances": {"unpaid-work": "support"}},
        {"id": "caseloads", "text": "Probation officers need smaller caseloads and more time with each person, we agree."},
    ]},
    "gamma": {"name": "Gamma Trust", "silent_on": ["psr"], "statements": [
        {"id": "pause", "text": "Pause the re-procurement now.", "stances": {"pause": "support"}},
    ]},
}


@pytest.fixture
def themed(make_corpus):
    """Three sources on two themes of propositions and an older topic: a statement on two
    propositions of one theme (and hostile), one on propositions of two themes, a source split on a
    proposition, a silence, a related pair, statements with no position."""
    return make_corpus(THEMED_SOURCES, THEMED_TOPICS)


@pytest.fixture
def hostile_corpus(make_corpus):
    topics = [{"key": "upw", "label": 'Unpaid "work" onmouseover=alert(1) <b>x</b>',
               "proposition": "UPW <i>should</i> & \"heal\" 'all'."},
              {"key": "pay", "label": "Pay", "proposition": "Pay should rise."}]
    texts = [IMG_ATTACK, *HOSTILE_TEXTS, "Quotes \" and ' and \"><script>alert(2)</script>", HOSTILE_QUOTE]
    hostile = [{"id": f"h{i}", "text": t, "stances": {"upw": "support"}} for i, t in enumerate(texts)]
    sources = {
        "evil": {"name": 'Evil "Org" <img src=x onerror=alert(3)> & co', "title": "</td></tr></table><script>",
                 "url": "javascript:alert(4)", "authors": ["A&B", "<C>"], "published_in": "<!-- x -->",
                 "kind": "<b>kind</b>", "statements": hostile},
        "plain": {"name": "Plain Org", "statements": [
            {"id": "upw", "text": "Unpaid work should help people heal and find work.", "stances": {"upw": "oppose"}},
            {"id": "pay", "text": "Pay should rise with inflation.", "stances": {"pay": "support"}},
        ]},
    }
    return make_corpus(sources, topics), texts


# --- golden file ----------------------------------------------------------------------------------


def test_golden_small_html(invoke):
    result = invoke("--no-cache", "--data", CORPUS, "report", "--format", "html")
    assert result.exit_code == 0, result.output
    expected = (FIXTURES / "small.html").read_bytes().decode("utf-8")
    assert result.stdout == expected
    assert render_report(build(CORPUS)) == expected


def test_cli_writes_html(invoke, tmp_path):
    out = tmp_path / "report.html"
    result = invoke("--no-cache", "--data", CORPUS, "report", "--format", "html", "--output", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (FIXTURES / "small.html").read_text(encoding="utf-8")


# --- the same report as markdown ----------------------------------------------------------------


@pytest.mark.parametrize("against", [None, "alpha"])
def test_same_sections_in_the_same_order_as_markdown(themed, against):
    report = build(themed, against=against)
    assert report.related and report.unplaced and (against is None or report.gaps is not None)
    page = Page(render_report(report))
    markdown = Page(md().render(render_markdown(report)))
    assert page.headings == markdown.headings
    h2 = [t for tag, t in page.headings if tag == "h2"]
    assert h2[:3] == ["Sources", "Where each source stands", "Propositions by theme"] and h2[-1] == "Methods"
    assert ("Gaps: Alpha Union against the other sources" in h2) == (against is not None)
    # each top-level section once, in that order, and the contents list links to each
    main = page.root.find("main")
    sections = [n.attrs["id"] for n in main.elements() if n.tag == "section"]
    expected = ["sources", "stands", "themes", "related", *[f"unplaced-{k}" for k, _ in report.unplaced],
                *(["gaps"] if against else []), "methods"]
    assert sections == expected
    assert [a.attrs["href"] for a in main.find("nav").iter("a")] == [f"#{s}" for s in expected]


def test_summary_lines_come_first(themed):
    report = build(themed)
    page = Page(render_report(report))
    header = page.root.find("main").elements()[0]
    assert header.tag == "header"
    assert [(n.tag, n.classes) for n in header.elements()][:4] == [
        ("h1", []), ("p", ["heading"]), ("p", ["headline"]), ("ul", ["summary"])]
    assert header.elements()[2].text == report.headline
    items = [li.text for li in header.find("ul", "summary").iter("li")]
    expected = [li.text for li in Page(md().render("\n".join(summary_lines(report)))).root.iter("li")]
    assert items == expected and len(items) == len(report.summary) >= 3
    assert items[0].startswith("Disagree on ") and any(i.startswith("Only Alpha Union takes a position on 1") for i in items)
    # the summary's propositions link to their blocks
    for li, line in zip(header.find("ul", "summary").iter("li"), report.summary):
        assert [a.attrs["href"] for a in li.iter("a")] == [f"#p-{p.key}" for p in line.propositions]


# --- the stand table ----------------------------------------------------------------------------


def test_stand_table_one_row_per_proposition_one_column_per_source(themed):
    report = build(themed)
    html = render_report(report)
    table = Page(html).root.find("table", "stands")
    head = [th.text for th in table.find("thead").iter("th")]
    assert head == ["Proposition", *report.source_keys]
    assert [a.attrs["title"] for a in table.find("thead").iter("abbr")] == [report.name(k) for k in report.source_keys]
    rows = list(table.find("tbody").iter("tr"))
    assert len(rows) == len(report.propositions) == 4
    seen_stances = set()
    for tr, info in zip(rows, report.propositions):
        th, *cells = tr.elements()
        assert th.tag == "th" and th.attrs["scope"] == "row" and th.text == f"{info.label} ({info.key})"
        assert th.find("a").attrs["href"] == f"#p-{info.key}"
        assert len(cells) == len(report.source_keys)
        for td, position, key in zip(cells, report.matrix.row(info.key), report.source_keys):
            # symbol, word(s) and colour: never colour alone
            assert td.attrs["class"] == f"st-{position.stance}" and td.attrs["data-s"] == key
            assert td.text == f"{SYMBOLS[position.stance]} {position.describe()}"
            seen_stances.add(position.stance)
    assert {"support", "split", "silent", "uncurated"} <= seen_stances
    assert next(tr for tr in rows if "core-public" in tr.text).elements()[2].text == "◐ supports 1, opposes 1"
    # the legend explains every symbol, with its colour
    legend = [(span.attrs["class"], span.text) for span in Page(html).root.find("ul", "legend").iter("span")]
    assert legend == [(f"st-{s}", f"{SYMBOLS[s]} {meaning}") for s, meaning in LEGEND]
    style = style_of(html)
    for stance in ("support", "oppose", "mixed", "neutral", "split", "silent", "uncurated"):
        assert f".st-{stance} {{" in style


def test_tables_scroll_sideways_and_say_so(themed, make_corpus):
    html = render_report(build(themed))
    page = Page(html)
    for table in page.root.iter("table"):  # every table in a sideways-scrolling wrapper
        wrapper = next(d for d in page.root.iter("div", "scroll") if any(c is table for c in d.elements()))
        assert len(wrapper.elements()) == 1
    section = page.root.find("section", id="stands").elements()
    hint = next(n for n in section if n.attrs.get("id") == "stands-hint")
    assert hint.text == SCROLL_HINT and section[section.index(hint) + 1].classes == ["scroll"]
    style = style_of(html)
    assert re.search(r"\.scroll \{ overflow-x: auto;", style) and re.search(r"\.hint \{ display: none;", style)
    # the hint shows on screens narrower than the table (and not on phones, where it is cards)
    breakpoint = int(re.search(r"@media \(max-width: (\d+)px\) \{ #stands-hint \{ display: block; \} \}", style)[1])
    assert breakpoint >= stands_width(build(themed)) > 390
    assert re.search(r"@media \(max-width: 640px\) \{\n  table\.stands, [^}]*\{ display: block; \}", style)
    assert "#stands-hint { display: none; }" in style.split("@media (max-width: 640px)")[-1]
    # more sources, a wider table: the hint shows on wider screens
    many = {f"source-with-a-long-key-{n}": {"name": f"S{n}", "statements": [
        {"id": "s", "text": f"Statement {n}.", "stances": {"unpaid-work": "support"}}]} for n in range(8)}
    wide = render_report(build(make_corpus(many, THEMED_TOPICS)))
    wide_breakpoint = int(re.search(r"\(max-width: (\d+)px\) \{ #stands-hint", wide)[1])
    assert wide_breakpoint > 1280 and wide_breakpoint > breakpoint


def test_codes_never_break_inside_a_word(themed):
    html = render_report(build(themed))
    assert re.search(r"\ncode \{[^}]*white-space: nowrap;[^}]*\}", style_of(html))
    assert "overflow-wrap: anywhere" not in html and "word-break: break-all" not in html
    page = Page(html)
    codes = list(page.root.iter("code"))
    assert codes
    for c in codes:
        assert " " not in c.text and c.text  # one token each: a command is one <code> a word
        breaks = [n for n in c.children if isinstance(n, Node)]
        if breaks:  # a statement ref may break after its "/" only
            assert [b.tag for b in breaks] == ["wbr"] and c.children[0].endswith("/") and c.text.count("/") == 1
    reproduce = next(li for li in page.root.find("section", id="methods").iter("li") if li.text.startswith("Reproduce"))
    assert reproduce.text == "Reproduce: positions report alpha beta gamma --threshold 0.5."


# --- quotes -------------------------------------------------------------------------------------


def test_each_quote_once_per_theme_section(themed):
    report = build(themed)
    page = Page(render_report(report))
    themes = list(page.root.find("section", id="themes").iter("section", "theme"))
    assert [t.attrs["id"] for t in themes] == [f"t-{t.key}" for t in report.themes()]
    twice_in_a_theme = 0
    for section, theme in zip(themes, report.themes()):
        quoted: Counter = Counter()
        quoted_in: dict[str, str] = {}
        for article, block in zip(section.iter("article"), theme.blocks):
            assert article.attrs["id"] == f"p-{block.proposition.key}"
            shown = []
            for li in (li for ul in article.iter("ul", "q") for li in ul.elements()):
                if "“" in li.text:
                    ref = re.search(r"\(([a-z0-9-]+/[a-z0-9-]+)\)$", li.text)[1]
                    quoted[ref] += 1
                    quoted_in[ref] = article.attrs["id"]
                    shown.append(ref)
                elif li.text.endswith(" (quoted above)"):
                    link = li.find("a")
                    ref = link.text
                    assert link.attrs["href"] == f"#{quoted_in[ref]}"  # where it is quoted, above in this theme
                    shown.append(ref)
                    twice_in_a_theme += 1
            assert sorted(shown) == sorted(e.quote.ref for e in block.evidence)
        assert quoted and all(n == 1 for n in quoted.values()), quoted
    assert twice_in_a_theme == 2  # alpha/public-and-pause and beta/some-public, on both ownership propositions
    # a statement on propositions of two themes is quoted in both
    assert expected_places(report)["alpha/upw-and-reports"] == 2
    assert_quotes_round_trip(load_corpus(themed), page.text, expected_places(report))


def test_split_positions_lead_each_quote_with_its_stance(themed):
    page = Page(render_report(build(themed)))
    article = page.root.find("article", id="p-core-public")
    beta = next(li for li in article.find("ul", "pos").elements() if li.text.startswith("Beta Ministry"))
    assert beta.find("span").attrs["class"] == "st-split" and beta.find("span").text == "◐ supports 1, opposes 1"
    leads = [(li.find("span").attrs["class"], li.find("span").text) for li in beta.find("ul", "q").iter("li")]
    assert sorted(leads) == [("st-oppose", "− oppose"), ("st-support", "+ support")]


def test_every_statement_appears(themed):
    report = build(themed)
    page = Page(render_report(report))
    corpus = load_corpus(themed)
    places = expected_places(report)
    assert all(places[r.ref] >= 1 for r in corpus.statements())
    assert_quotes_round_trip(corpus, page.text, places)
    related = page.root.find("section", id="related")
    assert "alpha/caseloads" in related.text and "beta/caseloads" in related.text and "text similarity" in related.text


def test_gaps(themed):
    report = build(themed, against="alpha")
    page = Page(render_report(report))
    gaps = page.root.find("section", id="gaps")
    assert gaps.find("h2").text == "Gaps: Alpha Union against the other sources"
    assert report.gaps.summary in gaps.text
    assert_quotes_round_trip(load_corpus(themed), page.text, expected_places(report))
    assert_links_resolve(page)


# --- hostile corpus text --------------------------------------------------------------------------


def test_hostile_text_is_only_ever_text(hostile_corpus):
    root, texts = hostile_corpus
    report = build(root, date="<script>alert(5)</script>")
    html = render_report(report)
    page = Page(html)
    assert_self_contained(html, page)
    assert_links_resolve(page)
    assert "<img" not in html and "<script" not in html and "<!--" not in html and "<i>" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 1
    assert "Keep it &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; public &amp; paused: &quot;now&quot; or " \
           "&#x27;never&#x27; &lt;/li&gt;&lt;/ul&gt;" in html
    assert_quotes_round_trip(load_corpus(root), page.text, expected_places(report))
    for t in texts:
        assert f"“{t}”" in page.text
    for s in ('Evil "Org" <img src=x onerror=alert(3)> & co', "</td></tr></table><script>", "A&B, <C>",
              "<!-- x -->", "<b>kind</b>", "UPW <i>should</i> & \"heal\" 'all'.",
              'Unpaid "work" onmouseover=alert(1) <b>x</b>', "Date: <script>alert(5)</script>."):
        assert s in page.text, s
    # names inside attributes stay inside their attribute
    assert 'Evil "Org" <img src=x onerror=alert(3)> & co' in [v for _, n, v in page.attrs if n == "title"]
    assert "javascript:" not in html  # the page shows no url, let alone links to one
    assert tidy_errors(html) in (None, "")


# --- well-formed, self-contained, deterministic ----------------------------------------------------


@pytest.mark.parametrize("which", ["fixture", "themed", "against", "empty"])
def test_valid_html(which, themed, make_corpus):
    root = {"fixture": CORPUS, "themed": themed, "against": themed,
            "empty": make_corpus({"a": {"name": "A", "statements": []}}, THEMED_TOPICS)}[which]
    html = render_report(build(root, against="alpha" if which == "against" else None))
    page = Page(html)
    assert_self_contained(html, page)
    assert_links_resolve(page)
    assert page.tags["h1"] == 1 and f"<title>{page.root.find('h1').text}</title>" in html
    errors = tidy_errors(html)
    assert errors in (None, ""), errors


def test_deterministic_and_dated_only_when_asked(themed):
    assert render_report(build(themed)) == render_report(build(themed))
    assert "Date:" not in render_report(build(themed))  # not even in the stylesheet
    assert "<li>Date: 2024-05-01.</li>" in render_report(build(themed, date="2024-05-01"))


# --- the shipped corpus ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_html() -> str:
    return render_report(build(SHIPPED_DATA))


def test_shipped_corpus_report(shipped_html):
    """Every statement of the compared sources appears; the page is small (the old one was 701 kB
    for a smaller corpus) and valid."""
    page = Page(shipped_html)
    corpus = load_corpus(SHIPPED_DATA)
    missing = [r.ref for r in corpus.statements() if r.ref not in page.text]
    assert not missing
    assert_self_contained(shipped_html, page)
    assert_links_resolve(page)
    size = len(shipped_html.encode("utf-8"))
    assert size <= 2 * len(render_markdown(build(SHIPPED_DATA)).encode("utf-8"))  # markup costs at most as much as the text
    assert size <= OLD_SHIPPED_HTML_BYTES // 3
    errors = tidy_errors(shipped_html)
    assert errors in (None, ""), errors


# --- a real browser -------------------------------------------------------------------------------

# Layout facts of a report in an iframe `width` pixels wide (the iframe is the viewport its media
# queries see). A test-only page computes them with a script and writes them as JSON into
# <pre id="facts">, which `chromium --dump-dom` prints; the report itself has no script.
LAYOUT_SCRIPT = r"""
function breaksOf(code) {
  // where the rendered lines of a <code> break: the text before each break
  const doc = code.ownerDocument, walker = doc.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  let before = '', top = null, node; const breaks = [];
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.length; i++) {
      const range = doc.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const r = range.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) { before += node.data[i]; continue; }
      if (top !== null && Math.abs(r.top - top) > 2) breaks.push(before);
      top = r.top; before += node.data[i];
    }
  }
  return breaks;
}
function factsOf(win) {
  const d = win.document, W = win.innerWidth;
  const out = {width: W, clientWidth: d.documentElement.clientWidth, scrollWidth: d.documentElement.scrollWidth,
               outside: [], tables: [], badBreaks: [], codes: 0, colours: {}};
  for (const el of d.body.querySelectorAll('*')) {
    if (el.parentElement.closest('.scroll')) continue;  // inside a sideways-scrolling wrapper
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > W + 1 || r.left < -1)) out.outside.push(el.tagName + ': ' + el.textContent.slice(0, 80));
  }
  for (const t of d.querySelectorAll('table')) {
    const wrap = t.parentElement.classList.contains('scroll') ? t.parentElement : null;
    const prev = wrap && wrap.previousElementSibling;
    const hint = prev && prev.classList.contains('hint') ? prev : null;
    const info = {cls: t.className, wrapped: !!wrap, display: win.getComputedStyle(t).display,
                  overflows: !!wrap && wrap.scrollWidth > wrap.clientWidth + 1,
                  hint: !!hint && hint.getBoundingClientRect().height > 0 && hint.textContent,
                  cells: 0, cellsOutside: 0, blank: []};
    for (const c of t.querySelectorAll('th, td')) {
      const r = c.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;  // not shown
      info.cells++;
      const after = win.getComputedStyle(c, '::after').content;
      if (!c.textContent.trim() && (after === 'none' || after === 'normal')) info.blank.push(c.outerHTML.slice(0, 80));
      if (r.right > W + 1) info.cellsOutside++;
    }
    if (info.overflows) {  // scrolled to its end, the first column stays and the last is in view
      const th = t.querySelector('tbody th'), lastCell = t.querySelector('tbody tr').lastElementChild;
      wrap.scrollLeft = wrap.scrollWidth;
      const w = wrap.getBoundingClientRect();
      info.stickyOffset = Math.round(th.getBoundingClientRect().left - w.left);
      info.lastInView = lastCell.getBoundingClientRect().right <= w.right + 1;
      wrap.scrollLeft = 0;
    }
    out.tables.push(info);
  }
  for (const code of d.querySelectorAll('code')) {
    out.codes++;
    for (const before of breaksOf(code)) {
      if (!before.endsWith('/')) out.badBreaks.push(code.textContent + ' after ' + JSON.stringify(before));
    }
  }
  for (const s of ['support', 'oppose', 'mixed', 'split', 'silent', 'neutral']) {
    const cell = d.querySelector('td.st-' + s);
    if (cell) out.colours[s] = win.getComputedStyle(cell).backgroundColor;
  }
  return out;
}
window.addEventListener('load', () => {
  const all = {};
  try {
    for (const f of document.querySelectorAll('iframe')) all[f.id] = factsOf(f.contentWindow);
  } catch (e) { all.error = String(e) + ' ' + e.stack; }
  document.getElementById('facts').textContent = JSON.stringify(all);
});
"""

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


def chromium_run(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"  # a new, empty one each run
    profile.mkdir()
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                            timeout=180, check=False)
    return result


def layout_facts(chromium: str, tmp_path: Path, pages: dict[str, tuple[str, int]]) -> dict:
    """{frame id: facts} of each (html, width) in `pages`."""
    frames = "\n".join(f'<iframe id="{name}" width="{width}" height="1500" style="border:0;display:block" '
                       f'srcdoc="{htmllib.escape(html, quote=True)}"></iframe>' for name, (html, width) in pages.items())
    harness = tmp_path / "harness.html"
    harness.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0}}</style></head><body>'
                       f'{frames}<pre id="facts"></pre><script>{LAYOUT_SCRIPT}</script></body></html>',
                       encoding="utf-8")
    result = chromium_run(chromium, tmp_path, "--virtual-time-budget=60000", "--dump-dom", harness.as_uri())
    dom = result.stdout.decode("utf-8")
    found = re.search(r'<pre id="facts">(.*?)</pre>', dom, re.DOTALL)
    assert found and found[1], (result.returncode, result.stderr.decode("utf-8", "replace")[-2000:])
    facts = json.loads(htmllib.unescape(found[1]))
    assert "error" not in facts, facts["error"]
    return facts


def png_pixels(data: bytes) -> tuple[int, int, list[bytes], int]:
    """(width, height, rows of pixels, bytes a pixel) of an 8-bit, non-interlaced RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], None
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    assert header is not None
    w, h, depth, ctype, _, _, interlace = header
    assert depth == 8 and ctype in (2, 6) and interlace == 0, header
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride, prev, rows = w * bpp, bytearray(w * bpp), []
    for y in range(h):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp


def assert_screenshot(chromium: str, tmp_path: Path, page: Path, width: int, height: int) -> None:
    shot = tmp_path / f"shot-{width}.png"
    result = chromium_run(chromium, tmp_path, f"--window-size={width},{height}", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), result.stderr.decode("utf-8", "replace")[-2000:]
    w, h, rows, bpp = png_pixels(shot.read_bytes())
    assert (w, h) == (width, height)
    pixels = Counter(row[i:i + 3] for row in rows[::3] for i in range(0, len(row), bpp * 3))
    background, n = pixels.most_common(1)[0]
    assert background == b"\xff\xff\xff"  # white page
    assert len(pixels) > 30 and n < 0.97 * sum(pixels.values())  # text, not a blank page


def test_chromium_renders_the_report(tmp_path, shipped_html, make_corpus):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium not installed (Debian package chromium; .ci/run installs it)")
    many = {f"source-number-{n}": {"name": f"Source {n}", "statements": [
        {"id": "s", "text": f"Unpaid work helps, says source {n}.", "stances": {"unpaid-work": "support"}},
        {"id": "t", "text": f"Pause it all, says source {n}.", "stances": {"pause": ["oppose", "support", "mixed"][n % 3]}}]}
        for n in range(11)}
    wide_html = render_report(build(make_corpus(many, THEMED_TOPICS)))
    facts = layout_facts(chromium, tmp_path, {
        "phone": (shipped_html, 390), "desktop": (shipped_html, 1280),
        "wide-phone": (wide_html, 390), "wide-desktop": (wide_html, 1280)})
    for name, f in facts.items():
        where = f"{name}: {f}"
        assert f["width"] == f["clientWidth"] == {"phone": 390, "wide-phone": 390}.get(name, 1280), where
        # the page itself never scrolls sideways: only a table inside its wrapper may
        assert f["scrollWidth"] <= f["width"] and f["outside"] == [], where
        assert f["codes"] > 0 and f["badBreaks"] == [], where  # keys and refs break after a "/" only
        for t in f["tables"]:
            assert t["wrapped"] and t["cells"] > 0 and t["blank"] == [], (name, t)
            if t["overflows"]:  # it says so, keeps the proposition in view, and scrolls to its last column
                assert t["hint"] == SCROLL_HINT and abs(t["stickyOffset"]) <= 1 and t["lastInView"], (name, t)
            else:  # nothing off screen
                assert t["cellsOutside"] == 0 and not t["hint"], (name, t)
        colours = f["colours"]
        assert len({colours["support"], colours["oppose"], colours["mixed"], colours.get("split")} - {None}) >= 3
        assert "rgba(0, 0, 0, 0)" not in colours.values(), colours
    # phones: both tables are cards, nothing scrolls; desktop: tables; the wide stand table scrolls there
    for name in ("phone", "wide-phone"):
        assert [(t["cls"], t["display"], t["overflows"]) for t in facts[name]["tables"]] == [
            ("sources", "block", False), ("stands", "block", False)]
    assert [(t["cls"], t["display"], t["overflows"]) for t in facts["desktop"]["tables"]] == [
        ("sources", "table", False), ("stands", "table", False)]
    assert [(t["cls"], t["overflows"]) for t in facts["wide-desktop"]["tables"]] == [
        ("sources", False), ("stands", True)]
    # screenshots: a phone and a desktop, each showing the page (not blank, not one colour)
    page = tmp_path / "report.html"
    page.write_text(shipped_html, encoding="utf-8")
    assert_screenshot(chromium, tmp_path, page, 390, 2000)
    assert_screenshot(chromium, tmp_path, page, 1280, 1200)
