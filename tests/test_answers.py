"""Recorded answers of read-only commands (positions.answers): replayed byte for byte, and never
when anything they depend on has changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from positions import answers


def _run(args, cache: Path, data: Path, **env):
    full = {**os.environ, "POSITIONS_CACHE_DIR": str(cache), "POSITIONS_DATA": str(data), "NO_COLOR": "1", **env}
    return subprocess.run([sys.executable, "-m", "positions", *args], capture_output=True, env=full, timeout=120)


def _answers(cache: Path) -> list[Path]:
    return sorted(cache.glob("answer-*.out"))


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_second_run_replays_the_same_bytes(corpus_dir, cache):
    first = _run(["compare", "alliance", "moj"], cache, corpus_dir)
    assert first.returncode == 0 and first.stderr == b""
    [recorded] = _answers(cache)
    assert recorded.read_bytes() == first.stdout
    # make the recording recognisable: a replay must print it, a real run would not
    recorded.write_bytes(first.stdout + b"REPLAYED\n")
    second = _run(["compare", "alliance", "moj"], cache, corpus_dir)
    assert second.stdout == first.stdout + b"REPLAYED\n"
    fresh = _run(["--no-cache", "compare", "alliance", "moj"], cache, corpus_dir)
    assert fresh.stdout == first.stdout  # --no-cache neither replays nor records
    assert len(_answers(cache)) == 1


def test_an_edited_corpus_is_never_replayed(corpus_dir, cache):
    before = _run(["show", "moj"], cache, corpus_dir)
    source = corpus_dir / "sources" / "moj.yaml"
    source.write_text(source.read_text().replace("mixed market of providers", "mixed market of many providers"))
    after = _run(["show", "moj"], cache, corpus_dir)
    assert b"many providers" in after.stdout and b"many providers" not in before.stdout
    (corpus_dir / "sources" / "new.yaml").write_text("name: New\nstatements:\n  - id: one\n    text: A new statement.\n")
    listed = _run(["sources"], cache, corpus_dir)
    assert b"new" in listed.stdout
    assert len(_answers(cache)) == 3


def test_terminal_width_and_arguments_are_part_of_the_key(corpus_dir, cache):
    narrow = _run(["compare", "alliance", "moj"], cache, corpus_dir, COLUMNS="60")
    wide = _run(["compare", "alliance", "moj"], cache, corpus_dir, COLUMNS="200")
    assert narrow.stdout != wide.stdout
    _run(["compare", "moj", "alliance"], cache, corpus_dir)
    assert len(_answers(cache)) == 3


def test_failures_and_writes_are_not_recorded(corpus_dir, cache, tmp_path):
    bad = _run(["compare", "alliance", "mj"], cache, corpus_dir)
    assert bad.returncode == 2
    out = tmp_path / "report.md"
    assert _run(["report", "-o", str(out)], cache, corpus_dir).returncode == 0
    assert _answers(cache) == []


@pytest.mark.parametrize("argv", [
    ["--no-cache", "compare", "a", "b"],
    ["compare", "a", "b", "--output", "x.md"],
    ["compare", "a", "b", "--output=x.md"],
    ["report", "-o", "x.md"],
    ["report", "-ox.md"],
    ["compare", "--help"],
    ["add", "moj", "--text", "x"],
    ["link", "a/x", "b/y", "--confirm"],
    ["review", "a", "b"],
    ["validate"],
    [],
])
def test_what_is_never_cacheable(argv, corpus_dir, monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(corpus_dir))
    assert answers.plan(argv) is None


def test_key_depends_on_environment_and_data(corpus_dir, make_corpus, monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(corpus_dir))
    base = answers.plan(["compare", "alliance", "moj"])
    assert base is not None and base == answers.plan(["compare", "alliance", "moj"])
    monkeypatch.setenv("COLUMNS", "99")
    assert answers.plan(["compare", "alliance", "moj"]).key != base.key
    other = make_corpus(name="other")
    assert answers.plan(["--data", str(other), "compare", "alliance", "moj"]).folder == other.resolve()
    assert answers.plan([f"--data={other}", "compare", "alliance", "moj"]).folder == other.resolve()


def test_a_missing_data_folder_is_left_to_the_real_run(tmp_path, monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(tmp_path / "nowhere"))
    assert answers.plan(["sources"]) is None


def test_cache_clear_removes_recorded_answers(corpus_dir, cache):
    _run(["sources"], cache, corpus_dir)
    assert len(_answers(cache)) == 1
    cleared = _run(["cache", "clear"], cache, corpus_dir)
    assert cleared.returncode == 0
    assert _answers(cache) == []
