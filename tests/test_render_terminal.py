"""Terminal views: words of topic labels and quotes are wrapped whole, never cut, at the usual
terminal widths, on the shipped corpus's longest labels and quotes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from positions import __version__
from positions.corpus import corpus_hash, load_corpus
from positions.match import Matcher, compare_sources
from positions.render.terminal import TOPIC_WIDTH, compare_view
from positions.report import build_report

DATA = Path(__file__).resolve().parent.parent / "data"
PUNCTUATION = "“”\"'‘’.,;:()!?"


@pytest.fixture(scope="module")
def report():
    corpus = load_corpus(DATA)
    comparison = compare_sources(Matcher(corpus), ["alliance", "moj"])
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__)


def rendered_words(report, width: int) -> set[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(compare_view(report))
    text = re.sub(r"[│┃┏┓┗┛┣┫┡┩└┘├┤┼╇╈╋━─┳┻┬┴]", " ", out.getvalue())
    return {w.strip(PUNCTUATION) for w in text.split()}


def words_of(text: str) -> set[str]:
    return {w.strip(PUNCTUATION) for w in text.split()} - {""}


@pytest.mark.parametrize("width", [80, 100, 140])
def test_topic_labels_are_wrapped_at_word_boundaries(report, width):
    shown = rendered_words(report, width)
    labels = {t.key: t.label for t in report.topics}
    pairs = [p for view in report.pairwise for p in (*view.disagreements, *view.agreements, *view.related)]
    words = {w for p in pairs for k in p.topics for w in words_of(labels[k]) if len(w) <= TOPIC_WIDTH}
    assert words and not words - shown


@pytest.mark.parametrize("width", [80, 100, 140])
def test_quotes_are_wrapped_at_word_boundaries(report, width):
    shown = rendered_words(report, width)
    pairs = [p for view in report.pairwise for p in (*view.disagreements, *view.agreements, *view.related)]
    # words up to 16 characters fit the quote columns from 80 columns up
    words = {w for p in pairs for q in (p.a, p.b) for w in words_of(q.text) if len(w) <= 16}
    assert len(words) > 100 and not words - shown
