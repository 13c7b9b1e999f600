"""What the command line reads and writes besides files: its arguments and its standard streams.

* Arguments (issue 18 items 8 and 10): one that is not valid UTF-8 text, or that holds a control
  character (an escape sequence that would retitle or clear the terminal when echoed, a carriage
  return, ...) or a direction override, is refused as a usage error naming the option, before any
  command runs. A newline is allowed only in the free-text options (--text, --section, --note,
  --reason). Paths (--data, --output, DIR) may be any bytes the system allows, except control
  characters.
* Standard streams (item 9): text that the output encoding cannot hold (an ASCII locale,
  PYTHONIOENCODING=ascii) is written as JSON-style escapes (\\u201c) instead of failing, so JSON
  stays valid JSON; standard input that is not valid in its encoding reads as U+FFFD.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

from positions.errors import UsageError, printable

# Control characters other than tab and newline, and the bidi controls (as models.check_clean_text).
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\udc80-\udcff]")
FREE_TEXT = frozenset({"--text", "--section", "--note", "--reason"})
PATH_PARAMS = frozenset({"data", "output", "directory"})
ERROR_HANDLER = "positions-escape"


def _label(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "option":
        opts = list(getattr(param, "opts", ()) or ())
        return max(opts, key=len) if opts else str(param.name)
    metavar = re.fullmatch(r"\[?([A-Z][A-Z_]*)(?:\.\.\.)?\]?", getattr(param, "metavar", None) or "")
    return metavar.group(1) if metavar else str(param.name).upper()


def _index(command: Any) -> tuple[dict[str, Any], list[Any]]:
    options, arguments = {}, []
    for param in getattr(command, "params", ()):
        if getattr(param, "param_type_name", "") == "option":
            for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
                options[name] = param
        else:
            arguments.append(param)
    options.setdefault("--help", None)
    return options, arguments


def _roles(group: Any, args: list[str]) -> Iterator[tuple[int, str, Any]]:
    """(index, label, parameter or None) of each argument, following the options and commands the
    way click reads them (closely enough to name what an argument is for)."""
    command = group
    options, arguments = _index(command)
    position = 0
    only_positional = False
    i = 0
    while i < len(args):
        token = args[i]
        if not only_positional and token == "--":
            only_positional = True
        elif not only_positional and token.startswith("-") and len(token) > 1:
            name, eq, _ = token.partition("=")
            param = options.get(name)
            label = _label(param) if param is not None else "option"
            yield i, label, param
            takes_value = param is not None and not getattr(param, "is_flag", False) and getattr(param, "nargs", 1) != 0
            if takes_value and not eq and i + 1 < len(args):
                i += 1
                yield i, label, param
        elif hasattr(command, "commands") and getattr(command, "commands", None) is not None and not arguments:
            sub = command.commands.get(token)
            yield i, "COMMAND", None
            if sub is not None:
                command = sub
                options, arguments = _index(command)
                position = 0
        else:
            param = arguments[min(position, len(arguments) - 1)] if arguments else None
            yield i, _label(param) if param is not None else "argument", param
            if param is not None and getattr(param, "nargs", 1) != -1:
                position += 1
        i += 1


def clean_arguments(group: Any, args: list[str]) -> list[str]:
    """The arguments, with text that an ASCII locale decoded as escapes (PEP 383) read as UTF-8;
    UsageError for one that is not UTF-8 text or holds a control character."""
    out = list(args)
    for i, label, param in _roles(group, out):
        token = out[i]
        is_path = param is not None and getattr(param, "name", None) in PATH_PARAMS
        if _SURROGATE.search(token) and not is_path:
            raw = os.fsencode(token) if _encodable(token) else token.encode("utf-8", "surrogateescape")
            try:
                token = out[i] = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                shown = raw.decode("utf-8", "backslashreplace")
                raise UsageError(f"{label}: '{_excerpt(shown)}' is not valid UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                 "write it in UTF-8") from exc
        unclean = _UNCLEAN.search(token) or (re.search("\n", token) if label not in FREE_TEXT else None)
        if unclean:  # worded as models.check_clean_text words it for a corpus file
            ch = unclean.group()
            what = ("the invisible direction-override character" if ord(ch) >= 0x202a else
                    "a newline" if ch == "\n" else "the control character") + f" U+{ord(ch):04X}"
            name = getattr(param, "name", None) or _excerpt(token)
            raise UsageError(f"{label}: '{name}' contains {what}; remove it")
    return out


def _encodable(token: str) -> bool:
    try:
        os.fsencode(token)
        return True
    except UnicodeError:
        return False


def _excerpt(text: str, n: int = 40) -> str:
    shown = printable(text)
    return shown if len(shown) <= n else shown[: n - 3] + "..."


def _escape(exc: UnicodeError) -> tuple[str, int]:
    """Characters the output encoding cannot hold, as \\uXXXX (a surrogate pair above U+FFFF)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), exc.end


class _StandInStream(io.TextIOBase):
    """What a closed standard stream is replaced by: writable text, never a terminal."""

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False


class _ClosedOutput(_StandInStream):
    """Standard output when the command was started with it closed (`positions ... >&-`): writing
    fails like a write to a closed descriptor, which the command line reports in one line (exit 3)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


class _Discard(_StandInStream):
    """Standard error when it was closed: messages are dropped; the exit status still tells."""

    def write(self, text: str) -> int:
        return len(text)


def safe_streams() -> None:
    """Standard output and error never fail on a character their encoding lacks; standard input
    never fails on bytes its encoding rejects. A stream the command was started without (closed
    with `<&-`, `>&-`, `2>&-`) is replaced: no input (an empty stream), output that fails with
    one line and exit 3, messages that go nowhere."""
    import codecs

    if sys.stdin is None:
        sys.stdin = io.StringIO("")
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:
        sys.stderr = _Discard()

    try:
        codecs.lookup_error(ERROR_HANDLER)
    except LookupError:
        codecs.register_error(ERROR_HANDLER, _escape)
    for name, errors in (("stdout", ERROR_HANDLER), ("stderr", ERROR_HANDLER), ("stdin", "replace")):
        # None (closed), or not a text file of the io module (a test's capture): left as it is
        with contextlib.suppress(AttributeError, ValueError, OSError):
            getattr(sys, name).reconfigure(errors=errors)
