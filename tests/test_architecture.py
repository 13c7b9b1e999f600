"""The module structure: no import cycles between the modules of positions, and no module importing
another's private names (tools/import_graph.py scans every import, function-local ones too)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "import_graph.py"


def _tool():
    if not TOOL.exists():  # an sdist without tools/
        pytest.skip("tools/import_graph.py is not in this tree")
    spec = importlib.util.spec_from_file_location("import_graph", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_cycles_and_no_private_imports_across_modules():
    assert _tool().problems() == []


def test_the_scan_sees_function_local_imports():
    graph, _ = _tool().scan()
    # match imports the embedding store only inside a method: still an edge
    assert "positions.embed" in graph["positions.match"]
    assert "positions.scoring" in graph["positions.match"]
    assert "positions.match" not in graph["positions.scoring"]


def test_a_cycle_is_found():
    tool = _tool()
    assert tool.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
