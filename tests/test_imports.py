"""The import graph of the project's own modules: the read path stays off the index writer, and nothing is circular.

Imports are read with `ast`, not by importing. Both module-level imports and imports inside functions count:
a function-local import still runs on the path that calls it, so it may neither reach the writer from the read path
nor close a cycle (a lazy import that closes a cycle only hides it until that function runs). Imports under
`if TYPE_CHECKING:` are left out: they never run.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "ingest", "rules", "evals", "bench")
WRITER = "ingest.index"
# Only the ingest command and the upload page build the index; all other assistant modules only read it.
MAY_WRITE = {"assistant.cli", "assistant.ui.upload", "assistant.ui.pages.tilfoej"}


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imported(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports (`from a.b import c` counts a.b, and a.b.c when that is a module)."""
    names: set[str] = set()

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                names.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names.add(child.module)
                names.update(f"{child.module}.{a.name}" for a in child.names)
            walk(child)

    walk(ast.parse(path.read_text(encoding="utf-8")))
    return {n for n in names if n in known}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imported(path, set(mods)) - {name} for name, path in mods.items()}


def reachable(g: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module reachable from start, each with the module that imports it on one path there."""
    seen, todo = {start: ""}, [start]
    while todo:
        m = todo.pop()
        for n in g[m]:
            if n not in seen:
                seen[n] = m
                todo.append(n)
    return seen


def chain(seen: dict[str, str], end: str) -> str:
    path = [end]
    while seen[path[-1]]:
        path.append(seen[path[-1]])
    return " -> ".join(reversed(path))


def test_the_walker_sees_imports_at_both_levels():
    g = graph()
    assert "ingest.layout" in g["assistant.store"]  # module level
    assert WRITER in g["assistant.cli"]  # inside a function (the ingest command)
    assert "ingest.text" in g["ingest.keyword"]


def test_read_path_never_reaches_the_index_writer():
    g = graph()
    read_path = [m for m in g if m.startswith("assistant.") and m not in MAY_WRITE]
    assert {"assistant.store", "assistant.retrieval", "assistant.planner", "assistant.evidence", "assistant.agent",
            "assistant.spans", "assistant.api"} <= set(read_path)
    bad = []
    for m in read_path:
        seen = reachable(g, m)
        if WRITER in seen:
            bad.append(chain(seen, WRITER))
    assert not bad, "read path reaches the index writer:\n" + "\n".join(bad)
    # ... and the layout module the read side opens builds with does not lead there either
    assert WRITER not in reachable(g, "ingest.layout")


def test_no_import_cycles():
    g = graph()
    cycles = []
    for m in g:
        for n in g[m]:
            back = reachable(g, n)
            if m in back:
                cycles.append(f"{m} -> {chain(back, m)}")
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))
