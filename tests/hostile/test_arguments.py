"""Arguments and standard streams (issue 18 items 8-10): an argument that is not UTF-8 text or
that holds a terminal escape is refused with one line and exit 2 before any command runs, and no
command fails because the output encoding lacks a character."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .helpers import fails, run

NON_ASCII = {"name": "Café Society", "statements": [
    {"id": "cafe", "text": "Probation’s “café” model should stay public — 😀 for all.",
     "stances": {"public-ownership": "support"}}]}


def _child(args, env=None, cwd=None):
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "positions", *args], capture_output=True, env=full,
                          cwd=cwd, timeout=120)


# --- item 8: invalid UTF-8 ------------------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="arguments as bytes: POSIX")
def test_invalid_utf8_argument_is_a_usage_error(corpus_dir):
    done = _child([b"--data", os.fsencode(corpus_dir), b"search", b"caf\xe9 probation"])
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    lines = done.stderr.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: TEXT: ") and "not valid UTF-8" in lines[0], lines


@pytest.mark.skipif(os.name != "posix", reason="arguments as bytes: POSIX")
def test_utf8_argument_in_an_ascii_locale_is_read_as_utf8(corpus_dir):
    done = _child([b"--data", os.fsencode(corpus_dir), b"search", "café probation".encode(), b"--format", b"json"],
                  env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["query"] == "café probation"


def test_surrogate_escaped_argument_in_process(invoke, corpus_dir):
    fails(invoke, "--data", corpus_dir, "search", "caf\udce9 probation", status=2, says="is not valid UTF-8 text")


# --- item 9: an output encoding without the characters ----------------------------------------------

COMMANDS = [("show", "cafe-society"), ("topics",), ("matrix",), ("compare", "alliance", "cafe-society"),
            ("search", "café model"), ("report",), ("gaps", "--against", "cafe-society"), ("sources",),
            ("compare", "alliance", "cafe-society", "--format", "json"), ("show", "cafe-society", "--format", "json")]


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"},
                                 {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
                                  "PYTHONIOENCODING": ""}],
                         ids=["PYTHONIOENCODING=ascii", "LC_ALL=C PYTHONUTF8=0"])
def test_every_command_works_with_an_ascii_output_encoding(make_corpus, tmp_path, env):
    root = make_corpus(extra_sources={"cafe-society": NON_ASCII})
    env = {**env, "POSITIONS_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "120"}
    for command in COMMANDS:
        done = _child(["--data", str(root), *command], env=env)
        assert done.returncode == 0, (command, done.stderr.decode("utf-8", "replace"))
        assert b"Traceback" not in done.stderr
        done.stdout.decode("ascii")  # nothing the encoding lacks was written raw
        if "json" in command:
            text = json.dumps(json.loads(done.stdout), ensure_ascii=False)
            assert "“café”" in text and "😀" in text  # escaped, not lost


# --- item 10: terminal escapes and other control characters ------------------------------------------

@pytest.mark.parametrize(("args", "label"), [
    (("search", "zebra \x1b]0;PWNED\x07\x1b[2J"), "TEXT"),
    (("report", "--date", "2020\x1b[2J"), "--date"),
    (("report", "--date=2020\x1b[31m"), "--date"),
    (("report", "--date", "2020\n# Injected heading"), "--date"),
    (("show", "alliance\x1b[2J"), "KEY"),
    (("show", "alliance", "--topic", "x\x9b2J"), "--topic"),
    (("compare", "alliance", "moj\r"), "SOURCES"),
    (("search", "a \u202egnp.exe"), "TEXT"),
    (("--da\x1bta", "x", "sources"), "option"),
    (("sources\x1b",), "COMMAND"),
])
def test_control_characters_in_arguments_are_refused(invoke, corpus_dir, args, label):
    result = fails(invoke, "--data", corpus_dir, *args, status=2, says=f"error: {label}: ", unchanged=corpus_dir)
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr and "\u202e" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_newline_is_fine_in_free_text(invoke, corpus_dir):
    run(invoke, "--data", corpus_dir, "add", "moj", "--text", "Probation officers need time with people.\nAnd training.",
        status=0)
