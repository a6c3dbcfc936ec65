"""Executes every lab notebook once per test session (with the project's Rust kernel) and
hands the executed notebooks to the tests, which check the numbers they print."""
import re
from pathlib import Path

import nbformat
import pytest

from tools import run_notebooks
from tools.course import NOTEBOOKS  # the one list of notebooks

ROOT = Path(__file__).resolve().parent.parent
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


class Runs:
    """Executes each notebook the first time a test asks for it, once per session (with
    `rerun`, the way `python -m tools.run_notebooks --rerun` does: every code cell twice, then Run All again)."""

    def __init__(self, out, rerun=False):
        self.out, self.rerun, self.done = out, rerun, {}

    def __getitem__(self, name):
        if name not in self.done:
            path = ROOT / "notebooks" / f"{name}.ipynb"
            assert path.exists(), f"notebooks/{name}.ipynb does not exist"
            # as readers see them (the site's pages), without the grader's markers and hidden tests
            result = run_notebooks.run_one(path, self.out, cell_timeout=900, notebook_timeout=1800, rerun=self.rerun,
                                           for_readers=True, html_dir=self.out / "site")
            run_notebooks.report(result)
            self.done[name] = Executed(result, nbformat.read(self.out / f"{name}.ipynb", as_version=4))
        return self.done[name]


@pytest.fixture(scope="session")
def executed():
    return Runs(ROOT / "build" / "test")


@pytest.fixture
def notebook(executed, request):
    return executed[request.param]


@pytest.fixture(scope="session")
def reran():
    return Runs(ROOT / "build" / "test-rerun", rerun=True)


@pytest.fixture
def rerun_notebook(reran, request):
    return reran[request.param]


_runs = []
TIMINGS = {}  # other timings to report after the tests: {what: seconds} (test_grading.py)
LOUD = []  # things the summary must shout about (a test that could not run, test_browser.py)


@pytest.fixture(scope="session", autouse=True)
def _remember_runs(executed, reran):
    _runs.extend([executed, reran])


def pytest_terminal_summary(terminalreporter):
    """Each executed notebook's wall time, median cell and slowest cells, after the tests."""
    for runs in _runs:
        if not runs.done:
            continue
        terminalreporter.section("notebook timings, every cell run twice and Run All again" if runs.rerun else "notebook timings")
        for run in runs.done.values():
            r = run.result
            secs = sorted(c["seconds"] for c in r["cells"])
            slow = sorted(r["cells"], key=lambda c: -c["seconds"])[:2]
            terminalreporter.write_line(
                f"{r['notebook']:<22} {r['wall_seconds']:7.1f} s  median cell {run_notebooks.median(secs):.2f} s  "
                + "  ".join(f"[cell {c['index']}: {c['seconds']:.1f} s]" for c in slow))
    for message in LOUD:
        terminalreporter.section("NOT TESTED", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)
    if TIMINGS:
        terminalreporter.section("grading timings")
        for what, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{seconds:8.1f} s  {what}")
