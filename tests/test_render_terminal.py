"""Terminal views of compare and matrix on the shipped corpus at the usual widths: the summary comes
first, each quote is shown once, and words, keys and references are never cut or wrapped mid-word."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from positions import __version__
from positions.corpus import corpus_hash, load_corpus
from positions.match import Matcher, compare_sources
from positions.render.terminal import compare_view, matrix_view
from positions.report import build_report

DATA = Path(__file__).resolve().parent.parent / "data"
PUNCTUATION = "“”\"'‘’.,;:()!?[]"
WIDTHS = [80, 100, 140]


def build(*keys: str):
    corpus = load_corpus(DATA)
    comparison = compare_sources(Matcher(corpus), list(keys))
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__)


@pytest.fixture(scope="module")
def pair_report():
    return build("alliance", "moj")


@pytest.fixture(scope="module")
def five_report():
    corpus = load_corpus(DATA)
    return build(*corpus.source_keys)


def render(renderable, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(renderable)
    return out.getvalue()


def tokens(text: str) -> set[str]:
    text = re.sub(r"[│┃┏┓┗┛┣┫┡┩└┘├┤┼╇╈╋━─┳┻┬┴]", " ", text)
    return {w.strip(PUNCTUATION) for w in text.split()}


def words_of(text: str) -> set[str]:
    return {w.strip(PUNCTUATION) for w in text.split()} - {""}


def refs_and_keys(report) -> set[str]:
    refs = {e.quote.ref for b in report.blocks for e in b.evidence}
    refs |= {q.ref for p in report.related for q in (p.a, p.b)}
    refs |= {q.ref for _, quotes in report.unplaced for q in quotes}
    return refs | {b.proposition.key for b in report.blocks}


@pytest.mark.parametrize("width", WIDTHS)
def test_references_and_keys_are_never_cut(pair_report, five_report, width):
    for report in (pair_report, five_report):
        shown = tokens(render(compare_view(report, full=True), width))
        wanted = refs_and_keys(report)
        assert wanted and not wanted - shown
        # the digest names every proposition by its whole key, and cuts no line past the width
        digest = render(compare_view(report), width)
        assert not {b.proposition.key for b in report.blocks} - tokens(digest)
        assert max(len(line) for line in digest.splitlines()) <= width
    shown = tokens(render(matrix_view(five_report), width))
    assert not {p.key for p in five_report.propositions} - shown


@pytest.mark.parametrize("width", WIDTHS)
def test_quotes_are_wrapped_at_word_boundaries(pair_report, width):
    shown = tokens(render(compare_view(pair_report, full=True), width))
    # words up to 16 characters fit the quote lines from 80 columns up
    words = {w for b in pair_report.blocks for e in b.evidence for w in words_of(e.quote.text) if len(w) <= 16}
    assert len(words) > 100 and not words - shown


def test_the_digest_fits_two_screens_before_the_related_pairs(pair_report):
    """At 80 columns, the summary and the disagreements and agreements fit two 24-line screens."""
    lines = render(compare_view(pair_report), 80).splitlines()
    end = next((n for n, line in enumerate(lines) if "Related statements" in line or "one source only" in line), len(lines))
    assert 0 < end <= 48
    shown = "\n".join(lines[:end])
    for b in pair_report.blocks:
        if b.finding in ("disagree", "agree"):
            assert b.proposition.key in shown and shown.count(b.proposition.key) == 1  # each named once


@pytest.mark.parametrize("width", WIDTHS)
def test_digest_quotes_are_cut_at_a_word_with_an_ellipsis(pair_report, width):
    from positions.render.terminal import _Digest

    checked = 0
    for block in pair_report.blocks:
        lines = render(_Digest(pair_report, block), width).splitlines()[1:]
        sources = [p for p in block.positions if p.takes_side]
        assert len(lines) == len(sources)
        for line, position in zip(lines, sources):
            flat = " ".join(block.evidence_of(position.source)[0].quote.text.split())
            shown = line[line.index("“") + 1:line.rindex("”")]
            cut = shown.removesuffix("…")
            assert flat.startswith(cut) and (shown == flat or shown.endswith("…"))
            assert cut == flat or flat[len(cut)] in " ,;:"  # cut between words
            checked += 1
    assert checked >= 10


def test_summary_first_and_each_quote_once(pair_report, five_report):
    text = render(compare_view(pair_report, full=True), 100)
    lines = text.splitlines()
    assert lines[0].startswith("Probation Alliance (alliance, ") and "Ministry of Justice (moj, 2018-07)" in lines[0]
    first_block = next(n for n, line in enumerate(lines) if line.startswith(("✗", "✓", "±", "·")))
    summary = "\n".join(lines[:first_block])
    assert "Disagree on" in summary
    for b in pair_report.blocks:
        for e in b.evidence:
            assert text.count(e.quote.text[:60]) <= 1 or len(e.quote.text) < 30
    five = render(compare_view(five_report), 140)
    assert five.index("Where each source stands") < five.index("Disagreements (")


@pytest.mark.parametrize("width", WIDTHS)
def test_show_keeps_ids_and_proposition_keys_whole(width):
    from positions.render.terminal import statements_table
    from positions.summary import source_record, statement_record

    corpus = load_corpus(DATA)
    for source in corpus.sources:
        records = [statement_record(r) for r in source.statements]
        shown = tokens(render(statements_table(source_record(source), records), width))
        wanted = {r["id"] for r in records} | {k for r in records for k in r["stances"]}
        assert not wanted - shown, (source.key, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_search_and_suggest_keep_keys_and_references_whole(width):
    from positions.render.terminal import search_table, suggest_table
    from positions.suggest import Suggester

    corpus = load_corpus(DATA)
    matcher = Matcher(corpus)
    suggester = Suggester(corpus, matcher)
    for query in ("private companies should not run probation", "stop calling people offenders"):
        hits = matcher.search(query, limit=5)
        suggestions = suggester.suggest(query, limit=3)
        wanted = {h.ref.ref for h in hits} | {k for h in hits for k in h.ref.stances} | {s.key for s in suggestions}
        wanted |= {e.ref for s in suggestions for e in s.evidence if e.kind == "statement"}
        shown = tokens(render(search_table(query, hits), width)) | tokens(render(suggest_table(query, suggestions), width))
        assert wanted and not wanted - shown, (query, width, wanted - shown)


@pytest.mark.parametrize("width", WIDTHS)
def test_topics_keep_keys_and_every_column(width):
    from positions.render.terminal import topics_table
    from positions.summary import topic_usage

    corpus = load_corpus(DATA)
    rows = topic_usage(corpus)
    text = render(topics_table(rows, corpus.source_keys), width)
    assert not {r["key"] for r in rows} - tokens(text)
    assert all(key in text for key in corpus.source_keys)
    assert max(len(line) for line in text.splitlines()) <= width
