"""Shared checks of the hostile-input suite.

`fails(...)` and `expect_problems(...)` are the heart of it: run a command, check the exit status,
that nothing looks like a traceback, what stderr says (file:line:col: where: what), that standard
output stayed empty and that the corpus folder is byte-for-byte what it was.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

# Generous bounds: a command on any input of this suite takes well under a second or two on a
# 2-core machine; these catch hangs and blow-ups without being flaky. SECONDS bounds CPU time (of
# this process, or of a child), which another job on the machine does not stretch; WALL_SECONDS,
# far wider, catches a command that waits forever without using the CPU.
SECONDS = 10.0
WALL_SECONDS = 60.0
MEGABYTES = 400

OK_SOURCE = "name: Foo\nstatements:\n  - id: a\n    text: A quote.\n"
SUMMARY = re.compile(r"^(\d+) problems? found; fix them and run 'positions validate'$")
# file[:line:col]: [where:] what. The file part never contains ": ".
PROBLEM = re.compile(r"^(?P<path>\S(?:(?!: ).)*?)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<rest>.+)$")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (following no links) with its bytes: to prove nothing was written."""
    out: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = b"-> " + os.readlink(path).encode()
            elif path.is_file():
                out[rel] = path.read_bytes()
            elif not path.is_dir():
                out[rel] = b"<special>"
    return out


def check_clean(result: Any) -> None:
    assert "Traceback" not in result.output, result.output
    assert "Traceback" not in (result.stderr or ""), result.stderr


def run(invoke: Callable[..., Any], *args: Any, status: int, env: dict | None = None,
        input: str | None = None) -> Any:
    """positions ARGS: the exit status is `status`, no traceback, and it took under SECONDS of CPU."""
    start, cpu = time.perf_counter(), time.process_time()
    result = invoke(*args, env=env, input=input)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert result.exit_code == status, (
        f"exit {result.exit_code}, expected {status}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    check_clean(result)
    assert cpu < SECONDS, f"positions {' '.join(map(str, args))} took {cpu:.1f} s of CPU"
    assert elapsed < WALL_SECONDS, f"positions {' '.join(map(str, args))} took {elapsed:.1f} s"
    return result


def fails(invoke: Callable[..., Any], *args: Any, status: int, says: str, env: dict | None = None,
          unchanged: Path | None = None, input: str | None = None) -> Any:
    """A command that must fail with one `error: ...` line containing `says`, print nothing on
    standard output and (with `unchanged`) leave that folder exactly as it was."""
    before = tree(unchanged) if unchanged is not None else None
    result = run(invoke, *args, status=status, env=env, input=input)
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert says in result.stderr, result.stderr
    assert lines and lines[-1].startswith("error: ") or status == 2, result.stderr
    if before is not None:
        assert tree(unchanged) == before, "a file was written or changed"
    return result


@dataclass(frozen=True)
class Reported:
    path: str
    line: int
    column: int
    rest: str  # "where: what" or "what"


def parse_problems(stderr: str) -> list[Reported]:
    """The problem lines of a CorpusError, checking the closing count line."""
    lines = stderr.splitlines()
    assert lines, "nothing on stderr"
    m = SUMMARY.match(lines[-1])
    assert m, f"no problem count at the end:\n{stderr}"
    assert int(m.group(1)) == len(lines) - 1, stderr
    out = []
    for line in lines[:-1]:
        p = PROBLEM.match(line)
        assert p, f"not file[:line:col]: message: {line!r}"
        out.append(Reported(p["path"], int(p["line"] or 0), int(p["col"] or 0), p["rest"]))
    return out


def expect_problems(invoke: Callable[..., Any], root: Path, expected: list[tuple[str, int, int, str]],
                    commands: tuple[tuple[str, ...], ...] = (("validate",),)) -> list[Reported]:
    """Each command on the corpus exits 1 with exactly these problems, in this order:
    (path suffix, line, column, fragment of the message); line and column 0 mean "no position"."""
    before = tree(root)
    reported: list[Reported] = []
    for command in commands:
        result = run(invoke, "--data", root, *command, status=1)
        assert result.stdout == "", result.stdout
        reported = parse_problems(result.stderr)
        got = "\n".join(result.stderr.splitlines()[:-1])
        assert len(reported) == len(expected), f"expected {len(expected)} problems, got:\n{got}"
        for problem, (suffix, line, column, fragment) in zip(reported, expected):
            assert problem.path.replace(os.sep, "/").endswith(suffix), got
            assert (problem.line, problem.column) == (line, column), got
            assert fragment in problem.rest, got
    assert tree(root) == before, "loading changed the corpus folder"
    return reported


def one_source(make_corpus: Callable[..., Path], body: str | bytes, key: str = "x") -> Path:
    return make_corpus(sources={key: body})


# --- subprocesses with measured time and memory ------------------------------------------------


@dataclass(frozen=True)
class Measured:
    status: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float
    cpu_seconds: float = 0.0  # user + system time of the child: unlike `seconds`, not stretched by other jobs


def positions_subprocess(*args: Any, timeout: float = 60.0, env: dict | None = None,
                         stdout: Any = subprocess.PIPE, cwd: Path | None = None) -> Measured:
    """`python -m positions ARGS` in a child process; its own peak memory from os.wait4.

    A child that runs past `timeout` is killed and the test fails (a hang is a bug)."""
    import tempfile

    hwm = Path(tempfile.mkstemp(prefix="positions-hwm-")[1])
    full_env = {**os.environ, **(env or {}), "POSITIONS_TEST_HWM_FILE": str(hwm)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _REPORT_PEAK, *map(str, args)], stdout=stdout,
                            stderr=subprocess.PIPE, env=full_env, cwd=cwd)
    out: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        out[name] = stream.read() if stream is not None else b""

    readers = [threading.Thread(target=drain, args=("stdout", proc.stdout)),
               threading.Thread(target=drain, args=("stderr", proc.stderr))]
    for r in readers:
        r.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, wait_status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(wait_status)
    for r in readers:
        r.join()
    assert proc.returncode != -9 or seconds < timeout, f"positions {args} was killed after {timeout} s"
    try:  # the child's own peak, read by itself after exec (see _REPORT_PEAK)
        peak_kb = float(hwm.read_text())
    except (OSError, ValueError):  # no /proc, or the child was killed: the kernel's figure
        peak_kb = usage.ru_maxrss  # Linux: kilobytes
    finally:
        hwm.unlink(missing_ok=True)
    return Measured(proc.returncode, out.get("stdout", b"").decode("utf-8", "replace"),
                    out.get("stderr", b"").decode("utf-8", "replace"), seconds, peak_kb / 1024,
                    usage.ru_utime + usage.ru_stime)


# Runs `python -m positions ARGS` and, on the way out, writes its own peak resident memory
# (/proc/self/status VmHWM) to $POSITIONS_TEST_HWM_FILE. The kernel's ru_maxrss of a child cannot
# serve: subprocess starts children with vfork, and exec records the parent's peak (a test run
# that has grown to 400 MB) as the child's.
_REPORT_PEAK = """
import atexit, os, runpy, sys

def _report_peak():
    try:
        with open('/proc/self/status') as status:
            kb = next(line.split()[1] for line in status if line.startswith('VmHWM:'))
        with open(os.environ['POSITIONS_TEST_HWM_FILE'], 'w') as out:
            out.write(kb)
    except Exception:
        pass

atexit.register(_report_peak)
sys.argv = ['positions', *sys.argv[1:]]
runpy.run_module('positions', run_name='__main__', alter_sys=True)
"""
