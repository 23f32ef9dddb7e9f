#!/usr/bin/env python3
"""Copies the docstrings of the installed native module (`nps._nps`, from the
Rust `///` comments) into the type stubs `nps-py/python/nps/_nps.pyi`, so the
two never disagree (tests/python/test_docs.py checks that they are equal).

    python3 scripts/sync_stub_docs.py          # rewrite the stubs
    python3 scripts/sync_stub_docs.py --check  # exit 1 when they differ

Build and install the wheel first (scripts/test-python.sh does)."""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path
from typing import Any

import nps._nps

STUBS = Path(__file__).resolve().parents[1] / "nps-py" / "python" / "nps" / "_nps.pyi"


def runtime_doc(path: str) -> str | None:
    obj: Any = nps._nps
    for part in path.split("."):
        obj = inspect.getattr_static(obj, part) if inspect.isclass(obj) else getattr(obj, part)
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if doc else None


def render(doc: str, indent: str) -> list[str]:
    lines = doc.replace('"""', r"\"\"\"").split("\n")
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    out = [f'{indent}"""{lines[0]}']
    out += [f"{indent}{line}" if line else "" for line in lines[1:]]
    out.append(f'{indent}"""')
    return out


def nodes(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.ClassDef]]:
    out: list[tuple[str, ast.FunctionDef | ast.ClassDef]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.append((node.name, node))
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("__"):
                    out.append((f"{node.name}.{item.name}", item))
    return out


def main() -> int:
    text = STUBS.read_text(encoding="utf-8")
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line, new lines), 0-based
    missing: list[str] = []
    for path, node in nodes(ast.parse(text)):
        want = runtime_doc(path)
        have = ast.get_docstring(node)
        if want == have:
            continue
        body0 = node.body[0]
        has_doc = (
            isinstance(body0, ast.Expr)
            and isinstance(body0.value, ast.Constant)
            and isinstance(body0.value.value, str)
        )
        if has_doc and want is not None:
            indent = " " * body0.col_offset
            edits.append((body0.lineno - 1, body0.end_lineno or body0.lineno, render(want, indent)))
        else:
            missing.append(path)
    if "--check" in sys.argv:
        for first, _, _ in edits:
            print(f"_nps.pyi:{first + 1}: docstring differs from __doc__")
        for path in missing:
            print(f"{path}: add or remove the docstring by hand")
        return 1 if edits or missing else 0
    for first, end, new in sorted(edits, reverse=True):
        lines[first:end] = new
    STUBS.write_text("\n".join(lines), encoding="utf-8")
    for path in missing:
        print(f"{path}: add or remove the docstring by hand")
    print(f"{len(edits)} docstrings updated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
