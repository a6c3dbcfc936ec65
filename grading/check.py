"""Checks your notebooks the way the grader will, before you hand them in (student kit).

    python -m grading.check [NOTEBOOK ...]        # in the kit: make check  /  make check NB=five_steps

NOTEBOOK is a name (five_steps) or a path; without one, every lab in notebooks/. For each:
1. what the grader repairs is repaired here too (grading/submission.py, the grader's own code):
   a locked cell you changed is put back as released, a deleted cell is restored (a deleted
   check then scores 0), cells you added stay where they are;
2. the notebook runs top to bottom in a new Rust kernel, with the grader's time limits;
3. each check prints passed/FAILED, the points it would earn and, if it failed, why (three
   lines at most). Your notebook file is not changed; the executed copy goes to checked/.

What this cannot tell you: the grader also runs hidden tests, which call your functions on
inputs you have not seen, and answers in words are graded by hand. Passing every check here
is necessary for full marks, not a promise of them.
"""
import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from grading.submission import Unreadable, merge, read_submission
from tools.course import CELL_TIMEOUT, DEP_TIMEOUT, NOTEBOOK_TIMEOUT, NOTEBOOKS
from tools.kernel_client import NotebookDeadline, RustNotebookClient, cell_failure, cell_limit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

RELEASED = HERE / "released"   # the notebooks as handed out (release.py puts them here)
CHECKED = ROOT / "checked"     # executed copies


def meta(cell):
    m = cell.metadata.get("nbgrader", {})
    return m if isinstance(m, dict) else {}


def is_check(cell):
    m = meta(cell)
    return cell.cell_type == "code" and m.get("grade") and not m.get("solution")


def short(failure, limit=3):
    """At most `limit` lines saying why a cell failed: a panic's message as it is; of a
    compile error, rustc's own lines ("cannot find value `b` in this scope") with a hint."""
    lines = [l.strip() for l in failure.strip().splitlines() if l.strip()]
    if "stack backtrace:" in lines:  # Rust's full panic report (after labkit::full_panics())
        lines = [l for l in lines[:lines.index("stack backtrace:")] if not re.match(r"thread '.*' .*panicked at ", l)]
    errors = [m[1] for l in lines if (m := re.search(r"\bError: (.+)", l))]  # "[E0425] Error: cannot find …"
    if errors:
        lines = list(dict.fromkeys(errors))  # each distinct compile error once
        # (a missing `error` or `loss` reads as labkit's module of that name: "found module")
        missing = re.search(r"(?:cannot find (?:value|function)|expected value, found module) `(\w+)`", "\n".join(lines))
        if missing:
            lines = lines[:limit - 1] + [f"(`{missing[1]}` is made by a cell above that did not run to the end: "
                                         "fix the first failing cell, then run the notebook from the top)"]
    return lines[:limit]


def run(nb, path):
    deadline = NotebookDeadline(NOTEBOOK_TIMEOUT)

    def timeout(cell):
        return deadline.cell_timeout(cell_limit(cell, meta(cell).get("locked"), CELL_TIMEOUT, DEP_TIMEOUT))

    client = RustNotebookClient(nb, kernel_name="rust", timeout_func=timeout, allow_errors=True,
                                interrupt_on_timeout=True, startup_timeout=120,
                                resources={"metadata": {"path": str(path.parent)}})
    started = time.monotonic()
    try:
        client.execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # the kernel process log
    except Exception as e:  # the kernel died, or the whole notebook ran out of time
        return time.monotonic() - started, f"the run stopped: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return time.monotonic() - started, None


def check(path):
    """Runs one notebook; prints its report; returns (points earned, points possible)."""
    name = path.stem
    released = RELEASED / f"{name}.ipynb"
    if not released.exists():
        print(f"{path}: not one of the labs ({', '.join(NOTEBOOKS)})")
        return 0, 0
    release_nb = nbformat.read(released, as_version=4)
    try:
        nb, notes = merge(release_nb, read_submission(path))
    except Unreadable as e:
        print(f"{name}: the grader cannot read {path}: {e}")
        return 0, sum(meta(c).get("points", 0) for c in release_nb.cells if is_check(c))
    released_sources = {m["grade_id"]: c.source for c in release_nb.cells if (m := meta(c)).get("grade_id")}
    for cell in nb.cells:  # the grader puts changed locked cells back (nbgrader's checksums)
        m = meta(cell)
        if m.get("locked") and m.get("grade_id") in released_sources:
            cell.source = released_sources[m["grade_id"]]
    print(f"{name}: running {path} as the grader will ...", flush=True)
    seconds, stopped = run(nb, path)
    CHECKED.mkdir(exist_ok=True)
    nbformat.write(nb, CHECKED / f"{name}.ipynb")

    earned = possible = 0
    width = max((len(meta(c)["grade_id"]) for c in nb.cells if is_check(c)), default=0)
    for cell in nb.cells:
        m = meta(cell)
        if m.get("solution") and cell.cell_type == "code" and (failure := cell_failure(cell)):
            print(f"  your cell {m['grade_id']} stopped: {short(failure, 1)[0]}")
        if not is_check(cell):
            continue
        points = m.get("points", 0)
        failure = cell_failure(cell) if cell.get("outputs") or cell.get("execution_count") else "did not run"
        if cell.metadata.get("labkit_grading", {}).get("restored"):
            failure = "you deleted this check: the grader puts it back and gives it 0 points"
        ok = failure is None
        possible += points
        earned += points if ok else 0
        why = [] if ok else short(failure)
        score = f"{points if ok else 0:g}/{points:g}"
        print(f"  {'passed' if ok else 'FAILED'}  {m['grade_id']:{width}s}  {score}  {why[0] if why else ''}")
        for line in why[1:]:
            print(f"  {'':6s}  {'':{width}s}  {'':{len(score)}s}  {line}")
    by_hand = [meta(c) for c in nb.cells if meta(c).get("grade") and meta(c).get("solution")]
    print(f"  {earned:g} of {possible:g} points from the checks ({seconds:.0f} s)"
          + (f"; {sum(m.get('points', 0) for m in by_hand):g} more graded by hand "
             f"({', '.join(m['grade_id'] for m in by_hand)})" if by_hand else ""))
    for note in notes + ([stopped] if stopped else []):
        print(f"  note: {note}")
    return earned, possible


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="names or paths (default: every lab in notebooks/)")
    args = parser.parse_args(argv)
    paths = [Path(n) if n.endswith(".ipynb") else ROOT / "notebooks" / f"{n}.ipynb"
             for n in args.notebooks or [n for n in NOTEBOOKS if (RELEASED / f"{n}.ipynb").exists()]]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SystemExit(f"no such notebook: {', '.join(missing)}")
    totals = [check(p.resolve()) for p in paths]
    if len(totals) > 1:
        print(f"all checks: {sum(t[0] for t in totals):g} of {sum(t[1] for t in totals):g} points")
    print("Hidden tests run your functions on other inputs when you are graded: "
          "passing here is needed for full marks, not a promise of them.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
