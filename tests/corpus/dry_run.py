"""Predicts the corpus scores without the grading sandbox (no root needed), to write and
check corpus entries quickly. Not a substitute for tests/test_grading.py, which grades them
with the real grader; this skips nbgrader's repairs (restoring locked cells, deleted checks).

    .venv/bin/python -m tests.corpus.dry_run NOTEBOOK [STUDENT ...]     # from the repository's folder

Runs the solution notebook (notebooks/NOTEBOOK.ipynb, hidden tests included) with the
project's kernel, takes the values its check cells report as the reference, then runs each
submission built from the solution notebook and judges its check cells the way the grader
does (grading/judge.py). Prints expected and predicted score per submission.
"""
import sys
from pathlib import Path

import nbformat

from grading import judge
from tests.corpus import build, corpus, grade_id
from tools import run_notebooks

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

OUT = ROOT / "build" / "corpus-dry"


def run(nb, name, student):
    folder = OUT / student
    folder.mkdir(parents=True, exist_ok=True)
    for cell in nb.cells:
        cell.source = cell.source.replace('path = "../crate"', f'path = "{ROOT / "crate"}"')
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    result = run_notebooks.run_one(path, folder, cell_timeout=300, notebook_timeout=1800)
    return nbformat.read(path.parent / path.name, as_version=4), result


def checks(nb):
    """{grade_id: (points, records, problems, text)} of the executed notebook's check cells."""
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
            err = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stderr")
            err += "".join(f"{o.get('ename')}: {o.get('evalue')}" for o in cell.outputs if o.get("output_type") == "error")
            found[grade_id(cell)] = (float(meta.get("points", 0)), *judge.parse(text), err)
    return found


def main():
    name, students = sys.argv[1], set(sys.argv[2:])
    source = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    tolerances = judge.load_tolerances()
    ref_nb, result = run(nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4), name, "_solution")
    reference = checks(ref_nb)
    bad = {g: (r[2], r[3][:300]) for g, r in reference.items() if not r[1] or r[2]}
    print(f"solution: {result['wall_seconds']:.0f} s, {len(reference)} checks, "
          f"{sum(len(r[1]) for r in reference.values())} values" + (f"; CHECKS WITHOUT VALUES: {bad}" if bad else ""))
    total = sum(r[0] for r in reference.values())
    wrong = 0
    for sub in corpus([name]):
        if students and sub.student not in students:
            continue
        nb, result = run(build(sub, source, source), name, sub.student)
        got, failing, reasons = 0.0, set(), {}
        for gid, (points, records, problems, err) in checks(nb).items():
            passed, why = judge.judge(records, problems, reference[gid][1], name, tolerances)
            if passed:
                got += points
            else:
                failing.add(gid.split("-check-", 1)[1])
                reasons[gid] = (why[:2], err.strip().splitlines()[-1:] if err.strip() else "")
        ok = got == sub.score and failing == set(sub.failing)
        wrong += not ok
        print(f"{'ok  ' if ok else 'DIFF'} {sub.student:28s} expected {sub.score:g} {sorted(sub.failing)}  "
              f"predicted {got:g}/{total:g} {sorted(failing)}  ({result['wall_seconds']:.0f} s)")
        if not ok:
            for gid, r in reasons.items():
                print(f"       {gid}: {r}")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
