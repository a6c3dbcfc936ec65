"""The student kit (`make release` writes build/release/): copied to a fresh folder, it sets
itself up with its own `make setup`, and `make check` reports what a student needs to know,
in plain words, the way the grader will score it.

Two things are supplied rather than rebuilt, to keep CI short; both are what `make setup`
would otherwise produce, with code the repository's own setup runs from scratch in CI:
  - evcxr_jupyter: the kit's documented option EVCXR_JUPYTER=<binary> points it at this
    repository's .tools/bin/evcxr_jupyter instead of building it (9 minutes);
  - the warm build directory: .evcxr/template is copied from this repository's (the kit's
    tools.warm_kernel then finds it current or recompiles only labkit).
The Python packages are installed by the kit's own Makefile from its pinned requirements.
"""
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import ROOT
from tests.corpus import Submission, build, solutions

KIT = ROOT / "build" / "release"
NAME = "five_steps"
# five_steps' checks and the task whose function each one calls first (the notebook's order)
TASK_OF = {"init": "init_params", "predict": "predict", "loss": "residuals", "gradients": "predict",
           "update": "update", "train": "train"}


def kit_env(kit):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "LABKIT_", "VIRTUAL_ENV", "PYTHON", "EVCXR"))}
    env["EVCXR_JUPYTER"] = str(ROOT / ".tools" / "bin" / "evcxr_jupyter")
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if not p.startswith(str(ROOT)))
    return env


def make(kit, *args, timeout=1800):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=kit, env=kit_env(kit),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    subprocess.run([sys.executable, "-m", "grading.release"],
                   cwd=ROOT, check=True, capture_output=True)
    kit = tmp_path_factory.mktemp("fresh") / "labs"
    shutil.copytree(KIT, kit, symlinks=True)
    template = ROOT / ".evcxr" / "template"
    if (template / ".warm").exists():
        (kit / ".evcxr").mkdir()
        subprocess.run(["cp", "-a", "--reflink=auto", str(template), str(kit / ".evcxr" / "template")], check=True)
    setup = make(kit, "setup")
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    return kit


def check_report(kit, notebook):
    """`make check NB=five_steps` with `notebook` as the student's five_steps: its output."""
    nbformat.write(notebook, kit / "notebooks" / f"{NAME}.ipynb")
    done = make(kit, "check", f"NB={NAME}", timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def check_lines(report):
    """{check name: (passed, points earned, points possible, [message lines])}."""
    found, last = {}, None
    for line in report.splitlines():
        m = re.match(rf"  (passed|FAILED)  {NAME}-check-(\S+)\s+(\d+)/(\d+)\s*(.*)$", line)
        if m:
            last = m[2]
            found[last] = (m[1] == "passed", int(m[3]), int(m[4]), [m[5]] if m[5] else [])
        elif last and re.match(r"^ {10,}\S", line):
            found[last][3].append(line.strip())
        else:
            last = None
    return found


def released():
    return nbformat.read(KIT / "notebooks" / f"{NAME}.ipynb", as_version=4)


def solution():
    return nbformat.read(ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)


def test_the_kit_is_self_contained(kit):
    for path in ["README.md", "Makefile", "requirements.txt", "requirements-lock.txt", "Cargo.lock",
                 "crate/Cargo.toml", "tools/rust-kernel", "tools/evcxr/evcxr.toml", "grading/check.py",
                 f"grading/released/{NAME}.ipynb", f"notebooks/{NAME}.ipynb"]:
        assert (kit / path).exists(), path
    readme = (kit / "README.md").read_text()
    assert "make lab" in readme and "make check" in readme and "hand in" in readme.lower()
    for path in kit.rglob("*"):
        if path.is_file() and ".venv" not in path.parts and ".evcxr" not in path.parts and ".tools" not in path.parts \
                and path.suffix in {".py", ".md", ".toml", ".ipynb", ".txt", ""}:
            text = path.read_text(errors="replace")
            assert str(ROOT) not in text and "shared/" not in text, f"{path} refers outside the kit"
    spec = (kit / ".venv" / "share" / "jupyter" / "kernels" / "rust" / "kernel.json").read_text()
    assert str(kit / "tools" / "rust-kernel") in spec


def test_an_untouched_notebook_names_each_unwritten_task_in_one_line(kit):
    report = check_report(kit, released())
    checks = check_lines(report)
    assert set(checks) == set(TASK_OF), report
    for name, (passed, earned, possible, message) in checks.items():
        assert not passed and earned == 0 < possible, (name, report)
        assert len(message) == 1 and message[0] == (f"`{TASK_OF[name]}` is not written yet: "
                                                     "fill in the cell marked // YOUR CODE HERE"), (name, report)
    assert f"0 of {sum(c[2] for c in checks.values())} points" in report
    executed = nbformat.read(kit / "checked" / f"{NAME}.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    errors = "".join(o.get("evalue", "") for c in executed.cells for o in c.get("outputs", []))
    assert "stack backtrace" not in text and "panicked at" not in text and "src/lib.rs" not in text
    assert "cannot find value" in errors and "unused variable" not in errors  # (a stub's arguments)


def test_a_half_finished_notebook_gets_exactly_the_points_of_its_finished_tasks(kit):
    """init_params and predict right, residuals with the sign the wrong way round, the rest
    not written; and a locked cell edited (the grader puts it back)."""
    bodies = {**_bodies("init_params", "predict"), "residuals": "y - yhat"}
    nb = build(Submission(NAME, "half", 0, untouched=True, bodies=bodies), released(), solution())
    data = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{NAME}-data")
    data.source = data.source.replace("RandomState::new(42)", "RandomState::new(7)")
    report = check_report(kit, nb)
    checks = check_lines(report)
    points = {name: c[2] for name, c in checks.items()}
    for name, (passed, earned, possible, message) in checks.items():
        assert passed == (name in {"init", "predict"}), (name, report)
        assert earned == (possible if passed else 0) and len(message) <= 3, (name, report)
    # the wrong residuals: what is wrong and where to look; the unwritten tasks: by name
    assert "it is yhat - y_train (in that order)" in checks["loss"][3][0], report
    assert "check your predict (step 1) and residuals (step 2)" in checks["gradients"][3][0], report
    for name in ("update", "train"):
        assert checks[name][3] == [f"`{name}` is not written yet: fill in the cell marked // YOUR CODE HERE"], report
    assert f"{points['init'] + points['predict']} of {sum(points.values())} points" in report
    assert f"locked cell '{NAME}-data' was edited; the grader uses the released cell" in report


def _bodies(*names):
    """The instructor's code for these functions (from the solution notebook)."""
    known = solutions(solution())
    return {name: known[name] for name in names}
