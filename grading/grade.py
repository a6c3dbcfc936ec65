"""Grades a folder of submissions (`make grade SUBMISSIONS=<dir>`).

    python -m grading.grade SUBMISSIONS [--out build/grades] [-j JOBS] [--regrade]
                            [--cell-timeout S] [--notebook-timeout S] [--memory-mb MB]

SUBMISSIONS/<student_id>/<notebook>.ipynb, notebooks named as in the release
(five_steps, lab04, learning_rates, deep_teaching, gistemp); a missing notebook scores 0.

Every (student, notebook) is re-executed from scratch by grading/worker.py with nbgrader
autograde (outputs that came with the submission are discarded; hidden tests are put back
by nbgrader's checksum check; deleted cells are restored) in a sandbox: own network
namespace, own PID/mount namespaces, unprivileged uid, private tmpfs root, memory and
process limits, time limits per cell and per notebook (see grading/sandbox/kernel.sh).

Output in --out (default build/grades):
    scores.csv    student, notebook, score, max_score, status, manual_max, seconds, notes
                  (one row per graded pair, appended as soon as it is graded)
    totals.csv    student, score, max_score (autograded points, all notebooks)
    feedback/<student>/<notebook>.html    nbgrader feedback: every check, its points, why it failed
    results/<student>/<notebook>.json     details (per check, errors), logs/ worker logs
status: ok | cell time limit | time limit (notebook) | memory limit | kernel died | unreadable |
        missing | grader error.

    submitted/<student>/<notebook>.ipynb   the copy that was graded (no links followed)
    limits.txt    the limits in force (also printed under the summary)

Restartable, even after kill -9: pairs already in scores.csv are skipped (except "grader
error" rows, which are retried); --regrade grades the selected notebooks again, each old row
replaced only when its new result is written (scores.csv is rewritten whole and renamed).
Speed: evcxr's build directory (compiled ndarray, plotters, polars, labkit) is built once
into build/grading/template by running the solution notebooks in the same sandbox; each
submission then gets a private copy-on-write overlay of it, so it starts warm.
"""
import argparse
import concurrent.futures as futures
import contextlib
import csv
import fcntl
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from grading import submission
from tools.warm_kernel import digest, toolchain, tree_digest
from grading.common import (
    ASSIGNMENT, CELL_TIMEOUT, CGROUP_ROOT, COURSE, DEP_TIMEOUT, MEMORY_MB, NOTEBOOK_TIMEOUT, NOTEBOOKS, PIDS,
    REFERENCE, RELEASE, ROOT, SANDBOX_UID, STATE, WORKER_MEMORY_MB, cgroup_dirs, cgroup_mode, memory_cgroup,
    unscored, write_atomic,
)

HERE = Path(__file__).resolve().parent

FIELDS = ["student", "notebook", "score", "max_score", "status", "manual_max", "seconds", "notes"]
STUDENT_ID = re.compile(r"^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,63}$")
STATUSES = {"ok", "cell time limit", "time limit", "memory limit", "kernel died", "unreadable", "missing",
            "grader error"}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # a note is one line of text
NOTES_MAX = 2000  # characters of notes per row (the rest is in results/<student>/<notebook>.json)


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------------------- environment

def check_environment():
    problems = []
    if os.geteuid() != 0:
        problems.append("grading runs student code in a sandbox that needs root "
                        "(namespaces, cgroups, switching to an unprivileged uid): run it as root or with sudo")
    for tool in ("unshare", "setpriv", "ip", "chroot", "cargo", "rustc"):
        if not shutil.which(tool):
            problems.append(f"`{tool}` not found on PATH")
    if not (ROOT / ".tools" / "bin" / "evcxr_jupyter").exists():
        problems.append("evcxr_jupyter is not installed: run `make setup`")
    if not (COURSE / "gradebook.db").exists() or not (RELEASE / "notebooks").is_dir():
        problems.append("no release: run `make release` first")
    if os.geteuid() == 0 and cgroup_mode() is None:
        problems.append(f"no memory and process limits per notebook: cannot create cgroups with the memory and "
                        f"pids controllers under {CGROUP_ROOT}. With cgroup v2, enable them for children "
                        f"(echo +memory +pids > {CGROUP_ROOT}/cgroup.subtree_control); with v1, mount the memory "
                        "and pids hierarchies writable (in a container: run it with --privileged or "
                        "--cgroupns=host, or give it a delegated cgroup). Grading refuses to run without "
                        "these limits")
    if problems:
        raise SystemExit("cannot grade:\n  " + "\n  ".join(problems))
    newer = [p.name for p in (ROOT / "notebooks").glob("*.ipynb")
             if (COURSE / "source" / ASSIGNMENT / p.name).exists()
             and p.read_bytes() != (COURSE / "source" / ASSIGNMENT / p.name).read_bytes()]
    if newer:
        log(f"note: notebooks/ differs from the release for {', '.join(sorted(newer))}; "
            "grading uses the release (build/course); run `make release` to use the new versions")


def sysroot():
    return subprocess.run(["rustc", "--print", "sysroot"], check=True, capture_output=True, text=True).stdout.strip()


def ensure_vendor(root_sysroot, build=True):
    """Crate sources for offline builds in the sandbox: our lock file plus the standard
    library's (evcxr's rust-analyzer loads the sysroot with `cargo metadata`). Returns
    whether they are ready (with build=False: only checks)."""
    vendor = STATE / "vendor"
    stamp = STATE / "vendor.stamp"
    key = digest((RELEASE / "Cargo.lock").read_bytes(), root_sysroot)
    if vendor.is_dir() and stamp.exists() and stamp.read_text() == key:
        return True
    if not build:
        return False
    log("vendoring crate sources for offline builds (build/grading/vendor) ...")
    tmp = STATE / "vendor.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    library = Path(root_sysroot) / "lib" / "rustlib" / "src" / "rust" / "library" / "Cargo.toml"
    cmd = ["cargo", "vendor", "--versioned-dirs", "--manifest-path", str(RELEASE / "Cargo.toml")]
    if library.exists():
        cmd += ["-s", str(library)]
    cmd.append(str(tmp))
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")  # the std workspace manifest uses nightly keys
    for extra in (["--offline"], []):
        if subprocess.run(cmd[:2] + extra + cmd[2:], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True).returncode == 0:
            break
    else:
        raise SystemExit("cargo vendor failed (is crates.io reachable, or the registry cache filled by `cargo test`?)")
    shutil.rmtree(vendor, ignore_errors=True)
    tmp.rename(vendor)
    stamp.write_text(key)
    return True


def template_key(root_sysroot):
    """The grader's template is built from the release's crate, in the sandbox: its key is
    the template's (tools/warm_kernel.py) over those sources, plus the sandbox's kernel and
    the standard library it builds against."""
    return digest(tree_digest(RELEASE / "crate"), (RELEASE / "Cargo.toml").read_bytes(),
                  (RELEASE / "Cargo.lock").read_bytes(), tree_digest(ROOT / "tools" / "evcxr"), *toolchain(),
                  root_sysroot, (HERE / "sandbox" / "kernel.sh").read_bytes())


# ---------------------------------------------------------------------------- running workers

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


# ---------------------------------------------------------------------------- the template

def reference_key(template, notebook):
    """The solution's values depend on the solution notebook (with its hidden tests) and on
    everything the template depends on (crate, toolchain, evcxr)."""
    return digest(template, (COURSE / "source" / ASSIGNMENT / f"{notebook}.ipynb").read_bytes())


def run_solution(args, notebook, slot, mode, template_key):
    """Runs the solution notebook in the sandbox and records its values as the reference
    (kept only when every check reported values). Returns (ran to its end, full marks)."""
    source = COURSE / "source" / ASSIGNMENT / f"{notebook}.ipynb"
    REFERENCE.mkdir(parents=True, exist_ok=True)
    key_file = REFERENCE / f"{notebook}.key"
    key_file.unlink(missing_ok=True)
    t0 = time.monotonic()
    result = run_worker(args, "_solutions", notebook, source, slot, mode, STATE / f"{mode}-run",
                        reference_out=REFERENCE / f"{notebook}.json")
    ran = result["status"] == "ok"
    full = ran and result["max_score"] is not None and result["score"] == result["max_score"]
    bad = [f"{c['grade_id']}: {c['reason']}" for c in result.get("checks", []) if not c.get("passed")]
    log(f"  {notebook:16s} {time.monotonic() - t0:6.1f} s   solution notebook: "
        f"{fmt(result['score'])}/{fmt(result['max_score'])} {result['status']}"
        + ("" if full else "   <-- not every check reported values: " + "; ".join(bad + result["notes"])[:2000]))
    if full:
        key_file.write_text(reference_key(template_key, notebook))
    return ran, full


def ensure_template(args, notebooks, build=True):
    """The warm build directory, made by running every solution notebook in the sandbox (which
    also records their values as the references). Accepted only when all of them ran to
    their end with full marks: a half-warm template would make every student's first cell compile the
    dependencies again, and under load everybody could hit the time limit."""
    template = STATE / "template"
    key_file = STATE / "template.key"
    key = template_key(args.sysroot)
    if template.is_dir() and key_file.exists() and key_file.read_text() == key:
        return key
    if not build:
        return None
    log("warming evcxr's build directory (build/grading/template) with the solution notebooks;"
        " the first time this compiles all dependencies (several minutes) ...")
    template.mkdir(parents=True, exist_ok=True)
    os.chown(template, SANDBOX_UID, SANDBOX_UID)
    key_file.unlink(missing_ok=True)
    # generous limits: this is the instructor's code, and the first cell compiles everything
    # (polars at opt-level 2, tools/evcxr/cargo-config.toml: measured 3.1 GB resident, two rustc at once)
    template_args = argparse.Namespace(**{**vars(args), "cell_timeout": max(args.cell_timeout, 600),
                                          "notebook_timeout": max(args.notebook_timeout, 3600),
                                          "memory_mb": max(args.memory_mb, 2 * MEMORY_MB)})
    with Slots(1).take() as slot:
        unfinished = [name for name in notebooks if not all(run_solution(template_args, name, slot, "template", key))]
    if unfinished:
        raise SystemExit(f"the solution notebooks {', '.join(unfinished)} did not run to their end with every "
                         "check reporting its values, so the grader's build cache (build/grading/template) "
                         "is not known to be warm; nothing was graded. Run again (on a less busy machine), "
                         "or fix the solutions.")
    key_file.write_text(key)
    return key


def ensure_references(args, notebooks, template, build=True):
    """The solution's values for each notebook to grade, recomputed when the solution changed;
    refuses to grade a notebook whose solution does not report a value in every check."""
    stale = [n for n in notebooks if not (REFERENCE / f"{n}.json").exists()
             or not (REFERENCE / f"{n}.key").exists()
             or (REFERENCE / f"{n}.key").read_text() != reference_key(template, n)]
    if not stale or not build:
        return not stale
    log(f"recording the solution's values for {', '.join(stale)} (build/grading/reference) ...")
    with Slots(1).take() as slot:
        incomplete = [name for name in stale if not run_solution(args, name, slot, "reference", template)[1]]
    if incomplete:
        raise SystemExit(f"the solution notebooks {', '.join(incomplete)} do not get full marks (every check "
                         "must report its values; see above), so they cannot serve as the reference; "
                         "nothing was graded")
    return True


# ---------------------------------------------------------------------------- scores

def fmt(x):
    return "-" if x is None else f"{x:g}"


def valid_row(row):
    """A complete row as ScoreFile writes it (not one cut short by a kill, nor edited badly)."""
    try:
        return (None not in row and all(isinstance(row.get(k), str) for k in FIELDS)
                and row["student"] != "" and row["notebook"] != "" and row["status"] in STATUSES
                and float(row["score"]) >= 0 and (row["max_score"] == "-" or float(row["max_score"]) >= 0))
    except ValueError:
        return False


def read_scores(path):
    """(rows, problems): the complete rows of scores.csv, and what was wrong with the others."""
    if not path.exists():
        return [], []
    csv.field_size_limit(2**31 - 1)  # never fail on a long field: a bad row is dropped below
    text = path.read_text(encoding="utf-8", errors="replace")
    rows, problems = [], []
    complete = text if text.endswith("\n") else text[:text.rfind("\n") + 1]  # a cut last line is dropped
    reader = csv.DictReader(io.StringIO(complete, newline=""))
    try:
        for row in reader:
            if valid_row(row):
                rows.append(row)
            else:
                problems.append(f"line {reader.line_num} is incomplete")
    except csv.Error as err:
        problems.append(f"unreadable from line {reader.line_num} ({err})")
    if text and not text.endswith("\n"):
        problems.append("the last line was cut short")
    if reader.fieldnames and list(reader.fieldnames) != FIELDS:
        problems.append(f"unexpected columns {reader.fieldnames}")
    return rows, problems


class ScoreFile:
    """scores.csv: one row per (student, notebook). A row is written, or replaced, only once
    its new result exists, by rewriting the whole file to a temporary one and renaming it
    (fsync of the file and of the folder), so a kill at any moment leaves either the old or
    the new file, never a torn row. Rows that are not complete (written by an older version,
    or edited) are dropped, said so, and their pairs graded again."""

    def __init__(self, path):
        self.path = path
        self.pending_path = path.with_name("regrade-pending.json")
        self.lock = threading.Lock()
        rows, problems = read_scores(path)
        if problems:
            log(f"{path}: " + "; ".join(problems)[:1000] + " -- those pairs are graded again")
        self.rows = {(r["student"], r["notebook"]): r for r in rows}
        if problems:
            self._write()

    def _write(self):
        text = io.StringIO(newline="")
        w = csv.DictWriter(text, FIELDS)
        w.writeheader()
        w.writerows(self.rows.values())
        write_atomic(self.path, text.getvalue(), durable=True)

    def done(self):
        """Pairs graded for good: not a grader error, not waiting for an unfinished --regrade."""
        return {key for key, r in self.rows.items() if r["status"] != "grader error"} - self.pending()

    # --regrade keeps the old rows until each is replaced; the pairs still to regrade are
    # saved in regrade-pending.json, so a regrade stopped half-way resumes where it stopped
    def pending(self):
        try:
            return {tuple(k) for k in json.loads(self.pending_path.read_text())}
        except (OSError, ValueError, TypeError):
            return set()

    def start_regrade(self, keys):
        with self.lock:
            self._write_pending(self.pending() | set(keys))

    def _write_pending(self, keys):
        if keys:
            write_atomic(self.pending_path, json.dumps(sorted(keys)))
        else:
            self.pending_path.unlink(missing_ok=True)

    def put(self, row):
        row = {k: submission.utf8(str(v)) for k, v in row.items()}
        key = row["student"], row["notebook"]
        with self.lock:
            old = self.rows.get(key)
            self.rows[key] = row
            try:
                self._write()
            except BaseException:
                if old is None:
                    del self.rows[key]
                else:
                    self.rows[key] = old
                raise
            pending = self.pending()
            if key in pending:  # after the row: a kill in between only regrades it once more
                self._write_pending(pending - {key})


def max_points():
    """Autograded and hand-graded points per notebook, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        return {nb.name: (sum(c.max_score for c in nb.grade_cells if c.cell_type == "code"),
                          sum(c.max_score for c in nb.grade_cells if c.cell_type != "code"))
                for nb in assignment.notebooks}


def row_from(result):
    notes = "; ".join(CONTROL.sub(" ", str(n))[:300] for n in result.get("notes", []))
    if len(notes) > NOTES_MAX:
        notes = notes[:NOTES_MAX - 40] + " ... (all notes in results/)"
    return {"student": result["student"], "notebook": result["notebook"], "score": fmt(result["score"]),
            "max_score": fmt(result["max_score"]), "status": result["status"],
            "manual_max": fmt(result.get("manual_max", 0)), "seconds": result.get("seconds", ""), "notes": notes}


def limits_in_force(args):
    return (f"limits per notebook: memory {args.memory_mb} MB and {args.pids} processes (cgroup {cgroup_mode()}), "
            f"{args.cell_timeout} s per cell, {args.dep_timeout} s for the notebook's `:dep` cell, "
            f"{args.notebook_timeout} s per notebook, no network; grader process {args.worker_memory_mb} MB")


def summary(rows, students, notebooks, out, args):
    table = {(r["student"], r["notebook"]): r for r in rows}
    width = max([len(s) for s in students] + [7])
    cols = [n[:14] for n in notebooks]
    log("")
    log(f"{'student':{width}s}  " + "  ".join(f"{c:>14s}" for c in cols) + f"  {'total':>11s}")
    totals = []
    for s in students:
        cells, got, best = [], 0.0, 0.0
        for n in notebooks:
            r = table.get((s, n))
            if r is None:
                cells.append("not graded")
                continue
            score, mx = float(r["score"] or 0), float(r["max_score"]) if r["max_score"] not in ("", "-") else 0.0
            got, best = got + score, best + mx
            flag = "" if r["status"] == "ok" else "*"
            cells.append(f"{r['score']}/{r['max_score']}{flag}")
        totals.append({"student": s, "score": f"{got:g}", "max_score": f"{best:g}"})
        log(f"{s:{width}s}  " + "  ".join(f"{c:>14s}" for c in cells) + f"  {got:>5g}/{best:<5g}")
    odd = [r for r in rows if r["status"] != "ok"]
    if odd:
        log("* " + "; ".join(f"{r['student']}/{r['notebook']}: {r['status']}" for r in odd))
    limits = limits_in_force(args)
    log(limits)
    (out / "limits.txt").write_text(limits + "\n")
    text = io.StringIO(newline="")
    w = csv.DictWriter(text, ["student", "score", "max_score"])
    w.writeheader()
    w.writerows(totals)
    write_atomic(out / "totals.csv", text.getvalue())


def discover(subs, notebooks):
    students, skipped = [], []
    for d in sorted(p for p in subs.iterdir() if p.is_dir() and not p.is_symlink()):
        (students if STUDENT_ID.match(d.name) else skipped).append(d.name)
    if skipped:
        log(f"skipping folders that are not valid student ids: {', '.join(skipped)}")
    pairs = []
    for s in students:
        for n in notebooks:
            pairs.append((s, n, subs / s / f"{n}.ipynb"))
        extra = sorted(p.name for p in (subs / s).iterdir() if p.suffix == ".ipynb" and p.stem not in notebooks)
        if extra:
            log(f"{s}: ignoring {', '.join(extra)} (not a notebook of the release)")
    return students, pairs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "grades")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="notebooks graded at once (default 2)")
    parser.add_argument("--regrade", action="store_true", help="grade the selected notebooks again "
                        "(each old row stays until its new result replaces it)")
    parser.add_argument("--notebooks", default="", help="comma-separated subset (default: all released)")
    parser.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT, help=f"seconds per cell (default {CELL_TIMEOUT})")
    parser.add_argument("--dep-timeout", type=int, default=DEP_TIMEOUT, help=f"seconds for the `:dep` cell (default {DEP_TIMEOUT})")
    parser.add_argument("--notebook-timeout", type=int, default=NOTEBOOK_TIMEOUT,
                        help=f"seconds per notebook (default {NOTEBOOK_TIMEOUT})")
    parser.add_argument("--memory-mb", type=int, default=MEMORY_MB, help=f"memory per sandbox, incl. its tmpfs (default {MEMORY_MB})")
    parser.add_argument("--pids", type=int, default=PIDS, help=f"processes per sandbox (default {PIDS})")
    parser.add_argument("--worker-memory-mb", type=int, default=WORKER_MEMORY_MB,
                        help=f"memory of the grader's process per notebook (default {WORKER_MEMORY_MB})")
    args = parser.parse_args(argv)

    check_environment()
    if not args.submissions.is_dir():
        raise SystemExit(f"{args.submissions} is not a folder of <student>/<notebook>.ipynb")
    released = [n for n in NOTEBOOKS if (RELEASE / "notebooks" / f"{n}.ipynb").exists()]
    notebooks = [n for n in (args.notebooks.split(",") if args.notebooks else released) if n]
    unknown = [n for n in notebooks if n not in released]
    if unknown:
        raise SystemExit(f"not in the release: {', '.join(unknown)}")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    lock = open(out / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"another grading run is using {out}")
    (STATE / "mnt").mkdir(parents=True, exist_ok=True)
    args.sysroot = sysroot()
    # grading runs share the vendored sources, the template (the read-only lower layer of
    # every sandbox's overlay) and the references under a shared lock; one run at a time,
    # with no other running, may (re)build them
    shared = open(STATE / "template.lock", "w")
    fcntl.flock(shared, fcntl.LOCK_SH)
    template = ensure_vendor(args.sysroot, build=False) and ensure_template(args, released, build=False)
    if not (template and ensure_references(args, notebooks, template, build=False)):
        fcntl.flock(shared, fcntl.LOCK_UN)
        fcntl.flock(shared, fcntl.LOCK_EX)
        ensure_vendor(args.sysroot)
        template = ensure_template(args, released)
        ensure_references(args, notebooks, template)
        fcntl.flock(shared, fcntl.LOCK_SH)

    students, pairs = discover(args.submissions.resolve(), notebooks)
    scores = ScoreFile(out / "scores.csv")
    points = max_points()
    if args.regrade:
        scores.start_regrade([(s, n) for s, n, _ in pairs])
    elif scores.pending():
        log(f"resuming an interrupted --regrade: {len(scores.pending())} pairs still to grade again")
    done = scores.done()
    todo = [p for p in pairs if (p[0], p[1]) not in done]
    log(f"{len(students)} students x {len(notebooks)} notebooks: {len(pairs) - len(todo)} already graded, "
        f"{len(todo)} to grade, {args.jobs} at a time")

    counter = {"n": 0}
    t_start = time.monotonic()

    def grade_pair(pair):
        student, notebook, path = pair
        # graded: a private copy made now (no links followed, regular files only, bounded size)
        copy = out / "submitted" / student / f"{notebook}.ipynb"
        try:
            submission.copy_in(path.parent.parent, student, path.name, copy)
        except (submission.Missing, submission.Unreadable, OSError) as err:
            status = {submission.Missing: "missing", submission.Unreadable: "unreadable"}.get(type(err), "grader error")
            note = str(err) if status != "grader error" else f"could not copy the submission: {err}"
            result = unscored(student, notebook, status, [note], manual_max=points.get(notebook, (0, 0))[1])
            result["seconds"] = 0
        else:
            with slots.take() as slot:
                result = run_worker(args, student, notebook, copy, slot, "grade", out)
        if result.get("max_score") is None:
            result["max_score"] = points.get(notebook, (None, 0))[0]
        rdir = out / "results" / student
        rdir.mkdir(parents=True, exist_ok=True)
        write_atomic(rdir / f"{notebook}.json", json.dumps(result, indent=1))
        scores.put(row_from(result))
        with RUNNING_LOCK:
            counter["n"] += 1
            n = counter["n"]
        failed = [c["grade_id"].split("-check-")[-1] for c in result.get("checks", []) if not c.get("passed")]
        log(f"[{n}/{len(todo)}] {student}/{notebook}: {fmt(result['score'])}/{fmt(result['max_score'])} "
            f"{result['status']} ({result.get('seconds', 0):.0f} s"
            + (f", peak {result['peak_memory_mb']} MB" if result.get("peak_memory_mb") else "") + ")"
            + (f"  failed: {', '.join(failed)}" if failed and result["status"] != "missing" else ""))

    slots = Slots(max(1, args.jobs))
    pool = futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        for f in [pool.submit(grade_pair, p) for p in todo]:
            f.result()
    except KeyboardInterrupt:
        log("interrupted: stopping the running notebooks; graded ones are saved, run again to resume")
        pool.shutdown(wait=False, cancel_futures=True)
        with RUNNING_LOCK:
            for proc in RUNNING:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        os._exit(130)
    pool.shutdown()
    log(f"graded {len(todo)} notebooks in {time.monotonic() - t_start:.0f} s")
    rows = list(scores.rows.values())
    summary(rows, students, notebooks, out, args)
    log(f"scores: {out / 'scores.csv'}   feedback: {out / 'feedback'}/<student>/<notebook>.html")
    return 1 if any(r["status"] == "grader error" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
