"""Property-based tests (hypothesis) over random corpora.

* Anything written as a corpus file either loads or fails with CorpusError (status 1, every
  problem on one line with a place); never another exception.
* Any corpus that loads renders to markdown and HTML in which every quote comes back exactly as
  many times as the report quotes it, as text: no markup, no broken table.
* compare is symmetric (A B and B A give the same pairs, swapped) and deterministic (two runs,
  with and without the cache, give byte-identical JSON).

Fast and deterministic for CI: derandomize=True, modest max_examples, no deadline, and one Matcher
(with embeddings computed once) per generated corpus.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from positions import __version__
from positions.corpus import corpus_hash, load_corpus
from positions.errors import CorpusError
from positions.match import Matcher, compare_sources
from positions.vocabulary import STANCES
from positions.render.html import render_report as render_html
from positions.render.json import compare_json
from positions.render.markdown import render_compare, render_report
from positions.report import build_report

from conftest import DEFAULT_TOPICS, dump_yaml
from test_render_html import Page, assert_self_contained
from test_render_html import assert_quotes_round_trip as assert_html_quotes
from test_render_html import expected_places as html_places
from test_render_markdown import Doc, check_tables, compare_places, expected_places, md
from test_render_markdown import assert_quotes_round_trip as assert_markdown_quotes

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TOPIC_KEYS = [t["key"] for t in DEFAULT_TOPICS]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# --- strategies -------------------------------------------------------------------------------

MARKUP = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "|", " | ", "*", "**bold**", "_", "`", "```",
    "\\", "[link](http://x)", "![i](y)", "&amp;", "&lt;", "&#42;", "<!--", "-->", "# ", "- ", "> ", "1. ", "~~",
    "\n", "\n\n", "\t", "  ", "“", "”", '"', "'", "</td>", "{{x}}", "${x}", "%s", "\u200f", "\u00a0", "\u2028",
    "é", "漢字", "🙂", "\ufeff",
])
CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=BIDI)
WORDS = st.text(CHARS, min_size=1, max_size=12)
QUOTE = st.lists(st.one_of(MARKUP, WORDS, st.sampled_from(["probation", "public", "unpaid work", "local"])),
                 min_size=1, max_size=12).map("".join).filter(lambda t: t.strip() != "")
SLUG = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
STANCE_MAP = st.dictionaries(st.sampled_from(TOPIC_KEYS), st.sampled_from(STANCES), max_size=3)


@st.composite
def valid_source(draw, n_max: int = 4) -> dict:
    ids = draw(st.lists(SLUG, min_size=1, max_size=n_max, unique=True))
    statements = []
    for sid in ids:
        st_ = {"id": sid, "text": draw(QUOTE)}
        if draw(st.booleans()):
            st_["stances"] = draw(STANCE_MAP)
        if draw(st.booleans()):
            st_["section"] = draw(QUOTE)
        statements.append(st_)
    return {"name": draw(QUOTE), "statements": statements}


@st.composite
def valid_corpus(draw) -> dict[str, dict]:
    keys = draw(st.lists(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True), min_size=2, max_size=3, unique=True))
    return {k: draw(valid_source()) for k in keys}


KEY = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none())
ANY_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                       QUOTE, SLUG)
ANY_VALUE = st.recursive(ANY_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                             st.dictionaries(KEY, inner, max_size=3)),
                         max_leaves=6)


@st.composite
def messy_source(draw) -> dict:
    """Mostly the right shape, with wrong types, unknown fields and bad values mixed in."""
    statements = []
    for _ in range(draw(st.integers(0, 3))):
        item = {"id": draw(st.one_of(SLUG, ANY_SCALAR)), "text": draw(st.one_of(QUOTE, ANY_VALUE))}
        if draw(st.booleans()):
            item["stances"] = draw(st.one_of(
                STANCE_MAP, st.dictionaries(st.one_of(st.sampled_from(TOPIC_KEYS), st.text(max_size=8)),
                                            st.one_of(st.sampled_from(STANCES), ANY_SCALAR), max_size=2),
                ANY_VALUE))
        if draw(st.booleans()):
            item[draw(st.sampled_from(["section", "note", "txt", "colour"]))] = draw(ANY_VALUE)
        statements.append(item)
    source = {"name": draw(st.one_of(QUOTE, ANY_VALUE)), "statements": draw(st.one_of(st.just(statements), ANY_VALUE))}
    for field in draw(st.lists(st.sampled_from(["date", "authors", "silent_on", "url", "title", "extra"]), max_size=3)):
        source[field] = draw(ANY_VALUE)
    return source


def write_corpus(root: Path, sources: dict[str, object], topics: object = None) -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "topics.yaml").write_text(dump_yaml({"topics": DEFAULT_TOPICS} if topics is None else topics),
                                      encoding="utf-8")
    for key, data in sources.items():
        body = data if isinstance(data, (str, bytes)) else dump_yaml(data)
        (root / "sources" / f"{key}.yaml").write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return root


def load_or_corpus_error(root: Path):
    """The corpus, or None after checking the CorpusError is well formed. Any other exception
    propagates and fails the test."""
    try:
        corpus = load_corpus(root)
        event("loaded")
        return corpus
    except CorpusError as exc:
        event("CorpusError")
        assert exc.problems
        for problem in exc.problems:
            text = str(problem)
            assert "\n" not in text and "\x1b" not in text, text
            assert problem.path.endswith((".yaml", ".yml")), text
            assert problem.line >= 0 and problem.column >= 0 and problem.message
        return None


# --- anything loads or fails with CorpusError ---------------------------------------------------


@settings(max_examples=40, **SETTINGS)
@given(sources=st.dictionaries(st.sampled_from(["a", "b", "Bad_Key", "c-d"]), messy_source(), min_size=1, max_size=2))
def test_any_source_data_loads_or_is_a_corpus_error(sources):
    with tempfile.TemporaryDirectory() as tmp:
        load_or_corpus_error(write_corpus(Path(tmp) / "c", sources))


NASTY_BYTES = [b":", b": ", b"-", b"- ", b"[", b"]", b"{", b"}", b'"', b"'", b"\t", b"\n", b"\r", b"&a ", b"*a",
               b"!!str ", b"!x ", b"#", b"|", b">", b"\x00", b"\xff", b"\xe9", b"\xef\xbb\xbf", b"%", b"@", b"`",
               b" ", b"  ", b"---\n", b"...\n", b"? ", b",", b"\\", b"\x1b", b"\xe2\x80\xae"]
BASE = ("name: Probation Alliance\ndate: '2019'\nauthors: [Napo, UNISON]\nstatements:\n"
        "  - id: a\n    text: \"A publicly owned service.\"\n    stances:\n      public-ownership: support\n"
        "  - id: b\n    text: >-\n      Folded\n      text.\n").encode()


@settings(max_examples=40, **SETTINGS)
@given(edits=st.lists(st.tuples(st.integers(0, len(BASE)), st.integers(0, 3), st.sampled_from(NASTY_BYTES)),
                      min_size=1, max_size=4))
def test_mangled_bytes_load_or_are_a_corpus_error(edits):
    body = BASE
    for at, delete, insert in edits:
        at = min(at, len(body))
        body = body[:at] + insert + body[at + delete:]
    with tempfile.TemporaryDirectory() as tmp:
        load_or_corpus_error(write_corpus(Path(tmp) / "c", {"x": body}))


@settings(max_examples=25, **SETTINGS)
@given(sources=st.dictionaries(st.sampled_from(["a", "b"]), messy_source(), min_size=1, max_size=2))
def test_any_source_data_gives_status_0_or_1_on_the_command_line(invoke, sources):
    with tempfile.TemporaryDirectory() as tmp:
        root = write_corpus(Path(tmp) / "c", sources)
        result = invoke("--no-cache", "--data", root, "validate")  # exceptions propagate: a crash fails
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            assert result.stdout == "" and result.stderr.rstrip().endswith("fix them and run 'positions validate'")


# --- rendering never lets a quote become markup ---------------------------------------------------


def _report(corpus, matcher, keys, threshold, command="report"):
    comparison = compare_sources(matcher, keys, threshold)
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__, command=command)


def _compare_places(report) -> Counter:
    places: Counter = Counter()
    for view in report.pairwise:
        for p in (*view.disagreements, *view.agreements, *view.related):
            places.update((p.a.ref, p.b.ref))
        places.update(q.ref for q in (*view.only_a, *view.only_b))
    return places


@settings(max_examples=25, **SETTINGS)
@given(sources=valid_corpus(), threshold=st.sampled_from([0.0, 0.2, 0.45]))
def test_every_quote_comes_back_once_per_place_as_text(sources, threshold):
    with tempfile.TemporaryDirectory() as tmp:
        corpus = load_corpus(write_corpus(Path(tmp) / "c", sources))  # valid by construction: must load
        matcher = Matcher(corpus, use_cache=False)  # one per corpus: embeddings are computed once
        report = _report(corpus, matcher, corpus.source_keys, threshold)
        pairs = sum(len(v.pairs) for v in report.pairwise)
        event("with listed pairs" if pairs else "no listed pairs")

        markdown = render_report(report)
        check_tables(markdown)
        doc = Doc(md().render(markdown))
        for tag in ("script", "img", "em", "del", "s", "blockquote", "pre", "hr"):
            assert doc.tags[tag] == 0, (tag, markdown)
        assert doc.tags["h1"] == 1
        assert not doc.hrefs
        assert_markdown_quotes(corpus, doc.text, expected_places(report))

        html = render_html(report)
        page = Page(html)  # well nested, every element closed
        assert_self_contained(html, page)
        assert_html_quotes(corpus, page.text, html_places(report))
        for ref in corpus.statements():  # and in the source, a quote with markup characters is escaped
            if any(c in ref.text for c in "<>&"):
                # as quoted, never raw (the raw characters alone may also be the page's own markup,
                # e.g. a quote that is just "</td>")
                assert f"“{ref.text}”" not in html, ref.text

        compare_report = _report(corpus, matcher, corpus.source_keys, threshold, command="compare")
        compared = render_compare(compare_report)
        check_tables(compared)
        cdoc = Doc(md().render(compared))
        assert cdoc.tags["script"] == 0 and cdoc.tags["em"] == 0 and cdoc.tags["a"] == 0
        assert_markdown_quotes(corpus, cdoc.text, compare_places(compare_report))


# --- compare is symmetric and deterministic ---------------------------------------------------------


def _pair_key(p: dict, swap: bool = False) -> tuple:
    a, b = (p["b"], p["a"]) if swap else (p["a"], p["b"])
    return (a["source"], a["id"], b["source"], b["id"], p["score"], p["relation"], tuple(p["topics"]))


@settings(max_examples=20, **SETTINGS)
@given(sources=valid_corpus(), threshold=st.sampled_from([0.0, 0.3, 0.45, 0.7]))
def test_compare_is_symmetric(sources, threshold):
    with tempfile.TemporaryDirectory() as tmp:
        corpus = load_corpus(write_corpus(Path(tmp) / "c", sources))
        a, b = corpus.source_keys[:2]
        matcher = Matcher(corpus, use_cache=False)
        forth = compare_json(build_report(corpus, compare_sources(matcher, [a, b], threshold), corpus_hash="x",
                                          version="x", command="compare"))
        back = compare_json(build_report(corpus, compare_sources(matcher, [b, a], threshold), corpus_hash="x",
                                         version="x", command="compare"))
        assert forth["sources"] == [a, b] and back["sources"] == [b, a]
        assert sorted(_pair_key(p) for p in forth["pairs"]) == sorted(_pair_key(p, swap=True) for p in back["pairs"])
        assert forth["unmatched"] == {k: back["unmatched"][k] for k in (a, b)}


@settings(max_examples=12, **SETTINGS)
@given(sources=valid_corpus())
def test_compare_json_is_byte_identical_across_runs_and_caches(invoke, sources):
    with tempfile.TemporaryDirectory() as tmp:
        root = write_corpus(Path(tmp) / "c", sources)
        keys = sorted(sources)
        args = ("--data", root, "compare", *keys, "--format", "json", "--explain", "--threshold", "0.2")
        runs = [invoke("--no-cache", *args), invoke(*args), invoke(*args)]  # no cache, cache written, cache read
        for result in runs:
            assert result.exit_code == 0, result.output
        assert runs[0].stdout_bytes == runs[1].stdout_bytes == runs[2].stdout_bytes
        payload = json.loads(runs[0].stdout)
        assert payload["sources"] == keys
