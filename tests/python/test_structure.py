"""The binding's structure (issue "One source of truth, by construction"):
the native module imports no module of the `nps` package, and the Rust
files of nps-py do not `use` each other in a cycle."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "nps-py" / "src"


def _files() -> dict[str, str]:
    out = {}
    for p in sorted(SRC.rglob("*.rs")):
        rel = p.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] in ("mod", "lib"):
            parts = parts[:-1]
        out["::".join(parts) or "crate"] = p.read_text(encoding="utf-8")
    return out


def test_native_module_imports_no_nps_python_module() -> None:
    for name, text in _files().items():
        assert not re.search(r'import\(\s*"nps', text), f"{name} imports an nps.* Python module"


def _uses(name: str, text: str, modules: set[str]) -> set[str]:
    found = set()
    parent = name.rpartition("::")[0]
    paths = [m.group(1) for m in re.finditer(r"crate::([a-z_]+(?:::[a-z_]+)*)", text)]
    # Paths relative to this file (`use child::X`, `child::f(..)`) and to its parent (`super::`).
    paths += [f"{name}::{m.group(1)}" for m in re.finditer(r"\b([a-z_]+(?:::[a-z_]+)*)::", text)]
    paths += [f"{parent}::{m.group(1)}".lstrip(":") for m in re.finditer(r"super::([a-z_]+(?:::[a-z_]+)*)", text)]
    for full in paths:
        path = full.split("::")
        # The longest prefix that is a file of the crate.
        for k in range(len(path), 0, -1):
            if "::".join(path[:k]) in modules:
                found.add("::".join(path[:k]))
                break
    return found


def test_no_use_cycle_between_binding_files() -> None:
    files = _files()
    modules = set(files) - {"crate"}
    graph = {name: _uses(name, text, modules) - {name} for name, text in files.items() if name != "crate"}
    # `mod child;` declarations are not uses; every path to another file's items is.
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt] if nxt in stack else [node, nxt]
                raise AssertionError("use cycle: " + " -> ".join(cycle))
            if state.get(nxt) is None:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
