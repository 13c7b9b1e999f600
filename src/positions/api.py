"""The library's front door: load a corpus, compare sources, search, suggest propositions, find gaps.

Everything the command line does is available here without it (the CLI only parses options, calls
these and renders the results). Nothing is written to the user's cache folder unless `cache=True`
is passed; results are plain frozen dataclasses (see `positions.report`, `positions.stances`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from positions.gaps import Gaps
    from positions.match import Hit, Matcher
    from positions.models import Corpus
    from positions.report import Report
    from positions.stances import StanceMatrix
    from positions.suggest import Answer, Suggestion


def shipped_corpus_path() -> Path:
    """The corpus installed with the package (the five sources on probation reform); in an editable
    install, the checkout's data/ folder it was installed from."""
    from positions.corpus import TOPICS_FILE, packaged_data_dir

    packaged = packaged_data_dir()
    if (packaged / TOPICS_FILE).is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data"  # src/positions/api.py -> the checkout
    return checkout if (checkout / TOPICS_FILE).is_file() else packaged


def load_corpus(path: str | Path | None = None, *, cache: bool = False) -> Corpus:
    """Load and validate a corpus folder (default: the shipped corpus).

    Raises `positions.CorpusError` listing every problem, each at a file, line and column. With
    cache=True, parsed files are kept in the user cache folder so that a later load is faster."""
    from positions.corpus import load_corpus as load

    return load(Path(path) if path is not None else shipped_corpus_path(), use_cache=cache)


def _matcher(corpus: Corpus, cache: bool) -> Matcher:
    from positions.match import Matcher

    return Matcher(corpus, use_cache=cache)


def _check_sources(corpus: Corpus, sources: Sequence[str] | None) -> list[str]:
    from positions.corpus import require_sources

    return require_sources(corpus, list(sources)) if sources else corpus.source_keys


def compare(corpus: Corpus, sources: Sequence[str] | None = None, *, threshold: float | None = None,
            topics: Sequence[str] | None = None, relations: Sequence[str] | None = None,
            cache: bool = False) -> Report:
    """Compare sources (default: all) proposition by proposition: the findings summary, one block per
    proposition, the related statements and the rest, as `positions compare` prints them.

    `topics` limits it to topics or propositions (keys); `relations` to findings of those relations
    (agree, disagree, related), saying in `Report.hidden` what it left out; `threshold` is the text
    similarity from which statements that share no proposition are related (default 0.5)."""
    from positions import __version__
    from positions.corpus import corpus_hash, require_topics
    from positions.match import DEFAULT_THRESHOLD, compare_sources
    from positions.report import build_report

    keys = _check_sources(corpus, sources)
    wanted = require_topics(corpus, list(topics or []))
    comparison = compare_sources(_matcher(corpus, cache), keys, DEFAULT_THRESHOLD if threshold is None else threshold,
                                 wanted or None, list(relations or []) or None)
    return build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__,
                        topics=wanted or None, command="compare")


@dataclass(frozen=True)
class SearchResult:
    """What a search answers: the propositions the text most likely takes a side on (each with every
    source's position), then the closest statements."""

    query: str
    propositions: tuple[Answer, ...]
    hits: tuple[Hit, ...]


def search(corpus: Corpus, text: str, *, sources: Sequence[str] | None = None, limit: int = 10,
           cache: bool = False) -> SearchResult:
    """Answer a claim in your own words with positions, as `positions search` does."""
    from positions.suggest import Suggester, answers

    keys = _check_sources(corpus, sources) if sources else None
    matcher = _matcher(corpus, cache)
    hits = matcher.search(text, keys, limit)
    return SearchResult(text, tuple(answers(Suggester(corpus, matcher), text, keys)), tuple(hits))


def suggest_propositions(corpus: Corpus, text: str, *, limit: int = 5, cache: bool = False) -> list[Suggestion]:
    """The propositions a text most likely takes a side on, each with a suggested stance, a score, a
    confidence and the evidence behind it."""
    from positions.suggest import Suggester

    return Suggester(corpus, _matcher(corpus, cache)).suggest(text, limit=limit)


def stand_table(corpus: Corpus, sources: Sequence[str] | None = None,
                topics: Sequence[str] | None = None) -> StanceMatrix:
    """Each source's position on each proposition (no matching involved)."""
    from positions.corpus import require_topics
    from positions.stances import stance_matrix

    wanted = require_topics(corpus, list(topics or []))
    return stance_matrix(corpus, _check_sources(corpus, sources), corpus.expand_topics(wanted))


def find_gaps(corpus: Corpus, against: str, others: Sequence[str] | None = None,
         topics: Sequence[str] | None = None) -> Gaps:
    """What the other sources take a side on that `against` does not address, and what it takes a
    side on that no other source shares (no matching involved)."""
    from positions.corpus import require_topics
    from positions.gaps import find_gaps as gaps_of

    _check_sources(corpus, [against])
    rest = [k for k in _check_sources(corpus, others) if k != against]
    wanted = require_topics(corpus, list(topics or []))
    return gaps_of(corpus, against, rest, corpus.expand_topics(wanted))
