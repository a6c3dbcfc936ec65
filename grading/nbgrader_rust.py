"""nbgrader preprocessors for grading Rust (evcxr) notebooks safely.

nbgrader decides a check cell's points from its outputs alone: full points unless it has an
error output or writes to stderr. With evcxr that cannot be trusted, because student code
runs in the same process as the checks: it can silence panics (`std::panic::set_hook`), shadow
`assert!` with a `macro_rules!` that checks nothing, print text that looks like a passing
check, read the check's source while it runs, or end the kernel. So no output that the
sandbox can produce on its own decides a score. Instead (see nbgrader_config.py):
  WrapCheckCells     rewrites each check cell before it runs: assertion and print macros
                     become `::std::assert!(…)` etc. (a path no user macro can shadow), so the
                     visible asserts stay honest feedback;
  SandboxedExecute   runs the cells with a time limit per cell and per notebook, caps the
                     output kept per cell (never dropping the check's records), and keeps going
                     (with an explanation in the cell) when the kernel dies or time runs out;
  JudgeChecks        reads the values each check cell reported (`@labkit-record` lines, from
                     the student's functions called on inputs the release does not show) and
                     compares them with the solution's values, outside the sandbox, within the
                     tolerances of tolerances.toml (see judge.py). That comparison alone
                     decides the check: a failing check gets an error output saying why, a
                     passing one keeps no error or stderr output that nbgrader would count;
  NoPartialCredit    turns a check cell's displayed value into a plain display;
  TidyOutputs        merges evcxr's line-by-line stderr and drops panic backtraces.
SandboxedExecute also reads output that evcxr sends after a cell's reply (a record, or stderr
that is not a labkit panic, would otherwise land in the next cell; see tools/late_output.py,
shared with the notebook runner).
"""
import json
import os
import re
import signal
import textwrap
import time
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from traitlets import Float, Integer, List, Unicode

from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from grading import judge
from grading.common import write_atomic
from tools import course  # the limits
from tools.kernel_client import NotebookDeadline, cell_limit  # shared with the notebook runner
from tools.late_output import LateOutput  # shared with the notebook runner


class Preprocessor(NbGraderPreprocessor):
    """Base class: enabled (nbconvert's own Preprocessor is disabled unless configured)."""


SOURCE_KEY = "labkit_check_sources"
GUARDED_MACROS = ("assert", "assert_eq", "assert_ne", "debug_assert", "debug_assert_eq",
                  "debug_assert_ne", "panic", "unreachable", "println", "print")
MACRO_CALL = re.compile(r"(?<![\w:])(" + "|".join(GUARDED_MACROS) + r")!(\s*[\(\[\{])")


def is_check_cell(cell):
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _code_spans(source):
    """Yields (start, end) of the source's code outside comments, strings and char literals."""
    i, n, start = 0, len(source), 0
    while i < n:
        ch = source[i]
        two = source[i:i + 2]
        if two == "//":
            yield start, i
            end = source.find("\n", i)
            i = n if end < 0 else end
            start = i
        elif two == "/*":
            yield start, i
            depth, i = 1, i + 2
            while i < n and depth:
                if source[i:i + 2] == "/*":
                    depth, i = depth + 1, i + 2
                elif source[i:i + 2] == "*/":
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            start = i
        elif ch == '"' or (ch in "rb" and re.match(r'(br|r|b)#*"', source[i:]) and not (i and (source[i - 1].isalnum() or source[i - 1] == "_"))):
            yield start, i
            m = re.match(r'(br|r|b)?(#*)"', source[i:])
            raw = m.group(1) in ("r", "br")
            closing = '"' + m.group(2)
            i += m.end()
            while i < n:
                if not raw and source[i] == "\\":
                    i += 2
                elif source.startswith(closing, i):
                    i += len(closing)
                    break
                else:
                    i += 1
            start = i
        elif ch == "'":
            m = re.match(r"'(\\.[^']*|[^\\'])'", source[i:])
            if m:  # a char literal, not a lifetime
                yield start, i
                i += m.end()
                start = i
            else:
                i += 1
        else:
            i += 1
    yield start, n


def code_only(source):
    """The source with comments, strings and char literals blanked out (same length)."""
    mask = [" "] * len(source)
    for s, e in _code_spans(source):
        mask[s:e] = source[s:e]
    return "".join(mask)


def wrap_check_source(source):
    """The check cell as it is run: assertion and print macros that no user macro can shadow."""
    code = code_only(source)
    out, last = [], 0
    for m in MACRO_CALL.finditer(code):
        out.append(source[last:m.start()])
        out.append(f"::std::{m.group(1)}!{m.group(2)}")
        last = m.end()
    out.append(source[last:])
    wrapped = "".join(out)
    # evcxr reads lines that start with ':' before the first line of Rust code as commands
    # (`:dep`), so `::std::…` must not be the first code line
    first = next((l for l in wrapped.splitlines() if l.strip() and not l.lstrip().startswith("//")), "")
    if first.lstrip().startswith(":"):
        wrapped = "let _ = ();\n" + wrapped
    return wrapped


class WrapCheckCells(Preprocessor):
    """Before execution: each check cell gets unshadowable macros (restored after the run)."""

    def preprocess(self, nb, resources):
        resources[SOURCE_KEY] = {}
        for index, cell in enumerate(nb.cells):
            if is_check_cell(cell):
                resources[SOURCE_KEY][index] = cell.source
                cell.source = wrap_check_source(cell.source)
        return nb, resources


def _error(ename, evalue):
    lines = textwrap.wrap(f"{ename}: {evalue}", 90, subsequent_indent="    ")
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=lines)


class SandboxedExecute(LateOutput, Execute):
    """nbgrader's Execute with per-cell and per-notebook time limits and output caps.

    A cell that hits its limit is interrupted (evcxr then restarts its runtime process:
    variables are lost, later cells that need them fail), and whatever the sandbox is still
    compiling for it (cargo, rustc, a build script that never ends) is killed, so the next
    cells run. When the notebook limit is reached or the kernel dies, the remaining cells
    are not run and say why; their checks score 0 because JudgeChecks finds none of their
    values.

    Output is capped as it arrives, per cell (bytes and output objects) and per notebook
    (bytes): evcxr sends each printed line as a message of its own, so consecutive stream
    messages are merged into one output as they come (kept as a list of pieces, joined once
    at the end of the cell). Beyond a cap only what grading depends on is kept: the records
    a check reports (bounded) and the fact that stderr was written.
    """

    dep_cell_timeout = Integer(course.DEP_TIMEOUT, help="seconds for the notebook's own (locked) cell "
                               "with a `:dep` line; a student's `:dep` cell gets the ordinary limit").tag(config=True)
    notebook_timeout = Integer(course.NOTEBOOK_TIMEOUT, help="seconds for all cells of a notebook").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="output kept per cell; the rest is dropped").tag(config=True)
    max_output_objects = Integer(500, help="output objects kept per cell (streams are merged)").tag(config=True)
    max_notebook_output_bytes = Integer(10_000_000, help="output kept per notebook").tag(config=True)
    late_output_quiet = Float(0.05, help="seconds of silence that end a check cell (or the cell "
                              "before one): stderr other than a labkit panic (see late_output.py) "
                              "can lag behind the reply").tag(config=True)
    sandbox_procs = List(Unicode(), help="cgroup.procs files of the kernel's sandbox: on a cell "
                         "timeout its processes other than evcxr's (cargo, rustc, build scripts, "
                         "programs the cell started) are killed").tag(config=True)
    timings_out = Unicode("", help="if set, a JSON file {cell index: seconds} is written here").tag(config=True)
    evcxr_binary = Unicode("", help="evcxr_jupyter as started in the sandbox (its processes are "
                           "never killed on a timeout)").tag(config=True)
    sandbox_uid = Integer(-1, help="uid of the sandboxed code (only its processes are killed)").tag(config=True)

    required_kernel_argv0 = Unicode("", help="if set, refuse to run unless the kernelspec's "
                                    "argv[0] is this program (the grading sandbox)").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        if self.required_kernel_argv0:
            from jupyter_client.kernelspec import KernelSpecManager

            spec = KernelSpecManager().get_kernel_spec(self.kernel_name)
            if spec.argv[0] != self.required_kernel_argv0:
                raise RuntimeError(f"kernel {self.kernel_name!r} is {spec.argv[0]}, not the sandbox")
        self._deadline = NotebookDeadline(self.notebook_timeout)
        self._stopped = None
        try:  # before the kernel starts: a reinstall during the run does not change it
            info = os.stat(self.evcxr_binary)
            self._evcxr_inode = (info.st_dev, info.st_ino)
        except OSError:
            self._evcxr_inode = None
        self._notebook_bytes = 0
        self._expected_names = json.loads(Path(self.expected).read_text()) if self.expected else {}
        self.cell_seconds = {}
        self.raise_on_iopub_timeout = False
        self.iopub_timeout = max(self.iopub_timeout, 10)
        self.timeout_func = self._cell_timeout
        nb, resources = super().preprocess(nb, resources, km)
        if self.timings_out:
            Path(self.timings_out).write_text(json.dumps(self.cell_seconds))
        return nb, resources

    def _cell_timeout(self, cell):
        return self._deadline.cell_timeout(cell_limit(cell, utils.is_locked(cell), self.timeout, self.dep_cell_timeout))

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._stopped is None and self._deadline.reached():
            self._stopped = f"the notebook time limit ({self.notebook_timeout} s) was reached"
        if self._stopped:
            cell.outputs = [_error("NotRun", f"This cell was not run: {self._stopped}.")]
            return cell, resources
        self._output_bytes = 0
        self._output_objects = 0
        self._records_kept = 0
        self._truncated = False
        self._notice = None
        self._stderr_dropped = False
        self._stderr_seen = False
        self._records_seen = set()
        self._streams = []      # [(output, [pieces])] of this cell, joined at its end
        self._timed_out = None
        started = time.monotonic()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stopped = "the kernel died in an earlier cell"
            cell.outputs.append(_error("DeadKernel", "The kernel died while running this cell "
                                       "(it was killed, or ended itself)."))
        except CellTimeoutError as err:
            self._stopped = "an earlier cell did not stop after its time limit"
            cell.outputs.append(_error("CellTimeout", str(err).splitlines()[0]))
        finally:
            for out, pieces in self._streams:
                out.text = "".join(pieces)
            self._streams = []
            self.cell_seconds[index] = round(time.monotonic() - started, 2)
        if self._timed_out is not None:
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "CellTimeoutError"]
            notebook = self._deadline.stopped_by() == "notebook"
            cell.outputs.append(_error("NotebookTimeout" if notebook else "CellTimeout",
                                       f"stopped after {self._timed_out} s: the "
                                       + (f"notebook's time limit ({self.notebook_timeout} s) was reached"
                                          if notebook else "time limit per cell")))
            if notebook:
                self._stopped = f"the notebook time limit ({self.notebook_timeout} s) was reached"
        return cell, resources

    late_output_max_wait = 5.0
    check_output_max_wait = Float(30.0, help="seconds a check cell's expected records may lag "
                                  "behind its reply").tag(config=True)
    expected = Unicode("", help="the reference (JSON {grade_id: {name: record}}): after a check cell's "
                       "reply, its output is read until every expected record has arrived, or the cell "
                       "has failed (an error, stderr, its time limit), or check_output_max_wait").tag(config=True)

    def late_output_max_wait_after(self, cell_index):
        return self.check_output_max_wait if is_check_cell(self.nb.cells[cell_index]) else self.late_output_max_wait

    def late_output_enough(self, cell):
        """A check that has every expected record, or an error (it did not compile, or hit its
        limit), is done even while an earlier flood's output keeps arriving: nothing later
        can change its verdict."""
        if not (self.expected and is_check_cell(cell)):
            return False
        if self._timed_out is not None:
            return True
        wanted = set(self._expected_names.get(cell.metadata["nbgrader"]["grade_id"], {}))
        return wanted <= self._records_seen or any(o.output_type == "error" for o in cell.outputs)

    def late_output_complete(self, cell):
        """Once quiet: a check is complete when it is done, or wrote to stderr (a panic: no
        more records will come)."""
        if not (self.expected and is_check_cell(cell)):
            return True
        return self._stderr_seen or self.late_output_enough(cell)

    def late_output_quiet_after(self, cell_index):
        """stderr that lands in the wrong cell misleads the feedback: around check cells, wait a
        moment for stderr that is not a labkit panic (those arrive before the reply, see
        late_output.py); the next cell is not sent yet, so whatever arrives belongs here."""
        cell = self.nb.cells[cell_index]
        nxt = next((c for c in self.nb.cells[cell_index + 1:] if c.cell_type == "code"), None)
        near_check = is_check_cell(cell) or (nxt is not None and is_check_cell(nxt))
        return self.late_output_quiet if near_check else 0.0

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = timeout
        reply = await super()._async_handle_timeout(timeout, cell)
        # the interrupt stops the cell's running code, not a compile: cargo (and a build
        # script that loops) would keep the kernel busy until the notebook's limit
        self.kill_sandbox_helpers()
        return reply

    def kill_sandbox_helpers(self):
        """Kills the sandbox's processes other than evcxr itself (kernel and runtime, known by
        the inode of their program), again until none is left: cargo may start a new rustc
        or build script between reading the list and the kill."""
        killed = 0
        for _ in range(50):
            pids = set()
            for procs in self.sandbox_procs:
                try:
                    pids |= {int(p) for p in Path(procs).read_text().split()}
                except (OSError, ValueError):
                    pass
            found = 0
            for pid in pids:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    uid = int(next(l for l in status.splitlines() if l.startswith("Uid:")).split()[1])
                    exe = os.stat(f"/proc/{pid}/exe")
                    evcxr = ((exe.st_dev, exe.st_ino) == self._evcxr_inode if self._evcxr_inode
                             else Path(os.readlink(f"/proc/{pid}/exe")).name.startswith("evcxr_jupyter"))
                except (OSError, StopIteration, ValueError):
                    continue
                if uid != self.sandbox_uid or evcxr:
                    continue
                found += 1
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            if not found:
                break
            time.sleep(0.05)
        if killed:
            self.log.warning("killed %d process(es) the timed-out cell left running", killed)

    def on_cell_executed(self, **kwargs):
        # nbgrader's version expects `ename` in every error reply; evcxr's have none
        cell, content = kwargs["cell"], kwargs["execute_reply"]["content"]
        if content.get("status") == "error" and not any(o.output_type == "error" for o in cell.outputs):
            ename = content.get("ename") or "Error"
            evalue = content.get("evalue") or ""
            cell.outputs.append(NotebookNode(output_type="error", ename=ename, evalue=evalue,
                                             traceback=content.get("traceback") or [f"{ename}: {evalue}"]))

    def _room(self, size):
        """Counts `size` bytes against the cell's and the notebook's caps; False when over."""
        self._output_bytes += size
        self._notebook_bytes += size
        return (self._output_bytes <= self.max_output_bytes
                and self._notebook_bytes <= self.max_notebook_output_bytes)

    def _dropped(self, outs):
        if not self._truncated:
            self._truncated = True
            self._notice = self._new_stream(outs, "stdout", "\n[output beyond the limits (per cell "
                             f"{self.max_output_bytes} bytes or {self.max_output_objects} outputs, per "
                             f"notebook {self.max_notebook_output_bytes} bytes) was dropped]\n")

    def _new_stream(self, outs, name, text):
        out = NotebookNode(output_type="stream", name=name, text="")
        outs.append(out)
        self._streams.append((out, [text]))
        self._output_objects += 1
        return out

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg["msg_type"] != "stream":
            size = len(json.dumps(content.get("data", ""))) + len(json.dumps(content.get("traceback", "")))
            if msg["msg_type"] == "error" and sum(o.output_type == "error" for o in outs) < 3:
                return super().output(outs, msg, display_id, cell_index)
            if self._room(size) and self._output_objects < self.max_output_objects:
                out = super().output(outs, msg, display_id, cell_index)
                if out is not None:
                    self._output_objects += 1
                return out
            self._dropped(outs)
            return None
        name = "stderr" if content.get("name") == "stderr" else "stdout"
        text = str(content.get("text", ""))
        self._stderr_seen |= name == "stderr"
        if name == "stdout" and judge.PREFIX in text and len(self._records_seen) <= judge.MAX_RECORDS:
            self._records_seen |= judge.names(text)
        if self.clear_before_next_output:
            outs[:] = []
            self.clear_before_next_output = False
        last = outs[-1] if outs else None
        if self._room(len(text)):
            if self._streams and last is self._streams[-1][0] and last.name == name and last is not self._notice:
                self._streams[-1][1].append(text)
                return None
            if self._output_objects < self.max_output_objects:
                return self._new_stream(outs, name, text)
        # over a cap: keep the check's records (bounded) and that stderr was written
        if name == "stderr" and not self._stderr_dropped:
            self._stderr_dropped = True
            self._new_stream(outs, "stderr", "[more output on stderr was dropped]\n")
        elif name == "stdout" and judge.PREFIX in text:
            kept = [l for l in text.splitlines(keepends=True) if l.startswith(judge.PREFIX)]
            self._records_kept += len(kept)
            if self._records_kept <= judge.MAX_RECORDS + 1:
                self._new_stream(outs, "stdout", "".join(kept))
        self._dropped(outs)
        return None


class JudgeChecks(Preprocessor):
    """After execution: each check cell is scored by judge.py from the values it reported.

    mode "grade": compared with the reference (the solution's values, a JSON file written by
    a "reference" run); mode "reference": the solution notebook itself is run, its records
    are collected into `reference_out`, and a check passes if it reported readable values."""

    mode = Unicode("grade", help="grade | reference").tag(config=True)
    reference = Unicode("", help="JSON {grade_id: {name: record}} of the solution").tag(config=True)
    reference_out = Unicode("", help="where a reference run writes the records").tag(config=True)
    tolerances = Unicode(str(judge.TOLERANCES), help="tolerances.toml").tag(config=True)
    notebook = Unicode("", help="the notebook's name (its section in tolerances.toml)").tag(config=True)

    def preprocess(self, nb, resources):
        notebook = self.notebook or resources.get("unique_key", "")
        sources = resources.get(SOURCE_KEY, {})
        reference = json.loads(Path(self.reference).read_text()) if self.mode == "grade" else {}
        tolerances = judge.load_tolerances(self.tolerances)
        collected = {}
        for index, cell in enumerate(nb.cells):
            if not is_check_cell(cell):
                continue
            cell.source = sources.get(index, cell.source)
            gid = cell.metadata["nbgrader"]["grade_id"]
            text = "".join(o.get("text", "") for o in cell.outputs
                           if o.output_type == "stream" and o.get("name") == "stdout")
            records, problems = judge.parse(text)
            outputs = []
            for out in cell.outputs:
                if out.output_type == "stream" and out.get("name") == "stdout":
                    out.text = judge.strip_records(out.text)
                    if not out.text:
                        continue
                outputs.append(out)
            if self.mode == "reference":
                collected[gid] = records
                passed = bool(records) and not problems
                reasons = problems or ([] if records else ["the solution's check reported no values"])
            elif gid not in reference or not reference[gid]:
                raise RuntimeError(f"the reference has no values for check {gid}: rebuild it")
            else:
                passed, reasons = judge.judge(records, problems, reference[gid], notebook, tolerances)
            kind = "CheckFailed"
            if cell.metadata.get("labkit_grading", {}).get("restored"):
                kind, passed, reasons = "DeletedCheck", False, ["This check cell was missing from the submission. It was put "
                                          "back and run, and scores 0."]
            if passed:
                # the comparison alone decides: what else went wrong in the cell stays
                # visible as text, but is not what nbgrader would count against it
                cell.outputs = [_demote(o) for o in outputs]
                cell.outputs.append(NotebookNode(output_type="stream", name="stdout", text=(
                    f"[graded: the {len(records)} value(s) this check computed with your code on inputs "
                    "not shown in the notebook match the solution's]\n")))
            else:
                cell.outputs = outputs
                shown = reasons[:4] + ([f"… and {len(reasons) - 4} more"] if len(reasons) > 4 else [])
                cell.outputs.append(NotebookNode(output_type="error", ename=kind, evalue=reasons[0],
                                                 traceback=[f"{kind}: this check scores 0 because"] +
                                                 [f"  - {r}" for r in shown]))
        if self.mode == "reference" and self.reference_out:
            write_atomic(self.reference_out, json.dumps(collected, indent=1))
        return nb, resources


def _demote(out):
    """An error or stderr output as plain stdout text (for a check that passed anyway)."""
    if out.output_type == "error":
        return NotebookNode(output_type="stream", name="stdout",
                            text=f"[after its values were reported, the cell stopped: {out.get('ename')}: {out.get('evalue')}]\n")
    if out.output_type == "stream" and out.get("name") == "stderr":
        return NotebookNode(output_type="stream", name="stdout", text="[stderr] " + out.text)
    return out


BACKTRACE = re.compile(r"^stack backtrace:\n(?:(?:\s+\d+: .*|\s+at .*)\n)*(?:note: Some details are omitted.*\n)?", re.M)


class TidyOutputs(Preprocessor):
    """For readable feedback: merges consecutive stream outputs (evcxr sends stderr line by
    line) and drops the stack backtraces evcxr always asks for (RUST_BACKTRACE=1). A stderr
    output never disappears entirely, since its presence is what fails a check."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        merged = []
        for out in cell.outputs:
            if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                    and merged[-1].name == out.name):
                merged[-1].text += out.text
            else:
                merged.append(out)
        for out in merged:
            if out.output_type == "stream" and out.name == "stderr":
                text = BACKTRACE.sub("", out.text).strip("\n")
                out.text = (text or "[stack backtrace removed]") + "\n"
        cell.outputs = merged
        return cell, resources


class NoPartialCredit(Preprocessor):
    """nbgrader reads a numeric value shown by a check cell as partial credit; ours never
    mean that, so a check cell's execute_result becomes a plain display_data."""

    def preprocess_cell(self, cell, resources, index):
        if is_check_cell(cell):
            for out in cell.outputs:
                if out.output_type == "execute_result":
                    out.output_type = "display_data"
                    out.pop("execution_count", None)
        return cell, resources
