"""Shared fixtures: a clean environment, small corpora built in tmp_path, and a CLI runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DATA = REPO_ROOT / "data"


def benchmark_module(name: str) -> Any:
    """A script of benchmarks/ imported as a module (the repository root is not on sys.path)."""
    import importlib
    import sys

    sys.path.insert(0, str(REPO_ROOT))
    try:
        return importlib.import_module(f"benchmarks.{name}")
    finally:
        sys.path.remove(str(REPO_ROOT))

# Three topics: enough for did-you-mean hints and for --topic filtering.
DEFAULT_TOPICS: list[dict[str, Any]] = [
    {
        "key": "public-ownership",
        "label": "Public ownership",
        "proposition": "Probation should be publicly owned.",
        "aliases": ["public sector", "privatisation"],
    },
    {
        "key": "unpaid-work",
        "label": "Unpaid work",
        "proposition": "Unpaid work should be well organised.",
        "description": "Community payback placements.",
        "aliases": ["UPW", "community payback"],
    },
    {
        "key": "local-delivery",
        "label": "Local delivery",
        "proposition": "Probation should be organised locally.",
    },
]

# Two sources; `moj` is there so that `mj` has a close match.
DEFAULT_SOURCES: dict[str, Any] = {
    "alliance": {
        "name": "Probation Alliance",
        "title": "Initial Position Statement",
        "date": "2019",
        "kind": "coalition",
        "authors": ["Napo", "UNISON"],
        "statements": [
            {
                "id": "publicly-owned-service",
                "text": "A publically owned service with directly employed staff.",
                "section": "Principles",
                "stances": {"public-ownership": "support"},
            },
            {
                "id": "local-links",
                "text": "Strong links with local partners.",
                "stances": {"local-delivery": "support", "public-ownership": "neutral"},
                "note": "A curator's note.",
            },
        ],
    },
    "moj": {
        "name": "Ministry of Justice",
        "date": "2018-07",
        "kind": "government",
        "statements": [
            {
                "id": "mixed-market",
                "text": "We will keep a mixed market of providers.",
                "stances": {"public-ownership": "oppose"},
            },
            {
                "id": "upw-visible",
                "text": "Unpaid work should be visible to communities.",
                "section": "Unpaid work",
                "stances": {"unpaid-work": "support"},
            },
            {"id": "plain", "text": "A statement without stances."},
        ],
    },
}


def dump_yaml(data: Any) -> str:
    """Plain block-style YAML for a dict or list (no tags, no anchors)."""
    import io

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _write(path: Path, content: str | bytes | dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))  # exact bytes: no newline translation
    else:
        path.write_bytes(dump_yaml(content).encode("utf-8"))


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole run: tests never touch the user's cache folder."""
    return tmp_path_factory.mktemp("positions-cache")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, _session_cache: Path) -> None:
    """Wide, colourless, non-interactive output and no corpus from the caller's environment."""
    monkeypatch.setenv("TERMINAL_WIDTH", "3000")
    monkeypatch.setenv("COLUMNS", "3000")  # rich reads COLUMNS: keep table cells on one line
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("POSITIONS_DATA", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(_session_cache))


@pytest.fixture
def make_corpus(tmp_path: Path) -> Callable[..., Path]:
    """Factory: write a corpus folder and return its path.

    make_corpus()                                  -> default topics and sources
    make_corpus(sources={"x": {...} or "raw yaml"}) -> only these sources
    make_corpus(topics=[...] or "raw yaml" or None) -> topics.yaml from a list of topic dicts,
                                                       a raw string/bytes, or no file at all (None)
    make_corpus(extra_sources={...})               -> default sources plus these
    make_corpus(files={"links.yaml": "..."})       -> any other file, relative to the folder
    make_corpus(name="other")                      -> a second corpus in the same tmp_path
    """
    counter = {"n": 0}
    _default = object()

    def make(
        sources: dict[str, Any] | None = None,
        topics: Any = _default,
        *,
        extra_sources: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> Path:
        counter["n"] += 1
        root = tmp_path / (name or f"corpus{counter['n']}")
        root.mkdir(parents=True, exist_ok=False)
        if topics is _default:
            topics = DEFAULT_TOPICS
        if topics is not None:
            if isinstance(topics, list):
                topics = {"topics": topics}
            _write(root / "topics.yaml", topics)
        all_sources = dict(DEFAULT_SOURCES if sources is None else sources)
        all_sources.update(extra_sources or {})
        (root / "sources").mkdir()
        for key, content in all_sources.items():
            filename = key if key.endswith((".yaml", ".yml")) else f"{key}.yaml"
            _write(root / "sources" / filename, content)
        for rel, content in (files or {}).items():
            _write(root / rel, content)
        return root

    return make


@pytest.fixture
def corpus_dir(make_corpus: Callable[..., Path]) -> Path:
    """The default small corpus: topics public-ownership, unpaid-work, local-delivery;
    sources alliance (2 statements) and moj (3 statements)."""
    return make_corpus()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner) -> Callable[..., Any]:
    """invoke(*args, env=None, input=None) -> click Result of `positions ARGS`.

    Exceptions are not caught: an unexpected traceback fails the test instead of hiding in
    result.exception. SystemExit is handled by click as usual.
    """
    from positions.cli import app

    def run(*args: Any, env: dict[str, str | None] | None = None, input: str | None = None):
        return runner.invoke(
            app, [str(a) for a in args], env=env, input=input, catch_exceptions=False
        )

    return run


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test; the model hub is told it is offline."""
    import socket

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
