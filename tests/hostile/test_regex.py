"""Regular expressions that never backtrack out of proportion (issue 18 item 6): a long capitalised
word followed by '_' made the abbreviation expander try every split of the word (60,000 letters:
132 s for one search). Bounded in CPU time, so another job on the machine does not matter."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from positions.text import Normaliser, is_acronym

from .helpers import positions_subprocess

HOSTILE = ["A" * 60_000 + "_", "A" * 60_000 + "1", "Ab" * 30_000 + "_", "A" + "a" * 60_000 + "A1",
           ("PCC" * 20_000) + "'_"]


class _Topic:
    def __init__(self, key, label, aliases):
        self.key, self.label, self.aliases = key, label, aliases


TOPICS = [_Topic("pre-sentence-reports", "Pre-sentence reports", ["PSR", "pre-sentence report"]),
          _Topic("unpaid-work", "Unpaid work", ["UPW", "Unpaid work", "community payback"])]


def test_long_capitalised_words_cost_linear_time():
    normaliser = Normaliser(TOPICS)
    for text in HOSTILE:
        start = time.process_time()
        normaliser.terms(text)
        is_acronym(text)
        assert time.process_time() - start < 2.0, text[:10]


def test_search_for_a_long_capitalised_word_is_quick(corpus_dir):
    done = positions_subprocess("--data", corpus_dir, "search", "A" * 60_000 + "_", timeout=120)
    assert done.status == 0, done.stderr
    assert done.cpu_seconds < 15, f"{done.cpu_seconds:.1f} s of CPU"


_OLD = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*'?s?\b")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="AaBsS'_ 1-.PCU", max_size=40))
def test_expansion_is_unchanged(text):
    """The linear pattern expands exactly what the old one did."""
    normaliser = Normaliser(TOPICS)

    def old_expand(t):
        def repl(m):
            word = m.group(0)
            core = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
            core = core.rstrip("'")
            exp = normaliser.expansions.get(core.lower()) if re.match(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$", core) else None
            return f"{word} ({exp})" if exp else word
        return _OLD.sub(repl, t)

    for t in (text, text.replace("P", "PSR "), text.replace("U", " UPWs' ")):
        assert normaliser.expand(t) == old_expand(t)
