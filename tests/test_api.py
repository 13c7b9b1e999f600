"""The Python API: the documented example runs, names resolve lazily, nothing is cached unless asked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import positions

DOC = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"


def test_the_documented_example_runs(tmp_path, monkeypatch, capsys):
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    cache = tmp_path / "cache"
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(cache))
    exec(compile(code, str(DOC), "exec"), {})
    out = capsys.readouterr().out
    assert "5 sources," in out and "disagree" in out and "core-probation-public" in out
    assert not cache.exists()  # nothing written to the cache unless cache=True


def test_every_exported_name_resolves_and_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    for name in positions.__all__:
        assert getattr(positions, name) is not None
        if name != "__version__":
            assert name in doc, name
    with pytest.raises(AttributeError):
        positions.no_such_thing  # noqa: B018


def test_import_is_light():
    """`import positions` imports neither numpy nor rich nor the command line."""
    probe = ("import sys, positions; print(sorted(m for m in ('numpy', 'rich', 'typer', 'positions.cli') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]"


def test_api_errors_are_the_library_errors():
    corpus = positions.load_corpus()
    with pytest.raises(positions.UsageError, match="did you mean 'moj'"):
        positions.compare(corpus, ["alliance", "mj"])
    with pytest.raises(positions.CorpusError):
        positions.load_corpus(DOC.parent)  # docs/ is no corpus


def test_cache_is_used_only_when_asked(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(cache))
    corpus = positions.load_corpus(cache=True)
    positions.compare(corpus, ["alliance", "moj"], cache=True)
    assert cache.exists() and any(cache.iterdir())
