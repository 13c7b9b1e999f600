"""Changing a corpus safely: add a statement, scaffold a source, copy a corpus.

Guarantees (see docs/extending.md):

* Every write goes through `positions.cache.write_atomic` (temporary file in the same folder,
  flush, fsync, `os.replace`): a crash leaves the old file or the new one, never half of one.
* A lock file `<file>.lock` serialises writers; the file is read, changed and written while the
  lock is held, so concurrent `positions add` runs never lose each other's statements.
* The new content is validated with the loader's own checks (same messages) before it replaces
  the old file; an invalid result is never written.
* Appending a statement adds lines at the end of the `statements:` list and leaves every other
  byte of the file as it was (comments, key order, blank lines, quoting).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from positions.errors import (
    CorpusError,
    FilesystemError,
    Problem,
    RefusedError,
    UsageError,
    display_path,
)

LOCK_TIMEOUT = 30.0
ENV_LOCK_TIMEOUT = "POSITIONS_LOCK_TIMEOUT"
DUPLICATE_SCORE = 0.85
SLUG_WORDS = 5
SLUG_MAX_CHARS = 48
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/source.schema.json"
_SOURCE_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What `add` takes as a statement: at least two words of two or more letters ("HR with humanity."
# is the shortest shipped quote; "x y z" or "t" is not a quote). The loader does not apply it.
MIN_STATEMENT_WORDS = 2
_STATEMENT_WORD_RE = re.compile(r"[^\W\d_]{2,}")


# -- the data folder --------------------------------------------------------------------------


def require_writable(data_dir: Any) -> Path:
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


# -- ids and text -------------------------------------------------------------------------------


def slugify(text: str, words: int = SLUG_WORDS, max_chars: int = SLUG_MAX_CHARS) -> str:
    """A readable id from the first few content words: 'We will keep a mixed market' -> 'keep-mixed-market'."""
    from positions.text import STOP_WORDS

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    tokens = re.findall(r"[a-z0-9]+", ascii_text)
    content = [t for t in tokens if t not in STOP_WORDS] or tokens
    slug = ""
    for token in content[:words]:
        candidate = f"{slug}-{token}" if slug else token
        if len(candidate) > max_chars:
            break
        slug = candidate
    return slug or (content[0][:max_chars] if content else "statement")


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def normalise_text(text: str) -> str:
    """For exact-duplicate checks: folded quotes, case, whitespace and punctuation ignored."""
    from positions.text import _FOLD

    folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


def parse_stances(values: list[str], corpus: Any) -> dict[str, str]:
    """`["core-probation-public=support", ...]` -> dict; UsageError for bad syntax, proposition or stance."""
    from positions.corpus import StanceKeys
    from positions.models import STANCES

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


def check_statement(fields: dict[str, Any]) -> None:
    """Validate one statement's fields with the model; UsageError naming the option."""
    from pydantic import ValidationError

    from positions.corpus import _friendly
    from positions.models import Statement

    try:
        Statement.model_validate(fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        option = f"--{loc[0]}" if loc else "statement"
        raise UsageError(f"{option}: {_friendly(err, loc)}")
    text = fields.get("text")
    if isinstance(text, str) and len(_STATEMENT_WORD_RE.findall(text)) < MIN_STATEMENT_WORDS:
        raise UsageError(
            f"--text: '{_short(text, 40)}' is not a statement: a quote needs at least {MIN_STATEMENT_WORDS} words "
            "of two or more letters; give the verbatim quote")


# -- planning an addition -----------------------------------------------------------------------


@dataclass
class AddPlan:
    """What `positions add` will do, worked out before anything is written."""

    source: str
    text: str
    hits: list = field(default_factory=list)  # positions.match.Hit, best first
    suggestions: list = field(default_factory=list)  # positions.suggest.Suggestion, best first
    duplicate: Any = None  # a StatementRef of the same source, or None

    def accepted(self) -> dict[str, str]:
        """The suggested stances confident enough to take without asking (suggest.ACCEPT_CONFIDENCE)."""
        return {s.key: s.stance for s in self.suggestions if s.accepted}


def find_duplicate(corpus: Any, source: str, text: str, hits: list) -> Any:
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


def plan_add(corpus: Any, source: str, text: str, *, use_cache: bool = True, limit: int = 5) -> AddPlan:
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
    if plan.duplicate is not None:
        raise RefusedError(
            f"this nearly repeats {plan.duplicate.ref} (\"{_short(plan.duplicate.text)}\"); "
            "not added. Use --force to add it anyway"
        )


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3].rstrip() + "..."


# -- locking and writing ------------------------------------------------------------------------


def lock_timeout() -> float:
    raw = os.environ.get(ENV_LOCK_TIMEOUT)
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            raise UsageError(f"{ENV_LOCK_TIMEOUT}='{raw}' is not a number of seconds")
    return LOCK_TIMEOUT


class _Locked:
    """Context manager: hold `<path>.lock`, turning lock failures into FilesystemError."""

    def __init__(self, path: Path, timeout: float | None):
        self.path = path
        self.timeout = lock_timeout() if timeout is None else timeout
        self.lock_path = path.with_name(path.name + ".lock")
        self._lock = None

    def __enter__(self) -> "_Locked":
        from filelock import FileLock, Timeout

        check_writable_folder(self.path.parent)
        self._lock = FileLock(str(self.lock_path), timeout=self.timeout)
        try:
            self._lock.acquire()
        except Timeout:
            raise FilesystemError(
                f"cannot write '{display_path(self.path)}': another positions command has held its "
                f"lock ({display_path(self.lock_path)}) for over {self.timeout:g} s; wait for it to "
                f"finish and retry (set {ENV_LOCK_TIMEOUT} to wait longer)"
            )
        except PermissionError:
            raise FilesystemError(
                f"cannot write '{display_path(self.path)}': permission denied creating the lock "
                f"file {display_path(self.lock_path)}; make the folder writable"
            )
        except OSError as exc:
            raise FilesystemError(
                f"cannot lock '{display_path(self.path)}': {exc.strerror or exc}"
            )
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._lock is not None:
            self._lock.release()


def write_target(path: Path) -> Path:
    """The file a write to `path` changes: through a link (one inside the corpus, as the loader
    allows) to its target, so that the link stays a link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise FilesystemError(f"cannot write in '{display_path(folder)}': the folder does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FilesystemError(
            f"cannot write in '{display_path(folder)}': the folder is read-only (permission "
            "denied); make it writable or use a copy ('positions init DIR')"
        )


def check_writable_file(path: Path) -> None:
    # os.replace would succeed on a read-only file in a writable folder: respect the file's mode.
    if path.exists() and not os.access(path, os.W_OK):
        raise FilesystemError(
            f"cannot write '{display_path(path)}': the file is read-only (permission denied); "
            "make it writable (chmod u+w) and retry"
        )


def _write(path: Path, data: bytes) -> None:
    from positions.cache import write_reporting

    write_reporting(path, data, display_path(path))


def validate_source_text(text: str, path: Path, topic_keys: Any) -> Any:
    """Validate a source file's would-be content with the loader (`load_source`); return the
    Source, or raise CorpusError with the loader's messages, placed in `path`."""
    from positions.corpus import load_source

    shown = display_path(path)
    with tempfile.TemporaryDirectory(prefix="positions-check-") as tmp:
        probe = Path(tmp) / path.name
        probe.write_bytes(text.encode("utf-8"))
        tmp_shown = display_path(probe)
        from positions.corpus import StanceKeys

        keys = topic_keys if topic_keys is None or isinstance(topic_keys, StanceKeys) else StanceKeys.of(topic_keys)
        source, problems = load_source(probe, keys, Path(tmp))
    if problems:
        raise CorpusError([
            dataclasses.replace(p, path=shown, message=p.message.replace(tmp_shown, shown))
            for p in problems
        ])
    return dataclasses.replace(source, path=str(path))


# -- appending a statement ----------------------------------------------------------------------


def statement_map(fields: dict[str, Any]) -> Any:
    """A round-trip mapping in the shipped order and style: id, text, section, stances, note;
    text, section and note double-quoted."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

    item = CommentedMap()
    item["id"] = fields["id"]
    item["text"] = DQ(fields["text"])
    if fields.get("section"):
        item["section"] = DQ(fields["section"])
    if fields.get("stances"):
        stances = CommentedMap()
        for topic, stance in fields["stances"].items():
            stances[topic] = stance
        item["stances"] = stances
    if fields.get("note"):
        item["note"] = DQ(fields["note"])
    return item


def _dump(data: Any) -> str:
    import io

    from positions.yamlio import round_trip_yaml

    buf = io.StringIO()
    round_trip_yaml().dump(data, buf)
    return buf.getvalue()


def render_item(fields: dict[str, Any], dash_column: int) -> str:
    """The YAML lines of one statement as an item of the `statements:` list, its dash at `dash_column`."""
    return _render_seq_item("statements", statement_map(fields), dash_column)


def _render_seq_item(key: str, item: Any, dash_column: int, content_column: int | None = None) -> str:
    """The YAML lines of one mapping as an item of the list under `key`, its dash at `dash_column`
    and its fields at `content_column` (default: two columns after the dash, as in `- id: x`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    content_column = dash_column + 2 if content_column is None else content_column
    doc = CommentedMap()
    seq = CommentedSeq()
    seq.append(item)
    doc[key] = seq
    lines = _dump(doc).splitlines()[1:]  # drop "KEY:"; items come out as "  - id: ..."
    out = []
    for n, line in enumerate(lines):
        body = line[4:] if line.startswith("  - ") or line.startswith("    ") else line.lstrip(" ")
        if n == 0:
            out.append(" " * dash_column + "-" + " " * (content_column - dash_column - 1) + body)
        else:
            out.append(" " * content_column + body if line else line)
    return "\n".join(out) + "\n"


def _dash_layout(line: str, item_col: int) -> tuple[int, int] | None:
    """(dash column, content column) of a block list item whose content starts at `item_col` on
    this line (`- id: x`, `    -   id: x`), or None when the line is not laid out that way."""
    head = line[:item_col]
    stripped = head.rstrip(" ")
    if len(stripped) == len(head) or not stripped.endswith("-") or stripped[:-1].strip():
        return None
    return len(stripped) - 1, item_col


_DOC_END_RE = re.compile(r"^\.\.\.[ \t]*(#.*)?$")


def restore_line_endings(raw: bytes, new_text: str) -> bytes:
    """`new_text` (LF line ends, as read_text gives) as bytes, each line kept from the old file with
    the line end it had there (LF or CRLF: a file may mix them); new or changed lines take the
    file's usual line end (the majority, or the first on a tie). Lines are matched from the start
    and from the end, which is exact for an insertion or a replaced block."""
    old = raw.decode("utf-8", "replace").split("\n")
    endings = ["\r\n" if line.endswith("\r") else "\n" for line in old[:-1]]
    old = [line[:-1] if line.endswith("\r") else line for line in old]
    crlf = endings.count("\r\n")
    usual = "\r\n" if crlf * 2 > len(endings) or (crlf * 2 == len(endings) and endings and endings[0] == "\r\n") else "\n"
    new = new_text.split("\n")
    if old and old[0].startswith("\ufeff"):
        old[0] = old[0][1:]
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    out = []
    for i, line in enumerate(new[:-1]):
        j = i if i < prefix else len(old) - (len(new) - i) if i >= len(new) - suffix else -1
        out.append(line + (endings[j] if 0 <= j < len(endings) else usual))
    out.append(new[-1])
    return "".join(out).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _appended_text(text: str, data: Any, fields: dict[str, Any]) -> str | None:
    """The file with the statement appended as text, or None when that is not safe here."""
    return _appended_item_text(text, data, "statements", statement_map(fields))


def _appended_item_text(text: str, data: Any, key: str, item: Any, separate_second: bool = False) -> str | None:
    """The file with `item` appended as text to the list under `key` (the file's last key), or None
    when that is not safe here. `separate_second`: put a blank line before a second item. A
    document-end line (`...`) and what follows it stay after the new item."""
    keys = list(data)
    seq = data.get(key)
    if not keys or keys[-1] != key or not isinstance(seq, list):
        return None
    lines = text.split("\n")
    key_line = data.lc.key(key)[0]
    end = next((i for i in range(key_line + 1, len(lines)) if _DOC_END_RE.match(lines[i])), None)
    if end is not None:
        body = _appended_body("\n".join(lines[:end]) + "\n", lines[:end] + [""], data, key, key_line, seq, item,
                              separate_second)
        return None if body is None else body + "\n".join(lines[end:])
    return _appended_body(text, lines, data, key, key_line, seq, item, separate_second)


def _appended_body(text: str, lines: list[str], data: Any, key: str, key_line: int, seq: Any, item: Any,
                   separate_second: bool) -> str | None:
    if len(seq) == 0:
        m = re.match(rf"^({re.escape(key)}:)[ \t]*\[[ \t]*\][ \t]*(#.*)?$", lines[key_line])
        if not m or data.lc.key(key)[1] != 0:
            return None
        if any(line.strip() and not line.lstrip().startswith("#") for line in lines[key_line + 1:]):
            return None
        head = m.group(1) + (" " + m.group(2) if m.group(2) else "")
        rest = "\n".join(lines[key_line + 1:])
        return "\n".join(lines[:key_line]) + ("\n" if key_line else "") + head + "\n" + \
            _render_seq_item(key, item, 2) + (rest if rest.strip() else "")
    if getattr(seq, "fa", None) is not None and seq.fa.flow_style():
        return None
    item_line, item_col = seq.lc.item(0)
    layout = _dash_layout(lines[item_line], item_col)
    if layout is None:
        return None
    if len(seq) > 1:
        separated = lines[seq.lc.item(1)[0] - 1].strip() == ""
    else:
        separated = separate_second
    out = text if text.endswith("\n") else text + "\n"
    if separated and not out.endswith("\n\n"):
        out += "\n"
    return out + _render_seq_item(key, item, *layout)


def append_statement(path: Path, fields: dict[str, Any], topic_keys: Any, *,
                     force: bool = False, timeout: float | None = None) -> tuple[Any, str]:
    """Append a statement to a source file under its lock; return (the Source as written, id).

    `fields` holds text and optionally id, section, stances, note. Without an id one is made from
    the text, unique in the file as it is when the lock is held. Unless `force`, a statement whose
    normalised text equals one already in the file is refused.
    """
    from positions.yamlio import YamlProblems, load_yaml, read_text

    target = write_target(path)
    check_writable_file(target)
    with _Locked(target, timeout):
        if not path.exists():
            raise FilesystemError(f"cannot add to '{display_path(path)}': the file no longer exists")
        check_writable_file(target)
        try:
            raw = path.read_bytes()
            text = read_text(path)
            data = load_yaml(path)
        except YamlProblems as exc:
            raise CorpusError(exc.problems)
        # The file must already be valid: do not pile a statement onto a broken file.
        validate_source_text(text, path, topic_keys)
        existing = data["statements"]
        taken = {st.get("id") for st in existing if isinstance(st, dict)}
        fields = dict(fields)
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
                        f"this repeats {path.stem}/{st.get('id')} (\"{_short(st['text'])}\"); "
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
            new_text = _dump(data)
        source = validate_source_text(new_text, path, topic_keys)
        out = restore_line_endings(raw, new_text)
        if raw.startswith(b"\xef\xbb\xbf"):
            out = b"\xef\xbb\xbf" + out
        _write(target, out)
    return source, fields["id"]


def _appends_exactly(new_text: str, old: Any, fields: dict[str, Any]) -> bool:
    """Whether the text edit means exactly 'old data plus this statement' (guards odd layouts)."""
    expected = _plain(old)
    expected["statements"] = list(expected["statements"]) + [_plain(statement_map(fields))]
    return _means(new_text, expected)


def _means(new_text: str, expected: Any) -> bool:
    """Whether `new_text` loads to exactly `expected` (plain data)."""
    from positions.yamlio import round_trip_yaml

    try:
        new = round_trip_yaml(keep_comments=False).load(new_text)
    except Exception:
        return False
    return _plain(new) == expected


# -- curators' links ----------------------------------------------------------------------------


LINKS_SCHEMA_LINE = "# yaml-language-server: $schema=schema/links.schema.json"
LINKS_HEADER = (
    LINKS_SCHEMA_LINE + "\n"
    "# Curators' decisions on matched pairs of statements: confirmed pairs are always aligned,\n"
    "# rejected ones never. Written by 'positions review' and 'positions link'; see docs/corpus-format.md.\n"
)


@dataclass(frozen=True)
class LinkWrite:
    """What `record_link` did: the decision as written and the one it replaced, if any."""

    link: Any  # positions.models.Link
    replaced: Any  # the earlier Link on the same pair, or None
    created: bool  # links.yaml did not exist before
    path: Path


def check_link_refs(corpus: Any, a: str, b: str) -> tuple[str, str]:
    """Two statement refs of two different sources, checked against the corpus; UsageError with a
    did-you-mean hint otherwise."""
    from positions.corpus import require_statement

    for ref in (a, b):
        require_statement(corpus, ref)
    if a.partition("/")[0] == b.partition("/")[0]:
        raise UsageError(f"{a} and {b} are in the same source; a link joins statements of two different sources")
    return a, b


def link_map(fields: dict[str, Any]) -> Any:
    """One links.yaml entry in file order: a, b, decision, relation, reason, reviewer, date;
    reason, reviewer and date double-quoted."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

    item = CommentedMap()
    item["a"] = fields["a"]
    item["b"] = fields["b"]
    item["decision"] = fields["decision"]
    for name in ("relation", "reason", "reviewer", "date"):
        value = fields.get(name)
        if value:
            item[name] = value if name == "relation" else DQ(value)
    return item


def validate_links_text(text: str, path: Path, corpus: Any) -> list:
    """Validate links.yaml's would-be content with the loader (`load_links`) against the corpus;
    return the links, or raise CorpusError with the loader's messages, placed in `path`."""
    from positions.corpus import LINKS_FILE, load_links

    shown = display_path(path)
    with tempfile.TemporaryDirectory(prefix="positions-check-") as tmp:
        probe = Path(tmp) / LINKS_FILE
        probe.write_bytes(text.encode("utf-8"))
        tmp_shown = display_path(probe)
        links, problems = load_links(Path(tmp), list(corpus.sources), set(corpus.source_keys))
    if problems:
        raise CorpusError([
            dataclasses.replace(p, path=shown, message=p.message.replace(tmp_shown, shown))
            for p in problems
        ])
    return links


def _item_lines(lines: list[str], start: int, dash_col: int) -> int:
    """The index just past the block item whose dash is on line `start`: its continuation lines
    are those indented deeper than the dash (a blank line or anything shallower ends it)."""
    end = start + 1
    while end < len(lines) and lines[end].strip() and lines[end].startswith(" " * (dash_col + 1)):
        end += 1
    return end


def _replaced_item_text(text: str, data: Any, key: str, index: int, item: Any) -> str | None:
    """The file with item `index` of the list under `key` replaced as text, or None when unsafe."""
    seq = data.get(key)
    if not isinstance(seq, list) or (getattr(seq, "fa", None) is not None and seq.fa.flow_style()):
        return None
    lines = text.split("\n")
    start, col = seq.lc.item(index)
    layout = _dash_layout(lines[start], col)
    if layout is None:
        return None
    end = _item_lines(lines, start, layout[0])
    new_item = _render_seq_item(key, item, *layout).rstrip("\n").split("\n")
    return "\n".join(lines[:start] + new_item + lines[end:])


def record_link(root: Path, corpus: Any, fields: dict[str, Any], *, timeout: float | None = None) -> LinkWrite:
    """Write a decision on a pair to ROOT/links.yaml under its lock; return what was done.

    `fields`: a, b (statement refs, checked with `check_link_refs`), decision, and optionally
    relation, reason, reviewer, date. A new pair is appended (every existing byte is kept); a
    decision on a pair already decided (in either order) replaces that entry. The file is
    created when missing. The result is validated with the loader before it replaces the file.
    """
    from positions.corpus import LINKS_FILE
    from positions.models import Link
    from positions.yamlio import YamlProblems, load_yaml, read_text

    import datetime as dt

    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    fields.setdefault("date", dt.date.today().isoformat())
    link = _check_link_fields(fields)
    path = root / LINKS_FILE
    target = write_target(path)
    item = link_map(fields)
    check_writable_file(target)
    replaced = None
    with _Locked(target, timeout):
        check_writable_file(target)
        created = not path.exists()
        raw = b""
        if created:
            new_text = LINKS_HEADER + "links:\n" + _render_seq_item("links", item, 2)
        else:
            try:
                raw = path.read_bytes()
                text = read_text(path)
                data = load_yaml(path, text)
            except YamlProblems as exc:
                raise CorpusError(exc.problems)
            if data is None:  # empty, or only comments: keep them and start the list
                new_text = (text if text.endswith("\n") or not text else text + "\n") + \
                    "links:\n" + _render_seq_item("links", item, 2)
            else:
                # The file must already be valid: do not pile a decision onto a broken file.
                existing = validate_links_text(text, path, corpus)
                index = next((i for i, old in enumerate(existing) if old.pair == link.pair), None)
                expected = _plain(data)
                if index is None:
                    new_text = _appended_item_text(text, data, "links", item, separate_second=True)
                    expected["links"] = list(expected.get("links") or []) + [_plain(item)]
                else:
                    replaced = existing[index]
                    new_text = _replaced_item_text(text, data, "links", index, item)
                    expected["links"][index] = _plain(item)
                if new_text is None or not _means(new_text, expected):
                    new_text = _dump_with_link(load_yaml(path, text, keep_comments=True), item, index)
        validate_links_text(new_text, path, corpus)
        out = restore_line_endings(raw, new_text)
        if raw.startswith(b"\xef\xbb\xbf"):
            out = b"\xef\xbb\xbf" + out
        _write(target, out)
    return LinkWrite(Link.model_validate(fields), replaced, created, path)


def _check_link_fields(fields: dict[str, Any]) -> Any:
    """The fields as a Link; UsageError naming the option for a bad value."""
    from pydantic import ValidationError

    from positions.corpus import _friendly
    from positions.models import Link

    try:
        return Link.model_validate(fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        option = f"--{loc[0]}" if loc and loc[0] not in ("a", "b") else "link"
        raise UsageError(f"{option}: {_friendly(err, loc)}")


def _dump_with_link(data: Any, item: Any, index: int | None) -> str:
    """Fallback for layouts a text edit cannot handle: a ruamel.yaml round trip (keeps comments,
    order and quoting; may re-indent)."""
    from ruamel.yaml.comments import CommentedSeq

    seq = data.get("links")
    if not isinstance(seq, list) or (getattr(seq, "fa", None) is not None and seq.fa.flow_style()):
        seq = CommentedSeq(list(seq or []))
        data["links"] = seq
    if index is None:
        seq.append(item)
    else:
        seq[index] = item
    return _dump(data)


# -- a new source -------------------------------------------------------------------------------


def check_source_key(key: str) -> str:
    from positions.corpus import _slugify_key

    if not _SOURCE_KEY_RE.match(key):
        raise UsageError(
            f"'{key}' is not a valid source key: use lowercase letters, digits and hyphens, "
            f"starting with a letter; try '{_slugify_key(key)}'"
        )
    return key


def source_text(key: str, fields: dict[str, Any]) -> str:
    """The YAML of a new, empty source file: schema line, header comment, fields, `statements: []`."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

    doc = CommentedMap()
    for name in ("name", "title", "date", "kind", "authors", "url"):
        value = fields.get(name)
        if value in (None, "", []):
            continue
        if name == "date":
            value = DQ(value)
        elif name == "authors":
            seq = CommentedSeq(value)
            seq.fa.set_flow_style()
            value = seq
        doc[name] = value
    doc["statements"] = CommentedSeq()
    about = fields["name"] + (f": {fields['title']}" if fields.get("title") else "")
    about += f" ({fields['date']})" if fields.get("date") else ""
    header = [
        SCHEMA_LINE,
        f"# {' '.join(about.split())}.",
        f"# Add statements with: positions add {key} --text \"...\"  (see docs/corpus-format.md)",
    ]
    return "\n".join(header) + "\n" + _dump(doc)


def check_source_fields(fields: dict[str, Any]) -> None:
    from pydantic import ValidationError

    from positions.corpus import _friendly
    from positions.models import SourceFile

    try:
        SourceFile.model_validate({**{k: v for k, v in fields.items() if v not in (None, [])}, "statements": []})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        option = "--author" if loc and loc[0] == "authors" else f"--{loc[0]}" if loc else "source"
        raise UsageError(f"{option}: {_friendly(err, loc)}")


def new_source(root: Path, key: str, fields: dict[str, Any], *, timeout: float | None = None) -> Path:
    """Create sources/KEY.yaml; RefusedError if the key is taken."""
    from positions.corpus import SOURCES_DIR

    check_source_key(key)
    check_source_fields(fields)
    folder = root / SOURCES_DIR
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise FilesystemError(f"cannot create '{display_path(folder)}': {exc.strerror or exc}")
    path = folder / f"{key}.yaml"
    text = source_text(key, fields)
    with _Locked(path, timeout):
        for taken in (path, path.with_suffix(".yml")):
            if taken.exists():
                raise RefusedError(
                    f"source '{key}' already exists ({display_path(taken)}); choose another key, "
                    f"or add statements to it with 'positions add {key} --text ...'"
                )
        validate_source_text(text, path, None)
        _write(path, text.encode("utf-8"))
    return path


# -- copying a corpus ---------------------------------------------------------------------------


def _corpus_files(root: Path) -> Iterator[tuple[Path, Path]]:
    """(source file, path relative to the corpus) for what `init` copies."""
    from positions.corpus import LINKS_FILE, SOURCES_DIR, TOPICS_FILE, _inside

    for name in (TOPICS_FILE, LINKS_FILE):
        if (root / name).is_file() and _inside(root, root / name):  # never copy in a file linked from outside
            yield root / name, Path(name)
    for folder, suffixes in ((SOURCES_DIR, (".yaml", ".yml")), ("schema", (".json",))):
        base = root / folder
        if base.is_dir():
            for p in sorted(base.iterdir()):
                if p.is_file() and p.suffix in suffixes and not p.name.startswith(".") and _inside(root, p):
                    yield p, Path(folder) / p.name


def init_corpus(source_root: Path, target: Path) -> list[Path]:
    """Copy a corpus to `target` (absent or empty); return the relative paths copied."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"'{target}' is a file; give a folder for the new corpus")
    if target.is_dir() and any(target.iterdir()):
        raise RefusedError(f"'{target}' is not empty; give a new or empty folder so nothing is overwritten")
    copied: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for src, rel in _corpus_files(source_root):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / rel)
            copied.append(rel)
        if not (target / "schema").is_dir() or not any((target / "schema").iterdir()):
            from positions.schema import write_schemas

            copied.extend(p.relative_to(target) for p in write_schemas(target))
    except PermissionError as exc:
        raise FilesystemError(f"cannot write '{exc.filename or target}': permission denied")
    except OSError as exc:
        raise FilesystemError(f"cannot copy the corpus to '{target}': {exc.strerror or exc}")
    return copied
