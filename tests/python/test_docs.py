"""Documentation: every public name of `nps` and `nps.kpi` has a docstring
with an example, the examples run (doctest), and the docstrings in the type
stubs (`nps/_nps.pyi`, not imported by Python) are the ones the native
objects carry (`__doc__`, from the Rust `///` comments)."""

from __future__ import annotations

import ast
import doctest
import inspect
from pathlib import Path
from typing import Any

import pytest

import nps
import nps._nps
import nps._report_flow
import nps._report_staffing
import nps.dask
import nps.flow
import nps.kpi
import nps.plot

STUBS = Path(__file__).resolve().parents[2] / "nps-py" / "python" / "nps" / "_nps.pyi"

# Public names whose docstring has no example yet (work left; the list may only shrink).
NO_EXAMPLE_YET: set[str] = set()


def _exports() -> list[tuple[str, Any]]:
    out = []
    for mod in (nps, nps.kpi, nps.dask, nps.plot, nps.flow):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if isinstance(obj, (str, list, tuple, dict)) or inspect.ismodule(obj):
                continue
            out.append((f"{mod.__name__}.{name}", obj))
    return out


EXPORTS = _exports()


def _doctests() -> list[doctest.DocTest]:
    parser = doctest.DocTestParser()
    tests = []
    seen: set[int] = set()
    docs: list[tuple[str, str | None]] = [("nps", nps.__doc__), ("nps.kpi", nps.kpi.__doc__),
                                          ("nps.dask", nps.dask.__doc__), ("nps.plot", nps.plot.__doc__),
                                          ("nps.flow", nps.flow.__doc__),
                                          ("nps._report_flow", nps._report_flow.__doc__),
                                          ("nps._report_staffing", nps._report_staffing.__doc__)]
    for name, obj in EXPORTS:
        docs.append((name, obj.__doc__))
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_"):
                    docs.append((f"{name}.{attr}", getattr(member, "__doc__", None)))
    for name, doc in docs:
        if not doc or ">>>" not in doc or id(doc) in seen:
            continue
        seen.add(id(doc))
        tests.append(parser.get_doctest(doc, {"nps": nps}, name, None, 0))
    return tests


@pytest.mark.parametrize("test", _doctests(), ids=lambda t: t.name)
def test_doctest(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)


@pytest.mark.parametrize("name,obj", EXPORTS, ids=[n for n, _ in EXPORTS])
def test_every_public_name_has_an_example(name: str, obj: Any) -> None:
    doc = obj.__doc__ or ""
    assert doc.strip(), f"{name} has no docstring"
    short = name.rpartition(".")[2]
    if short in NO_EXAMPLE_YET:
        assert ">>>" not in doc, f"{name} has an example now: remove it from NO_EXAMPLE_YET"
    else:
        assert ">>>" in doc, f"{name} has no example (>>>) in its docstring"


def _stub_docs() -> dict[str, str | None]:
    """`name` / `Class.member` -> the stub's docstring (None: no docstring)."""
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    out: dict[str, str | None] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = ast.get_docstring(node)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("__"):
                    out[f"{node.name}.{item.name}"] = ast.get_docstring(item)
    return out


def _runtime_doc(path: str) -> str | None:
    obj: Any = nps._nps
    for part in path.split("."):
        obj = inspect.getattr_static(obj, part) if inspect.isclass(obj) else getattr(obj, part)
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if doc else None


@pytest.mark.parametrize("path", sorted(_stub_docs()))
def test_stub_docstring_is_the_runtime_docstring(path: str) -> None:
    stub = _stub_docs()[path]
    assert stub == _runtime_doc(path), f"the stub's docstring of {path} differs from __doc__"
