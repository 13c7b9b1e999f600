"""Reviewing the matcher's suggestions: the queue of pairs still to decide, and the decision keys.

The decisions themselves are written by `positions.links_file.record_link`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from positions.vocabulary import Decision, Relation

if TYPE_CHECKING:
    from positions.match import Matcher, Pair


@dataclass(frozen=True)
class Choice:
    """What a reviewer's answer means: a decision to record, or skip / quit."""

    action: str  # "decide", "skip" or "quit"
    decision: Decision | None = None  # confirmed / rejected
    relation: Relation | None = None  # agree / disagree / related, overriding the stances' relation


# One line per answer, so a terminal and piped input (or a test's input=) work alike.
CHOICES = {
    "c": Choice("decide", "confirmed"),
    "r": Choice("decide", "rejected"),
    "a": Choice("decide", "confirmed", "agree"),
    "d": Choice("decide", "confirmed", "disagree"),
    "l": Choice("decide", "confirmed", "related"),
    "s": Choice("skip"),
    "q": Choice("quit"),
}
WORDS = {"confirm": "c", "reject": "r", "agree": "a", "disagree": "d", "related": "l", "skip": "s", "quit": "q"}
KEYS_HELP = ("c confirm · r reject · a/d/l confirm as agree/disagree/related · s skip · q quit")


def parse_choice(answer: str) -> Choice | None:
    """The choice an answer stands for (a key or its word, any case), or None when it is not one."""
    word = answer.strip().lower()
    return CHOICES.get(WORDS.get(word, word))


def pending_pairs(matcher: Matcher, a: str, b: str, threshold: float,
                  topics: list[str] | None = None) -> list[Pair]:
    """The aligned pairs of sources a and b that no curator has decided, best score first; each
    pair's `a` is the statement of source a. Rejected pairs are never aligned, confirmed ones are
    marked reviewed, so neither is in the queue."""
    comparison = matcher.align_sources(a, b, threshold)
    wanted = set(topics or ())

    def on_topic(p: Pair) -> bool:
        return not wanted or bool(wanted & (set(p.a.stances) | set(p.b.stances) | set(p.topics)))

    pairs = [p for p in comparison.pairs if not p.reviewed and on_topic(p)]
    return sorted(pairs, key=lambda p: (-p.score, p.a.ref, p.b.ref))
