"""Writes go only to a corpus the user chose (issue 18 item 13): with an editable install, the
checkout's data/ found from the package's own location, from any other folder, is refused like
the packaged corpus; and `add` takes only text that can be a quote."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from positions.corpus import find_data_dir

from .helpers import fails, run

REPO = Path(__file__).resolve().parents[2]


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_checkout_found_from_the_package_is_not_writable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found = find_data_dir()
    assert found.origin in ("installed-checkout", "packaged")
    assert not found.writable


def test_the_checkout_you_work_in_is_writable(monkeypatch):
    monkeypatch.chdir(REPO / "docs")
    found = find_data_dir()
    assert (found.origin, found.writable) == ("checkout", True)


@pytest.mark.parametrize("command", [
    ("add", "alliance", "--text", "Probation should be run by local public bodies."),
    ("new-source", "howard", "--name", "Howard League"),
    ("link", "alliance/publicly-owned-service", "moj/tr-opening-up-market", "--reject"),
    ("schema", "--write"),
])
def test_writes_from_another_folder_are_refused(tmp_path, command):
    before = _digest(REPO / "data")
    env = {k: v for k, v in os.environ.items() if k != "POSITIONS_DATA"}
    done = subprocess.run([sys.executable, "-m", "positions", *command], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 4, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "positions init DIR" in lines[0] and "--data DIR" in lines[0], lines
    assert _digest(REPO / "data") == before


@pytest.mark.parametrize("text", ["x y z", "t", "a b", "42 17", "x-y", "é ü"])
def test_text_that_is_not_a_statement_is_refused(corpus_dir, invoke, text):
    fails(invoke, "--data", corpus_dir, "add", "moj", "--text", text, status=2, says="is not a statement",
          unchanged=corpus_dir)


@pytest.mark.parametrize("text", ["HR with humanity.", "Fewer victims.", "Ça va bien.", "UPW placements"])
def test_short_quotes_are_statements(corpus_dir, invoke, text):
    run(invoke, "--data", corpus_dir, "add", "alliance", "--text", text, status=0)
