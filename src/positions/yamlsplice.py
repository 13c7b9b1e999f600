"""Changing a YAML file as text, so that every byte not changed stays as it was.

A corpus file is edited by people: its comments, key order, blank lines and quoting are theirs.
Appending an item to a block list (`appended_item_text`) or replacing one
(`replaced_item_text`) works on the lines of the file; `loads_to` checks that the new text means
exactly the old data with that change (odd layouts make the edit return None, and the caller
falls back to a ruamel.yaml round trip with `dump_yaml`); `encoded_like` gives the new text the
old file's line endings and byte-order mark.
"""

from __future__ import annotations

import re
from typing import Any


def dump_yaml(data: Any) -> str:
    """A ruamel.yaml round-trip dump (comments, order and quoting kept; may re-indent)."""
    import io

    from positions.yamlio import round_trip_yaml

    buf = io.StringIO()
    round_trip_yaml().dump(data, buf)
    return buf.getvalue()


def render_list_item(key: str, item: Any, dash_column: int, content_column: int | None = None) -> str:
    """The YAML lines of one mapping as an item of the list under `key`, its dash at `dash_column`
    and its fields at `content_column` (default: two columns after the dash, as in `- id: x`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    content_column = dash_column + 2 if content_column is None else content_column
    doc = CommentedMap()
    seq = CommentedSeq()
    seq.append(item)
    doc[key] = seq
    lines = dump_yaml(doc).splitlines()[1:]  # drop "KEY:"; items come out as "  - id: ..."
    out = []
    for n, line in enumerate(lines):
        body = line[4:] if line.startswith("  - ") or line.startswith("    ") else line.lstrip(" ")
        if n == 0:
            out.append(" " * dash_column + "-" + " " * (content_column - dash_column - 1) + body)
        else:
            out.append(" " * content_column + body if line else line)
    return "\n".join(out) + "\n"


def dash_layout(line: str, item_col: int) -> tuple[int, int] | None:
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
    mostly_crlf = crlf * 2 > len(endings) or (crlf * 2 == len(endings) and endings and endings[0] == "\r\n")
    usual = "\r\n" if mostly_crlf else "\n"
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


def encoded_like(raw: bytes, new_text: str) -> bytes:
    """`new_text` as the bytes of the file `raw` was read from: its line endings
    (`restore_line_endings`) and its UTF-8 byte-order mark, if it had one."""
    out = restore_line_endings(raw, new_text)
    if raw.startswith(b"\xef\xbb\xbf"):
        out = b"\xef\xbb\xbf" + out
    return out


def plain(value: Any) -> Any:
    """Loaded YAML as plain dicts and lists, for comparing meanings."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def loads_to(new_text: str, expected: Any) -> bool:
    """Whether `new_text` loads to exactly `expected` (plain data)."""
    from positions.yamlio import round_trip_yaml

    try:
        new = round_trip_yaml(keep_comments=False).load(new_text)
    except Exception:
        return False
    return plain(new) == expected


def appended_item_text(text: str, data: Any, key: str, item: Any, separate_second: bool = False) -> str | None:
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
        body = _appended_body("\n".join(lines[:end]) + "\n", [*lines[:end], ""], data, key, key_line, seq, item,
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
            render_list_item(key, item, 2) + (rest if rest.strip() else "")
    if getattr(seq, "fa", None) is not None and seq.fa.flow_style():
        return None
    item_line, item_col = seq.lc.item(0)
    layout = dash_layout(lines[item_line], item_col)
    if layout is None:
        return None
    separated = lines[seq.lc.item(1)[0] - 1].strip() == "" if len(seq) > 1 else separate_second
    out = text if text.endswith("\n") else text + "\n"
    if separated and not out.endswith("\n\n"):
        out += "\n"
    return out + render_list_item(key, item, *layout)


def _item_lines(lines: list[str], start: int, dash_col: int) -> int:
    """The index just past the block item whose dash is on line `start`: its continuation lines
    are those indented deeper than the dash (a blank line or anything shallower ends it)."""
    end = start + 1
    while end < len(lines) and lines[end].strip() and lines[end].startswith(" " * (dash_col + 1)):
        end += 1
    return end


def replaced_item_text(text: str, data: Any, key: str, index: int, item: Any) -> str | None:
    """The file with item `index` of the list under `key` replaced as text, or None when unsafe."""
    from ruamel.yaml.comments import CommentedSeq

    seq = data.get(key)
    if not isinstance(seq, CommentedSeq) or seq.fa.flow_style():  # absent, without positions, or [a, b] style
        return None
    lines = text.split("\n")
    start, col = seq.lc.item(index)
    layout = dash_layout(lines[start], col)
    if layout is None:
        return None
    end = _item_lines(lines, start, layout[0])
    new_item = render_list_item(key, item, *layout).rstrip("\n").split("\n")
    return "\n".join(lines[:start] + new_item + lines[end:])
