"""The solution notebooks, run in the same sandbox as the submissions: once to warm the
template (evcxr's build directory, build/grading/template, the read-only lower layer of
every submission's overlay) and whenever a solution changes to record the reference, the
values every check is compared with (build/grading/reference). Used by grade.py (main)."""
import argparse
import os
import time

from tools.warm_kernel import digest
from grading.common import ASSIGNMENT, COURSE, MEMORY_MB, REFERENCE, SANDBOX_UID, STATE, log
from grading.environment import template_key
from grading.scores import fmt
from grading.slots import Slots, run_worker


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
