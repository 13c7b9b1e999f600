"""Reading YAML safely with positions, for loading and for round-trip edits.

Only plain YAML is accepted: no aliases (alias bombs), no custom tags (object construction),
one document per file, bounded size and depth. Every problem comes back as a `Problem` with a
1-based line and column.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from positions.errors import Problem, display_path

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def round_trip_yaml():
    """A ruamel.yaml instance configured to keep files byte-identical where untouched."""
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps comments, order and quoting; constructs no arbitrary objects
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def read_text(path: Path) -> str:
    """The file's text, refusing oversized files, bad encodings and links out of bounds."""
    shown = display_path(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise YamlProblems([Problem(shown, 0, 0, "", "file not found")])
    except OSError as exc:
        raise YamlProblems([Problem(shown, 0, 0, "", f"cannot read: {exc.strerror}")])
    if size > MAX_FILE_BYTES:
        raise YamlProblems([Problem(shown, 0, 0, "", (
            f"file is {size / 1024 / 1024:.1f} MB, over the {MAX_FILE_BYTES // 1024 // 1024} MB "
            "limit for a corpus file; split the source into smaller files"))])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblems([Problem(shown, 0, 0, "", f"cannot read: {exc.strerror}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblems([Problem(shown, line, col, "", (
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8"))])
    return text.replace("\r\n", "\n")


def _mark_problem(shown: str, mark: Any, message: str) -> Problem:
    line = getattr(mark, "line", -1) + 1
    col = getattr(mark, "column", -1) + 1
    return Problem(shown, max(line, 0), max(col, 0), "", message)


def _check_events(yaml: Any, text: str, shown: str) -> None:
    """Reject aliases, custom tags, several documents and deep nesting before building anything."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        DocumentStartEvent,
        NodeEvent,
    )

    depth = 0
    documents = 0
    anchored = None
    for event in yaml.parse(text):
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblems([_mark_problem(shown, event.start_mark,
                    "holds more than one YAML document ('---'); keep one document per file")])
        if isinstance(event, AliasEvent):
            raise YamlProblems([_mark_problem(shown, event.start_mark,
                f"uses the alias '*{event.anchor}'; aliases are not allowed, write the value out")])
        if isinstance(event, NodeEvent):
            if anchored is None and getattr(event, "anchor", None) and not isinstance(event, AliasEvent):
                anchored = event
            tag = getattr(event, "tag", None)
            if tag is not None and str(tag) not in _PLAIN_TAGS:
                raise YamlProblems([_mark_problem(shown, event.start_mark,
                    f"uses the tag '{tag}'; custom tags are not allowed, remove it")])
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblems([_mark_problem(shown, event.start_mark,
                    f"is nested more than {MAX_DEPTH} levels deep; a corpus file needs at most 4")])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    if anchored is not None:
        raise YamlProblems([_mark_problem(shown, anchored.start_mark,
            f"defines the anchor '&{anchored.anchor}'; anchors are not allowed, remove it")])


_TIMESTAMP_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt \t]|$)")


def _bad_date_problem(text: str, shown: str, exc: ValueError) -> Problem:
    """Where an unquoted impossible date (2019-02-30) sits: the YAML library fails to build it."""
    import datetime as dt

    from ruamel.yaml.events import ScalarEvent

    for event in round_trip_yaml().parse(text):
        if isinstance(event, ScalarEvent) and not event.style:
            m = _TIMESTAMP_RE.match(event.value)
            if m:
                try:
                    dt.date(*(int(g) for g in m.groups()))
                except ValueError:
                    return _mark_problem(shown, event.start_mark, (
                        f"'{event.value}' is not a real date; write YYYY, YYYY-MM or YYYY-MM-DD"))
    return Problem(shown, 0, 0, "", f"invalid YAML: {exc}")


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Load one YAML file as round-trip containers (which carry `.lc` positions)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    shown = display_path(path)
    if text is None:
        text = read_text(path)
    yaml = round_trip_yaml()
    try:
        _check_events(yaml, text, shown)
        return yaml.load(text)
    except YamlProblems:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise YamlProblems([_mark_problem(shown, mark, f"invalid YAML: {_plain(what)}")])
    except YAMLError as exc:
        raise YamlProblems([Problem(shown, 0, 0, "", f"invalid YAML: {_plain(str(exc))}")])
    except RecursionError:
        raise YamlProblems([Problem(shown, 0, 0, "", "is nested too deeply to read")])
    except ValueError as exc:
        raise YamlProblems([_bad_date_problem(text, shown, exc)])


def _plain(message: str) -> str:
    message = " ".join(message.split())
    if "found character '\\t'" in message:
        message += " (tabs cannot indent YAML; use spaces)"
    if "found duplicate key" in message or "duplicate key" in message:
        message = message.split(" To suppress this")[0] + "; remove one of them"
    if "while scanning a quoted scalar" in message:
        message += " (a quote is opened and never closed)"
    return message


@dataclass(frozen=True)
class Located:
    """Where a value sits in a loaded file."""

    line: int
    column: int


def locate(root: Any, loc: tuple, key_position: bool = False) -> Located:
    """The 1-based position of the deepest existing node along `loc`.

    With key_position, a final mapping key points at the key itself rather than its value.
    """
    node = root
    line, col = 0, 0
    known = bool(loc)
    for i, part in enumerate(loc):
        lc = getattr(node, "lc", None)
        last = i == len(loc) - 1
        try:
            if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
                if lc is not None:
                    line, col = lc.item(part)
                node = node[part]
            elif isinstance(node, dict) and part in node:
                if lc is not None:
                    # A null value has no position of its own (it would point past the key's line).
                    on_key = last and (key_position or node[part] is None)
                    line, col = lc.key(part) if on_key else lc.value(part)
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    else:
        lc = getattr(node, "lc", None)
        if lc is not None and not key_position and (line, col) == (0, 0):
            line, col = lc.line, lc.col
            known = True
    return Located(line + 1, col + 1) if (line or col or known) else Located(0, 0)
