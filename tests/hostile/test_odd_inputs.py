"""Odd environments, streams and file names, for the commands that meet them (issue 18, the
failures found beyond the listed ones): each ends in a documented exit status with one line,
within bounded time."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from .helpers import expect_problems, positions_subprocess

posix = pytest.mark.skipif(os.name != "posix" or not hasattr(os, "wait4"), reason="POSIX only")


@posix
@pytest.mark.parametrize("command", [("show", "alliance"), ("compare", "alliance", "moj"), ("topics",)])
def test_a_huge_terminal_width_is_capped(corpus_dir, command):
    # rich laid a table out 100,000,000 columns wide: minutes and gigabytes
    done = positions_subprocess("--data", corpus_dir, *command, env={"COLUMNS": "100000000", "LINES": "99999999999"},
                                timeout=120)
    assert done.status == 0, done.stderr
    assert done.cpu_seconds < 10 and done.max_rss_mb < 400


@posix
def test_output_to_a_named_pipe_that_nobody_reads(corpus_dir, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = positions_subprocess("--data", corpus_dir, "report", "--output", pipe, timeout=60)
    assert done.status == 3, done.stderr
    assert done.stderr.splitlines() == [f"error: cannot write '{pipe}': it is a named pipe that no program is "
                                        "reading; start the reader first, or give a file name"]


@posix
def test_output_to_a_named_pipe_with_a_reader(corpus_dir, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got = {}

    def read():
        with open(pipe, "rb") as fh:
            got["data"] = fh.read()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        import time

        time.sleep(0.3)  # the reader is waiting on the pipe
        done = positions_subprocess("--data", corpus_dir, "report", "--output", pipe, timeout=60)
    finally:
        if reader.is_alive():
            with open(pipe, "wb"):
                pass
        reader.join(10)
    assert done.status == 0, done.stderr
    assert got["data"].startswith(b"# ")


def _with_closed(fd: int, args, cwd=None, env=None):
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "positions", *map(str, args)], preexec_fn=lambda: os.close(fd),
                          stdout=subprocess.PIPE if fd != 1 else None, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL if fd != 0 else None, env=full, cwd=cwd, timeout=120)


@posix
def test_review_with_standard_input_closed_stops_like_at_the_end_of_input(corpus_dir):
    done = _with_closed(0, ["--data", corpus_dir, "review", "alliance", "moj"])
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr


@posix
def test_add_with_standard_input_closed_needs_text(corpus_dir):
    done = _with_closed(0, ["--data", corpus_dir, "add", "moj"])
    assert done.returncode == 2, done.stderr.decode()
    assert done.stderr.decode().splitlines()[-1].startswith("error: --text is required")


@posix
@pytest.mark.parametrize("command", [("compare", "alliance", "moj"), ("search", "probation"), ("schema",),
                                     ("cache", "info"), ("sources",), ("report",)])
def test_standard_output_closed_is_one_line_and_exit_3(corpus_dir, command):
    done = _with_closed(1, ["--data", corpus_dir, *command])
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 3, lines
    assert lines == ["error: cannot write the output: standard output is closed"]


@posix
def test_a_deleted_working_folder(corpus_dir, tmp_path):
    gone = tmp_path / "gone"
    for args, env in ((("sources",), {"POSITIONS_DATA": str(corpus_dir)}), (("sources",), {}), (("validate",), {})):
        gone.mkdir()
        env = {**{k: v for k, v in os.environ.items() if k != "POSITIONS_DATA"}, **env}
        done = subprocess.run(["sh", "-c", 'cd "$1" && rmdir "$1" && shift && exec "$@"', "sh", str(gone),
                               sys.executable, "-m", "positions", *args], capture_output=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr.decode()


@pytest.mark.parametrize("name", ["Odd.YAML", "odd.YML", "odd.Yaml"])
def test_a_source_with_an_upper_case_extension_is_not_skipped_unseen(make_corpus, invoke, name):
    root = make_corpus(files={f"sources/{name}": "name: Odd\nstatements: []\n"})
    suffix = Path(name).suffix
    expect_problems(invoke, root, [(f"sources/{name}", 0, 0, f"the file name ends in '{suffix}'")],
                    commands=(("validate",), ("sources",)))
