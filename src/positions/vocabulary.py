"""The words of the corpus files and of the results, each list defined once.

A stance is what a statement says about a proposition; the sides are the stances that answer it
(`neutral`, kept from older corpora, answers nothing). A pair of statements is related by a
relation; a curator's decision on a pair is confirmed or rejected. The models, the command-line
choices, the renderers and the benchmarks take these lists from here. This module imports
nothing, so that any module (the command line at start-up too) can use it.
"""

from __future__ import annotations

from typing import Literal, get_args

Stance = Literal["support", "oppose", "mixed", "neutral"]
STANCES: tuple[str, ...] = get_args(Stance)

# The stances that answer a proposition; `neutral` (older corpora: "touches it without taking a
# side") answers nothing, so it never makes two statements comparable.
Side = Literal["support", "oppose", "mixed"]
SIDES: tuple[str, ...] = get_args(Side)

# How two statements relate: `agree` and `disagree` come from their sides on a shared proposition
# (or a curator's decision), `related` from their wording only.
Relation = Literal["agree", "disagree", "related"]
RELATIONS: tuple[str, ...] = get_args(Relation)
# The order in which readers want pairs listed: disagreements first.
RELATION_ORDER = {"disagree": 0, "agree": 1, "related": 2}

# A curator's decision on a pair (links.yaml).
Decision = Literal["confirmed", "rejected"]
DECISIONS: tuple[str, ...] = get_args(Decision)
