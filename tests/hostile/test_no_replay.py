"""No recorded output is ever replayed (issue 18 items 2-3, issue 17): every run of the real entry
point loads the corpus with the loader's guards, so a pipe, a link out of the corpus or a changed
terminal is seen each time."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from .helpers import positions_subprocess

needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "wait4"), reason="POSIX only")


def test_there_is_no_replay_module():
    assert importlib.util.find_spec("positions.answers") is None


@needs_posix
def test_a_pipe_named_like_a_source_never_hangs_the_real_entry_point(make_corpus, tmp_path):
    root = make_corpus()
    cache = tmp_path / "cache"
    env = {"POSITIONS_CACHE_DIR": str(cache)}
    assert positions_subprocess("--data", root, "sources", env=env).status == 0
    os.mkfifo(root / "sources" / "pipe.yaml")
    done = positions_subprocess("--data", root, "sources", env=env, timeout=30)
    assert done.status == 1, done.stderr
    assert "is not a plain file" in done.stderr
    assert not list(cache.glob("answer-*")), "a recorded answer was written"


@needs_posix
def test_a_source_that_becomes_a_link_out_of_the_corpus_is_refused_every_time(make_corpus, tmp_path):
    root = make_corpus()
    env = {"POSITIONS_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):
        first = positions_subprocess("--data", root, "sources", env=env)
        assert first.status == 0, first.stderr
    outside = tmp_path / "outside.yaml"
    path = root / "sources" / "moj.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    done = positions_subprocess("--data", root, "sources", env=env)
    assert done.status == 1, done.stdout
    assert "outside the corpus folder" in done.stderr


def test_output_follows_the_terminal_width_each_run(make_corpus, tmp_path):
    root = make_corpus()
    env = {"POSITIONS_CACHE_DIR": str(tmp_path / "cache")}
    widths = {}
    for columns in ("200", "200", "60"):
        done = positions_subprocess("--data", root, "show", "alliance", env={**env, "COLUMNS": columns})
        assert done.status == 0, done.stderr
        widths[columns] = max(len(line) for line in done.stdout.splitlines())
    assert widths["60"] <= 60 < widths["200"]


def test_code_fingerprint_uses_only_public_hashlib():
    import positions.fingerprint as fingerprint

    source = Path(fingerprint.__file__).read_text(encoding="utf-8")
    assert "_blake2" not in source
    value = fingerprint.code_fingerprint()
    assert len(value) == 64 and int(value, 16) >= 0
