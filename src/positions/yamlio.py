"""Reading YAML safely with positions, for loading and for round-trip edits.

Only plain YAML is accepted: no aliases or anchors (alias bombs), no tags at all (custom tags
construct objects; the standard ones such as !!str add nothing to a corpus file), one document per
file, mapping keys that are text, and bounded size, depth and number of values. Every problem comes
back as a `Problem` with a 1-based line and column where the file has one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from positions.errors import Problem, display_path

if TYPE_CHECKING:
    from ruamel.yaml import YAML

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32
# Values (scalars, lists and mappings) in one file. Parsing costs about 50 microseconds a value, so
# this bounds a file's parse at under ten seconds while leaving room for about 18,000 statements in
# one source (the largest source of benchmarks/scale.py at 50k holds 7,961, the largest shipped one
# under 100); MAX_FILE_BYTES usually binds first.
MAX_NODES = 150_000
_CORE_TAG_PREFIX = "tag:yaml.org,2002:"
_CORE_TAGS = ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def round_trip_yaml(keep_comments: bool = True) -> YAML:
    """A ruamel.yaml instance configured to keep files byte-identical where untouched.

    Without keep_comments it reads comments and blank lines as the plain scanner does (skipped),
    for loading: the round-trip scanner's handling of runs of comment lines costs time that grows
    with the square of their number (400,000 '# c' lines took 19 s), the plain one's linearly.
    What is loaded is the same, with the same line and column positions; only a round-trip dump
    of it would lose the comments."""
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps comments, order and quoting; constructs no arbitrary objects
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    if not keep_comments:
        from ruamel.yaml.parser import Parser
        from ruamel.yaml.scanner import Scanner

        yaml.Scanner = Scanner
        yaml.Parser = Parser
    return yaml


def read_text(path: Path) -> str:
    """The file's text, refusing oversized files, bad encodings and anything but a plain file.

    The file is opened without blocking and checked before it is read, so a FIFO or a device
    named like a corpus file is refused instead of hanging or reading forever.
    """
    shown = display_path(path)

    def problem(message: str) -> YamlProblems:
        return YamlProblems([Problem(shown, 0, 0, "", message)])

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise problem("is a link to a file that does not exist; remove the link or restore the file") from None
        raise problem("file not found") from None
    except IsADirectoryError:
        raise problem("is a folder, not a file; a corpus file must be a plain YAML file") from None
    except PermissionError:
        raise problem("cannot read: permission denied; make the file readable (chmod u+r)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise problem("is a link that leads back to itself (a loop of links); "
                          "remove it or point it at a file") from exc
        raise problem(f"cannot read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise problem(f"cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise problem("is a folder, not a file; a corpus file must be a plain YAML file")
        raise problem("is not a plain file (it is a pipe, device or socket); a corpus file must be a plain YAML file")
    if info.st_size > MAX_FILE_BYTES:
        os.close(fd)
        raise problem(_too_big(info.st_size))
    with os.fdopen(fd, "rb") as fh:
        try:
            raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise problem(f"cannot read: {exc.strerror or exc}") from exc
    if len(raw) > MAX_FILE_BYTES:  # it grew after the check
        raise problem(_too_big(len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = " (it looks like UTF-16)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        if not hint:
            with contextlib.suppress(UnicodeDecodeError):
                hint = f" ('{raw[exc.start:exc.start + 1].decode('cp1252')}' in Windows-1252 or Latin-1)"
        raise YamlProblems([Problem(shown, line, col, "", (
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8{hint}; save the file as UTF-8"))]) from exc
    return text.replace("\r\n", "\n")


def _too_big(size: int) -> str:
    return (f"file is {size / 1024 / 1024:.1f} MB, over the {MAX_FILE_BYTES // 1024 // 1024} MB limit for a "
            "corpus file; is it the right file? Split a source this large into several sources")


def _mark_problem(shown: str, mark: Any, message: str) -> Problem:
    line = getattr(mark, "line", -1) + 1
    col = getattr(mark, "column", -1) + 1
    return Problem(shown, max(line, 0), max(col, 0), "", message)


def _short_tag(tag: Any) -> str:
    """`tag:yaml.org,2002:str` as it is usually written: `!!str`."""
    tag = str(tag)
    return "!!" + tag[len(_CORE_TAG_PREFIX):] if tag.startswith(_CORE_TAG_PREFIX) else tag


def _tag_message(tag: Any) -> str:
    short = _short_tag(tag)
    if short[2:] in _CORE_TAGS:
        return (f"uses the tag '{short}'; corpus files do not use tags, remove it "
                "(to make a value text, put it in quotes instead)")
    return f"uses the tag '{short}'; tags are not allowed in corpus files (they can build objects), remove it"


def _guarded_yaml(shown: str, keep_comments: bool = False) -> Any:
    """A round-trip loader that refuses aliases, anchors, tags, several documents, deep nesting and
    too many values while it composes the file, before anything is constructed (one parse, where
    checking the events first and loading after would parse twice)."""
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent, CollectionStartEvent, StreamEndEvent

    class GuardedComposer(Composer):
        values = 0
        nesting = 0
        anchored: Any = None

        def get_single_node(self) -> Any:
            self.parser.get_event()  # stream start
            document = None
            if not self.parser.check_event(StreamEndEvent):
                document = self.compose_document()
            if not self.parser.check_event(StreamEndEvent):
                raise YamlProblems([_mark_problem(shown, self.parser.peek_event().start_mark,
                    "holds more than one YAML document ('---'); keep one document per file")])
            if self.anchored is not None:  # reported after aliases: an alias is the graver fault
                raise YamlProblems([_mark_problem(shown, self.anchored.start_mark,
                    f"defines the anchor '&{self.anchored.anchor}'; anchors are not allowed, remove it")])
            self.parser.get_event()  # stream end
            return document

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if isinstance(event, AliasEvent):
                raise YamlProblems([_mark_problem(shown, event.start_mark,
                    f"uses the alias '*{event.anchor}'; aliases are not allowed, write the value out")])
            self.values += 1
            if self.values > MAX_NODES:
                raise YamlProblems([_mark_problem(shown, event.start_mark, (
                    f"holds more than {MAX_NODES:,} values; split the source into several sources"))])
            if self.anchored is None and getattr(event, "anchor", None):
                self.anchored = event
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise YamlProblems([_mark_problem(shown, event.start_mark, _tag_message(tag))])
            collection = isinstance(event, CollectionStartEvent)
            if collection:
                self.nesting += 1
                if self.nesting > MAX_DEPTH:
                    raise YamlProblems([_mark_problem(shown, event.start_mark,
                        f"is nested more than {MAX_DEPTH} levels deep; a corpus file needs at most 4")])
            node = super().compose_node(parent, index)
            if collection:
                self.nesting -= 1
            return node

    yaml = round_trip_yaml(keep_comments)
    yaml.Composer = GuardedComposer
    return yaml


_TIMESTAMP_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt \t]|$)")


def _bad_value_problem(text: str, shown: str, exc: ValueError) -> Problem:
    """Where an unquoted value the YAML library fails to build sits: an impossible date
    (2019-02-30) or a number too long to convert."""
    import datetime as dt

    from ruamel.yaml.events import ScalarEvent

    for event in round_trip_yaml(keep_comments=False).parse(text):
        if isinstance(event, ScalarEvent) and not event.style:
            if len(event.value) > 1000 and re.fullmatch(r"[-+]?[0-9_]+", event.value):
                return _mark_problem(shown, event.start_mark, (
                    f"a number {len(event.value):,} digits long is too long to read; put it in quotes "
                    "if it is meant as text"))
            m = _TIMESTAMP_RE.match(event.value)
            if m:
                try:
                    dt.date(*(int(g) for g in m.groups()))
                except ValueError:
                    return _mark_problem(shown, event.start_mark, (
                        f"'{event.value}' is not a real date; write YYYY, YYYY-MM or YYYY-MM-DD"))
    return Problem(shown, 0, 0, "", f"invalid YAML: {exc}")


def _refuse_too_many_values(text: str, shown: str) -> None:
    """Refuse a file of more than MAX_NODES values before the (pure-Python) parse, which costs about
    30 microseconds a value: the guarded composer counts too, but only as it goes, so a file just
    over the limit was parsed almost in full (5 s and more) before it was refused. LibYAML's C
    parser (PyYAML, when built with it) counts the values in a few hundredths of that time. The
    count stops, leaving the file to the guarded parse and its messages, at anything that parse
    refuses anyway (an alias, an anchor, a tag, deep nesting) and at any syntax error."""
    try:
        import yaml as libyaml

        if not libyaml.__with_libyaml__:
            return
        from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent
    except ImportError:
        return
    values = depth = 0
    try:
        for event in libyaml.parse(text, Loader=libyaml.CSafeLoader):
            if isinstance(event, CollectionEndEvent):
                depth -= 1
                continue
            if not isinstance(event, NodeEvent):
                continue
            if isinstance(event, AliasEvent) or event.anchor is not None or getattr(event, "tag", None) is not None:
                return
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return
            values += 1
            if values > MAX_NODES:
                raise YamlProblems([_mark_problem(shown, event.start_mark, (
                    f"holds more than {MAX_NODES:,} values; split the source into several sources"))])
    except libyaml.YAMLError:
        return


def load_yaml(path: Path, text: str | None = None, keep_comments: bool = False) -> Any:
    """Load one YAML file as round-trip containers (which carry `.lc` positions); with
    keep_comments, also its comments, for a round-trip dump (slower on many comment lines)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    shown = display_path(path)
    if text is None:
        text = read_text(path)
    _refuse_too_many_values(text, shown)
    yaml = _guarded_yaml(shown, keep_comments)
    try:
        data = yaml.load(text)
    except YamlProblems:
        raise
    except MarkedYAMLError as exc:
        mark, what = _describe_error(exc)
        raise YamlProblems([_mark_problem(shown, mark, f"invalid YAML: {what}")]) from exc
    except ReaderError as exc:
        raise YamlProblems([_reader_problem(text, shown, exc)]) from exc
    except YAMLError as exc:
        raise YamlProblems([Problem(shown, 0, 0, "", f"invalid YAML: {_plain(str(exc))}")]) from exc
    except RecursionError:
        raise YamlProblems([Problem(shown, 0, 0, "", "is nested too deeply to read")]) from None
    except ValueError as exc:
        raise YamlProblems([_bad_value_problem(text, shown, exc)]) from exc
    problems = _key_problems(data, shown)
    if problems:
        raise YamlProblems(problems)
    return data


def _reader_problem(text: str, shown: str, exc: Any) -> Problem:
    """A character YAML does not allow anywhere in a file (NUL, ESC, U+FFFE, ...), at its place."""
    import unicodedata

    pos = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else 0
    kind = "control character" if unicodedata.category(chr(code)) == "Cc" else "character"
    return Problem(shown, line, col, "", f"contains the {kind} U+{code:04X}, which YAML does not allow; remove it")


def _describe_error(exc: Any) -> tuple[Any, str]:
    """Where a YAML syntax error is best shown, and what it means in plain words."""
    context = str(exc.context or "")
    problem = str(exc.problem or "")
    at, opened = exc.problem_mark or exc.context_mark, exc.context_mark or exc.problem_mark
    if "quoted scalar" in context and "unexpected" in problem:
        return opened, "this quote is never closed; add the closing quote"
    m = re.search(r"unknown escape character '(.*)'", problem)
    if m or "escape sequence" in problem:
        what = f"unknown escape '\\{m.group(1)}'" if m else "a \\x, \\u or \\U escape without its hexadecimal digits"
        return at, f"{what} in a double-quoted value; write \\\\ for a backslash, or use single quotes"
    if "expected '<document start>'" in problem:
        return at, "text after the end of the document (a line starting with '%' or after '...'); remove it"
    if "found character '\\t'" in problem:
        return at, "a tab here; YAML cannot be indented with tabs, replace it with spaces"
    m = re.search(r"found character '(.)' that cannot start any token", problem)
    if m:
        return at, f"a value cannot start with '{m.group(1)}'; put the value in quotes"
    if "mapping values are not allowed here" in problem:
        return at, ("a ':' followed by a space starts a new key, which is not possible here; put a value "
                    "that contains ': ' in quotes, or check the indentation")
    if "could not find expected ':'" in problem:
        return opened, ("a line with no ':' where 'key: value' was expected; check the indentation, or put "
                        "a value that spans several lines in quotes")
    m = re.search(r"while parsing a flow (sequence|mapping)", context)
    if m:
        close = "]" if m.group(1) == "sequence" else "}"
        return opened, f"the '{'[' if close == ']' else '{'}' here is never closed with '{close}' (or a ',' is missing)"
    m = re.search(r"expected <block end>, but found '(.*)'", problem)
    if m:
        found = m.group(1)
        if found == "-":
            return at, "a list item ('- ') where a field was expected; check the indentation"
        if found == "<scalar>":
            return at, "unexpected text after a value; put the whole value in quotes, or check the indentation"
        return at, "the indentation of this line does not match the lines above it; line it up with its neighbours"
    if "while scanning a block scalar" in context:
        return at, "after '|' or '>' the text must start on the next line, indented"
    return at, _plain(" ".join(x for x in (context, problem) if x))


def _key_problems(data: Any, shown: str) -> list[Problem]:
    """Mapping keys that are not text (`1:`, `true:`, `~:`, `? [a, b]`), which no corpus field can be."""
    problems: list[Problem] = []
    todo = [data]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    what = ("empty" if key is None else "a yes/no value" if isinstance(key, bool)
                            else "a number" if isinstance(key, (int, float)) else "a list or mapping")
                    line, col = 0, 0  # unknown: a mapping without positions, or none for this key
                    lc = getattr(node, "lc", None)  # the positions ruamel.yaml's round-trip loader keeps
                    if lc is not None:
                        with contextlib.suppress(AttributeError, KeyError, TypeError):
                            at_line, at_col = lc.key(key)
                            line, col = at_line + 1, at_col + 1
                    shown_key = (f" {str(key).lower()}" if isinstance(key, bool) else f" {key!r}"
                                 if isinstance(key, (int, float)) else "")
                    problems.append(Problem(shown, line, col, "", (
                        f"the key{shown_key} is {what}, not text; keys are field names such as 'text' "
                        "or topic keys such as 'public-ownership'")))
                todo.append(value)
        elif isinstance(node, list):
            todo.extend(node)
    return sorted(problems)


def _plain(message: str) -> str:
    """The YAML library's wording, on one line and without its boilerplate."""
    message = " ".join(message.split())
    m = re.search(r'found duplicate key "(.*?)" with value', message)
    if m:
        return f'duplicate key "{m.group(1)}": it is already set above in the same mapping; remove one of them'
    return message.split(" To suppress this")[0]


@dataclass(frozen=True)
class Located:
    """Where a value sits in a loaded file."""

    line: int
    column: int


def locate(root: Any, loc: tuple[int | str, ...], key_position: bool = False) -> Located:
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
