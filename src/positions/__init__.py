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
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'positions' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from positions.api import (
        SearchResult,
        compare,
        find_gaps,
        load_corpus,
        search,
        shipped_corpus_path,
        stand_table,
        suggest_propositions,
    )
    from positions.errors import CorpusError, PositionsError, UsageError
    from positions.gaps import Gaps
    from positions.match import Hit, Pair
    from positions.models import Corpus, Proposition, Statement, StatementRef, Topic
    from positions.report import PropositionBlock, Report, SummaryLine
    from positions.stances import SourcePosition, StanceMatrix
    from positions.suggest import Answer, Suggestion
