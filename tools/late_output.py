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
"""
import time
from queue import Empty

from jupyter_core.utils import ensure_async, run_sync


class LateOutput:
    late_output_max_wait = 10.0

    def late_output_quiet_after(self, cell_index):
        """Seconds of silence that end the cell at `cell_index`."""
        return 0.1

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
            if msg["msg_type"] in ("stream", "error", "display_data", "execute_result"):
                self.output(cell.outputs, msg, None, cell_index)
        return cell

    execute_cell = run_sync(async_execute_cell)  # nbclient binds the sync name to its own method
