"""Benchmark of auto-grading (rerun it; it is not a test). Needs root, like `make grade`.

    python -m tools.bench_grading [--students 4] [--cold]

Grades copies of the solution notebooks (full marks expected) with grading/grade.py and
reports, side by side in one run:
  1. one student x all five notebooks, -j 1 (one notebook at a time);
  2. the same with -j 2 (both cores);
  3. --students students x five notebooks, -j 2: how it scales with a class.
With --cold, first deletes the grader's warm build directory (build/grading/template) and
grades one student -j 1 once more before the others, to show what the very first grading
costs (compiling every dependency in the sandbox); runs 1-3 are then all warm.
Per configuration: wall time, median and slowest seconds per notebook, notebooks per
minute, and the ratios between configurations. Results go to build/bench/grading.json.

    python -m tools.bench_grading --against ../before [--rounds 3]

Before/after instead: DIR is another checkout of this project (say `git worktree add
../before <commit>`, with .venv and .tools linked to this one's). One student x five
notebooks, -j 1, is graded by this checkout and by DIR in alternation, --rounds times, and
the medians per notebook are printed side by side (each checkout warms its own grading
cache first, in a round that is not counted).
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grading.common import ASSIGNMENT, COURSE, NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent

SOURCE = COURSE / "source" / ASSIGNMENT  # the solution notebooks, as release.py put them


def grading_cmd(root, module):
    """The command that runs grading's `module` of the checkout `root` (with cwd=root): as a
    module, or as a script in a checkout from before the `grading` package (--against)."""
    if (root / "grading" / "__init__.py").exists():
        return [sys.executable, "-m", f"grading.{module}"]
    return [sys.executable, str(root / "grading" / f"{module}.py")]


def grade(students, jobs, tmp, root=ROOT):
    subs, out = Path(tmp) / "subs", Path(tmp) / "out"
    for s in range(students):
        (subs / f"s{s:02d}").mkdir(parents=True)
        for name in NOTEBOOKS:
            shutil.copy(SOURCE / f"{name}.ipynb", subs / f"s{s:02d}" / f"{name}.ipynb")
    started = time.monotonic()
    proc = subprocess.run([*grading_cmd(root, "grade"), str(subs), "--out", str(out), "-j", str(jobs)],
                          cwd=root, capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"grading failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    with open(out / "scores.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    wrong = [r for r in rows if r["status"] != "ok" or r["score"] != r["max_score"]]
    if wrong:
        raise SystemExit(f"the solutions did not get full marks: {wrong}")
    seconds = [float(r["seconds"]) for r in rows]
    by_notebook = {n: statistics.median(float(r["seconds"]) for r in rows if r["notebook"] == n) for n in NOTEBOOKS}
    warmup = next((l for l in proc.stdout.splitlines() if l.startswith("warming")), None)
    return {"students": students, "jobs": jobs, "notebooks": len(rows), "wall_s": round(wall, 1),
            "median_notebook_s": round(statistics.median(seconds), 1), "slowest_notebook_s": round(max(seconds), 1),
            "per_notebook_s": {n: round(s, 1) for n, s in by_notebook.items()},
            "notebooks_per_min": round(len(rows) / wall * 60, 2), "built_template": warmup is not None}


def against(other, rounds):
    """This checkout and `other`, one student x five notebooks -j 1, in alternation."""
    other = other.resolve()
    for root in (ROOT, other):
        subprocess.run(grading_cmd(root, "release"), cwd=root, check=True, stdout=subprocess.DEVNULL)
    labels = {"this": ROOT, "against": other}
    runs = {label: [] for label in labels}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        for r in range(rounds + 1):
            for label, root in labels.items():
                print(f"round {r}{' (warm-up, not counted)' if r == 0 else ''}: {label} ({root}) ...", flush=True)
                result = grade(1, 1, Path(tmp) / f"{label}-{r}", root)
                print(f"  {result['wall_s']} s: " + ", ".join(f"{n} {s} s" for n, s in result["per_notebook_s"].items()),
                      flush=True)
                if r:
                    runs[label].append(result)
    print(f"\nmedian seconds per notebook over {rounds} alternating rounds (1 student, -j 1):")
    print(f"{'notebook':16s} {'this':>8s} {'against':>8s} {'ratio':>6s}")
    table = {}
    for name in NOTEBOOKS + ["all five (wall)"]:
        key = (lambda r: r["wall_s"]) if name.startswith("all") else (lambda r, n=name: r["per_notebook_s"][n])
        this, then = (statistics.median(key(r) for r in runs[label]) for label in labels)
        table[name] = {"this": this, "against": then, "ratio": round(this / then, 2)}
        print(f"{name:16s} {this:8.1f} {then:8.1f} {this / then:6.2f}")
    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "grading-against.json").write_text(json.dumps({"against": str(other), "runs": runs, "median": table}, indent=2))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4, help="class size for the scaling run (default 4)")
    parser.add_argument("--cold", action="store_true", help="delete the warm build directory first")
    parser.add_argument("--against", type=Path, help="another checkout to compare with (before/after)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds with --against (default 3)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench_grading: skipped (grading needs root for its sandbox)")
        return 0
    if args.against:
        return against(args.against, args.rounds)
    subprocess.run(grading_cmd(ROOT, "release"), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    if args.cold:
        shutil.rmtree(ROOT / "build" / "grading" / "template", ignore_errors=True)
    results, cold = [], None
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        configs = [("cold", 1, 1)] if args.cold else []
        for label, students, jobs in configs + [("warm", 1, 1), ("warm", 1, 2), ("warm", args.students, 2)]:
            print(f"grading {students} student(s) x 5 notebooks, -j {jobs}, {label} ...", flush=True)
            r = grade(students, jobs, Path(tmp) / f"{label}-{len(results)}")
            r["label"] = label
            if label == "cold":
                cold = r
            else:
                results.append(r)
            print(f"  {r['wall_s']:7.1f} s wall{' (incl. building the template)' if r['built_template'] else ''}, "
                  f"median notebook {r['median_notebook_s']} s, slowest {r['slowest_notebook_s']} s, "
                  f"{r['notebooks_per_min']} notebooks/min", flush=True)
            print("           " + ", ".join(f"{n} {s} s" for n, s in r["per_notebook_s"].items()), flush=True)
    one, two, many = results
    ratios = {"one student, -j1 wall / -j2 wall": round(one["wall_s"] / two["wall_s"], 2),
              f"{many['students']} students / 1 student, -j2 wall": round(many["wall_s"] / two["wall_s"], 2)}
    if cold:
        ratios["one student, -j1: cold wall / warm wall"] = round(cold["wall_s"] / one["wall_s"], 2)
    for what, ratio in ratios.items():
        print(f"{what}: {ratio}")
    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "grading.json").write_text(json.dumps({"cold": cold, "runs": results, "ratios": ratios}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
