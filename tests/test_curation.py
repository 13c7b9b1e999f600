"""Curation checks on the shipped corpus (data/): verbatim quotes, stances, topic coverage.

See docs/curation.md for the rules these tests enforce.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from positions.corpus import load_corpus

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SEEDS = REPO.parent / "shared" / "seeds"

SHIPPED = ("alliance", "institute", "clinks", "manifesto", "moj")

# Source key -> (seed file, start marker, end marker, include end marker in the span).
# The markers come from the seeds README: each span is the organisation's own text only,
# without the blog author's introduction or readers' comments. The span starts at the
# first occurrence of the start marker and ends at the first occurrence of the end
# marker after it.
SPANS: dict[str, tuple[str, str, str, bool]] = {
    "alliance": (
        "000_941239107233e0c6.txt",
        "Probation Alliance\nInitial Position Statement on Principles",
        "That reads just like it should",
        False,
    ),
    "institute": (
        "001_4dba6329ff14116c.txt",
        "The Probation Institute has been engaging",
        "--oo00oo--",
        False,
    ),
    "clinks": (
        "002_288a4b56b4ecf005.txt",
        "Today Her Majesty",
        # The signature line, immediately followed by the first reader's comment.
        "\nClinks\nSounds like Clinks",
        False,
    ),
    "manifesto": (
        "003_ea05dc3451fe564a.txt",
        "If this does come to pass",
        "PAY PROGRESSION WE WERE PROMISED.",
        True,
    ),
    "moj": (
        "004_29e5073c628f1eb2.txt",
        "Justice Secretary Foreword",
        "Thank you for participating in this consultation exercise.",
        True,
    ),
}

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(QUOTES)).strip()


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(DATA)


def _sources(corpus):
    by_key = {s.key: s for s in corpus.sources}
    missing = [k for k in SHIPPED if k not in by_key]
    assert not missing, f"shipped sources missing from data/sources: {missing}"
    return by_key


def own_span(key: str) -> str:
    """The organisation's own text in the seed file of `key`, whitespace and quotes normalised."""
    name, start_marker, end_marker, inclusive = SPANS[key]
    raw = (SEEDS / name).read_text(encoding="utf-8").replace("\r\n", "\n")
    start = raw.find(start_marker)
    assert start >= 0, f"{key}: start marker {start_marker!r} not found in {name}"
    end = raw.find(end_marker, start + len(start_marker))
    assert end >= 0, f"{key}: end marker {end_marker!r} not found after the start marker in {name}"
    if inclusive:
        end += len(end_marker)
    return norm(raw[start:end])


@pytest.mark.parametrize("key", SHIPPED)
def test_statement_texts_are_verbatim_in_own_text(corpus, key):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found: the quote check needs the source texts beside the repository")
    source = _sources(corpus)[key]
    span = own_span(key)
    bad = [f"{key}/{st.id}: {st.text[:80]!r}" for st in source.data.statements if norm(st.text) not in span]
    assert not bad, "statement text not found verbatim in the organisation's own text:\n" + "\n".join(bad)


def test_span_markers_exclude_commentary():
    """Sanity check on the markers: the spans leave out the blog's comments and extras."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found: the quote check needs the source texts beside the repository")
    assert "That reads just like it should" not in own_span("alliance")
    assert "oo00oo" not in own_span("institute")
    assert "Sounds like Clinks" not in own_span("clinks")
    assert "Any more for any more" not in own_span("manifesto")
    assert "Question 18" not in own_span("moj")


def test_every_statement_has_a_stance(corpus):
    sources = _sources(corpus)
    bare = [f"{k}/{st.id}" for k in SHIPPED for st in sources[k].data.statements if not st.stances]
    assert not bare, f"statements without any topic in `stances`: {bare}"


def test_every_topic_is_shared_or_justified(corpus):
    users: dict[str, set[str]] = {t.key: set() for t in corpus.topics}
    for source in corpus.sources:
        for st in source.data.statements:
            for topic in st.stances:
                users.setdefault(topic, set()).add(source.key)
    offenders = []
    for t in corpus.topics:
        desc = (t.description or "").lower()
        justified = "kept because" in desc or "alone" in desc
        if len(users[t.key]) < 2 and not justified:
            offenders.append(f"{t.key} (used by {sorted(users[t.key]) or 'no source'})")
    # Known failure, not fixed here because the data are curated by hand: `contracts-incentives`
    # (payment by results and provider incentives) is used only by the Ministry of Justice, and
    # its description gives no reason for keeping it. Fix it in data/ (mark a second source's
    # statement, or add "kept because ..." to the description, or merge the topic) and this
    # xfail goes away. Any other offender still fails the test.
    if offenders and all(o.startswith("contracts-incentives ") for o in offenders):
        pytest.xfail("contracts-incentives is used by the MoJ alone and its description does not "
                     "say why it is kept: " + ", ".join(offenders))
    assert not offenders, (
        "topics used by fewer than two sources whose description does not say why they are kept: "
        + ", ".join(offenders))
