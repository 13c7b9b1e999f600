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


def test_every_statement_has_a_stance_or_says_why_not(corpus):
    """A statement answers at least one proposition, or its note says why it answers none."""
    sources = _sources(corpus)
    bare = [f"{k}/{st.id}" for k in SHIPPED for st in sources[k].data.statements
            if not st.stances and not (st.note and ("no stance" in st.note.lower() or "not tagged" in st.note.lower()
                                                    or "answers no proposition" in st.note.lower()))]
    assert not bare, f"statements with no stance and no note saying why: {bare}"


def test_no_neutral_stances_in_the_shipped_corpus(corpus):
    """Under the stance rule, mentioning an area is no stance: the shipped corpus records none."""
    neutral = [f"{s.key}/{st.id}" for s in corpus.sources for st in s.data.statements if "neutral" in st.stances.values()]
    assert not neutral


def test_every_topic_is_shared_or_justified(corpus):
    """A topic (theme) some of whose propositions two sources answer, or whose description says why
    it is kept for one source."""
    users: dict[str, set[str]] = {t.key: set() for t in corpus.topics}
    for source in corpus.sources:
        for st in source.data.statements:
            for key in st.stances:
                users[corpus.theme_of[key].key].add(source.key)
    offenders = []
    for t in corpus.topics:
        desc = (t.description or "").lower()
        justified = "kept because" in desc or "alone" in desc
        if len(users[t.key]) < 2 and not justified:
            offenders.append(f"{t.key} (used by {sorted(users[t.key]) or 'no source'})")
    assert not offenders, (
        "topics used by fewer than two sources whose description does not say why they are kept: "
        + ", ".join(offenders))


def test_every_proposition_is_answered(corpus):
    """No proposition sits in the taxonomy with no statement taking a side on it."""
    used = {k for s in corpus.sources for st in s.data.statements for k in st.stances}
    unused = [p.key for p in corpus.propositions if p.key not in used]
    assert not unused


def test_required_findings_of_the_alliance_and_moj(corpus):
    """The disagreements a reader must see, and the false agreements that must not come back
    (issue 14): each comes from a shared proposition, or from none."""
    from positions.match import Matcher

    m = Matcher(corpus, use_cache=False)
    pairs = m.align_sources("alliance", "moj").pairs
    am = {(p.a.id, p.b.id): p.relation for p in pairs}
    for a, b in [("reunification-of-probation", "single-integrated-system"),
                 ("current-arrangements-create-risks", "tr-some-successes"),
                 ("pcc-role-with-operational-independence", "pcc-greater-role"),
                 ("pause-and-public-ownership-of-crcs", "end-crc-contracts-early")]:
        assert am.get((a, b)) == "disagree", (a, b)
    # "serious risks" agrees only where the MoJ also says the reforms fall short, never on generic topics
    risks = [p for p in pairs if p.a.id == "current-arrangements-create-risks" and p.relation == "agree"]
    assert {p.b.id for p in risks} <= {"quality-falling-short"} and all(p.topics == ("tr-reforms-worked",) for p in risks)
    assert am.get(("pause-and-public-ownership-of-crcs", "end-crc-contracts-early")) != "agree"
    false = [("manifesto", "moj", "transparent-risk-assessment", "tr-focus-higher-risk"),
             ("clinks", "moj", "dynamic-framework-too-complex", "strength-in-mixed-market"),
             ("alliance", "manifesto", "current-arrangements-create-risks", "promised-pay-progression"),
             ("alliance", "moj", "current-arrangements-create-risks", "swift-firm-enforcement"),
             ("alliance", "manifesto", "pcc-role-with-operational-independence", "educate-police-colleagues")]
    for a, b, x, y in false:
        rel = {(p.a.id, p.b.id): p.relation for p in m.align_sources(a, b).pairs}.get((x, y))
        assert rel not in ("agree", "disagree"), (x, y, rel)
