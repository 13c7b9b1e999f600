"""Long output goes through the pager on a terminal, as git does, and never when piped or with
--no-pager. Driven through a pseudo-terminal of 24 x 80."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


def fake_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that records that it ran and how many lines it was given."""
    marker = tmp_path / "pager-ran"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\nwc -l > '{marker}'\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script), marker


def run_on_terminal(args: list[str], env: dict[str, str], timeout: float = 120.0) -> tuple[int, str]:
    """Run `python -m positions ARGS` with its standard streams on a 24 x 80 pseudo-terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec positions
        os.execvpe(sys.executable, [sys.executable, "-m", "positions", *args], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            os.kill(pid, 9)
            raise AssertionError("no output within the time allowed")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


@pytest.fixture
def env(tmp_path: Path, _session_cache: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("PAGER", "POSITIONS_PAGER", "NO_COLOR", "COLUMNS",
                                                          "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL")}
    e.update({"TERM": "xterm", "POSITIONS_CACHE_DIR": str(_session_cache), "LINES": "24", "COLUMNS": "80"})
    return e


def test_long_output_on_a_terminal_goes_through_the_pager(tmp_path, env):
    pager, marker = fake_pager(tmp_path)
    code, _ = run_on_terminal(["compare", "alliance", "moj"], {**env, "PAGER": pager})
    assert code == 0
    assert marker.exists() and int(marker.read_text().strip()) > 24  # the pager got the whole output


def test_no_pager_when_asked_or_when_piped(tmp_path, env):
    pager, marker = fake_pager(tmp_path)
    code, out = run_on_terminal(["compare", "alliance", "moj", "--no-pager"], {**env, "PAGER": pager})
    assert code == 0 and not marker.exists() and "Disagree on" in out
    code, out = run_on_terminal(["--no-pager", "compare", "alliance", "moj"], {**env, "PAGER": pager})
    assert code == 0 and not marker.exists()
    piped = subprocess.run([sys.executable, "-m", "positions", "compare", "alliance", "moj"], capture_output=True,
                           text=True, env={**env, "PAGER": pager}, timeout=120)
    assert piped.returncode == 0 and "Disagree on" in piped.stdout and not marker.exists()


def test_short_output_and_a_missing_pager_print_straight_through(tmp_path, env):
    pager, marker = fake_pager(tmp_path)
    code, out = run_on_terminal(["sources"], {**env, "PAGER": pager})
    assert code == 0 and not marker.exists() and "alliance" in out  # it fits the screen
    code, out = run_on_terminal(["compare", "alliance", "moj"], {**env, "PAGER": str(tmp_path / "no-such-pager")})
    assert code == 0 and "Disagree on" in out
