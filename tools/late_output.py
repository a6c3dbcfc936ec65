"""Output that evcxr sends after a cell's reply still belongs to that cell.

evcxr forwards the program's stderr (where a panic message goes) on a thread of its own,
labelled with the latest request, so a panic can be reported a moment after the cell
"finished". nbclient would drop it, or show it under the next cell (failing a cell that
passed); after the last cell it would be lost, and a panicking notebook would pass.

`LateOutput` is a mixin for nbclient's `NotebookClient` and its subclasses (nbconvert's and
nbgrader's `Execute`): after each code cell, before the next one is sent, it keeps reading
the kernel's output into that cell until the kernel has been quiet for
`late_output_quiet_after(cell_index)` seconds and `late_output_complete(cell)` holds
(by default it always does; the grader waits for a check's expected records; it stops
reading a check as soon as they are all there, or the check failed: `late_output_enough`), or
`late_output_max_wait_after(cell_index)` seconds have passed.
Used by tools/run_notebooks.py (CI, `make run`) and grading/nbgrader_rust.py (the grader).

Panics need no waiting: kernels started here get `LABKIT_PANICS_AS_OUTPUT=1` (the grading
sandbox sets it in grading/sandbox/kernel.sh), so `labkit::plain_panics()` sends a panic of the
cell's own thread as a `text/x-labkit-panic` block, which evcxr delivers before the cell's
reply; `panic_as_stderr` turns it back into the stderr output a panic has always made. What
can still come late is other stderr (`eprintln!`, an error returned with `?`, a panic in a
thread the cell started, a panic hook the cell replaced).
"""
import os
import time
from queue import Empty

from jupyter_core.utils import ensure_async, run_sync

PANIC_ENV = "LABKIT_PANICS_AS_OUTPUT"
PANIC_MIME = "text/x-labkit-panic"  # the same constant in crate/src/display/panic.rs


def panic_as_stderr(msg):
    """The kernel message `msg` as the messages to record: a rich output that carries a labkit
    panic becomes a stderr stream (after the rest of that output, if any)."""
    content = msg.get("content", {})
    data = content.get("data") or {}
    if msg["msg_type"] not in ("execute_result", "display_data") or PANIC_MIME not in data:
        return [msg]
    text = data[PANIC_MIME]
    text = ("".join(text) if isinstance(text, list) else str(text)).rstrip("\n") + "\n"
    stream = {**msg, "msg_type": "stream", "header": {**msg.get("header", {}), "msg_type": "stream"},
              "content": {"name": "stderr", "text": text}}
    rest = {mime: value for mime, value in data.items() if mime != PANIC_MIME}
    return ([{**msg, "content": {**content, "data": rest}}] if rest else []) + [stream]


class LateOutput:
    late_output_max_wait = 10.0

    def late_output_quiet_after(self, cell_index):
        """Seconds of silence that end the cell at `cell_index` (panics need none, see above)."""
        return 0.0

    async def async_start_new_kernel(self, **kwargs):
        kwargs.setdefault("env", {**os.environ, PANIC_ENV: "1"})
        return await super().async_start_new_kernel(**kwargs)

    def process_message(self, msg, cell, cell_index):
        result = None
        for part in panic_as_stderr(msg):
            result = super().process_message(part, cell, cell_index)
        return result

    def late_output_max_wait_after(self, cell_index):
        """Seconds after the reply that the cell at `cell_index` may keep receiving output."""
        return self.late_output_max_wait

    def late_output_complete(self, cell):
        """Whether all the output `cell` (the one running, with its outputs so far) is known
        to produce has arrived."""
        return True

    def late_output_enough(self, cell):
        """Whether to stop reading now, quiet or not (default: never before quiet)."""
        return False

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.cell_type != "code" or not cell.source.strip():
            return cell
        quiet = self.late_output_quiet_after(cell_index)
        deadline = time.monotonic() + self.late_output_max_wait_after(cell_index)
        while time.monotonic() < deadline and not self.late_output_enough(cell):
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet))
            except Empty:
                if self.late_output_complete(cell):
                    break
                continue
            for part in panic_as_stderr(msg):
                if part["msg_type"] in ("stream", "error", "display_data", "execute_result"):
                    self.output(cell.outputs, part, None, cell_index)
        return cell

    execute_cell = run_sync(async_execute_cell)  # nbclient binds the sync name to its own method
