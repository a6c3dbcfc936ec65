"""Executes notebooks headless with the Rust kernel and renders them to HTML.

    python -m tools.run_notebooks [NOTEBOOK ...] [--out build] [--cell-timeout S] [--notebook-timeout S] [--rerun]

Without NOTEBOOK: the course's notebooks (tools/course.py), in teaching order.

For each notebook: runs it with nbclient (every cell, in order) as readers see it (without
the grader's solution markers and hidden tests, see course_site.py), writes the executed notebook to
--out and the course site to <out>/site (index.html, one page per lab, MathJax), and prints
its wall time and slowest cells.
A cell fails when it has an error output (compile error, kernel death) or writes to
stderr (evcxr reports a panic, or an error returned with `?`, only there).
Exit status 1 if any notebook failed or timed out; the failing cell and its message are
printed. Timings go to <out>/timings.json.

--rerun executes each notebook the way a student re-runs cells, in one kernel: every code
cell twice in a row, then Run All once more. It fails if a re-run cell fails or shows other
output than its first run (see `rerun_differences`).
"""
import argparse
import copy
import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from tools import course_site
from tools.course import NOTEBOOKS
from tools.kernel_client import NotebookDeadline, RustNotebookClient, cell_failure, cell_seconds, strip_ansi

ROOT = Path(__file__).resolve().parent.parent


def rerun_notebook(nb):
    """The notebook as a student re-running cells executes it: each code cell twice in a row,
    then all cells once more (Run All again, same kernel). Each code cell's metadata gets
    `rerun: [index of the cell in nb, run]`, run 1 being the first, 2 the immediate re-run,
    3 the second Run All."""
    def tagged(cell, index, run):
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.metadata["rerun"] = [index, run]
        if run > 1 and "id" in cell:
            cell.id = f"{cell.id[:60]}-r{run}"  # cell ids must stay unique
        return cell

    first, again = [], []
    for index, cell in enumerate(nb.cells):
        first.append(tagged(cell, index, 1))
        if cell.cell_type == "code":
            first.append(tagged(cell, index, 2))
        again.append(tagged(cell, index, 3))
    rerun = copy.deepcopy(nb)
    rerun.cells = first + again
    return rerun


RUNS = {1: "run once", 2: "run twice in a row", 3: "run again by a second Run All"}


def shown(cell):
    """What a code cell showed, comparable between runs: stream text per stream (evcxr may
    split it into several messages) and rich outputs by mime type."""
    streams, rich = {}, []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            streams[out["name"]] = streams.get(out["name"], "") + out["text"]
        elif "data" in out:
            rich.append(dict(out["data"]))
        else:
            rich.append({"error": strip_ansi("\n".join(out.get("traceback", [])))})
    return streams, rich


def rerun_differences(nb):
    """[(index, run, first output, re-run output)] of the re-runs in a `rerun_notebook` that
    showed other output than the first run of the same cell (`index` in the original)."""
    first, differ = {}, []
    for cell in nb.cells:
        if cell.cell_type == "code":
            index, run = cell.metadata["rerun"]
            if run == 1:
                first[index] = shown(cell)
            elif shown(cell) != first[index]:
                differ.append((index, run, first[index], shown(cell)))
    return differ


def graded_checks(nb):
    """(check cells that passed, check cells) of an executed notebook: the cells the grader
    scores (nbgrader `grade`); one passed if it ran and wrote no error."""
    graded = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    return sum(bool(c.get("execution_count")) and cell_failure(c) is None for c in graded), len(graded)


def run_one(path, out_dir, cell_timeout, notebook_timeout, rerun=False, for_readers=False, html_dir=None):
    """Executes one notebook; returns a result dict (never raises for notebook errors).
    With `rerun`, executes `rerun_notebook` of it and also fails on `rerun_differences`;
    with `for_readers`, executes it without the grader's markers (course_site.for_readers).
    Writes the executed notebook to `out_dir`, its page to `html_dir` (default `out_dir`)."""
    nb = nbformat.read(path, as_version=4)
    if for_readers:
        nb = course_site.for_readers(nb)
    if rerun:
        nb = rerun_notebook(nb)
    deadline = NotebookDeadline(notebook_timeout)
    client = RustNotebookClient(
        nb,
        kernel_name="rust",
        allow_errors=True,
        record_timing=True,
        timeout=cell_timeout,
        # the whole-notebook limit shortens the last cells' timeout
        timeout_func=lambda cell: deadline.cell_timeout(cell_timeout),
        startup_timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.monotonic()
    failure = None
    try:
        client.execute()
    except CellTimeoutError as err:
        limit = deadline.stopped_by()
        failure = f"timed out ({limit} limit: {notebook_timeout if limit == 'notebook' else cell_timeout} s): {err}"
    except DeadKernelError as err:
        failure = f"the kernel died: {err}"
    wall = time.monotonic() - started

    failed_cell = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and failure is None:
            message = cell_failure(cell)
            if message:
                failed_cell, failure = index, message
                if rerun:
                    failed_cell, run = cell.metadata["rerun"]
                    failure = f"{RUNS[run]}: {message}"
                break
    if rerun and failure is None:
        for index, run, was, now in rerun_differences(nb)[:1]:
            failed_cell, failure = index, (f"cell {index} shows other output when {RUNS[run]}:\n"
                                           f"first run: {str(was)[:1500]}\nre-run: {str(now)[:1500]}")
    if failed_cell is None and failure and "timed out" in failure:
        # the cell that was running is the first code cell without a finished execution
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and "shell.execute_reply" not in cell.get("metadata", {}).get("execution", {}):
                failed_cell = index
                break

    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    html_dir = html_dir or out_dir
    html_dir.mkdir(parents=True, exist_ok=True)
    (html_dir / path.with_suffix(".html").name).write_text(course_site.page(nb))

    cells = [
        {"index": i, "seconds": s, "first_line": c.source.splitlines()[0] if c.source else ""}
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (s := cell_seconds(c)) is not None
    ]
    return {"notebook": path.name, "wall_seconds": round(wall, 2), "ok": failure is None,
            "failed_cell": failed_cell, "failure": failure, "cells": cells, "checks": graded_checks(nb)}


def median(values):
    values = sorted(values)
    if not values:
        return float("nan")
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def report(result):
    name, wall = result["notebook"], result["wall_seconds"]
    secs = [c["seconds"] for c in result["cells"]]
    status = "ok" if result["ok"] else "FAILED"
    print(f"{name}: {status} in {wall:.1f} s, {len(secs)} code cells, median cell {median(secs):.2f} s")
    for c in sorted(result["cells"], key=lambda c: -c["seconds"])[:3]:
        print(f"    cell {c['index']:>3}: {c['seconds']:7.2f} s  {c['first_line'][:60]}")
    if not result["ok"]:
        where = f"cell {result['failed_cell']}" if result["failed_cell"] is not None else "notebook"
        print(f"  {name}, {where}: {result['failure'].strip()[:3000]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    parser.add_argument("--cell-timeout", type=int, default=900, help="seconds per cell (first cells compile dependencies)")
    parser.add_argument("--notebook-timeout", type=int, default=1800, help="seconds per notebook")
    parser.add_argument("--rerun", action="store_true", help="run every code cell twice in a row, then Run All again")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or [ROOT / "notebooks" / f"{name}.ipynb" for name in NOTEBOOKS]
    results = []
    for path in notebooks:
        print(f"running {path.name} ...", flush=True)
        result = run_one(path.resolve(), args.out, args.cell_timeout, args.notebook_timeout, rerun=args.rerun,
                         for_readers=True, html_dir=args.out / "site")
        report(result)
        results.append(result)
    all_cells = [c["seconds"] for r in results for c in r["cells"]]
    total = sum(r["wall_seconds"] for r in results)
    print(f"all {len(results)} notebooks: {total:.1f} s, median cell {median(all_cells):.2f} s; output in {args.out}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "timings.json").write_text(json.dumps(results, indent=2))
    course_site.write(results, args.out / "site")
    print(f"course site: {args.out / 'site' / 'index.html'}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
