"""Pydantic models of the corpus files, and the loaded corpus they make up."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from positions.ids import SLUG_PATTERN, STATEMENT_REF_PATTERN, is_statement_ref
from positions.vocabulary import DECISIONS, RELATIONS, SIDES, Decision, Relation, Stance

MAX_TEXT_CHARS = 10_000

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Bidirectional embeddings, overrides and isolates can make a quote display differently from
# what it says ("Trojan Source"); plain RTL/LTR marks are legitimate and allowed.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) other than newline and
# tab, and the bidi controls: one search instead of a look at every character.
_UNCLEAN_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_clean_text(value: str) -> str:
    """Reject control characters and bidi overrides that would let a quote hide or disguise text."""
    found = _UNCLEAN_RE.search(value)
    if found:
        ch = found.group()
        if ch in _BIDI_CONTROLS:
            raise ValueError(
                f"contains the invisible direction-override character U+{ord(ch):04X}; remove it"
            )
        raise ValueError(f"contains the control character U+{ord(ch):04X}; remove it")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @field_validator("*")
    @classmethod
    def _every_text_is_clean(cls, value: object) -> object:
        # names, titles, labels, authors...: no terminal escape sequences or direction overrides
        for text in (value if isinstance(value, list) else [value]):
            if isinstance(text, str):
                check_clean_text(text)
        return value


class Proposition(_Strict):
    """A specific, contestable claim that a statement can support, oppose or answer in part."""

    key: Slug = Field(description="Lowercase slug, unique in topics.yaml (and not a topic key).")
    label: ShortText = Field(description="Short name, two to six words.")
    text: ShortText = Field(description="The claim in one sentence, one that an organisation could reject.")
    description: str = Field("", description="What counts as supporting or opposing it.")


class Topic(_Strict):
    """A theme of the taxonomy, holding the propositions statements take stances on.

    A topic written in the older format has a single `proposition` sentence and no `propositions`
    list: it then acts as its own single proposition, keyed by the topic key."""

    key: Slug = Field(description="Lowercase slug, unique in the taxonomy.")
    label: ShortText = Field(description="Short human-readable name.")
    proposition: ShortText | None = Field(
        None, description="Older format: the topic's single claim (use `propositions` instead).")
    description: str = Field("", description="What the theme covers.")
    aliases: list[ShortText] = Field(
        default_factory=list, description="Synonyms and abbreviations used by the matcher."
    )
    propositions: list[Proposition] = Field(
        default_factory=list, description="The specific claims of this theme that statements take stances on.")

    @model_validator(mode="after")
    def _one_way_of_stating_claims(self) -> Topic:
        if self.propositions and self.proposition is not None:
            raise ValueError("has both 'proposition' and 'propositions'; move the sentence into one of the "
                             "propositions (or remove it)")
        if not self.propositions and self.proposition is None:
            raise ValueError("needs a 'propositions' list (or, in the older format, a 'proposition' sentence)")
        return self

    @property
    def claims(self) -> tuple[Proposition, ...]:
        """The topic's propositions; an older-format topic is its own single proposition."""
        if self.propositions:
            return tuple(self.propositions)
        return (Proposition(key=self.key, label=self.label, text=self.proposition or self.label,
                            description=self.description),)


class TopicsFile(_Strict):
    """The contents of topics.yaml."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"title": "positions topics file"},
    )
    topics: list[Topic] = Field(default_factory=list)


class Statement(_Strict):
    """One verbatim statement of a source."""

    id: Slug = Field(description="Slug, unique within its source.")
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="Verbatim quote.")
    section: str | None = Field(None, max_length=2_000, description="Heading or lead-in.")
    stances: dict[str, Stance] = Field(
        default_factory=dict, description="Proposition key -> support, oppose or mixed (neutral: older corpora)."
    )
    note: str | None = Field(None, max_length=MAX_TEXT_CHARS, description="Curator's note.")

    @field_validator("text")
    @classmethod
    def _text_is_clean(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty; write the verbatim quote")
        return check_clean_text(value)

    @field_validator("section", "note")
    @classmethod
    def _optional_text_is_clean(cls, value: str | None) -> str | None:
        return None if value is None else check_clean_text(value)


class SourceFile(_Strict):
    """The contents of sources/<key>.yaml."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        json_schema_extra={"title": "positions source file"},
    )
    name: ShortText = Field(description="The organisation's name.")
    title: str | None = Field(None, description="The document's title.")
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    kind: str | None = Field(None, description="coalition, professional body, government, ...")
    authors: list[ShortText] = Field(default_factory=list, description="Authors or signatories.")
    url: str | None = None
    published_in: str | None = None
    notes: str | None = None
    silent_on: list[Slug] = Field(
        default_factory=list,
        description="Propositions (or whole topics) the source was checked for and is silent on.",
    )
    silent_note: str | None = Field(
        None, max_length=MAX_TEXT_CHARS,
        description="How the silences were checked: what was read, by whom, when.",
    )
    statements: list[Statement] = Field(description="The source's statements, in document order.")

    @field_validator("date", mode="before")
    @classmethod
    def _normalise_date(cls, value: object) -> object:
        # Unquoted YAML dates arrive as date objects and bare years as ints.
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("date")
    @classmethod
    def _date_is_valid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _DATE_RE.match(value):
            raise ValueError(f"'{value}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(p) for p in value.split("-")]
        try:
            _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            raise ValueError(f"'{value}' is not a real date; write YYYY, YYYY-MM or YYYY-MM-DD") from None
        return value




_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Link(_Strict):
    """A curator's decision on a pair of statements from two sources (an entry of links.yaml)."""

    a: Annotated[str, StringConstraints(pattern=STATEMENT_REF_PATTERN, max_length=200)] = Field(
        description="One statement, as SOURCE/ID.")
    b: Annotated[str, StringConstraints(pattern=STATEMENT_REF_PATTERN, max_length=200)] = Field(
        description="The other statement, from another source, as SOURCE/ID.")
    decision: Decision = Field(
        description="confirmed: always align the pair; rejected: never align it.")
    relation: Relation | None = Field(
        None, description="For a confirmed pair: overrides the relation derived from the stances.")
    reason: str | None = Field(None, max_length=MAX_TEXT_CHARS, description="Why the curator decided so.")
    reviewer: str | None = Field(None, max_length=200, description="Who decided.")
    date: str | None = Field(None, description="When, as YYYY-MM-DD.")

    @field_validator("a", "b", mode="before")
    @classmethod
    def _ref_shape(cls, value: object) -> object:
        if isinstance(value, str) and not is_statement_ref(value.strip()):
            raise ValueError(f"'{value}' is not a statement reference; "
                             "write SOURCE/ID, e.g. 'alliance/publicly-owned-service'")
        return value

    @field_validator("decision", mode="before")
    @classmethod
    def _decision_word(cls, value: object) -> object:
        if isinstance(value, str) and value not in DECISIONS:
            raise ValueError(f"'{value}' is not a decision; use confirmed or rejected")
        return value

    @field_validator("relation", mode="before")
    @classmethod
    def _relation_word(cls, value: object) -> object:
        if isinstance(value, str) and value not in RELATIONS:
            raise ValueError(f"'{value}' is not a relation; use agree, disagree or related")
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if isinstance(value, _dt.date):  # an unquoted YAML date
            return value.isoformat()
        if isinstance(value, str):
            value = value.strip()
            if not _ISO_DATE_RE.match(value):
                raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD")
            try:
                _dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"'{value}' is not a real date; write YYYY-MM-DD") from None
        return value

    @field_validator("reason", "reviewer")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return None if value is None else check_clean_text(value)

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


class LinksFile(_Strict):
    """The contents of links.yaml: curators' decisions on matched pairs."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        json_schema_extra={"title": "positions links file"},
    )
    links: list[Link] = Field(default_factory=list, description="Decisions, one per pair of statements.")

    @field_validator("links", mode="before")
    @classmethod
    def _empty_list(cls, value: object) -> object:
        return [] if value is None else value  # a bare "links:" is an empty list, not an error


@dataclass(frozen=True)
class StatementRef:
    """A statement in the context of its source: what the matcher and renderers pass around."""

    source: str
    statement: Statement

    @property
    def ref(self) -> str:
        return f"{self.source}/{self.statement.id}"

    @property
    def id(self) -> str:
        return self.statement.id

    @property
    def text(self) -> str:
        return self.statement.text

    @property
    def stances(self) -> dict[str, Stance]:
        return self.statement.stances

    @property
    def sides(self) -> dict[str, str]:
        """The stances that answer a proposition (support, oppose, mixed)."""
        return {k: v for k, v in self.statement.stances.items() if v in SIDES}

    def on_topics(self, topics: Collection[str] | None) -> bool:
        """True when the statement takes a stance on any of the given proposition keys, or when none are given."""
        return not topics or any(t in self.statement.stances for t in topics)


@dataclass(frozen=True)
class Source:
    """A loaded source: its key, its file and its contents."""

    key: str
    path: str
    data: SourceFile

    @property
    def name(self) -> str:
        return self.data.name

    @cached_property
    def statements(self) -> list[StatementRef]:
        return [StatementRef(self.key, s) for s in self.data.statements]


@dataclass(frozen=True)
class Corpus:
    """A validated corpus: the topic taxonomy and the sources, sorted by key."""

    root: str
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    links: tuple[Link, ...] = field(default_factory=tuple)

    @cached_property
    def topic_map(self) -> dict[str, Topic]:
        return {t.key: t for t in self.topics}

    @cached_property
    def propositions(self) -> tuple[Proposition, ...]:
        """Every proposition, in taxonomy order."""
        return tuple(p for t in self.topics for p in t.claims)

    @cached_property
    def proposition_map(self) -> dict[str, Proposition]:
        return {p.key: p for p in self.propositions}

    @cached_property
    def theme_of(self) -> dict[str, Topic]:
        """The topic (theme) each proposition belongs to."""
        return {p.key: t for t in self.topics for p in t.claims}

    def expand_topics(self, keys: list[str] | None) -> frozenset[str] | None:
        """Proposition keys named by topic or proposition keys (a topic stands for all of its
        propositions); None when no keys are given."""
        if not keys:
            return None
        out: set[str] = set()
        for key in keys:
            topic = self.topic_map.get(key)
            out.update(p.key for p in topic.claims) if topic is not None else out.add(key)
        return frozenset(out)

    def silences(self, source: str) -> frozenset[str]:
        """The propositions a source is on record as silent on (a topic in silent_on covers all of its
        propositions)."""
        return self.expand_topics(list(self.source_map[source].data.silent_on)) or frozenset()

    @cached_property
    def source_map(self) -> dict[str, Source]:
        return {s.key: s for s in self.sources}

    @property
    def source_keys(self) -> list[str]:
        return [s.key for s in self.sources]

    def statements(self, sources: list[str] | None = None) -> list[StatementRef]:
        """All statements, in source-key order then document order."""
        wanted = self.sources if sources is None else [self.source_map[k] for k in sources]
        return [ref for s in wanted for ref in s.statements]

    def link(self, a: str, b: str) -> Link | None:
        """The curators' decision on a pair of statement refs (in either order), if any."""
        wanted = frozenset((a, b))
        return next((link for link in self.links if link.pair == wanted), None)

    def statement(self, ref: str) -> StatementRef | None:
        source, _, sid = ref.partition("/")
        src = self.source_map.get(source)
        if src is None:
            return None
        for s in src.data.statements:
            if s.id == sid:
                return StatementRef(source, s)
        return None
