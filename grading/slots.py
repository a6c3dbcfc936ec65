"""Running workers: a slot per running notebook (its cgroups, labkit-grading/slot-N and
worker-N, numbered uniquely across the machine), the cgroup helpers (the worker's memory
limit, peak memory and OOM kills, clearing a slot), and run_worker, which runs
grading/worker.py for one (student, notebook) in fresh namespaces; RUNNING holds the
workers running now, killed when grading is interrupted. Used by grade.py (grading the
submissions) and reference.py (running the solution notebooks)."""
import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tools.warm_kernel import digest
from grading.common import ROOT, STATE, cgroup_dirs, cgroup_mode, memory_cgroup, unscored


SLOT_LOCKS = Path("/run/lock/labkit-grading")  # machine-wide: cgroup names are machine-wide too


class Slots:
    """A worker's slot: its cgroups (labkit-grading/slot-N). Slot numbers are unique across
    all grading processes on the machine, from every checkout (a lock file each in
    /run/lock); `n` bounds this run's share."""

    def __init__(self, n):
        self.sem = threading.Semaphore(n)

    @contextlib.contextmanager
    def take(self):
        with self.sem:
            locks = SLOT_LOCKS if SLOT_LOCKS.parent.is_dir() else STATE / "slots"
            locks.mkdir(parents=True, exist_ok=True)
            while True:
                for slot in range(64):
                    f = open(locks / f"slot-{slot}.lock", "w")
                    try:
                        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        f.close()
                        continue
                    try:
                        clear_cgroups(slot)
                        yield slot
                    finally:
                        clear_cgroups(slot)
                        f.close()
                    return
                time.sleep(1)


def slot_cgroups(slot):
    """The kernel's cgroup (made by kernel.sh) and the worker's, of one slot."""
    return cgroup_dirs(f"slot-{slot}") + cgroup_dirs(f"worker-{slot}")


def worker_cgroup(slot, memory_mb):
    """A memory-limited cgroup for the worker (nbgrader, outside the sandbox); returns its
    cgroup.procs file. The worker's output caps keep it small; this limit is the backstop."""
    mode = cgroup_mode()
    d = memory_cgroup(f"worker-{slot}", mode)
    d.mkdir(parents=True, exist_ok=True)
    limit = str(memory_mb * 2**20)
    if mode == "v1":
        (d / "memory.limit_in_bytes").write_text(limit)
        with contextlib.suppress(OSError):
            (d / "memory.memsw.limit_in_bytes").write_text(limit)
    else:
        (d / "memory.max").write_text(limit)
    return d / "cgroup.procs"


def memory_use(name):
    """(peak MB, number of processes killed for memory) in the cgroup `name` (e.g. slot-3)."""
    v1, v2 = memory_cgroup(name, "v1"), memory_cgroup(name, "v2")
    peak, kills = None, 0
    for f in (v1 / "memory.max_usage_in_bytes", v2 / "memory.peak"):
        try:
            peak = round(int(f.read_text()) / 2**20)
            break
        except (OSError, ValueError):
            pass
    for f in (v1 / "memory.oom_control", v2 / "memory.events"):
        try:
            stats = dict(line.split() for line in f.read_text().splitlines())
            kills = int(stats.get("oom_kill", 0))
            break
        except (OSError, ValueError):
            pass
    return peak, kills


def clear_cgroups(slot):
    """Kills anything left in the slot's cgroups and removes them (fresh limits next time)."""
    for d in slot_cgroups(slot):
        if not d.is_dir():
            continue
        for _ in range(50):
            try:
                pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
            except OSError:
                pids = []
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        try:
            d.rmdir()
        except OSError:
            pass


RUNNING = set()
RUNNING_LOCK = threading.Lock()


def run_worker(args, student, notebook, submission, slot, mode, out, reference_out=None):
    """Runs worker.py for one pair in a fresh network+PID namespace; returns its result dict."""
    run_dir = STATE / "runs" / digest(out)[:8] / student / notebook
    result_file = run_dir.parent / f"{notebook}.result.json"
    result_file.unlink(missing_ok=True)
    logfile = out / "logs" / student / f"{notebook}.log"
    logfile.parent.mkdir(parents=True, exist_ok=True)
    feedback = out / "feedback" / student / f"{notebook}.html"
    # dies with this process (pdeathsig); in its own memory cgroup; PID namespace: when the
    # worker ends, everything it started (kernel, student processes) ends too; network
    # namespace with loopback only. Options as --name=value: a student id may start with "-".
    procs = worker_cgroup(slot, args.worker_memory_mb)
    cmd = [
        "setpriv", "--pdeathsig", "KILL", "--",
        "sh", "-c", 'echo $$ > "$0" && exec "$@"', str(procs),
        "unshare", "--net", "--pid", "--mount", "--fork", "--kill-child", "--mount-proc", "--",
        "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
        sys.executable, "-m", "grading.worker",  # (cwd=ROOT below: this checkout's grading package)
        f"--student={student}", f"--notebook={notebook}", f"--submission={submission}",
        f"--run-dir={run_dir}", f"--result={result_file}", f"--feedback={feedback}",
        f"--mode={mode}", f"--slot={slot}", f"--sysroot={args.sysroot}",
        *([f"--reference-out={reference_out}"] if reference_out else []),
        f"--cell-timeout={args.cell_timeout}", f"--dep-timeout={args.dep_timeout}",
        f"--notebook-timeout={args.notebook_timeout}", f"--memory-mb={args.memory_mb}", f"--pids={args.pids}",
    ]
    started = time.monotonic()
    hard_limit = args.notebook_timeout + 300
    with open(logfile, "w") as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
        with RUNNING_LOCK:
            RUNNING.add(proc)
        try:
            proc.wait(timeout=hard_limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        finally:
            with RUNNING_LOCK:
                RUNNING.discard(proc)
    seconds = round(time.monotonic() - started, 1)
    peak, oom_kills = memory_use(f"slot-{slot}")
    worker_peak, worker_oom = memory_use(f"worker-{slot}")
    try:
        result = json.loads(result_file.read_text())
    except (OSError, ValueError):
        killed = seconds >= hard_limit
        if worker_oom:  # the output caps should make this impossible; the student's doing if not
            result = unscored(student, notebook, "memory limit", [
                f"the grader's own memory limit ({args.worker_memory_mb} MB) was reached while reading "
                "this notebook's output; nothing could be scored"])
        else:
            result = unscored(student, notebook, "time limit" if killed else "grader error",
                              [f"the grading process was stopped after {hard_limit} s" if killed else
                               f"the worker ended without a result (exit {proc.returncode}); see {logfile}"])
    result["seconds"] = seconds
    result["peak_memory_mb"] = peak
    result["grader_peak_memory_mb"] = worker_peak
    if oom_kills:
        result["notes"].append(f"the memory limit ({args.memory_mb} MB) was reached: "
                               f"{oom_kills} process(es) of the notebook were killed")
        if result["status"] not in ("unreadable", "missing", "grader error"):
            result["status"] = "memory limit"  # the cause, even if a time limit was hit as well
    return result
