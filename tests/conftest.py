"""Executes every lab notebook once per test session (with the project's Rust kernel) and
hands the executed notebooks to the tests, which check the numbers they print."""
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import run_notebooks  # noqa: E402

NOTEBOOKS = ["five_steps", "lab04", "learning_rates", "deep_teaching", "gistemp"]
CHECK = re.compile(r"^check (?P<name>.+?): (?P<value>\S+) ok$", re.M)


class Executed:
    """One executed notebook: its runner result, cells and parsed `check <name>: <value> ok` lines."""

    def __init__(self, result, nb):
        self.result, self.nb = result, nb
        self.checks = {}
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stdout":
                    for m in CHECK.finditer(out["text"]):
                        self.checks[m["name"]] = m["value"]

    def number(self, name):
        assert name in self.checks, f"{self.result['notebook']} printed no 'check {name}: … ok' line (it printed: {sorted(self.checks)})"
        return float(self.checks[name])

    def outputs(self, mime):
        return [o for c in self.nb.cells for o in c.get("outputs", []) if mime in o.get("data", {})]


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    out = ROOT / "build" / "test"
    runs = {}
    for name in NOTEBOOKS:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        if not path.exists():
            runs[name] = None
            continue
        result = run_notebooks.run_one(path, out, cell_timeout=900, notebook_timeout=1800)
        run_notebooks.report(result)
        runs[name] = Executed(result, nbformat.read(out / f"{name}.ipynb", as_version=4))
    return runs


@pytest.fixture
def notebook(executed, request):
    run = executed[request.param]
    assert run is not None, f"notebooks/{request.param}.ipynb does not exist"
    return run
