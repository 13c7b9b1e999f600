"""`positions add` on a terminal offers the suggested stances one by one (accept, change or skip),
driven through a pseudo-terminal as a person would type."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import sys
import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import SHIPPED_DATA

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


class Terminal:
    """A child process on a pseudo-terminal: wait for text, then type."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(sys.executable, [sys.executable, "-m", "positions", *args], env)
        self.seen = ""

    def expect(self, pattern: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {pattern!r}; saw:\n{self.seen}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the program ended before {pattern!r}; saw:\n{self.seen}")
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.seen

    def type(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())

    def wait(self, timeout: float = 120.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = os.read(self.fd, 4096)
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
                if chunk:
                    continue
            except OSError:
                pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(self.pid, 9)
        raise AssertionError("the program did not end")


def test_add_offers_each_suggestion_on_a_terminal(tmp_path: Path, _session_cache: Path):
    corpus = tmp_path / "c"
    shutil.copytree(SHIPPED_DATA, corpus)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "_TYPER_FORCE_DISABLE_TERMINAL")}
    env.update({"TERM": "dumb", "COLUMNS": "100", "POSITIONS_CACHE_DIR": str(_session_cache)})
    t = Terminal(["--data", str(corpus), "add", "clinks"], env)
    t.expect(r"Text \(verbatim quote\)")
    t.type("We want fewer people sent to prison on short sentences instead of community orders.")
    t.expect(r"Section")
    t.type("")
    seen = t.expect(r"community-over-custody=support\? \[y\]es")
    assert "Suggested stances" in seen and "Nearest statements" in seen
    t.type("y")  # the first suggestion, as suggested
    t.expect(r"\? \[y\]es / \[n\]o")
    t.type("maybe")  # a wrong answer is asked again
    t.expect(r"error: answer y, n, s, o or m")
    t.type("o")  # the second, with another stance
    t.expect(r"\? \[y\]es / \[n\]o.*\n?.*$")
    t.type("n")  # the third skipped
    t.expect(r"Other stances")
    t.type("")
    t.expect(r"Note")
    t.type("Typed on a terminal.")
    assert t.wait() == 0, t.seen
    assert "Added statement 22 of clinks" in t.seen
    data = YAML(typ="safe").load((corpus / "sources" / "clinks.yaml").read_text(encoding="utf-8"))
    added = data["statements"][-1]
    assert added["text"].startswith("We want fewer people sent to prison")
    assert added["stances"]["community-over-custody"] == "support"
    assert len(added["stances"]) == 2 and "oppose" in added["stances"].values()
    assert added["note"] == "Typed on a terminal."
