"""examples/analysis.ipynb runs top to bottom (nbclient) on a kernel of the
interpreter running the tests, so the notebook cannot rot."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from test_report import require_charts

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "analysis.ipynb"


def test_analysis_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_charts()
    import nbclient
    import nbformat

    # A kernel spec of this interpreter, found first on JUPYTER_PATH: the
    # notebook runs against the nps installed here, not a system kernel's.
    spec = tmp_path / "kernels" / "nps-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "nps test", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path) + os.pathsep + os.environ.get(
        "JUPYTER_PATH", ""))

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name="nps-test", timeout=120,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError with the cell and traceback on failure
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "responses analysed" in text
