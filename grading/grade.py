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
# Where the code is (the docstring above is --help's text, so the map is a comment):
#   grade.py        the command line and the run: discover the submissions, prepare, grade the
#                   pairs in a thread pool, print the summary (main, discover, limits_in_force)
#   environment.py  can this machine grade (check_environment), the sysroot, the vendored crate
#                   sources (ensure_vendor), the warm template's key (template_key)
#   slots.py        running workers: slots and their cgroups, memory_use, run_worker, RUNNING
#   reference.py    the solution notebooks' runs: the warm template (ensure_template) and the
#                   reference values (ensure_references, run_solution, reference_key)
#   scores.py       scores.csv (FIELDS, STATUSES, read_scores, ScoreFile, row_from), the points
#                   per notebook (max_points), the summary (table, totals.csv, limits.txt)
#   common.py       paths, limits, cgroup names, write_atomic, unscored, log (shared by all)
#   worker.py       one (student, notebook) inside the sandbox, started by slots.run_worker
# Imports: grade -> environment, reference, scores, slots; reference -> environment, scores,
# slots; all -> common. No module imports grade.py.
import argparse
import concurrent.futures as futures
import fcntl
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

from grading import submission
from grading.common import (
    CELL_TIMEOUT, DEP_TIMEOUT, MEMORY_MB, NOTEBOOK_TIMEOUT, NOTEBOOKS, PIDS, RELEASE, ROOT, STATE, WORKER_MEMORY_MB,
    cgroup_mode, log, unscored, write_atomic,
)
from grading.environment import check_environment, ensure_vendor, sysroot
from grading.reference import ensure_references, ensure_template
from grading.scores import ScoreFile, fmt, max_points, row_from, summary
from grading.slots import RUNNING, RUNNING_LOCK, Slots, run_worker

STUDENT_ID = re.compile(r"^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,63}$")


def limits_in_force(args):
    return (f"limits per notebook: memory {args.memory_mb} MB and {args.pids} processes (cgroup {cgroup_mode()}), "
            f"{args.cell_timeout} s per cell, {args.dep_timeout} s for the notebook's `:dep` cell, "
            f"{args.notebook_timeout} s per notebook, no network; grader process {args.worker_memory_mb} MB")


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
    summary(rows, students, notebooks, out, limits_in_force(args))
    log(f"scores: {out / 'scores.csv'}   feedback: {out / 'feedback'}/<student>/<notebook>.html")
    return 1 if any(r["status"] == "grader error" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
