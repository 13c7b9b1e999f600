"""Which propositions a text takes a side on, and which side: suggestions for curators and search.

The curated corpus is the training data. For a text, every proposition of the corpus gets a score
in [0, 1] from two kinds of evidence:

* the proposition's own words: its label, sentence and description, with its theme's label and
  aliases, scored against the text by the shipped statement-to-proposition scorer
  (positions.claimscore, fitted on ArgKP-2021 train), against the corpus's statements as the
  population; 61 of the shipped corpus's 101 propositions are answered by one source only, so
  this is what finds a proposition nobody else has answered;
* the curated statements that take a side on it: the closer the text is to one of them (IDF-weighted
  term cosine and centred WordLlama cosine, as the matcher's text similarity), the likelier it
  answers the same proposition.

The two are joined as independent evidence: score = 1 - (1 - text) * (1 - KNN_WEIGHT * nearest).

The suggested stance is the stance of the nearest evidence: the closest curated statement on the
proposition when there is one close enough (`STATEMENT_EVIDENCE`), else the proposition sentence
itself (which a text that says the same thing supports). It is flipped (support <-> oppose; mixed
stays mixed) when the text and that evidence differ in *reversal cues*: a negation ("not", "no",
"never", "n't"), "should not", "stop", "end", "no longer", "concerns about", "too ...",
"instead of", "insufficient", "lack of", "fail". A text that only uses the opposite word
("private" against "publicly owned") is not caught: the stance is a suggestion for a curator.

`confidence` is the score times the share of the evidence on that proposition that agrees with the
suggested stance (after flipping); `add --accept-suggested` takes the suggestions whose confidence
reaches `ACCEPT_CONFIDENCE`.

Measured on sources the suggester has not seen (benchmarks/suggest.py, leave one source out):
see benchmarks/README.md, "Suggester".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from positions.vocabulary import SIDES

if TYPE_CHECKING:
    from positions.claimscore import Texts
    from positions.match import Matcher
    from positions.models import Corpus, Proposition, StatementRef
    from positions.stances import SourcePosition

# Suggestions whose confidence reaches this are taken by `positions add --accept-suggested`.
# Chosen on the leave-one-source-out run of benchmarks/suggest.py (benchmarks/README.md): at 0.7,
# 0.43 suggestions per statement, 70% of them a curated proposition with the curated stance (at
# 0.5: 1.06 per statement, 51% right).
ACCEPT_CONFIDENCE = 0.7
# How much the nearest curated statement on a proposition counts against the proposition's words.
KNN_WEIGHT = 0.8
# A curated statement is the stance evidence when its similarity to the text reaches this.
STATEMENT_EVIDENCE = 0.25
# Similarity (in [0, 1]) from which a curated statement counts at all, and at which it counts fully.
KNN_FLOOR, KNN_FULL = 0.15, 0.6
# Statements of the corpus scored as the claim scorer's population (evenly spaced when more).
POPULATION_LIMIT = 400
# Evidence listed per suggestion: the proposition and up to this many statements.
EVIDENCE_STATEMENTS = 3

# Words and phrases that reverse what a text says about the words that follow them.
_CUES = [
    r"\bnot\b", r"\bno\b", r"\bnever\b", r"n't\b", r"\bcannot\b", r"\bnon\b", r"\bstop(s|ped|ping)?\b",
    r"\bend(s|ed|ing)?\b", r"\bno longer\b", r"\bconcerns?\b", r"\bconcerned\b", r"\btoo\b", r"\binstead of\b",
    r"\binsufficient\b", r"\black of\b", r"\bfail(s|ed|ing|ure)?\b", r"\babolish(ed|ing)?\b",
    r"\bscrap(ped|ping)?\b",
]
_CUE_RE = re.compile("|".join(_CUES))
# A cue counts only when one of the next CUE_SCOPE content words is also in the other text: "too
# often recycled" says nothing against "short sentences should be supervised".
CUE_SCOPE = 6
# Opposite words: a text that says one where the evidence says the other reverses it ("private
# companies should not run probation" against "publicly owned and run" is two reversals: support).
_ANTONYMS = [("public", "privat"), ("more", "fewer"), ("more", "less"), ("increas", "reduc"), ("increas", "decreas"),
             ("expand", "reduc"), ("strengthen", "weaken"), ("better", "wors")]


@lru_cache(maxsize=4096)
def _stems(text: str) -> tuple[str, ...]:
    from positions.text import STOP_WORDS, stem_all, words

    return tuple(stem_all([w for w in words(text) if w not in STOP_WORDS]))


def reversal_cues(text: str, other: str | None = None) -> tuple[str, ...]:
    """The cues in a text that reverse what it says ("should not", "stop", "too ..."); with another
    text, only those followed within CUE_SCOPE content words by a word of the other text."""
    from positions.text import fold

    folded = fold(text).replace("\u2019", "'")
    found = []
    other_stems = set(_stems(other)) if other is not None else None
    for m in _CUE_RE.finditer(folded):
        if other_stems is not None:
            after = _stems(folded[m.end():])[:CUE_SCOPE]
            if not other_stems.intersection(after):
                continue
        found.append(m.group(0))
    return tuple(found)


def _antonym_flips(a: str, b: str) -> int:
    sa, sb = set(_stems(a)), set(_stems(b))
    n = 0
    for x, y in _ANTONYMS:
        if (x in sa and y in sb and y not in sa) or (y in sa and x in sb and x not in sa):
            n += 1
    return n


def reversed_against(text: str, evidence: str) -> bool:
    """Whether a text says the opposite of the evidence about their shared words: an odd number of
    reversals, counting the text's cues scoped to the evidence's words, opposite words, and (only
    when the text has a cue of its own) the evidence's cues scoped to the text's words. A text
    without a cue takes the evidence's side: "a welcome shift in the language" is not reversed by
    "should not describe people as offenders"."""
    own = len(reversal_cues(text, evidence))
    n = own + _antonym_flips(text, evidence)
    if own:  # the evidence's own negations count only against a text that negates too
        n += len(reversal_cues(evidence, text))
    return n % 2 == 1


def flip(stance: str) -> str:
    return {"support": "oppose", "oppose": "support"}.get(stance, stance)


@dataclass(frozen=True)
class Evidence:
    """A reason behind a suggestion: a curated statement and its stance, or the proposition itself."""

    kind: str            # "statement" or "proposition"
    ref: str             # SOURCE/ID, or the proposition key
    text: str
    stance: str          # the statement's stance on the proposition; "support" for the proposition itself
    similarity: float    # to the text, in [0, 1]
    reversed: bool       # the text and this evidence differ in reversal cues

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref, "stance": self.stance,
                "similarity": round(self.similarity, 3), "reversed": self.reversed}


@dataclass(frozen=True)
class Suggestion:
    proposition: Proposition
    score: float          # how likely the text takes a side on it, in [0, 1]
    stance: str           # support, oppose or mixed
    confidence: float     # score x the share of the evidence that agrees with the stance
    evidence: tuple[Evidence, ...]

    @property
    def key(self) -> str:
        return self.proposition.key

    @property
    def accepted(self) -> bool:
        """Whether `add --accept-suggested` would take it."""
        return self.confidence >= ACCEPT_CONFIDENCE

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.proposition.label, "score": round(self.score, 4),
                "stance": self.stance, "confidence": round(self.confidence, 4),
                "evidence": [e.as_dict() for e in self.evidence]}


def proposition_document(corpus: Corpus, key: str) -> str:
    """The words a proposition is scored by: label, sentence, description, theme label and aliases."""
    p = corpus.proposition_map[key]
    theme = corpus.theme_of[key]
    parts = [p.label, p.text, p.description, theme.label, ", ".join(theme.aliases)]
    return ". ".join(x.strip().rstrip(".") for x in parts if x and x.strip()) + "."


class _Model:
    """What the suggester scores with, for the corpus less one source (or the whole corpus)."""

    def __init__(self, suggester: Suggester, exclude_source: str | None):
        from positions import claimscore as cs
        from positions.scoring import centred, corpus_centre

        s = suggester
        keep = [i for i, r in enumerate(s.refs) if r.source != exclude_source]
        self.rows = keep
        texts = s.statement_texts.take(keep) if keep else s.statement_texts.take([])
        props = s.proposition_texts
        self.background = cs.Background(texts.norm + props.norm, texts.tokens + props.tokens)
        if len(keep) > POPULATION_LIMIT:
            chosen = np.linspace(0, len(keep) - 1, POPULATION_LIMIT).round().astype(int).tolist()
            self.pop_rows = [keep[n] for n in chosen]
        else:
            self.pop_rows = keep
        self.scorer = cs.ClaimScorer.shipped()
        self.population = self.scorer.population(s.statement_texts.take(self.pop_rows), props, self.background)
        # curated statements with sides, for the nearest-statement evidence
        self.curated = [i for i in keep if s.refs[i].sides]
        vectors = s.statement_texts.vectors
        self.centre = corpus_centre(vectors[keep]) if keep else np.zeros(vectors.shape[1], np.float32)
        self.curated_vectors = (centred(vectors[self.curated], self.centre) if self.curated
                                else np.zeros((0, 1), np.float32))
        self.curated_norm = [s.statement_texts.norm[i] for i in self.curated]
        self.prop_column = {k: n for n, k in enumerate(s.keys)}


class Suggester:
    """Suggests the propositions a text takes a side on (see the module docstring)."""

    def __init__(self, corpus: Corpus, matcher: Matcher | None = None):
        from positions import claimscore as cs

        if matcher is None:
            from positions.match import Matcher

            matcher = Matcher(corpus)
        self.corpus = corpus
        self.matcher = matcher
        self.refs = matcher.refs
        self.keys = [p.key for p in corpus.propositions]
        store = matcher.embedding_store()
        normaliser = matcher.normaliser
        raw = [normaliser.expand(r.text) for r in self.refs]
        docs = [normaliser.expand(proposition_document(corpus, k)) for k in self.keys]
        vectors = store.embed(raw + docs)
        store.save()
        self.statement_texts = cs.make_texts(raw, matcher.norm, vectors[:len(raw)])
        self.proposition_texts = cs.make_texts(docs, [normaliser.normalised(d) for d in docs], vectors[len(raw):])
        self._models: dict[str | None, _Model] = {}

    def _model(self, exclude_source: str | None) -> _Model:
        if exclude_source not in self._models:
            self._models[exclude_source] = _Model(self, exclude_source)
        return self._models[exclude_source]

    def _texts(self, texts: list[str]) -> Texts:
        from positions import claimscore as cs

        m = self.matcher
        expanded = [m.normaliser.expand(t) for t in texts]
        vectors = m.embedding_store().embed(expanded)
        return cs.make_texts(expanded, [m.normaliser.normalised(t) for t in texts], vectors)

    def scores(self, texts: list[str], exclude_source: str | None = None,
               ) -> tuple[np.ndarray, np.ndarray, list[dict[str, list[tuple[float, int]]]]]:
        """(score, proposition-text probability, nearest curated statements) for each text against
        every proposition (columns in taxonomy order)."""
        from positions.scoring import centred

        model = self._model(exclude_source)
        q = self._texts(texts)
        if not self.keys:
            return np.zeros((len(texts), 0)), np.zeros((len(texts), 0)), [{} for _ in texts]
        exclude = [{n for n, i in enumerate(model.pop_rows) if self.refs[i].text == t} for t in texts]
        p_text = self.scorer_probability(q, model, exclude)
        # nearest curated statements
        sims = np.zeros((len(texts), len(model.curated)), dtype=np.float32)
        if model.curated:
            tf = model.background.tfidf(q.norm, model.curated_norm)
            cos = np.clip(centred(q.vectors, model.centre) @ model.curated_vectors.T, 0, 1)
            sims = (0.5 * tf + 0.5 * cos).astype(np.float32)
        knn = np.zeros_like(p_text)
        nearest: list[dict[str, list[tuple[float, int]]]] = []
        for r, t in enumerate(texts):
            by_prop: dict[str, list[tuple[float, int]]] = {}
            for n, i in enumerate(model.curated):
                if self.refs[i].text == t:
                    continue  # a statement is not its own evidence
                for key in self.refs[i].sides:
                    by_prop.setdefault(key, []).append((float(sims[r, n]), i))
            for key, found in by_prop.items():
                found.sort(key=lambda x: (-x[0], self.refs[x[1]].ref))
                c = model.prop_column.get(key)
                if c is not None:
                    knn[r, c] = np.clip((found[0][0] - KNN_FLOOR) / (KNN_FULL - KNN_FLOOR), 0.0, 1.0)
            nearest.append(by_prop)
        score = 1.0 - (1.0 - p_text) * (1.0 - KNN_WEIGHT * knn)
        return score, p_text, nearest

    def scorer_probability(self, q: Texts, model: _Model, exclude: list[set[int]]) -> np.ndarray:
        return model.scorer.score(q, self.proposition_texts, model.background, model.population, exclude).probability

    def suggest(self, text: str, limit: int = 5, exclude_source: str | None = None) -> list[Suggestion]:
        """The propositions the text most likely takes a side on, best first."""
        return self.suggest_many([text], limit, exclude_source)[0]

    def suggest_many(self, texts: list[str], limit: int = 5,
                     exclude_source: str | None = None) -> list[list[Suggestion]]:
        if not texts:
            return []
        if not self.keys or limit <= 0:
            return [[] for _ in texts]
        score, p_text, nearest = self.scores(texts, exclude_source)
        out: list[list[Suggestion]] = []
        for r, text in enumerate(texts):
            if not text.strip():
                out.append([])
                continue
            order = np.lexsort((np.arange(len(self.keys)), -score[r]))[:limit]
            found = []
            for c in order.tolist():
                key = self.keys[c]
                found.append(self._suggestion(text, key, float(score[r, c]), float(p_text[r, c]),
                                              nearest[r].get(key, [])))
            out.append(found)
        return out

    def _suggestion(self, text: str, key: str, score: float, p_text: float,
                    statements: list[tuple[float, int]]) -> Suggestion:
        prop = self.corpus.proposition_map[key]
        evidence = [Evidence("proposition", key, prop.text, "support", round(p_text, 4),
                             reversed_against(text, prop.text))]
        for sim, i in statements[:EVIDENCE_STATEMENTS]:
            ref = self.refs[i]
            evidence.append(Evidence("statement", ref.ref, ref.text, ref.sides[key], round(sim, 4),
                                     reversed_against(text, ref.text)))
        # the stance of the nearest evidence, flipped on a difference in reversal cues
        stated = [e for e in evidence[1:] if e.similarity >= STATEMENT_EVIDENCE]
        lead = stated[0] if stated else evidence[0]
        stance = flip(lead.stance) if lead.reversed else lead.stance
        votes = stated or [evidence[0]]
        agree = sum(e.similarity for e in votes if (flip(e.stance) if e.reversed else e.stance) == stance)
        total = sum(e.similarity for e in votes)
        share = agree / total if total > 0 else 1.0
        ordered = (*sorted(evidence[1:], key=lambda e: -e.similarity), evidence[0])
        if lead is not evidence[0]:
            ordered = (lead, *(e for e in ordered if e is not lead))
        return Suggestion(prop, round(score, 4), stance if stance in SIDES else "support",
                          round(score * share, 4), ordered)


# Propositions that `positions search` opens with.
SEARCH_PROPOSITIONS = 3


@dataclass(frozen=True)
class Answer:
    """A proposition a search text most likely takes a side on, and where each source stands on it."""

    proposition: Proposition
    score: float
    positions: tuple[SourcePosition, ...]  # one per source

    @property
    def key(self) -> str:
        return self.proposition.key


def answers(suggester: Suggester, text: str, sources: list[str] | None = None,
            limit: int = SEARCH_PROPOSITIONS) -> list[Answer]:
    """The propositions a text most likely takes a side on, each with every source's position."""
    from positions.stances import source_position

    corpus = suggester.corpus
    keys = list(sources) if sources else corpus.source_keys
    out = []
    for s in suggester.suggest(text, limit=limit):
        out.append(Answer(s.proposition, s.score, tuple(source_position(corpus, k, s.key) for k in keys)))
    return out


def curator_queue(suggester: Suggester, source: str, limit: int = 3) -> list[tuple[StatementRef, list[Suggestion]]]:
    """A source's statements without stances, each with its suggestions (up to limit), the most
    confident first: what a curator should look at first. [(StatementRef, [Suggestion...]), ...]"""
    refs = [r for r in suggester.corpus.source_map[source].statements if not r.sides]
    found = suggester.suggest_many([r.text for r in refs], limit=limit)
    pairs = list(zip(refs, found, strict=True))
    pairs.sort(key=lambda p: (-(p[1][0].confidence if p[1] else 0.0), -(p[1][0].score if p[1] else 0.0), p[0].ref))
    return pairs
