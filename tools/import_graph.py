"""Which module of positions imports which: a static scan of every `import` statement in
src/positions (at module level and inside functions alike), with the import cycles and the
private names imported across modules.

    python tools/import_graph.py            # the dependency listing, then cycles and private imports
    python tools/import_graph.py --check    # only the problems; exit status 1 when there are any
    python tools/import_graph.py --src DIR  # the package in DIR/positions (another checkout)

tests/test_architecture.py runs the check.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "positions"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module of positions that `name` is or lies in (a.b.c -> a.b when c is not a module)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def scan() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """(module -> modules of positions it imports, [(importer, imported module, private name)])."""
    known = modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    private: list[tuple[str, str, str]] = []
    for mod, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = _resolve(alias.name, known)
                    if target and target != mod:
                        graph[mod].add(target)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[:len(parts) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                if not base.startswith("positions"):
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    target = full if full in known else _resolve(base, known)
                    if target is None or target == mod:
                        continue
                    graph[mod].add(target)
                    if full not in known and alias.name.startswith("_") and not alias.name.startswith("__"):
                        private.append((mod, target, alias.name))
    return graph, private


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def problems() -> list[str]:
    graph, private = scan()
    # The package itself (positions/__init__.py: the version and the public API, which may import
    # any module lazily) is the facade over the modules, not one of them: edges into it are left
    # out of the cycle search.
    inner = {m: {d for d in deps if d != "positions"} for m, deps in graph.items()}
    found = [f"import cycle: {' <-> '.join(c)}" for c in cycles(inner)]
    found += [f"private import: {m} imports {name} from {t}" for m, t, name in sorted(set(private))]
    return found


def main() -> None:
    global PACKAGE
    if "--src" in sys.argv[1:]:
        PACKAGE = Path(sys.argv[sys.argv.index("--src") + 1]).resolve() / "positions"
    graph, _ = scan()
    if "--check" not in sys.argv[1:]:
        width = max(len(m) for m in graph)
        for mod in sorted(graph):
            deps = sorted(d.removeprefix("positions.") or "positions" for d in graph[mod])
            print(f"{mod:<{width}}  {', '.join(deps) or '-'}")
        print()
    found = problems()
    for line in found:
        print(line)
    if not found:
        print("no import cycles, no private imports across modules")
    sys.exit(1 if found and "--check" in sys.argv[1:] else 0)


if __name__ == "__main__":
    main()
