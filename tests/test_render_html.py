"""The HTML report: golden file, well-formed self-contained markup, escaping, in-page links, Chromium.

The golden file tests/fixtures/report/small.html is the report of the corpus in
tests/fixtures/report/corpus. After an intended change to the report, the HTML renderer or the
matcher, regenerate it from the repository root with

    positions --no-cache --data tests/fixtures/report/corpus report --format html -o tests/fixtures/report/small.html

and read the diff before committing it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from positions.corpus import load_corpus
from positions.render.html import render_report
from positions.report import SYMBOLS, stance_word

from test_render_markdown import CORPUS, FIXTURES, HOSTILE_TEXTS, expected_places, report_of

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
IMG_ATTACK = "<img src=x onerror=alert(1)>"


class Page(HTMLParser):
    """Checks nesting as it parses; collects tags, attributes, ids, hrefs and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: Counter = Counter()
        self.attrs: list[tuple[str, str, str | None]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.parts: list[str] = []
        self.doctype = None
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
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        assert tag in VOID, tag
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        assert tag not in VOID, tag
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("style", "title"):
            return
        self.parts.append(data)


def assert_self_contained(html: str, page: Page) -> None:
    assert page.doctype and page.doctype.lower() == "doctype html"
    assert page.tags["script"] == 0 and page.tags["iframe"] == 0 and page.tags["object"] == 0
    assert page.tags["img"] == 0 and page.tags["link"] == 0 and page.tags["html"] == 1 and page.tags["style"] == 1
    for tag, name, value in page.attrs:
        assert not name.startswith("on"), (tag, name)
        assert name not in ("src", "srcset", "action", "formaction", "style"), (tag, name)
        if name == "href":
            assert value.startswith("#"), value
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1">', html)
    assert "@media print" in style and "overflow-x: auto" in style


def assert_links_resolve(page: Page) -> None:
    ids = Counter(page.ids)
    assert all(n == 1 for n in ids.values()), ids
    for href in page.hrefs:
        assert href[1:] in ids, href


def assert_quotes_round_trip(corpus, text: str, places: Counter) -> None:
    for source in corpus.sources:
        for st in source.data.statements:
            ref = f"{source.key}/{st.id}"
            assert text.count(f"“{st.text}” ({ref})") == places[ref], ref


# --- golden file ------------------------------------------------------------------------------


def test_golden_small_html(invoke):
    result = invoke("--no-cache", "--data", CORPUS, "report", "--format", "html")
    assert result.exit_code == 0, result.output
    expected = (FIXTURES / "small.html").read_bytes().decode("utf-8")
    assert result.stdout == expected
    assert render_report(report_of(CORPUS)) == expected


# --- structure of the fixture report ------------------------------------------------------------


def test_fixture_html_structure():
    report = report_of(CORPUS)
    html = render_report(report)
    page = Page(html)
    assert_self_contained(html, page)
    assert_links_resolve(page)
    for sec in report.topic_sections:
        assert f"topic-{sec.topic.key}" in page.ids
    # sections in the markdown order
    section_ids = [i for i in page.ids if not i.startswith("topic-")]
    assert section_ids == ["sources", "matrix", "consensus", "contested", "topics", "unique", "methods"]
    assert_quotes_round_trip(load_corpus(CORPUS), page.text, expected_places(report))
    assert f"<title>{report.title}</title>" in html and f"<h1>{report.title}</h1>" in html
    # the fixture's hostile statement stays text
    assert "<script>alert(1)</script>" in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_matrix_cells_carry_symbol_word_and_colour():
    report = report_of(CORPUS)
    html = render_report(report)
    matrix = html.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="st-(\w+)"><span class="sym" aria-hidden="true">(.)</span> ([\w ]+)</td>', matrix)
    assert len(cells) == len(report.matrix) * len(report.source_keys)
    assert [s for s, _, _ in cells] == [s for _, row in report.matrix for s in row]
    for cls, sym, word in cells:
        assert word == stance_word(cls) and SYMBOLS[cls] == sym
    assert "uncurated" in {cls for cls, _, _ in cells}  # shown as "not curated"
    # every row label links to its topic section
    for key, _ in report.matrix:
        assert f'<th scope="row"><a href="#topic-{key}">' in matrix
    for stance, symbol in SYMBOLS.items():  # the legend explains every symbol
        assert f'<li class="st-{stance}"><span class="sym" aria-hidden="true">{symbol}</span> {stance_word(stance)}: ' in html


def test_every_quote_links_to_a_topic_section():
    report = report_of(CORPUS)
    html = render_report(report)
    refs = re.findall(r'<a class="ref" href="#topic-([a-z0-9-]+)" title="[^"]*"><code>([a-z0-9-]+)/([a-z0-9-]+)</code></a>',
                      html)
    corpus = load_corpus(CORPUS)
    for topic, source, sid in refs:
        st = next(s for s in corpus.source_map[source].statements if s.statement.id == sid)
        assert topic in st.stances
    # only statements without stances have an unlinked ref
    for source, sid in re.findall(r'<span class="ref"><code>([a-z0-9-]+)/([a-z0-9-]+)</code></span>', html):
        st = next(s for s in corpus.source_map[source].statements if s.statement.id == sid)
        assert not st.stances
    # a quote links to the topic it is quoted under
    topic_html = html.split('id="topic-public-ownership"', 1)[1].split("</section>", 1)[0]
    assert 'href="#topic-public-ownership" title="Topic: Public ownership"><code>charity/small-providers' in topic_html
    assert 'href="#topic-local-delivery"' not in topic_html


def test_date_is_shown_only_when_given():
    assert "Date:" not in render_report(report_of(CORPUS))
    assert "<li>Date: 2024-05-01.</li>" in render_report(report_of(CORPUS, date="2024-05-01"))


# --- hostile corpus text ------------------------------------------------------------------------


@pytest.fixture
def hostile_corpus(make_corpus):
    topics = [{"key": "upw", "label": 'Unpaid "work" onmouseover=alert(1) <b>x</b>',
               "proposition": "UPW <i>should</i> & \"heal\" 'all'."},
              {"key": "pay", "label": "Pay", "proposition": "Pay should rise."}]
    texts = [IMG_ATTACK, *HOSTILE_TEXTS, "Quotes \" and ' and \"><script>alert(2)</script>"]
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


def test_hostile_text_is_only_ever_text(hostile_corpus):
    root, texts = hostile_corpus
    report = report_of(root, date="<script>alert(5)</script>")
    html = render_report(report)
    page = Page(html)
    assert_self_contained(html, page)
    assert_links_resolve(page)
    assert "<img" not in html and "<script" not in html and "<!--" not in html and "<i>" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 1
    assert IMG_ATTACK in page.text
    assert_quotes_round_trip(load_corpus(root), page.text, expected_places(report))
    for t in texts:
        assert f"“{t}”" in page.text
    for s in ('Evil "Org" <img src=x onerror=alert(3)> & co', "</td></tr></table><script>", "javascript:alert(4)",
              "A&B, <C>", "<!-- x -->", "<b>kind</b>", "UPW <i>should</i> & \"heal\" 'all'.",
              'Topic: Unpaid "work" onmouseover=alert(1) <b>x</b>', "Date: <script>alert(5)</script>."):
        assert s in page.text, s
    # names and labels inside attributes stay inside their attribute
    titles = [v for tag, name, v in page.attrs if name == "title"]
    assert 'Evil "Org" <img src=x onerror=alert(3)> & co' in titles
    assert 'Topic: Unpaid "work" onmouseover=alert(1) <b>x</b>' in titles
    assert "javascript:" not in "".join(v or "" for _, n, v in page.attrs if n == "href")


def test_cli_writes_html(invoke, tmp_path):
    out = tmp_path / "report.html"
    result = invoke("--no-cache", "--data", CORPUS, "report", "--format", "html", "--output", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (FIXTURES / "small.html").read_text(encoding="utf-8")


# --- a real browser -----------------------------------------------------------------------------


def test_chromium_renders_the_report(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium not installed (Debian packages chromium, chromium-driver)")
    report = report_of(CORPUS)
    page = tmp_path / "report.html"
    page.write_text(render_report(report), encoding="utf-8")
    shot = tmp_path / "shot.png"
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}", "--window-size=412,900"]
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, timeout=120, check=False)
    text = dom.stdout.decode("utf-8")
    assert report.title in text
    assert "Community payback placements should benefit local communities." in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
