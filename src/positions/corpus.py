"""Finding, loading and validating a corpus folder.

`load_corpus` either returns a valid `Corpus` or raises `CorpusError` with every problem found,
each at a file, line and column.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from positions.errors import (
    CorpusError,
    Problem,
    RefusedError,
    UsageError,
    did_you_mean,
    display_path,
    unknown_name_message,
)
from positions.ids import STATEMENT_REF_PATTERN, is_source_key, is_statement_ref, source_key_like
from positions.yamlio import YamlProblems, load_yaml, locate

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError
    from pydantic_core import ErrorDetails

    from positions.models import Corpus, Link, Source, StatementRef, Topic

# a pydantic model of a corpus file (TopicsFile, SourceFile, LinksFile) or of one record in it
M = TypeVar("M", bound="BaseModel")

ENV_VAR = "POSITIONS_DATA"
TOPICS_FILE = "topics.yaml"
SOURCES_DIR = "sources"
LINKS_FILE = "links.yaml"


@dataclass(frozen=True)
class DataDir:
    """A corpus folder and how it was found."""

    path: Path
    # "option", "environment", "checkout" (the working folder is inside a checkout of positions),
    # "installed-checkout" (the checkout positions is installed from in editable mode, found from
    # the package's own location) or "packaged"
    origin: str

    @property
    def writable(self) -> bool:
        """Only a corpus the user chose, or the checkout they work in, is changed in place."""
        return self.origin not in ("packaged", "installed-checkout")


def packaged_data_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


def _checkout_data_dir(start: Path) -> Path | None:
    """`data/` of a checkout of this repository containing `start`, if any."""
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if (folder / "data" / TOPICS_FILE).is_file() and pyproject.is_file():
            try:
                if 'name = "positions"' in pyproject.read_text(encoding="utf-8", errors="replace"):
                    return folder / "data"
            except OSError:
                return None
    return None


def find_data_dir(option: str | Path | None = None, label: str = "--data") -> DataDir:
    """The corpus to use: --data, then $POSITIONS_DATA, then a checkout's data/, then the packaged one.

    `label` names where `option` came from in messages (--data, or a command's DIR argument)."""
    if option:
        return DataDir(_existing_dir(Path(option), label), "option")
    env = os.environ.get(ENV_VAR)
    if env:
        return DataDir(_existing_dir(Path(env), ENV_VAR), "environment")
    for start, origin in ((_cwd(), "checkout"), (Path(__file__).resolve().parent, "installed-checkout")):
        found = _checkout_data_dir(start) if start is not None else None
        if found is not None:
            return DataDir(found, origin)
    return DataDir(packaged_data_dir(), "packaged")


def require_writable(data_dir: DataDir) -> Path:
    """The folder of a corpus that may be changed; RefusedError for the packaged corpus."""
    if not data_dir.writable and data_dir.origin == "installed-checkout":
        raise RefusedError(
            f"the corpus in use is the data/ folder of the checkout positions is installed from "
            f"({data_dir.path}), found only because no corpus was named; it is not changed from another "
            "folder. Copy it with 'positions init DIR', then point at the copy with '--data DIR' or "
            "'export POSITIONS_DATA=DIR' (or run the command inside the checkout to change it there)"
        )
    if not data_dir.writable:
        raise RefusedError(
            f"the corpus in use is the one packaged with positions ({data_dir.path}); it is "
            "replaced on every upgrade, so it is not edited in place. Copy it with "
            "'positions init DIR', then point at the copy with '--data DIR' or "
            "'export POSITIONS_DATA=DIR'"
        )
    return Path(data_dir.path)


def _cwd() -> Path | None:
    try:
        return Path.cwd()
    except OSError:  # the working folder was deleted
        return None


def _existing_dir(path: Path, given_by: str) -> Path:
    if not path.exists():
        raise UsageError(f"{given_by}: folder '{path}' does not exist; give the folder that holds topics.yaml")
    if not path.is_dir():
        raise UsageError(f"{given_by}: '{path}' is not a folder; give the folder that holds topics.yaml")
    return path


def source_files(root: Path) -> list[Path]:
    folder = root / SOURCES_DIR
    if not folder.is_dir():
        return []
    # .YAML, .Yml...: listed too, so that the loader says to rename them rather than skip them unseen
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml") and not p.name.startswith("."))


def inside(root: Path, path: Path) -> bool:
    """Whether path, links resolved, lies in the folder root (a link out of a corpus is not read)."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except RuntimeError:  # a symlink loop (Python < 3.13): it reads nothing; reading it says so
        return True
    except (ValueError, OSError):
        return False


def _pydantic_problems(exc: ValidationError, data: Any, shown: str, describe: _Describer) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "missing":
            at = locate(data, loc[:-1])
            message = f"'{loc[-1]}' is missing; add it"
        elif kind == "extra_forbidden":
            at = locate(data, loc, key_position=True)
            message = f"unknown field '{loc[-1]}'"
            known = describe.fields_at(loc[:-1])
            guess = did_you_mean(str(loc[-1]), known) if known else None
            message += f"; did you mean '{guess}'?" if guess else (
                f" (allowed: {', '.join(known)})" if known else "")
        else:
            at = locate(data, loc)
            message = field_message(err, loc)
        problems.append(Problem(shown, at.line, at.column, describe.where(loc), message))
    return problems


def field_message(err: ErrorDetails, loc: tuple[int | str, ...]) -> str:
    """A pydantic validation error (`err`, at `loc`) as a plain message about the field."""
    kind, field = err["type"], loc[-1] if loc else ""
    if isinstance(field, int) and len(loc) > 1:  # an item of a list: name the list
        field = f"{loc[-2]} item {field + 1}"
    value = err.get("input")
    if kind == "string_type":
        got = type(value).__name__
        if value is None:
            return f"'{field}' is empty; write the verbatim quote" if field == "text" else f"'{field}' is empty"
        if isinstance(value, bool):
            return f"'{field}' must be text, not the yes/no value {str(value).lower()}; put it in quotes"
        if isinstance(value, (int, float)):
            return f"'{field}' must be text, not the number {value!r}; put it in quotes"
        if isinstance(value, list):
            return f"'{field}' must be text, not a list"
        if isinstance(value, dict):
            return f"'{field}' must be text, not a mapping"
        return f"'{field}' must be text, not {got}"
    if kind == "string_pattern_mismatch":
        return f"'{value}' is not a valid {field}: use lowercase letters, digits and hyphens (e.g. 'public-ownership')"
    if kind == "literal_error":
        if value is None:
            return "the stance is empty; use support, oppose, mixed or neutral"
        return f"'{value}' is not a stance; use support, oppose, mixed or neutral"
    if kind in ("list_type", "dict_type"):
        want = "a list" if kind == "list_type" else "a mapping"
        return f"'{field}' must be {want}"
    if kind == "string_too_short":
        return f"'{field}' is empty; write the verbatim quote" if field == "text" else f"'{field}' is empty"
    if kind == "string_too_long":
        limit = err.get("ctx", {}).get("max_length")
        return f"'{field}' is too long ({len(str(value))} characters; the limit is {limit})"
    if kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
        return f"'{field}' {msg}" if not msg.startswith("'") else msg
    if kind == "model_type":
        return "must be a mapping of fields"
    return f"'{field}': {err['msg']}"


class _Describer:
    """Turns a pydantic error location into words and lists the fields allowed there."""

    def __init__(self, data: Any, model: type[BaseModel], list_field: str):
        self.data, self.model, self.list_field = data, model, list_field

    def where(self, loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 2 and loc[0] == self.list_field and isinstance(loc[1], int):
            item = self.list_field.rstrip("s")
            ident = None
            try:
                entry = self.data[self.list_field][loc[1]]
                ident = entry.get("id") or entry.get("key") if isinstance(entry, dict) else None
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
            label = f"{item} '{ident}'" if isinstance(ident, str) else f"{item} {loc[1] + 1}"
            rest = ".".join(str(p) for p in loc[2:])
            return f"{label}" + (f" {rest}" if rest else "")
        return ".".join(str(p) for p in loc)

    def fields_at(self, loc: tuple[int | str, ...]) -> list[str]:
        from positions.models import Statement, Topic

        if not loc:
            return list(self.model.model_fields)
        if len(loc) == 2 and loc[0] in ("statements", "topics"):
            return list((Statement if loc[0] == "statements" else Topic).model_fields)
        if len(loc) == 2 and loc[0] == "links":
            from positions.models import Link

            return list(Link.model_fields)
        return []


class ParsedFiles:
    """Validated contents of corpus files keyed by a hash of their text, kept in the user cache.

    Parsing YAML with positions is most of a small command's time; an unchanged file is read from
    here instead (re-validated by pydantic, which is fast). Only valid files are stored.
    """

    def __init__(self, enabled: bool = True):
        self.path: Path | None = None
        self.entries: dict[str, str] = {}
        self.used: set[str] = set()
        self.dirty = False
        if not enabled:
            return
        import json

        from positions import __version__
        from positions.cache import cache_dir, read_cache_file

        self.path = cache_dir() / f"parsed-{__version__}.json"
        try:
            entries = json.loads(read_cache_file(self.path) or b"{}")  # a pipe or /dev/zero is not read
            if isinstance(entries, dict):
                self.entries = {k: v for k, v in entries.items() if isinstance(v, str)}
        except (OSError, ValueError):
            pass  # missing or corrupt: rebuilt as files are parsed

    @staticmethod
    def key(model: type[BaseModel], text: str) -> str:
        import hashlib

        return hashlib.sha256(f"{model.__name__}\0{text}".encode()).hexdigest()

    def get(self, model: type[M], text: str) -> M | None:
        if self.path is None:
            return None
        key = self.key(model, text)
        stored = self.entries.get(key)
        if stored is None:
            stored = seed_parsed_entries().get(key)
            if stored is not None:  # kept in the user cache from now on
                self.entries[key] = stored
                self.dirty = True
        if stored is None:
            return None
        try:
            parsed = model.model_validate_json(stored)
        except ValueError:
            return None
        self.used.add(key)
        return parsed

    def put(self, model: type[BaseModel], text: str, parsed: BaseModel) -> None:
        if self.path is None:
            return
        key = self.key(model, text)
        self.entries[key] = parsed.model_dump_json()
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        import json

        from positions.safe_write import write_atomic

        # keep what this corpus used, plus a bounded number of others (another corpus, older edits)
        others = [k for k in sorted(self.entries) if k not in self.used][:500]
        keep = {k: self.entries[k] for k in sorted(self.used | set(others))}
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(keep).encode("utf-8"))


_NO_CACHE = ParsedFiles(enabled=False)

# The parsed shipped corpus, built into the package by `python -m positions.seed`.
SEED_PARSED_FILE = Path(__file__).resolve().parent / "seed" / "parsed.json"


@lru_cache(maxsize=1)
def seed_parsed_entries() -> dict[str, str]:
    """Key -> validated JSON of the shipped corpus files, as ParsedFiles keeps them (empty when the
    seed is missing or from another version)."""
    import json

    from positions import __version__

    try:
        seed = json.loads(SEED_PARSED_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(seed, dict) or seed.get("version") != __version__ or not isinstance(seed.get("entries"), dict):
        return {}
    return {k: v for k, v in seed["entries"].items() if isinstance(v, str)}


def _load_file(path: Path, model: type[M], list_field: str,
               cache: ParsedFiles = _NO_CACHE) -> tuple[M | None, Any, list[Problem]]:
    """(model instance or None, raw data, problems) for one file. A cache hit returns no raw data."""
    from pydantic import ValidationError

    from positions.yamlio import read_text

    shown = display_path(path)
    try:
        text = read_text(path)
    except YamlProblems as exc:
        return None, None, exc.problems
    cached = cache.get(model, text)
    if cached is not None:
        return cached, None, []
    try:
        data = load_yaml(path, text)
    except YamlProblems as exc:
        return None, None, exc.problems
    if data is None:
        hint = {"statements": "name: and statements:"}.get(list_field, f"{list_field}:")
        return None, None, [Problem(shown, 0, 0, "", f"file is empty; it needs at least {hint}")]
    if not isinstance(data, dict):
        at = locate(data, ())
        return None, data, [Problem(shown, at.line or 1, at.column or 1, "",
                                    "must be a mapping of fields, not a list or a single value")]
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        return None, data, _pydantic_problems(exc, data, shown, _Describer(data, model, list_field))
    cache.put(model, text, parsed)
    return parsed, data, []


def load_topics(root: Path, cache: ParsedFiles = _NO_CACHE) -> tuple[list[Topic], Any, list[Problem]]:
    from positions.models import TopicsFile

    path = root / TOPICS_FILE
    if not inside(root, path):
        return [], None, [Problem(display_path(path), 0, 0, "",
                                  "is a link to a file outside the corpus folder; copy the file in instead")]
    parsed, data, problems = _load_file(path, TopicsFile, "topics", cache)
    if parsed is None:
        return [], data, problems
    if data is None and _proposition_problems(parsed.topics, None, ""):
        parsed, data, problems = _load_file(path, TopicsFile, "topics")  # a cache hit has no positions
        if parsed is None:  # changed since, and no longer valid
            return [], data, problems
    problems = problems + _proposition_problems(parsed.topics, data, display_path(path))
    return list(parsed.topics), data, problems


def _proposition_problems(topics: list[Topic], data: Any, shown: str) -> list[Problem]:
    """Keys of topics and propositions: topic keys unique, proposition keys unique across the file
    and never a topic's key (a stance names one or the other)."""
    from positions.yamlio import Located

    def at(*loc: Any) -> Any:
        return locate(data, loc) if data is not None else Located(0, 0)

    problems = []
    seen: dict[str, int] = {}
    for i, topic in enumerate(topics):
        if topic.key in seen:
            p = at("topics", i, "key")
            problems.append(Problem(shown, p.line, p.column, f"topic '{topic.key}'",
                f"duplicate topic key (first at topic {seen[topic.key] + 1}); rename one"))
        else:
            seen[topic.key] = i
    first: dict[str, str] = {}
    for i, topic in enumerate(topics):
        for j, prop in enumerate(topic.propositions):
            where = f"topic '{topic.key}' proposition '{prop.key}'"
            if prop.key in seen:
                p = at("topics", i, "propositions", j, "key")
                problems.append(Problem(shown, p.line, p.column, where,
                    f"'{prop.key}' is also a topic key; give the proposition its own key, e.g. '{prop.key}-claim'"))
            elif prop.key in first:
                p = at("topics", i, "propositions", j, "key")
                problems.append(Problem(shown, p.line, p.column, where,
                    f"duplicate proposition key (first in topic '{first[prop.key]}'); rename one"))
            else:
                first[prop.key] = topic.key
    return problems


@dataclass(frozen=True)
class StanceKeys:
    """What a statement's stances and a source's silent_on may name."""

    propositions: tuple[str, ...]  # in taxonomy order, for messages
    themes: dict[str, tuple[str, ...]]  # topic key -> its propositions, for topics that list them

    @classmethod
    def of(cls, topics: Iterable[Topic] | Iterable[str]) -> StanceKeys:
        """From loaded topics, or from a plain list of keys (each its own proposition)."""
        items: list[Topic | str] = list(topics)
        keys = [t for t in items if isinstance(t, str)]
        if len(keys) == len(items):
            return cls(tuple(keys), {})
        loaded = [t for t in items if not isinstance(t, str)]
        return cls(tuple(p.key for t in loaded for p in t.claims),
                   {t.key: tuple(p.key for p in t.propositions) for t in loaded if t.propositions})

    @classmethod
    def from_raw(cls, raw: Any) -> StanceKeys | None:
        """From an invalid topics.yaml: the keys it spells out, or None when it cannot be read."""
        if not isinstance(raw, list):
            return None
        props: list[str] = []
        themes: dict[str, tuple[str, ...]] = {}
        for t in raw:
            if not isinstance(t, dict) or not isinstance(t.get("key"), str):
                continue
            listed = t.get("propositions")
            if isinstance(listed, list) and listed:
                keys = tuple(p["key"] for p in listed if isinstance(p, dict) and isinstance(p.get("key"), str))
                themes[t["key"]] = keys
                props.extend(keys)
            else:
                props.append(t["key"])
        return cls(tuple(props), themes)

    def stance_problem(self, key: str, taxonomy_order: bool = False) -> str | None:
        """What is wrong with a stance on `key`, or None; known keys listed sorted (the loader) or
        in taxonomy order (command-line options)."""
        if key in self.propositions:
            return None
        if key in self.themes:
            listed = ", ".join(self.themes[key])
            return (f"'{key}' is a topic with propositions; take a stance on the one the statement "
                    f"answers ({listed})")
        # a taxonomy in the older format (no topic lists propositions) speaks of topics
        noun = "proposition" if self.themes else "topic"
        if self.propositions:
            known = list(self.propositions) if taxonomy_order else sorted(self.propositions)
            return unknown_name_message(noun, key, known)
        return f"unknown {noun} '{key}'"

    def silence_problem(self, key: str) -> str | None:
        if key in self.propositions or key in self.themes:
            return None
        noun = "proposition or topic" if self.themes else "topic"
        return unknown_name_message(noun, key, sorted({*self.themes, *self.propositions}))


def load_source(path: Path, topic_keys: StanceKeys | None, root: Path,
                cache: ParsedFiles = _NO_CACHE) -> tuple[Source | None, list[Problem]]:
    """One source file: (Source or None, problems). topic_keys None: do not check what stances name."""
    from positions.models import Source, SourceFile

    shown = display_path(path)
    key = path.stem
    problems: list[Problem] = []
    if not inside(root, path):
        return None, [Problem(shown, 0, 0, "",
                              "is a link to a file outside the corpus folder; copy the file in instead")]
    if path.suffix not in (".yaml", ".yml"):
        return None, [Problem(shown, 0, 0, "", (
            f"the file name ends in '{path.suffix}', which positions does not read as a source; rename it to "
            f"'{path.stem}{path.suffix.lower()}'"))]
    if not is_source_key(key):
        problems.append(Problem(shown, 0, 0, "", (
            f"source key '{key}' (the file name) is not a lowercase slug; rename the file to "
            f"something like '{source_key_like(key)}{path.suffix}'")))
    parsed, data, file_problems = _load_file(path, SourceFile, "statements", cache)
    if parsed is not None and data is None and _cross_check(parsed.model_dump(), shown, topic_keys):
        # A cache hit has no raw data, but the checks below run all the same (on the parsed values):
        # a problem found there (a duplicate id, a proposition the taxonomy no longer has) is placed
        # by parsing the file again, without the cache.
        parsed, data, file_problems = _load_file(path, SourceFile, "statements")
    problems.extend(file_problems)
    if isinstance(data, dict):
        problems.extend(_cross_check(data, shown, topic_keys))
    if problems or parsed is None:
        return None, problems
    return Source(key=key, path=str(path), data=parsed), []


def _cross_check(data: dict[str, Any], shown: str, known: StanceKeys | None) -> list[Problem]:
    """Duplicate ids and unknown propositions, checked on the raw data so they are found even when
    other fields of the same file are invalid."""
    problems = []
    seen: dict[str, int] = {}
    statements = data.get("statements")
    for i, st in enumerate(statements if isinstance(statements, list) else []):
        if not isinstance(st, dict):
            continue
        sid = st.get("id")
        if isinstance(sid, str):
            if sid in seen:
                at = locate(data, ("statements", i, "id"))
                problems.append(Problem(shown, at.line, at.column, f"statement '{sid}'",
                    f"duplicate id (first used by statement {seen[sid] + 1}); give this one another id"))
            else:
                seen[sid] = i
        stances = st.get("stances")
        label = f"statement '{sid}'" if isinstance(sid, str) else f"statement {i + 1}"
        for topic in stances if isinstance(stances, dict) and known is not None else {}:
            message = known.stance_problem(topic) if isinstance(topic, str) and known is not None else None
            if message:
                at = locate(data, ("statements", i, "stances", topic), key_position=True)
                problems.append(Problem(shown, at.line, at.column, f"{label} stances", message))
    silent = data.get("silent_on")
    for j, topic in enumerate(silent if isinstance(silent, list) and known is not None else []):
        message = known.silence_problem(topic) if isinstance(topic, str) and known is not None else None
        if message:
            at = locate(data, ("silent_on", j))
            problems.append(Problem(shown, at.line, at.column, "silent_on", message))
    return problems


def load_corpus(root: str | Path, use_cache: bool = False, parsed_files: ParsedFiles | None = None) -> Corpus:
    """Load and validate a corpus folder; raise CorpusError listing every problem.

    With use_cache, files unchanged since a previous valid load (or shipped unchanged with the
    package: positions/seed/) are not parsed again.
    """
    from positions.models import Corpus

    root = Path(root)
    cache = parsed_files if parsed_files is not None else ParsedFiles(enabled=use_cache)
    if not (root / TOPICS_FILE).exists() and not (root / SOURCES_DIR).is_dir():
        raise CorpusError([Problem(display_path(root), 0, 0, "",
            f"is not a corpus folder: it has neither {TOPICS_FILE} nor {SOURCES_DIR}/; "
            "run 'positions init DIR' to make one")])
    topics, topics_data, problems = load_topics(root, cache) if (root / TOPICS_FILE).exists() else ([], None, [])
    topic_keys: StanceKeys | None = StanceKeys.of(topics) if (root / TOPICS_FILE).exists() else None
    if problems:
        # An invalid topics.yaml must not make every stance in every source an "unknown proposition":
        # check stances against the keys it spells out, or not at all when it cannot be read.
        raw = topics_data.get("topics") if isinstance(topics_data, dict) else None
        topic_keys = StanceKeys.from_raw(raw)
    sources = []
    for path in source_files(root):
        source, source_problems = load_source(path, topic_keys, root, cache)
        problems.extend(source_problems)
        if source is not None:
            sources.append(source)
    takes_stances = any(s.data.silent_on or any(st.stances for st in s.data.statements) for s in sources)
    if not (root / TOPICS_FILE).exists() and takes_stances:
        problems.append(Problem(display_path(root / TOPICS_FILE), 0, 0, "",
            "file not found, but the sources take stances on topics; "
            "restore it (or copy one with 'positions init DIR')"))
    links: list[Link] = []
    if (root / LINKS_FILE).exists():
        links, link_problems = load_links(root, sources, {p.stem for p in source_files(root)}, cache)
        problems.extend(link_problems)
    cache.save()
    if problems:
        raise CorpusError(problems)
    return Corpus(root=str(root), topics=tuple(topics), sources=tuple(sorted(sources, key=lambda s: s.key)),
                  links=tuple(links))


def load_links(root: Path, sources: list[Source], file_keys: set[str],
               cache: ParsedFiles = _NO_CACHE) -> tuple[list[Link], list[Problem]]:
    """links.yaml: (the links, problems). `sources` are the sources that loaded; `file_keys` the keys of
    every source file, so that a link into a file that failed to load is not also called unknown."""
    from positions.models import LinksFile

    path = root / LINKS_FILE
    shown = display_path(path)
    if not inside(root, path):
        return [], [Problem(shown, 0, 0, "", "is a link to a file outside the corpus folder; copy the file in instead")]
    ids = {s.key: {st.id for st in s.data.statements} for s in sources}
    parsed, data, problems = _load_file(path, LinksFile, "links", cache)
    if data is None and parsed is not None:
        # a cache hit carries no positions: check the plain values, and parse again only to place problems
        if not _check_links({"links": [link.model_dump() for link in parsed.links]}, shown, ids, file_keys):
            return list(parsed.links), []
        parsed, data, problems = _load_file(path, LinksFile, "links")
    if isinstance(data, dict):
        problems = problems + _check_links(data, shown, ids, file_keys)
    if problems or parsed is None:
        return [], problems
    return list(parsed.links), []


def _check_links(data: dict[str, Any], shown: str, ids: dict[str, set[str]], file_keys: set[str]) -> list[Problem]:
    """What the model cannot check: both statements exist, in two sources, one decision per pair.
    Runs on the raw data so these problems are listed alongside any field errors."""
    ref_re = re.compile(STATEMENT_REF_PATTERN)
    problems = []
    first: dict[frozenset[str], int] = {}
    entries = data.get("links")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        refs = {}
        for side in ("a", "b"):
            value = entry.get(side)
            if not isinstance(value, str) or not ref_re.match(value.strip()):
                continue  # the model reports a missing or malformed reference
            value = value.strip()
            source, _, sid = value.partition("/")
            message = None
            if source not in file_keys:
                message = unknown_name_message("source", source, sorted(file_keys))
            elif source in ids and sid not in ids[source]:
                known = [f"{source}/{x}" for x in sorted(ids[source])]
                message = unknown_name_message("statement", value, known)
            if message:
                at = locate(data, ("links", i, side))
                problems.append(Problem(shown, at.line, at.column, f"link {i + 1} {side}", message))
            refs[side] = value
        if len(refs) == 2:
            if refs["a"].partition("/")[0] == refs["b"].partition("/")[0]:
                at = locate(data, ("links", i, "b"))
                problems.append(Problem(shown, at.line, at.column, f"link {i + 1} b",
                    f"'{refs['a']}' and '{refs['b']}' are in the same source; "
                    "a link joins statements of two different sources"))
            pair = frozenset(refs.values())
            if pair in first:
                at = locate(data, ("links", i, "a"))
                problems.append(Problem(shown, at.line, at.column, f"link {i + 1}",
                    f"duplicate link: {refs['a']} and {refs['b']} are already decided by link {first[pair] + 1}; "
                    "keep one decision per pair"))
            else:
                first[pair] = i
        if entry.get("decision") == "rejected" and entry.get("relation") is not None:
            at = locate(data, ("links", i, "relation"), key_position=True)
            problems.append(Problem(shown, at.line, at.column, f"link {i + 1} relation",
                "a rejected pair is never aligned, so 'relation' has no effect; remove it or confirm the link"))
    return problems


def require_sources(corpus: Corpus, keys: list[str]) -> list[str]:
    """The keys, checked against the corpus; UsageError naming the first unknown one."""
    known = corpus.source_keys
    for key in keys:
        if key not in known:
            raise UsageError(unknown_name_message("source", key, known))
    return list(dict.fromkeys(keys))


def require_statement(corpus: Corpus, ref: str) -> StatementRef:
    """The statement SOURCE/ID, checked against the corpus; UsageError with a did-you-mean hint."""
    if not is_statement_ref(ref):
        raise UsageError(f"'{ref}' is not a statement reference; write SOURCE/ID, e.g. alliance/publicly-owned-service")
    source = ref.partition("/")[0]
    require_sources(corpus, [source])
    statement = corpus.statement(ref)
    if statement is None:
        raise UsageError(unknown_name_message("statement", ref, [r.ref for r in corpus.source_map[source].statements]))
    return statement


def require_topics(corpus: Corpus, keys: list[str]) -> list[str]:
    """Topic (theme) or proposition keys, checked against the corpus; UsageError naming the first unknown one."""
    known = [t.key for t in corpus.topics] + [p.key for p in corpus.propositions if p.key not in corpus.topic_map]
    for key in keys:
        if key not in known:
            noun = "topic or proposition" if any(t.propositions for t in corpus.topics) else "topic"
            raise UsageError(unknown_name_message(noun, key, known))
    return list(dict.fromkeys(keys))


def corpus_hash(corpus: Corpus) -> str:
    """A short hash of the corpus files' contents, for reproducibility statements and caches."""
    import hashlib

    root = Path(corpus.root)
    digest = hashlib.sha256()
    files = [root / TOPICS_FILE, *source_files(root)]
    if (root / LINKS_FILE).exists():
        files.append(root / LINKS_FILE)
    for path in files:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()[:12]


# -- would-be file contents, checked by the loader before they are written -----------------------


def _probe_problems_placed(problems: list[Problem], tmp_shown: str, shown: str) -> CorpusError:
    return CorpusError([
        dataclasses.replace(p, path=shown, message=p.message.replace(tmp_shown, shown)) for p in problems
    ])


def validate_source_text(text: str, path: Path,
                         topic_keys: StanceKeys | Iterable[Topic] | Iterable[str] | None) -> Source:
    """Validate a source file's would-be content with the loader (`load_source`); return the
    Source, or raise CorpusError with the loader's messages, placed in `path`."""
    shown = display_path(path)
    with tempfile.TemporaryDirectory(prefix="positions-check-") as tmp:
        probe = Path(tmp) / path.name
        probe.write_bytes(text.encode("utf-8"))
        tmp_shown = display_path(probe)
        keys = topic_keys if topic_keys is None or isinstance(topic_keys, StanceKeys) else StanceKeys.of(topic_keys)
        source, problems = load_source(probe, keys, Path(tmp))
    if problems or source is None:
        raise _probe_problems_placed(problems, tmp_shown, shown)
    return dataclasses.replace(source, path=str(path))


def validate_links_text(text: str, path: Path, corpus: Corpus) -> list[Link]:
    """Validate links.yaml's would-be content with the loader (`load_links`) against the corpus;
    return the links, or raise CorpusError with the loader's messages, placed in `path`."""
    shown = display_path(path)
    with tempfile.TemporaryDirectory(prefix="positions-check-") as tmp:
        probe = Path(tmp) / LINKS_FILE
        probe.write_bytes(text.encode("utf-8"))
        tmp_shown = display_path(probe)
        links, problems = load_links(Path(tmp), list(corpus.sources), set(corpus.source_keys))
    if problems:
        raise _probe_problems_placed(problems, tmp_shown, shown)
    return links


def validated(model: type[M], fields: Mapping[str, object],
              option_of: Callable[[tuple[int | str, ...]], str]) -> M:
    """`fields` validated by a pydantic model; UsageError naming the command-line option of the
    first bad field (`option_of(loc)`: loc is the field's location, () for the whole record)."""
    from pydantic import ValidationError

    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise UsageError(f"{option_of(loc)}: {field_message(err, loc)}") from exc
