"""The notebook client shared by the runner (run_notebooks.py), kernel warming
(warm_kernel.py) and the student kit's check (grading/check.py): nbclient with the Rust
kernel's late output, and what counts as a failed cell.
"""
import re

from nbclient import NotebookClient

from late_output import LateOutput

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text):
    return ANSI.sub("", text)


def cell_failure(cell):
    """The error message of a failed code cell, or None if it ran cleanly."""
    outputs = cell.get("outputs", [])
    for out in outputs:
        if out.get("output_type") == "error":
            trace = "\n".join(out.get("traceback", [])) or f"{out.get('ename')}: {out.get('evalue')}"
            return strip_ansi(trace)
    # evcxr reports a panic, and an error returned with `?`, only on stderr (possibly in
    # several chunks); the solution notebooks write nothing there, so any stderr is a failure
    stderr = strip_ansi("".join(o.get("text", "") for o in outputs if o.get("name") == "stderr"))
    return stderr if stderr.strip() else None


def cell_seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    from datetime import datetime

    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


class RustNotebookClient(LateOutput, NotebookClient):
    """nbclient, plus output that evcxr sends after a cell's reply (see late_output.py);
    after the last cell, where nothing else would catch a late panic, it waits longer."""

    def late_output_quiet_after(self, cell_index):
        last = not any(c.cell_type == "code" for c in self.nb.cells[cell_index + 1:])
        return 1.0 if last else 0.0
