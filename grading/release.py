"""Makes the student versions of the notebooks (`make release`).

    python -m grading.release [--notebooks five_steps,lab04,...]

1. nbgrader course in build/course/: the notebooks (with solutions and hidden tests) are
   copied to source/labs/, and `nbgrader generate_assignment labs` writes the student
   versions to release/labs/ (solution regions -> `// YOUR CODE HERE` + `todo!()`, hidden
   tests removed, outputs cleared, check cells locked with checksums) and records the
   cells, points and checksums in build/course/gradebook.db, which grading reuses.
   build/course/nbgrader_config.py points nbgrader's CLI at grading/nbgrader_config.py.
2. build/release/ is the student kit: it works on its own, on a fresh machine, laid out like
   the repository so that the first cell's `:dep labkit = { path = "../crate" }` resolves:
       README.md, Makefile       for students: `make lab` (set up, open JupyterLab), `make check`
       requirements*.txt         the pinned Python packages (JupyterLab, nbclient)
       notebooks/*.ipynb         the student versions; each stub names its task:
                                 `todo!("predict")` panics with "`predict` is not written yet"
       crate/, Cargo.toml, Cargo.lock   labkit's source (no target/) and its workspace
       tools/                    the same kernel wrapper, evcxr settings and kernel warming
                                 as this repository (the package `tools`, run as modules from
                                 the kit's folder: `python -m tools.warm_kernel`)
       grading/check.py          `make check` (`python -m grading.check`): runs a notebook the
                                 way the grader will, with submission.py (the grader's repairs)
                                 and released/ (the notebooks as handed out, to repair against)
"""
import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

from grading.common import ASSIGNMENT, COURSE, NOTEBOOKS, RELEASE, load_config, venv_on_path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def generate(notebooks):
    from nbgrader.apps import NbGraderAPI

    venv_on_path()

    source = COURSE / "source" / ASSIGNMENT
    if COURSE.exists():
        shutil.rmtree(COURSE)
    source.mkdir(parents=True)
    for name in notebooks:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", source / f"{name}.ipynb")
    # for nbgrader's own CLI/formgrader run from build/course (the kernel there is the
    # project's unsandboxed "rust" kernel: fine for the instructor's notebooks only)
    (COURSE / "nbgrader_config.py").write_text(
        "# written by grading/release.py: this course's settings are in grading/\n"
        f"load_subconfig({str(HERE / 'nbgrader_config.py')!r})\n")
    api = NbGraderAPI(config=load_config(COURSE))
    result = api.generate_assignment(ASSIGNMENT, force=True, create=True)
    if not result["success"]:
        sys.stderr.write(result.get("log", "") + "\n" + (result.get("error") or "") + "\n")
        raise SystemExit("nbgrader generate_assignment failed (see the log above)")
    return COURSE / "release" / ASSIGNMENT


KIT = {  # what the student kit copies from this repository, beside the notebooks
    "grading/kit/README.md": "README.md",
    "grading/kit/Makefile": "Makefile",
    "grading/kit/requirements.txt": "requirements.txt",
    "grading/kit/gitignore": ".gitignore",
    "requirements-lock.txt": "requirements-lock.txt",
    "Cargo.toml": "Cargo.toml",
    "Cargo.lock": "Cargo.lock",
    "tools/rust-kernel": "tools/rust-kernel",
    "tools/__init__.py": "tools/__init__.py",
    "tools/evcxr/evcxr.toml": "tools/evcxr/evcxr.toml",
    "tools/evcxr/cargo-config.toml": "tools/evcxr/cargo-config.toml",
    "tools/install_kernel.py": "tools/install_kernel.py",
    "tools/warm_kernel.py": "tools/warm_kernel.py",
    "tools/kernel_client.py": "tools/kernel_client.py",
    "tools/late_output.py": "tools/late_output.py",
    "tools/course.py": "tools/course.py",
    "grading/__init__.py": "grading/__init__.py",
    "grading/check.py": "grading/check.py",
    "grading/submission.py": "grading/submission.py",
    "grading/common.py": "grading/common.py",
}
STUB = re.compile(r"\btodo!\(\)")
FN = re.compile(r"\bfn\s+(\w+)\s*[(<]")
IMPL = re.compile(r"\bimpl\b(?:\s*<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?(\w+)[^{]*\{")


def name_stubs(nb):
    """Each `todo!()` of a solution cell becomes `todo!("<the function it is in>")`, so that
    running an unwritten task says which one (labkit::plain_panics shows "`predict` is not
    written yet: ...")."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            def named(m, source=cell.source):
                fns = list(FN.finditer(source[:m.start()]))
                if not fns:
                    return m.group(0)
                name, before = fns[-1].group(1), source[:fns[-1].start()]
                impls = list(IMPL.finditer(before))  # a method: `Type::name`
                if impls and before[impls[-1].end():].count("{") >= before[impls[-1].end():].count("}"):
                    name = f"{impls[-1].group(1)}::{name}"
                return f'todo!("{name}")'
            cell.source = STUB.sub(named, cell.source)
    return nb


def copy_release(released, notebooks):
    if RELEASE.exists():
        shutil.rmtree(RELEASE)
    for folder in ("notebooks", "grading/released"):
        (RELEASE / folder).mkdir(parents=True)
    for name in notebooks:
        nb = name_stubs(nbformat.read(released / f"{name}.ipynb", as_version=4))
        nbformat.write(nb, RELEASE / "notebooks" / f"{name}.ipynb")
        nbformat.write(nb, RELEASE / "grading" / "released" / f"{name}.ipynb")
    shutil.copytree(ROOT / "crate", RELEASE / "crate",
                    ignore=shutil.ignore_patterns("target", ".*", "__pycache__"))
    for source, dest in KIT.items():
        (RELEASE / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / source, RELEASE / dest)


def summary(notebooks):
    print(f"student kit in {RELEASE.relative_to(ROOT)}/ (README.md, make lab, make check); its notebooks:")
    for name in notebooks:
        nb = nbformat.read(RELEASE / "notebooks" / f"{name}.ipynb", as_version=4)
        meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        tasks = sum(1 for m in meta if m.get("solution"))
        auto = sum(m.get("points", 0) for c, m in zip(nb.cells, meta)
                   if m.get("grade") and not m.get("solution") and c.cell_type == "code")
        manual = sum(m.get("points", 0) for m in meta if m.get("grade") and m.get("solution"))
        print(f"  {name:16s} {len(nb.cells):3d} cells, {tasks:2d} to fill in, "
              f"{auto:g} autograded points, {manual:g} graded by hand")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", default=",".join(NOTEBOOKS),
                        help="comma-separated names (default: all five)")
    args = parser.parse_args(argv)
    notebooks = [n for n in args.notebooks.split(",") if n]
    missing = [n for n in notebooks if not (ROOT / "notebooks" / f"{n}.ipynb").exists()]
    if missing:
        raise SystemExit(f"missing notebooks: {', '.join(missing)}")
    released = generate(notebooks)
    copy_release(released, notebooks)
    summary(notebooks)


if __name__ == "__main__":
    main()
