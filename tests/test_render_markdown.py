"""The markdown views: golden file, GFM tables, quotes that round-trip, hostile corpus text.

The golden file tests/fixtures/report/small.md is the report of the corpus in
tests/fixtures/report/corpus. After an intended change to the report, the markdown renderer or the
matcher, regenerate it from the repository root with

    positions --no-cache --data tests/fixtures/report/corpus report --format markdown -o tests/fixtures/report/small.md

and read the diff before committing it.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from positions import __version__
from positions.corpus import corpus_hash, load_corpus
from positions.match import DEFAULT_THRESHOLD, Matcher, compare_sources
from positions.render.markdown import render_compare, render_report
from positions.report import build_report

MarkdownIt = pytest.importorskip("markdown_it").MarkdownIt

FIXTURES = Path(__file__).parent / "fixtures" / "report"
CORPUS = FIXTURES / "corpus"

HOSTILE_TEXTS = [
    "Pipes | in | a cell, and a trailing pipe |",
    "Line one\nline two\n\nand a paragraph",
    "*stars* and **double** and _under_ and __dunder__ and snake_case_name",
    "Back`tick`s and ```fences``` and a lone `",
    "<script>alert(1)</script> and <img src=x onerror=alert(1)>",
    "[link](x) and ![image](y) and <http://example.com> and [ref][1]",
    "&amp; &lt; &#42; &copy entities stay as typed",
    "# not a heading",
    "- not a list item",
    "> not a blockquote",
    "\\backslash\\ and a trailing backslash \\",
    "~~strike~~ and <b>bold</b> and <!-- comment -->",
]


def md():
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def report_of(root, keys=None, threshold=DEFAULT_THRESHOLD, date=None, command="report"):
    corpus = load_corpus(root)
    keys = keys or corpus.source_keys
    comparison = compare_sources(Matcher(corpus, use_cache=False), keys, threshold)
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__, date=date,
                        command=command)


class Doc(HTMLParser):
    """Tags, text, link targets, code spans and heading texts of rendered HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self.codes: list[str] = []
        self.headings: list[str] = []
        self._code: list[str] | None = None
        self._heading: list[str] | None = None
        self.feed(html)
        self.close()
        self.text = "".join(self.parts)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))
        if tag == "code":
            self._code = []
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data):
        self.parts.append(data)
        if self._code is not None:
            self._code.append(data)
        if self._heading is not None:
            self._heading.append(data)


def split_row(line: str) -> list[str]:
    """The cells of a GFM table line, honouring backslash escapes."""
    cells, cur, i = [], "", 0
    body = line.strip()
    assert body.startswith("|") and body.endswith("|") and not body.endswith("\\|"), line
    body = body[1:-1]
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            cur += body[i:i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    cells.append(cur)
    return cells


def check_tables(text: str) -> int:
    """Every table line has the header's cell count, and markdown-it sees every body row."""
    lines = text.split("\n")
    tables, i = [], 0
    while i < len(lines):
        if lines[i].startswith("|"):
            start = i
            while i < len(lines) and lines[i].startswith("|"):
                i += 1
            tables.append(lines[start:i])
        else:
            i += 1
    for block in tables:
        width = len(split_row(block[0]))
        assert re.fullmatch(r"\|( --- \|)+", block[1]) and len(split_row(block[1])) == width
        for line in block[2:]:
            assert len(split_row(line)) == width, line
    tokens = md().parse(text)
    assert sum(t.type == "table_open" for t in tokens) == len(tables)
    body_rows = sum(t.type == "tr_open" for t in tokens) - len(tables)
    assert body_rows == sum(len(b) - 2 for b in tables)
    return len(tables)


def expected_places(report) -> Counter:
    """How many times render_report quotes each statement in full (by ref): once per theme section it
    answers a proposition of, once among the related statements, once among those with no position."""
    places: Counter = Counter()
    for theme in report.themes():
        places.update({e.quote.ref for b in theme.blocks for e in b.evidence})
    places.update({q.ref for p in report.related for q in (p.a, p.b)})
    places.update({q.ref for _, quotes in report.unplaced for q in quotes})
    return places


def compare_places(report) -> Counter:
    """render_compare quotes each statement in full once at most."""
    refs = {e.quote.ref for b in report.blocks for e in b.evidence} | {q.ref for p in report.related for q in (p.a, p.b)}
    refs |= {q.ref for _, quotes in report.unplaced for q in quotes}
    return Counter(refs)


def assert_quotes_round_trip(corpus, text: str, places: Counter) -> None:
    for source in corpus.sources:
        for st in source.data.statements:
            ref = f"{source.key}/{st.id}"
            flat = " ".join(st.text.split())
            assert text.count(f"“{flat}” ({ref})") == places[ref], ref


# --- golden file ------------------------------------------------------------------------------


def test_golden_small_report(invoke):
    result = invoke("--no-cache", "--data", CORPUS, "report", "--format", "markdown")
    assert result.exit_code == 0, result.output
    expected = (FIXTURES / "small.md").read_bytes().decode("utf-8")
    assert result.stdout == expected
    assert render_report(report_of(CORPUS)) == expected


# --- structure and round trips of the fixture report --------------------------------------------


def test_fixture_report_structure():
    report = report_of(CORPUS)
    text = render_report(report)
    assert check_tables(text) == 2  # sources and the stand table
    doc = Doc(md().render(text))
    corpus = load_corpus(CORPUS)
    assert_quotes_round_trip(corpus, doc.text, expected_places(report))
    # every statement of the corpus is in the report at least once
    assert all(expected_places(report)[f"{s.key}/{st.id}"] >= 1 for s in corpus.sources for st in s.data.statements)
    assert doc.tags["script"] == 0 and doc.tags["em"] == 0 and doc.tags["a"] == 0
    h2 = [h for h in doc.headings if h in ("Sources", "Where each source stands", "Propositions by theme", "Methods")]
    assert h2 == ["Sources", "Where each source stands", "Propositions by theme", "Methods"]
    # the summary comes before everything else
    assert text.index("- **") < text.index("## Sources")


def test_compare_markdown_via_cli(invoke):
    result = invoke("--no-cache", "--data", CORPUS, "compare", "charity", "ministry", "unions",
                    "--format", "markdown", "--threshold", "0.3", "--explain")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert check_tables(text) == 1  # three sources: the stand table
    doc = Doc(md().render(text))
    assert doc.tags["a"] == 0
    report = report_of(CORPUS, threshold=0.3, command="compare")
    assert_quotes_round_trip(load_corpus(CORPUS), doc.text, compare_places(report))
    assert text == render_compare(report, explain=True)


# --- hostile corpus text ------------------------------------------------------------------------


@pytest.fixture
def hostile_corpus(make_corpus):
    topics = [{"key": "upw", "label": "Unpaid *work* | <b>UPW</b>", "proposition": "UPW `should` [help](x) & <i>heal</i>."},
              {"key": "pay", "label": "Pay", "proposition": "Pay should rise."}]
    hostile = [{"id": f"h{i}", "text": text, "stances": {"upw": "support"}} for i, text in enumerate(HOSTILE_TEXTS)]
    sources = {
        "evil": {"name": "Evil | <b>Org</b> *one* & `two`", "title": "Doc [x](y) _z_", "authors": ["A|B", "<C>"],
                 "published_in": "<script>x</script>", "statements": hostile},
        "plain": {"name": "Plain Org", "statements": [
            {"id": "upw", "text": "Unpaid work should help people heal and find work.", "stances": {"upw": "oppose"}},
            {"id": "pay", "text": "Pay should rise with inflation.", "stances": {"pay": "support"}},
        ]},
    }
    return make_corpus(sources, topics)


def _assert_no_markup_from_corpus(doc: Doc) -> None:
    for tag in ("script", "img", "em", "b", "i", "del", "s", "blockquote", "h1x", "hr", "pre"):
        assert doc.tags[tag] == 0, tag
    for code in doc.codes:  # only refs, keys, the corpus hash and the reproduce command are code
        assert re.fullmatch(r"[a-z0-9/-]+|positions [a-z0-9 .-]+", code), code
    assert not doc.hrefs


def test_hostile_report_round_trips(hostile_corpus):
    report = report_of(hostile_corpus)
    text = render_report(report)
    check_tables(text)
    doc = Doc(md().render(text))
    _assert_no_markup_from_corpus(doc)
    assert doc.tags["h1"] == 1
    assert_quotes_round_trip(load_corpus(hostile_corpus), doc.text, expected_places(report))
    # names, titles and propositions come back as typed, too
    for s in ("Evil | <b>Org</b> *one* & `two`", "Doc [x](y) _z_", "A|B, <C>", "<script>x</script>",
              "UPW `should` [help](x) & <i>heal</i>.", "Unpaid *work* | <b>UPW</b>"):
        assert s in doc.text, s
    for h in HOSTILE_TEXTS:
        assert " ".join(h.split()) in doc.text


def test_hostile_compare_tables(hostile_corpus, invoke):
    result = invoke("--no-cache", "--data", hostile_corpus, "compare", "evil", "plain", "--format", "markdown",
                    "--threshold", "0")
    assert result.exit_code == 0, result.output
    text = result.stdout
    check_tables(text)
    doc = Doc(md().render(text))
    _assert_no_markup_from_corpus(doc)
    # every hostile quote answers the upw proposition: each is in its block
    for h in HOSTILE_TEXTS:
        assert " ".join(h.split()) in doc.text
    assert "# Evil \\| \\<b\\>Org\\</b\\> \\*one\\* \\& \\`two\\` (evil) and Plain Org (plain)" in text
