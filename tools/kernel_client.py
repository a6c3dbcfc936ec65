"""The notebook client shared by the runner (run_notebooks.py), kernel warming
(warm_kernel.py), the student kit's check (grading/check.py) and the grader
(grading/worker.py, grading/nbgrader_rust.py): nbclient with the Rust kernel's late output,
what counts as a failed cell, a cell's time, and how a notebook's time limit shortens the
limit of each cell.
"""
import re
import time
from datetime import datetime

from nbclient import NotebookClient

from tools.late_output import LateOutput

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text):
    return ANSI.sub("", text)


def failed_outputs(cell):
    """A code cell's outputs that fail it, in order: errors (a compile error, a kernel that
    died, a limit) and stderr. evcxr reports a panic, and an error returned with `?`, only on
    stderr (possibly in several chunks); the solution notebooks write nothing there."""
    return [o for o in cell.get("outputs", [])
            if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def cell_failure(cell):
    """The error message of a failed code cell, or None if it ran cleanly: the first error's
    traceback, else all of its stderr."""
    failures = failed_outputs(cell)
    for out in failures:
        if out.get("output_type") == "error":
            trace = "\n".join(out.get("traceback", [])) or f"{out.get('ename')}: {out.get('evalue')}"
            return strip_ansi(trace)
    stderr = strip_ansi("".join(o.get("text", "") for o in failures))
    return stderr if stderr.strip() else None


def seconds_between(start, end):
    """Seconds from `start` to `end`, kernel timestamps (datetimes or ISO 8601 text)."""
    parse = lambda t: t if isinstance(t, datetime) else datetime.fromisoformat(t.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def cell_seconds(cell):
    """A cell's time by the kernel's clock (execute_input to execute_reply, as nbclient
    records it with record_timing), or None."""
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    return seconds_between(start, end)


DEP_LINE = re.compile(r"^\s*:dep\b", re.M)


def cell_limit(cell, locked, cell_timeout, dep_timeout):
    """A cell's own time limit: `dep_timeout` for the notebook's own (`locked`) cell with a
    `:dep` line (it compiles the dependencies when the build directory is cold), else
    `cell_timeout` (a student's `:dep` cell too)."""
    return dep_timeout if locked and DEP_LINE.search(cell.source) else cell_timeout


class NotebookDeadline:
    """A whole notebook's time limit, started now: it shortens the last cells' limits, and
    tells which of the two limits stopped a cell that timed out."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def cell_timeout(self, limit):
        """The timeout of the cell about to run: its own `limit`, or what is left of the
        notebook's if that is less (at least 1 s)."""
        return max(1, min(limit, int(self.end - time.monotonic())))

    def reached(self):
        return time.monotonic() >= self.end

    def stopped_by(self):
        """"notebook" or "cell": which limit a cell that just timed out hit (the notebook's
        when its timeout was what was left of the notebook's, rounded down)."""
        return "notebook" if time.monotonic() >= self.end - 1 else "cell"


class RustNotebookClient(LateOutput, NotebookClient):
    """nbclient, plus output that evcxr sends after a cell's reply (see late_output.py);
    after the last cell, where nothing else would catch a late panic, it waits longer."""

    def late_output_quiet_after(self, cell_index):
        last = not any(c.cell_type == "code" for c in self.nb.cells[cell_index + 1:])
        return 1.0 if last else 0.0
