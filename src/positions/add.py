"""Adding a statement to a source: the stances given on the command line, the checks of the new
statement, the plan shown before anything is written (nearest statements, suggested stances,
near-duplicates), and the append itself.

The append holds the source file's lock (safe_write.Locked) while it reads, changes and writes
the file; the new content is validated with the loader's own checks (same messages) before it
replaces the old file, so an invalid result is never written; the statement is appended as text
(yamlsplice), leaving every other byte of the file as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from positions.errors import CorpusError, FilesystemError, RefusedError, UsageError, display_path
from positions.ids import normalise_text, slugify, unique_id
from positions.safe_write import Locked, check_writable_file, write_file, write_target
from positions.yamlsplice import appended_item_text, dump_yaml, encoded_like, loads_to, plain

if TYPE_CHECKING:
    from positions.corpus import StanceKeys
    from positions.match import Hit
    from positions.models import Corpus, Source, StatementRef
    from positions.suggest import Suggestion

DUPLICATE_SCORE = 0.85
# What `add` takes as a statement: at least two words of two or more letters ("HR with humanity."
# is the shortest shipped quote; "x y z" or "t" is not a quote). The loader does not apply it.
MIN_STATEMENT_WORDS = 2
_STATEMENT_WORD_RE = re.compile(r"[^\W\d_]{2,}")


class StatementFields(TypedDict, total=False):
    """A new statement as `positions add` collects it: the text and, optionally, the rest (an id is
    made from the text when there is none)."""

    id: str
    text: str
    section: str | None
    stances: dict[str, str]
    note: str | None


def parse_stances(values: list[str], corpus: Corpus) -> dict[str, str]:
    """`["core-probation-public=support", ...]` -> dict; UsageError for bad syntax, proposition or stance."""
    from positions.corpus import StanceKeys
    from positions.vocabulary import STANCES

    keys = StanceKeys.of(list(corpus.topics))

    stances: dict[str, str] = {}
    for raw in values:
        for item in (part.strip() for part in raw.split(",")):
            if not item:
                continue
            topic, sep, stance = (x.strip() for x in item.partition("="))
            if not sep or not topic or not stance:
                raise UsageError(
                    f"--stance '{item}': write PROPOSITION=STANCE, e.g. core-probation-public=support "
                    f"(stances: {', '.join(STANCES)})"
                )
            problem = keys.stance_problem(topic, taxonomy_order=True)
            if problem:
                raise UsageError(problem)
            if stance.lower() not in STANCES:
                from positions.errors import did_you_mean

                guess = did_you_mean(stance.lower(), list(STANCES))
                hint = f"did you mean '{guess}'? " if guess else ""
                raise UsageError(
                    f"--stance '{item}': '{stance}' is not a stance; {hint}use one of {', '.join(STANCES)}"
                )
            if topic in stances and stances[topic] != stance.lower():
                raise UsageError(f"--stance: '{topic}' is given two different stances")
            stances[topic] = stance.lower()
    return stances


def check_statement(fields: StatementFields) -> None:
    """Validate one statement's fields with the model; UsageError naming the option."""
    from positions.corpus import validated
    from positions.models import Statement

    validated(Statement, fields, lambda loc: f"--{loc[0]}" if loc else "statement")
    text = fields.get("text")
    if isinstance(text, str) and len(_STATEMENT_WORD_RE.findall(text)) < MIN_STATEMENT_WORDS:
        raise UsageError(
            f"--text: '{shorten(text, 40)}' is not a statement: a quote needs at least {MIN_STATEMENT_WORDS} words "
            "of two or more letters; give the verbatim quote")


@dataclass
class AddPlan:
    """What `positions add` will do, worked out before anything is written."""

    source: str
    text: str
    hits: list[Hit] = field(default_factory=list)  # best first
    suggestions: list[Suggestion] = field(default_factory=list)  # best first
    duplicate: StatementRef | None = None  # a statement of the same source it nearly repeats

    def accepted(self) -> dict[str, str]:
        """The suggested stances confident enough to take without asking (suggest.ACCEPT_CONFIDENCE)."""
        return {s.key: s.stance for s in self.suggestions if s.accepted}


def find_duplicate(corpus: Corpus, source: str, text: str, hits: list[Hit]) -> StatementRef | None:
    """A statement of `source` that `text` nearly repeats: same normalised text, or a search
    hit in the same source scoring at least DUPLICATE_SCORE."""
    wanted = normalise_text(text)
    for ref in corpus.source_map[source].statements:
        if normalise_text(ref.text) == wanted:
            return ref
    for hit in hits:
        if hit.ref.source == source and hit.score >= DUPLICATE_SCORE:
            return hit.ref
    return None


def plan_add(corpus: Corpus, source: str, text: str, *, use_cache: bool = True, limit: int = 5) -> AddPlan:
    """Nearest statements, suggested stances and any near-duplicate for a new statement of `source`."""
    from positions.corpus import require_sources
    from positions.match import Matcher
    from positions.suggest import Suggester

    require_sources(corpus, [source])
    plan = AddPlan(source=source, text=text)
    if corpus.statements():
        matcher = Matcher(corpus, use_cache=use_cache)
        plan.hits = matcher.search(text, limit=limit)
        plan.suggestions = Suggester(corpus, matcher).suggest(text, limit=3)
    plan.duplicate = find_duplicate(corpus, source, text, plan.hits)
    return plan


def refuse_duplicate(plan: AddPlan) -> None:
    """RefusedError when the plan found a near-duplicate (`positions add` without --force)."""
    if plan.duplicate is not None:
        raise RefusedError(
            f"this nearly repeats {plan.duplicate.ref} (\"{shorten(plan.duplicate.text)}\"); "
            "not added. Use --force to add it anyway"
        )


def shorten(text: str, n: int = 70) -> str:
    """The text on one line, cut to n characters with '...'."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3].rstrip() + "..."


def statement_map(fields: StatementFields) -> Any:
    """A round-trip mapping in the shipped order and style: id, text, section, stances, note;
    text, section and note double-quoted."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

    item = CommentedMap()
    item["id"] = fields["id"]
    item["text"] = DQ(fields["text"])
    if section := fields.get("section"):
        item["section"] = DQ(section)
    if fields.get("stances"):
        stances = CommentedMap()
        for topic, stance in fields["stances"].items():
            stances[topic] = stance
        item["stances"] = stances
    if note := fields.get("note"):
        item["note"] = DQ(note)
    return item


def _appended_text(text: str, data: Any, fields: StatementFields) -> str | None:
    """The file with the statement appended as text, or None when that is not safe here."""
    return appended_item_text(text, data, "statements", statement_map(fields))


def append_statement(path: Path, fields: StatementFields, topic_keys: StanceKeys, *,
                     force: bool = False, timeout: float | None = None) -> tuple[Source, str]:
    """Append a statement to a source file under its lock; return (the Source as written, id).

    `fields` holds text and optionally id, section, stances, note. Without an id one is made from
    the text, unique in the file as it is when the lock is held. Unless `force`, a statement whose
    normalised text equals one already in the file is refused.
    """
    from positions.corpus import validate_source_text
    from positions.yamlio import YamlProblems, load_yaml, read_text

    target = write_target(path)
    check_writable_file(target)
    with Locked(target, timeout):
        if not path.exists():
            raise FilesystemError(f"cannot add to '{display_path(path)}': the file no longer exists")
        check_writable_file(target)
        try:
            raw = path.read_bytes()
            text = read_text(path)
            data = load_yaml(path)
        except YamlProblems as exc:
            raise CorpusError(exc.problems) from exc
        # The file must already be valid: do not pile a statement onto a broken file.
        validate_source_text(text, path, topic_keys)
        existing = data["statements"]
        taken = {st["id"] for st in existing if isinstance(st, dict) and isinstance(st.get("id"), str)}
        fields = fields.copy()
        if fields.get("id"):
            if fields["id"] in taken:
                raise RefusedError(
                    f"{path.stem}/{fields['id']} already exists; choose another --id "
                    f"(e.g. '{unique_id(fields['id'], taken)}') or leave --id out to generate one"
                )
        else:
            fields["id"] = unique_id(slugify(fields["text"]), taken)
        if not force:
            wanted = normalise_text(fields["text"])
            for st in existing:
                if isinstance(st, dict) and isinstance(st.get("text"), str) and normalise_text(st["text"]) == wanted:
                    raise RefusedError(
                        f"this repeats {path.stem}/{st.get('id')} (\"{shorten(st['text'])}\"); "
                        "not added. Use --force to add it anyway"
                    )
        new_text = _appended_text(text, data, fields)
        if new_text is not None and not _appends_exactly(new_text, data, fields):
            new_text = None
        if new_text is None:  # fall back to a full round-trip dump, with the comments
            from ruamel.yaml.comments import CommentedSeq

            data = load_yaml(path, text, keep_comments=True)
            seq = data["statements"]
            if len(seq) == 0 or (getattr(seq, "fa", None) is not None and seq.fa.flow_style()):
                block = CommentedSeq(list(seq))
                data["statements"] = block
                seq = block
            seq.append(statement_map(fields))
            new_text = dump_yaml(data)
        source = validate_source_text(new_text, path, topic_keys)
        write_file(target, encoded_like(raw, new_text))
    return source, fields["id"]


def _appends_exactly(new_text: str, old: Any, fields: StatementFields) -> bool:
    """Whether the text edit means exactly 'old data plus this statement' (guards odd layouts)."""
    expected = plain(old)
    expected["statements"] = [*expected["statements"], plain(statement_map(fields))]
    return loads_to(new_text, expected)
