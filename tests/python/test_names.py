"""docs/names.md maps each concept to its name in Rust, C and Python: every
name in the table must exist (Rust in nps-core's sources, C in the header,
Python in the installed package), so the table cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import nps
import nps.kpi

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "names.md"
CORE = ROOT / "nps-core" / "src"
HEADER = (ROOT / "include" / "nps.h").read_text(encoding="utf-8")
RUST = {p: p.read_text(encoding="utf-8") for p in CORE.rglob("*.rs")}


def _rows() -> list[tuple[str, list[str], list[str], list[str]]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("concept", "---") or set(cells[0]) <= {"-"}:
            continue
        names = [re.findall(r"`([^`]+)`", c) for c in cells[1:4]]
        rows.append((cells[0], *names))
    return rows


ROWS = _rows()


def _rust_item(name: str, files: list[Path] | None = None) -> bool:
    pat = re.compile(rf"pub (?:unsafe )?(?:fn|struct|enum|trait|const|type) {re.escape(name)}\b")
    return any(pat.search(RUST[p]) for p in (files if files is not None else RUST))


def _module_files(module: str) -> list[Path]:
    return [p for p in RUST if p.stem == module or module in p.relative_to(CORE).parts[:-1]]


def _rust_exists(path: str) -> bool:
    parts = path.split("::")
    if len(parts) == 1:
        return _rust_item(parts[0])
    head, last = parts[-2], parts[-1]
    if head[0].islower():  # module::Item
        return _rust_item(last, _module_files(head))
    # Type::method (or Type::CONST): the type exists and has the item.
    if not _rust_item(head):
        return False
    pat = re.compile(rf"\b(?:fn|const) {re.escape(last)}\b")
    return any(pat.search(src) for src in RUST.values())


def _python_exists(path: str) -> bool:
    assert path.startswith("nps."), path
    obj: Any = nps
    for part in path.split(".")[1:]:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def test_the_table_has_every_concept() -> None:
    assert len(ROWS) >= 40
    for concept, rust, c, py in ROWS:
        assert rust and c and py, f"{concept}: a language has no name"


@pytest.mark.parametrize("concept,rust", [(r[0], r[1]) for r in ROWS], ids=[r[0] for r in ROWS])
def test_rust_names_exist(concept: str, rust: list[str]) -> None:
    missing = [n for n in rust if not _rust_exists(n)]
    assert not missing, f"{concept}: not in nps-core: {missing}"


@pytest.mark.parametrize("concept,c", [(r[0], r[2]) for r in ROWS], ids=[r[0] for r in ROWS])
def test_c_names_exist(concept: str, c: list[str]) -> None:
    missing = [n for n in c if not re.search(rf"\b{re.escape(n)}\b", HEADER)]
    assert not missing, f"{concept}: not in include/nps.h: {missing}"


@pytest.mark.parametrize("concept,py", [(r[0], r[3]) for r in ROWS], ids=[r[0] for r in ROWS])
def test_python_names_exist(concept: str, py: list[str]) -> None:
    missing = [n for n in py if not _python_exists(n)]
    assert not missing, f"{concept}: not in the Python package: {missing}"


def test_the_checker_can_fail() -> None:
    assert not _rust_exists("NoSuchThing")
    assert not _rust_exists("Tally::no_such_method")
    assert not _rust_exists("money::Tally")
    assert not _python_exists("nps.no_such_name")
