"""Pydantic models of the corpus files, and the loaded corpus they make up."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

STANCES = ("support", "oppose", "mixed", "neutral")
Stance = Literal["support", "oppose", "mixed", "neutral"]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SOURCE_KEY_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
MAX_TEXT_CHARS = 10_000

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Bidirectional embeddings, overrides and isolates can make a quote display differently from
# what it says ("Trojan Source"); plain RTL/LTR marks are legitimate and allowed.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_clean_text(value: str) -> str:
    """Reject control characters and bidi overrides that would let a quote hide or disguise text."""
    for ch in value:
        if ch in "\n\t":
            continue
        if ch in _BIDI_CONTROLS:
            raise ValueError(
                f"contains the invisible direction-override character U+{ord(ch):04X}; remove it"
            )
        if unicodedata.category(ch) == "Cc":
            raise ValueError(f"contains the control character U+{ord(ch):04X}; remove it")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Topic(_Strict):
    """A topic of the taxonomy: a proposition statements can support or oppose."""

    key: Slug = Field(description="Lowercase slug, unique in the taxonomy.")
    label: ShortText = Field(description="Short human-readable name.")
    proposition: ShortText = Field(description="A claim a statement can support or oppose.")
    description: str = Field("", description="What the topic covers.")
    aliases: list[ShortText] = Field(
        default_factory=list, description="Synonyms and abbreviations used by the matcher."
    )


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
        default_factory=dict, description="Topic key -> support, oppose, mixed or neutral."
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
        default_factory=list, description="Topics the source was checked for and is silent on."
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
            raise ValueError(f"'{value}' is not a real date; write YYYY, YYYY-MM or YYYY-MM-DD")
        return value


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
    def stances(self) -> dict[str, str]:
        return self.statement.stances

    def on_topics(self, topics: list[str] | None) -> bool:
        """True when the statement takes a stance on any of the topics, or when no topics are given."""
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

    @property
    def statements(self) -> list[StatementRef]:
        return [StatementRef(self.key, s) for s in self.data.statements]


@dataclass(frozen=True)
class Corpus:
    """A validated corpus: the topic taxonomy and the sources, sorted by key."""

    root: str
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    links: tuple = field(default_factory=tuple)

    @cached_property
    def topic_map(self) -> dict[str, Topic]:
        return {t.key: t for t in self.topics}

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

    def statement(self, ref: str) -> StatementRef | None:
        source, _, sid = ref.partition("/")
        src = self.source_map.get(source)
        if src is None:
            return None
        for s in src.data.statements:
            if s.id == sid:
                return StatementRef(source, s)
        return None
