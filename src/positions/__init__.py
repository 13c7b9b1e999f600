"""positions: compare published policy positions quote by quote.

    import positions

    corpus = positions.load_corpus()                  # the shipped corpus, or load_corpus("mycorpus")
    report = positions.compare(corpus, ["alliance", "moj"])
    for line in report.summary:                       # disagree / agree / only ... lines
        print(line.kind, [p.label for p in line.propositions])

The names below are imported lazily, so that `import positions` (and the command line's
start-up) stays fast. docs/python-api.md describes them. (A function is never named like a module
of the package, e.g. `suggest` or `gaps`: importing the module would replace it.)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# name -> module that defines it
_EXPORTS = {
    # functions
    "load_corpus": "positions.api",
    "compare": "positions.api",
    "search": "positions.api",
    "suggest_propositions": "positions.api",
    "stand_table": "positions.api",
    "find_gaps": "positions.api",
    "shipped_corpus_path": "positions.api",
    # results and the corpus
    "SearchResult": "positions.api",
    "Corpus": "positions.models",
    "Topic": "positions.models",
    "Proposition": "positions.models",
    "Statement": "positions.models",
    "StatementRef": "positions.models",
    "Report": "positions.report",
    "PropositionBlock": "positions.report",
    "SummaryLine": "positions.report",
    "SourcePosition": "positions.stances",
    "StanceMatrix": "positions.stances",
    "Pair": "positions.match",
    "Hit": "positions.match",
    "Suggestion": "positions.suggest",
    "Answer": "positions.suggest",
    "Gaps": "positions.gaps",
    # errors
    "PositionsError": "positions.errors",
    "CorpusError": "positions.errors",
    "UsageError": "positions.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'positions' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly ("X as X": re-exported)
    from positions.api import (
        SearchResult as SearchResult,
        compare as compare,
        find_gaps as find_gaps,
        load_corpus as load_corpus,
        search as search,
        shipped_corpus_path as shipped_corpus_path,
        stand_table as stand_table,
        suggest_propositions as suggest_propositions,
    )
    from positions.errors import CorpusError as CorpusError, PositionsError as PositionsError, UsageError as UsageError
    from positions.gaps import Gaps as Gaps
    from positions.match import Hit as Hit, Pair as Pair
    from positions.models import (
        Corpus as Corpus,
        Proposition as Proposition,
        Statement as Statement,
        StatementRef as StatementRef,
        Topic as Topic,
    )
    from positions.report import PropositionBlock as PropositionBlock, Report as Report, SummaryLine as SummaryLine
    from positions.stances import SourcePosition as SourcePosition, StanceMatrix as StanceMatrix
    from positions.suggest import Answer as Answer, Suggestion as Suggestion
