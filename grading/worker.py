"""Grades ONE notebook of ONE student in a private nbgrader course directory.

Started by slots.run_worker (for grade.py and reference.py) as root inside a fresh network
namespace (`unshare --net`, loopback only); the Rust kernel it starts is
grading/sandbox/kernel.sh (unprivileged uid, private file system, memory/pids limits). This
process (nbgrader, the gradebook) stays outside the kernel's sandbox: student code can
neither see nor change it.

    python -m grading.worker --student ID --notebook NAME --submission FILE --run-dir DIR
                             --result FILE [--feedback FILE] [--mode grade|reference|template] [limits...]

mode grade: the check cells are judged against the solution's values in
build/grading/reference/NAME.json; reference: the solution notebook is run (on the warm
template) and its values are written there; template: the same, building the template.

Writes --result (JSON: score, max_score, status, per-check details) and --feedback (HTML).
"""
import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat

from grading import submission
from grading.common import (
    ASSIGNMENT, CELL_TIMEOUT, COURSE, DEP_TIMEOUT, MEMORY_MB, NOTEBOOK_TIMEOUT, PIDS, REFERENCE, RELEASE, ROOT,
    SANDBOX_UID, STATE, cgroup_dirs, load_config, unscored, venv_on_path, write_atomic,
)
from tools.kernel_client import failed_outputs, strip_ansi

HERE = Path(__file__).resolve().parent

KERNEL_NAME = "labkit-grading-sandbox"  # a name no other kernelspec has: never a fallback kernel
STOP_REASONS = {  # error names written by SandboxedExecute
    "DeadKernel": "kernel died",
    "NotebookTimeout": "time limit",
    "NotRun": "time limit",
    "CellTimeout": "cell time limit",
}


def write_kernelspec(run, args):
    spec_dir = run / "jupyter" / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    env = {
        "GRADE_RELEASE": str(RELEASE),
        "GRADE_EVCXR": str(ROOT / ".tools" / "bin" / "evcxr_jupyter"),
        "GRADE_EVCXR_CONFIG": str(ROOT / "tools" / "evcxr"),
        "GRADE_SYSROOT": args.sysroot,
        "GRADE_VENDOR": str(STATE / "vendor"),
        "GRADE_TEMPLATE": str(STATE / "template"),
        "GRADE_MODE": "template" if args.mode == "template" else "overlay",
        "GRADE_UID": str(SANDBOX_UID),
        "GRADE_SLOT": str(args.slot),
        "GRADE_MEMORY_MB": str(args.memory_mb),
        "GRADE_PIDS": str(args.pids),
        "GRADE_TMPFS_MB": str(args.tmpfs_mb),
        "GRADE_MOUNTPOINT": str(STATE / "mnt"),
    }
    spec = {"argv": [str(HERE / "sandbox" / "kernel.sh"), "{connection_file}"],
            "display_name": "Rust (grading sandbox)", "language": "rust",
            "interrupt_mode": "message", "env": env}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=2))
    for var, sub in (("JUPYTER_PATH", "jupyter"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data")):
        (run / sub).mkdir(exist_ok=True)
        os.environ[var] = str(run / sub)


def prepare_course(run, args):
    """A private nbgrader course with this one notebook; returns (course dir, repair notes)."""
    course = run / "course"
    for sub in ("source", "release"):
        (course / sub / ASSIGNMENT).mkdir(parents=True)
        shutil.copy(COURSE / sub / ASSIGNMENT / f"{args.notebook}.ipynb", course / sub / ASSIGNMENT)
    shutil.copy(COURSE / "gradebook.db", course / "gradebook.db")
    release_nb = nbformat.read(course / "release" / ASSIGNMENT / f"{args.notebook}.ipynb", as_version=4)
    source_nb = nbformat.read(course / "source" / ASSIGNMENT / f"{args.notebook}.ipynb", as_version=4)
    target = course / "submitted" / args.student / ASSIGNMENT
    target.mkdir(parents=True)
    try:
        submitted = submission.read_submission(Path(args.submission))
        merged, notes = submission.merge(release_nb, submitted, source_nb)
        nbformat.write(merged, target / f"{args.notebook}.ipynb")
    except submission.Unreadable:
        raise
    except Exception as err:  # noqa: BLE001 - whatever the JSON holds is the submission's problem
        raise submission.Unreadable(f"not a notebook that can be graded ({type(err).__name__}: {str(err)[:200]})")
    return course, notes


def output_text(out):
    if out.get("output_type") == "error":
        text = f"{out.get('ename')}: {out.get('evalue')}" if out.get("evalue") else "\n".join(out.get("traceback", []))
    else:
        text = out.get("text", "")
    return strip_ansi(text)


def first_lines(outputs, n=2):
    lines = []
    for out in outputs:
        for line in output_text(out).splitlines():
            if line.strip() and line.strip() not in lines:
                lines.append(line.strip())
    return " ".join(lines[:n])[:300]


def check_details(autograded):
    """Per-check details and how the run ended, from the autograded notebook."""
    nb = nbformat.read(autograded, as_version=4)
    checks, stopped, errors = [], None, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        failures = failed_outputs(cell)
        for out in failures:
            if out.output_type == "error" and out.ename in STOP_REASONS and stopped is None:
                stopped = STOP_REASONS[out.ename]
        if failures:
            errors.append({"cell": index, "grade_id": cell.metadata.get("nbgrader", {}).get("grade_id"),
                           "kinds": sorted({o.get("ename") or o.get("name") for o in failures}),
                           "message": "\n".join(output_text(o) for o in failures)[:4000]})
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            # the judge's verdict first: it is what decided the check
            verdict = [o for o in failures if o.get("ename") in ("CheckFailed", "DeletedCheck")]
            checks.append({"grade_id": meta.get("grade_id"), "passed": not failures,
                           "reason": first_lines(verdict + [o for o in failures if o not in verdict])})
    return checks, stopped, errors


def scores(course, student, notebook):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(notebook, ASSIGNMENT, student)
        auto = [g for g in sub.grades if g.cell_type == "code"]
        manual = [g for g in sub.grades if g.cell_type != "code"]
        return ({g.name: (g.auto_score or 0.0, g.max_score) for g in auto},
                sum(g.max_score for g in manual))


def grade(args):
    started = time.monotonic()
    run = Path(args.run_dir)
    result = unscored(args.student, args.notebook, "grader error")
    try:
        course, notes = prepare_course(run, args)
    except submission.Unreadable as err:
        result.update(status="unreadable", notes=[str(err)])
        return result
    result["notes"] = notes
    write_kernelspec(run, args)
    from nbgrader.apps import NbGraderAPI

    config = load_config(course, **{
        "SandboxedExecute.timeout": args.cell_timeout,
        "SandboxedExecute.dep_cell_timeout": args.dep_timeout,
        "SandboxedExecute.notebook_timeout": args.notebook_timeout,
        "SandboxedExecute.kernel_name": KERNEL_NAME,
        "SandboxedExecute.required_kernel_argv0": str(HERE / "sandbox" / "kernel.sh"),
        "HTMLExporter.sanitize_html": True,
        "JudgeChecks.mode": "grade" if args.mode == "grade" else "reference",
        "JudgeChecks.reference": str(REFERENCE / f"{args.notebook}.json"),
        "SandboxedExecute.expected": str(REFERENCE / f"{args.notebook}.json") if args.mode == "grade" else "",
        "JudgeChecks.reference_out": args.reference_out or "",
        "JudgeChecks.notebook": args.notebook,
        "SandboxedExecute.sandbox_procs": [str(d / "cgroup.procs") for d in cgroup_dirs(f"slot-{args.slot}")],
        "SandboxedExecute.sandbox_uid": SANDBOX_UID,
        "SandboxedExecute.evcxr_binary": str(ROOT / ".tools" / "bin" / "evcxr_jupyter"),
        "SandboxedExecute.timings_out": str(run / "timings.json"),
    })
    api = NbGraderAPI(config=config)
    outcome = api.autograde(ASSIGNMENT, args.student, force=True, create=True)
    (run / "autograde.log").write_text(outcome.get("log") or "")
    autograded = course / "autograded" / args.student / ASSIGNMENT / f"{args.notebook}.ipynb"
    if not outcome["success"] or not autograded.exists():
        result["notes"].append(((outcome.get("error") or "") + (outcome.get("log") or ""))[-3000:])
        return result
    per_cell, manual_max = scores(course, args.student, args.notebook)
    checks, stopped, errors = check_details(autograded)
    try:
        timings = {int(k): v for k, v in json.loads((run / "timings.json").read_text()).items()}
        slowest = max(timings, key=timings.get)
        result["slowest_cell"] = {"cell": slowest, "seconds": timings[slowest],
                                  "first_cell_seconds": timings[min(timings)]}
    except (OSError, ValueError):
        pass
    for check in checks:
        check["score"], check["points"] = per_cell.get(check["grade_id"], (0.0, 0.0))
    result.update(score=sum(s for s, _ in per_cell.values()), max_score=sum(m for _, m in per_cell.values()),
                  manual_max=manual_max, status=stopped or "ok", checks=checks, errors=errors)
    if manual_max:
        result["notes"].append(f"{manual_max:g} more points are answers to grade by hand")
    feedback = api.generate_feedback(ASSIGNMENT, args.student, force=True)
    html = course / "feedback" / args.student / ASSIGNMENT / f"{args.notebook}.html"
    if feedback["success"] and html.exists() and args.feedback:
        Path(args.feedback).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(html, args.feedback)
    elif not feedback["success"]:
        result["notes"].append("feedback failed: " + (feedback.get("log") or "")[-500:])
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", required=True)
    parser.add_argument("--notebook", required=True)
    parser.add_argument("--submission", required=True)
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--result", required=True)
    parser.add_argument("--feedback")
    parser.add_argument("--mode", choices=["grade", "reference", "template"], default="grade")
    parser.add_argument("--reference-out", help="reference/template mode: where to write the solution's values")
    parser.add_argument("--slot", type=int, default=0)
    parser.add_argument("--sysroot", required=True)
    parser.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT)
    parser.add_argument("--dep-timeout", type=int, default=DEP_TIMEOUT)
    parser.add_argument("--notebook-timeout", type=int, default=NOTEBOOK_TIMEOUT)
    parser.add_argument("--memory-mb", type=int, default=MEMORY_MB)
    parser.add_argument("--pids", type=int, default=PIDS)
    parser.add_argument("--tmpfs-mb", type=int, default=2048)
    args = parser.parse_args(argv)
    venv_on_path()
    run = Path(args.run_dir).resolve()
    args.run_dir = str(run)
    if run.exists():
        shutil.rmtree(run)
    run.mkdir(parents=True)
    try:
        result = grade(args)
    except Exception as err:  # noqa: BLE001 - reported as a grader error, never a student's 0
        import traceback

        result = unscored(args.student, args.notebook, "grader error", [traceback.format_exc()[-3000:]])
        print(f"worker: {type(err).__name__}: {err}", file=sys.stderr)
    write_atomic(args.result, json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
