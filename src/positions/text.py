"""Text normalisation for matching: folding, British spellings, abbreviations, stop words, stems."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from Stemmer import Stemmer


class NamedTopic(Protocol):
    """What normalising needs of a topic (a positions.models.Topic; this module imports no models,
    which import it)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def aliases(self) -> Sequence[str]: ...

# Typographic punctuation folded to ASCII so that quotes copied from PDFs and web pages compare equal.
FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ", "\u2026": "...",
})

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either etc few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just let may me might more most must my myself no nor not of off on once only or other
ought our ours ourselves out over own per same shall she should so some such than that the their
theirs them themselves then there these they this those through thus to too under until up upon
us very via was we were what when where whether which while who whom whose why will with within
without would yet you your yours yourself yourselves
""".split())

# American spellings folded to British, so either form of a word meets the other.
_SPELLING = {
    "organization": "organisation", "organizations": "organisations", "organize": "organise",
    "program": "programme", "programs": "programmes", "center": "centre", "centers": "centres",
    "labor": "labour", "behavior": "behaviour", "behaviors": "behaviours", "favor": "favour",
    "prioritize": "prioritise", "recognize": "recognise", "recognized": "recognised",
    "stabilize": "stabilise", "stigmatize": "stigmatise", "criminalize": "criminalise",
    "decriminalize": "decriminalise", "defense": "defence", "offense": "offence",
    "offenses": "offences", "license": "licence", "judgment": "judgement", "modeling": "modelling",
    "counseling": "counselling", "enroll": "enrol", "fulfill": "fulfil", "analyze": "analyse",
    "publically": "publicly", "co-ordinated": "coordinated", "co-ordination": "coordination",
}

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ACRONYM_RE = re.compile(r"^[A-Z][a-z]*+[A-Z][A-Za-z]*+$")
_CAPITALISED_RE = re.compile(r"\b[A-Z][A-Za-z]*+'?s?\b")


def fold(text: str) -> str:
    """Unicode-normalised, typographic punctuation folded, lowercased."""
    return unicodedata.normalize("NFKC", text).translate(FOLD).lower()


def words(text: str) -> list[str]:
    """Lowercase word tokens with British spellings; possessive 's dropped."""
    out = []
    for w in _WORD_RE.findall(fold(text).replace("-", " ").replace("&", " and ")):
        if w.endswith("'s"):
            w = w[:-2]
        w = w.replace("'", "")
        out.append(_SPELLING.get(w, w))
    return out


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem_all(tokens: list[str]) -> list[str]:
    return _stemmer().stemWords(tokens)


def is_acronym(alias: str) -> bool:
    """UPW, PCCs, OMiC: two or more capitals, no spaces."""
    core = alias[:-1] if alias.endswith("s") and alias[:-1].isupper() else alias
    return bool(_ACRONYM_RE.match(core)) and " " not in alias and len(core) <= 8


def _initials(phrase: str) -> set[str]:
    """Initials of a phrase, with and without its small words (NFA: no fixed abode; PCC: police
    and crime commissioner); a capitalised word such as HM contributes all its letters."""
    raw = unicodedata.normalize("NFKC", phrase).translate(FOLD).replace("-", " ").split()
    parts = [(w.lower() if w.isupper() and len(w) > 1 else w[0].lower(), w.lower() in STOP_WORDS)
             for w in raw if w[:1].isalnum()]
    return {"".join(p for p, _ in parts), "".join(p for p, small in parts if not small)}


class Normaliser:
    """Turns statements into comparable terms, using the topic aliases of a corpus.

    Abbreviations among the aliases are expanded to the alias whose initials spell them
    (PSR -> pre-sentence report), else to the topic's label, so "UPW" meets "unpaid work".
    """

    def __init__(self, topics: Iterable[NamedTopic] = ()):
        self.expansions: dict[str, str] = {}
        phrases: list[tuple[tuple[str, ...], str]] = []
        for topic in topics:
            longer = [a for a in topic.aliases if not is_acronym(a)]
            for alias in topic.aliases:
                if is_acronym(alias):
                    core = alias[:-1] if alias.endswith("s") and alias[:-1].isupper() else alias
                    match = next((a for a in longer if core.lower() in _initials(a)), None)
                    if match is None and topic.label.lower() in {a.lower() for a in longer}:
                        match = topic.label  # "UPW" -> "Unpaid work"
                    if match is not None:
                        self.expansions.setdefault(core.lower(), match)
                stems = tuple(self._stems(alias))
                if stems:
                    phrases.append((stems, topic.key))
            for stems in (tuple(self._stems(topic.label)),):
                if stems:
                    phrases.append((stems, topic.key))
        self._phrases = sorted(set(phrases))
        self._first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for stems, key in self._phrases:
            self._first.setdefault(stems[0], []).append((stems, key))

    @staticmethod
    def _stems(text: str) -> list[str]:
        return stem_all([w for w in words(text) if w not in STOP_WORDS])

    def expand(self, text: str) -> str:
        """The text with known abbreviations followed by their expansion."""
        if not self.expansions:
            return text

        def repl(m: re.Match[str]) -> str:
            word = m.group(0)
            core = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
            core = core.rstrip("'")
            exp = self.expansions.get(core.lower()) if _ACRONYM_RE.match(core) else None
            return f"{word} ({exp})" if exp else word

        # Every capitalised word is a candidate; repl keeps those that are not a known acronym as
        # they are. The possessive run of letters never backtracks: the pattern of old,
        # [A-Z][A-Za-z]*[A-Z][A-Za-z]*, tried every split of a long capitalised word followed by
        # '_' (60,000 letters took 132 s). The matches, and so the output, are the same.
        return _CAPITALISED_RE.sub(repl, text)

    def terms(self, text: str) -> list[str]:
        """Stemmed content words of the expanded text."""
        return self._stems(self.expand(text))

    def normalised(self, text: str) -> str:
        return " ".join(self.terms(text))

    def concepts(self, text: str) -> frozenset[str]:
        """Topic keys whose aliases or label appear in the text."""
        return self.concepts_of_terms(self.terms(text))

    def concepts_of_terms(self, terms: list[str]) -> frozenset[str]:
        found = set()
        for i, t in enumerate(terms):
            for stems, key in self._first.get(t, ()):
                if tuple(terms[i:i + len(stems)]) == stems:
                    found.add(key)
        return frozenset(found)
