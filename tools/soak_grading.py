"""Soak test of the grader (not part of CI; needs root and `make release`):

    .venv/bin/python -m tools.soak_grading [--students 10] [--kills 3] [--jobs 2] [--seed N]
    (from the repository's folder: it imports tests.corpus)

Builds a class from the grading corpus (tests/corpus/): every student hands in all five
notebooks, each a corpus submission with a known score, one pair in ten an attack. Then
the grader (`python -m grading.grade`) is started, killed with `kill -9` (its whole process
group) at a random moment, and started again, `--kills` times, and finally left to finish.
At the end scores.csv must hold exactly one row per (student, notebook), each with its
expected score and status, and no grading process may be left behind. Prints the figures (kills, rows before each,
time, work lost) and exits 1 on any mismatch.
"""
import argparse
import csv
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import nbformat

from tests.corpus import build, corpus  # (not installed: found in the current folder)
from tools.course import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent

SOURCE = ROOT / "build" / "course" / "source" / "labs"
RELEASED = ROOT / "build" / "release" / "notebooks"


def make_class(folder, students, seed):
    """{(student, notebook): (score, status)} and the submissions under folder/."""
    rng = random.Random(seed)
    pairs = [(f"s{i:02d}", n) for i in range(1, students + 1) for n in NOTEBOOKS]
    hostile = set(rng.sample(pairs, max(1, len(pairs) // 10)))
    expected = {}
    for name in NOTEBOOKS:
        subs = corpus([name])
        attacks = [s for s in subs if s.student.startswith("attack")]
        others = [s for s in subs if not s.student.startswith("attack")]
        base = nbformat.read(RELEASED / f"{name}.ipynb", as_version=4)
        source = nbformat.read(SOURCE / f"{name}.ipynb", as_version=4)
        for student, notebook in pairs:
            if notebook != name:
                continue
            sub = rng.choice(attacks if (student, notebook) in hostile else others)
            nb = source if sub.student == "solution" else build(sub, base, source)
            (folder / student).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / student / f"{name}.ipynb")
            expected[student, name] = (sub.score, sub.status, sub.student)
    return expected, hostile


def rows_of(out):
    path = out / "scores.csv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def leftovers(work):
    """Processes of this soak still alive: workers (their command line names the soak's
    folder) and sandbox kernels (kernel.sh's environment names this checkout's
    build/grading; everything else in a sandbox dies with it). Other checkouts' grading
    runs, e.g. a CI run beside the soak, are not counted."""
    state = str(ROOT / "build" / "grading")
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit() and int(p.name) != os.getpid():
            try:
                cmdline = (p / "cmdline").read_bytes().decode(errors="replace")
                environ = (p / "environ").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if str(work) in cmdline or f"GRADE_TEMPLATE={state}" in environ:
                found.append(int(p.name))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "soak")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("the grading sandbox needs root")
    rng = random.Random(args.seed)
    subs, out = args.work / "submissions", args.work / "grades"
    subprocess.run(["rm", "-rf", str(args.work)], check=True)
    expected, hostile = make_class(subs, args.students, args.seed)
    print(f"seed {args.seed}: {args.students} students x {len(NOTEBOOKS)} notebooks = {len(expected)} pairs, "
          f"{len(hostile)} hostile: " + ", ".join(f"{s}/{n} ({expected[s, n][2]})" for s, n in sorted(hostile)),
          flush=True)

    started, kills, graded_per_run = time.monotonic(), [], []
    cmd = [sys.executable, "-m", "grading.grade", str(subs), "--out", str(out), "-j", str(args.jobs)]
    while True:
        before = len(rows_of(out))
        proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if len(kills) < args.kills:
            # a random moment while there is still work: between 5 s and a few notebooks in
            delay = rng.uniform(5, 150)
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                time.sleep(3)
                kills.append((round(time.monotonic() - started), round(delay), before, len(rows_of(out))))
                print(f"kill -9 after {delay:.0f} s of this run: rows {before} -> {len(rows_of(out))}", flush=True)
                continue
        else:
            proc.wait()
        graded_per_run.append(len(rows_of(out)) - before)
        if proc.returncode in (0, 1):
            break
        print(f"grade.py exited {proc.returncode}; running again", flush=True)
    seconds = time.monotonic() - started

    rows = rows_of(out)
    counts = Counter((r["student"], r["notebook"]) for r in rows)
    doubled = [k for k, c in counts.items() if c > 1]
    lost = sorted(set(expected) - set(counts))
    wrong = [(k, (r["score"], r["status"]), expected[k][:2]) for r in rows
             for k in [(r["student"], r["notebook"])]
             if k in expected and (float(r["score"]) != expected[k][0] or r["status"] != expected[k][1])]
    time.sleep(3)
    left = leftovers(args.work)
    print(f"\n{len(kills)} kills (at s since start, delay in run, rows before -> after): {kills}")
    print(f"total {seconds:.0f} s for {len(expected)} pairs at -j {args.jobs}; rows graded by the final run: "
          f"{graded_per_run[-1] if graded_per_run else 0}")
    print(f"rows {len(rows)}, doubled {len(doubled)}, lost {len(lost)}, wrong {len(wrong)}, "
          f"processes left {len(left)}")
    for k, got, want in wrong:
        print(f"  WRONG {k}: got {got}, expected {want} ({expected[k][2]})")
    for k in lost:
        print(f"  LOST {k}")
    ok = not (doubled or lost or wrong or left) and len(rows) == len(expected)
    print("soak: OK" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
