"""Makes the student versions of the notebooks (`make release`).

    python grading/release.py [--notebooks five_steps,lab04,...]

1. nbgrader course in build/course/: the notebooks (with solutions and hidden tests) are
   copied to source/labs/, and `nbgrader generate_assignment labs` writes the student
   versions to release/labs/ (solution regions -> `// YOUR CODE HERE` + `todo!()`, hidden
   tests removed, outputs cleared, check cells locked with checksums) and records the
   cells, points and checksums in build/course/gradebook.db, which grading reuses.
   build/course/nbgrader_config.py points nbgrader's CLI at grading/nbgrader_config.py.
2. build/release/ is what students get, laid out like the repository so that the first
   cell's `:dep labkit = { path = "../crate" }` resolves from the notebooks folder:
       build/release/notebooks/*.ipynb   the student versions
       build/release/crate/              labkit's source (no target/)
       build/release/Cargo.toml, Cargo.lock   the workspace the crate inherits from
"""
import argparse
import shutil
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from common import ASSIGNMENT, COURSE, NOTEBOOKS, RELEASE, load_config, venv_on_path  # noqa: E402


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


def copy_release(released, notebooks):
    if RELEASE.exists():
        shutil.rmtree(RELEASE)
    (RELEASE / "notebooks").mkdir(parents=True)
    for name in notebooks:
        shutil.copy(released / f"{name}.ipynb", RELEASE / "notebooks" / f"{name}.ipynb")
    shutil.copytree(ROOT / "crate", RELEASE / "crate",
                    ignore=shutil.ignore_patterns("target", ".*", "__pycache__"))
    for name in ("Cargo.toml", "Cargo.lock"):
        shutil.copy(ROOT / name, RELEASE / name)


def summary(notebooks):
    print(f"student versions in {RELEASE.relative_to(ROOT)}/notebooks (crate beside them):")
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
